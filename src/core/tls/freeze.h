/*
 * The configuration's lifecycle as connections see it (config.c).
 */
#ifndef TLSC_CORE_TLS_FREEZE_H
#define TLSC_CORE_TLS_FREEZE_H

#include "tlsc/tlsc.h"

/* Freeze cfg for use by connections (idempotent, thread-safe). */
tlsc_err tlsc__config_freeze(tlsc_config *cfg);
/* One more reference to cfg (tlsc_config_free drops one). */
void tlsc__config_ref(tlsc_config *cfg);
/* config.c: the signature algorithms tlsc offers, in words. */
extern const char tlsc__sig_algs_text[];

#endif /* TLSC_CORE_TLS_FREEZE_H */
