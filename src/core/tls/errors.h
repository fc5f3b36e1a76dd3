/*
 * Failures of a connection in words: alerts (errmap.c), records refused
 * for their framing (record_error.c), a refused ClientHello (refusal.c).
 */
#ifndef TLSC_CORE_TLS_ERRORS_H
#define TLSC_CORE_TLS_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* refusal.c: the server refused our ClientHello with `alert` (-1 = it
 * closed without one): the error, with what tlsc offered in words. */
tlsc_err tlsc__conn_fail_refused_hello(tlsc_conn *c, int alert, const char *during,
                                       const char *hint);
/* errmap.c */
const char *tlsc__alert_name(int alert);
tlsc_err tlsc__alert_error(int alert);

/* record_error.c: when mbedTLS refused a record for its framing (not TLS,
 * empty, too long, an alert in the clear once encrypted), record the
 * specific error and return true. */
bool tlsc__record_error(tlsc_conn *c, int ret, const char *during, const char *why);

#endif /* TLSC_CORE_TLS_ERRORS_H */
