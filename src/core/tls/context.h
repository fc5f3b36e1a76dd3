/*
 * The thread's active configuration and connection while tlsc calls into
 * mbedTLS (context.c): the clock mbedTLS sees, allocation failures of the
 * call, the connection a sign callback's failure belongs to.
 */
#ifndef TLSC_CORE_TLS_CONTEXT_H
#define TLSC_CORE_TLS_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* init.c: make cfg's clock the one mbedTLS sees on this thread. */
void tlsc__time_enter(const tlsc_config *cfg);
void tlsc__time_leave(void);
/* Same, but mbedTLS sees the fixed time unix_time (tlsc_verify_chain). */
void tlsc__time_enter_at(const tlsc_config *cfg, int64_t unix_time);
/* Before calling into mbedTLS for c: the clock as above, and a mark to tell
 * whether an allocation failed during the call. Leave with time_leave. */
void tlsc__conn_enter(tlsc_conn *c);
/* The connection whose mbedTLS call is running on this thread (between
 * conn_enter and time_leave), or NULL: a sign callback's failure is
 * recorded on it (signer.c). */
tlsc_conn *tlsc__active_conn(void);

#endif /* TLSC_CORE_TLS_CONTEXT_H */
