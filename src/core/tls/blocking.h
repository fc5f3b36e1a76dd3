/*
 * The blocking driver's waits and deadlines (blocking.c).
 */
#ifndef TLSC_CORE_TLS_BLOCKING_H
#define TLSC_CORE_TLS_BLOCKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* blocking.c: an absolute deadline (tlsc_now_ms; 0 = none) for every
 * blocking call on c from now on: connect, read, write and close give
 * TLSC_ERR_TIMEOUT_TOTAL once it has passed (the HTTP client's
 * tlsc_http_set_max_time). */
void tlsc__conn_set_total_deadline(tlsc_conn *c, uint64_t deadline);
/* blocking.c: process incoming records (tlsc__conn_pump, waiting as
 * needed) until done(c) or application data is waiting, for at most
 * timeout_ms; TLSC_OK then (whether or not done), or the connection's
 * error (which may have come with what done() waited for). */
tlsc_err tlsc__conn_pump_until(tlsc_conn *c, uint32_t timeout_ms,
                               bool (*done)(const tlsc_conn *c));
/* blocking.c: wait for the readiness `want` asks for, up to deadline. */
tlsc_err tlsc__conn_wait(tlsc_conn *c, tlsc_err want, uint64_t deadline);

#endif /* TLSC_CORE_TLS_BLOCKING_H */
