/*
 * Cipher suites and versions a configuration offers (suites.c).
 */
#ifndef TLSC_CORE_CONFIG_SUITES_H
#define TLSC_CORE_CONFIG_SUITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* suites.c: the suites cfg offers (0-terminated, at most cap-1 of them). */
size_t tlsc__choose_suites(const tlsc_config *cfg, int *out, size_t cap);
/* suites.c: cfg's version range narrowed to the versions of those suites. */
void tlsc__suite_versions(const tlsc_config *cfg, int *vmin, int *vmax);
/* suites.c: the IANA names of the suites cfg offers in [vmin, vmax],
 * comma-separated, into out (capacity cap). */
void tlsc__offered_suites_text(const tlsc_config *cfg, int vmin, int vmax, char *out,
                               size_t cap);
/* suites.c: whether cfg has a suite to offer in that range. */
bool tlsc__suites_offerable(const tlsc_config *cfg);
/* suites.c: the IANA name of one of tlsc's suites by mbedTLS id, or NULL. */
const char *tlsc__suite_iana_name(int id);

#endif /* TLSC_CORE_CONFIG_SUITES_H */
