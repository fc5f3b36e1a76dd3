/*
 * The connection as the drivers above the core (the event loop, src/event)
 * see it: the calls they make beyond the public API, and small accessors
 * instead of the fields of struct tlsc_conn and struct tlsc_config, so that
 * those structures (core/tls/conn.h, core/config/config.h) stay the core's
 * own and can change without touching the drivers. Internal; names are
 * `tlsc__`.
 */
#ifndef TLSC_CORE_CONN_ACCESS_H
#define TLSC_CORE_CONN_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/platform.h"
#include "tlsc/config.h"
#include "tlsc/conn.h"

/*
 * tlsc_conn_start with the addresses of host already known (the event
 * driver's asynchronous lookup): the platform's TCP tries addrs[0 .. count)
 * in turn, moving on when one fails, instead of resolving host itself.
 * count 0 = resolve (tlsc_conn_start). host names the peer in details and
 * logs. Errors: as tlsc_conn_start.
 */
tlsc_err tlsc__conn_start_at(tlsc_conn *c, const char *host, uint16_t port,
                             const tlsc__addr_text *addrs, size_t count);

/* The numeric address being connected to or connected ("" before the TCP
 * connect starts, over a user transport, or on a port that does not know). */
const char *tlsc__conn_address(const tlsc_conn *c);
/* The server name set for SNI and verification, or NULL. */
const char *tlsc__conn_name(const tlsc_conn *c);
/* Whether c was never started (tlsc_conn_start). */
bool tlsc__conn_is_new(const tlsc_conn *c);
/* Whether c runs over the application's transport (tlsc_conn_set_transport). */
bool tlsc__conn_has_user_transport(const tlsc_conn *c);
/* The configuration's io timeout (tlsc_config_set_timeouts), 0 = none. */
uint32_t tlsc__config_io_ms(const tlsc_config *cfg);

/* ---- the connection's life beyond the public API ------------------------ */

/* Record err as the connection's sticky error (first one wins) with a
 * formatted detail; returns the sticky error. */
tlsc_err tlsc__conn_fail(tlsc_conn *c, tlsc_err err, const char *fmt, ...)
    TLSC_PRINTF(3, 4);

bool tlsc__is_want(tlsc_err e);

/* Close the transport and mark the connection closed (keeps the error). */
void tlsc__conn_close_transport(tlsc_conn *c);

/* conn.c: tlsc_conn_new without the mbedTLS context and its record
 * buffers, which tlsc_conn_start sets up (an allocation failure then is
 * the start's error). For the event loop, where connections may wait
 * their turn (tlsc_loop_set_max_handshakes) holding nothing. */
tlsc_err tlsc__conn_new_parked(tlsc_config *cfg, tlsc_conn **out);

/* conn.c: free the connection's mbedTLS state (keys, key slots, buffers)
 * now; the tlsc_conn stays for its error and detail until tlsc_conn_free.
 * For a connection that will not be used again (tlsc_ev_free in a pass). */
void tlsc__conn_drop_tls(tlsc_conn *c);

#endif /* TLSC_CORE_CONN_ACCESS_H */
