/*
 * What the drivers above the core (the event loop, src/event) read of a
 * connection and its configuration: small accessors instead of the
 * structures' fields, so that those structures stay the core's own and can
 * change without touching the drivers. Internal; names are `tlsc__`.
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

#endif /* TLSC_CORE_CONN_ACCESS_H */
