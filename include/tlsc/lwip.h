/*
 * tlsc/lwip.h — a TCP transport for tlsc over lwIP's raw API (NO_SYS=1),
 * for firmware with lwIP as its TCP/IP stack (Pico W, ESP8266 NONOS, any
 * board with an lwIP netif). Built from src/platform/lwip/ together with
 * the "none" platform (docs/footprint.md, "Porting tlsc to a board").
 *
 * Everything runs on the one thread that runs lwIP's main loop (the netif
 * poll and sys_check_timeouts) and tlsc's; nothing here may be called from
 * an interrupt.
 *
 * Flow control: received pbufs are queued as they arrive (no copy) and
 * copied once, straight into mbedTLS's record buffer, when tlsc reads;
 * only then is the window reopened (tcp_recved). So a held event
 * connection (tlsc_ev_hold) really stops the server, and a TLS record
 * larger than TCP_WND still arrives: each part is acknowledged as soon as
 * tlsc takes it, before the record is complete. Sending takes at most
 * tcp_sndbuf() bytes and stops at TCP_SND_QUEUELEN (TLSC_WANT_WRITE until
 * the peer acknowledges).
 *
 * Disconnections: a reset from the peer is TLSC_ERR_CONN_RESET (while
 * connecting: TLSC_ERR_CONN_REFUSED); lwIP aborting the connection
 * (retransmissions exhausted, out of memory) is TLSC_ERR_NETWORK; a FIN is
 * the end of the stream once the data before it was read.
 */
#ifndef TLSC_LWIP_H
#define TLSC_LWIP_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/event.h"
#include "tlsc/transport.h"

TLSC_BEGIN_DECLS

typedef struct tlsc_lwip tlsc_lwip;

/*
 * Start a TCP connection to host:port: host is an IPv4 literal or a name
 * resolved with lwIP's DNS client (dns_gethostbyname). Returns at once;
 * the connection completes in lwIP's callbacks, and until then the
 * transport's send and recv return TLSC_WANT_WRITE / TLSC_WANT_READ, so
 * it can be handed to tlsc right away. The result is released by the
 * transport's close (tlsc_conn_free / the end of an event connection), or
 * by tlsc_lwip_transport.close if it is never handed over.
 * host is borrowed for the call only (lwIP's DNS client keeps its own
 * copy while it resolves).
 * Errors: TLSC_ERR_INVALID_ARG (out or host NULL, host empty, port 0),
 * TLSC_ERR_HOSTNAME (longer than lwIP's DNS_MAX_NAME_LENGTH),
 * TLSC_ERR_NO_MEMORY (tlsc's allocator, or no lwIP pcb).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_lwip_open(tlsc_lwip **out, const char *host,
                                                uint16_t port);

/* The transport over a tlsc_lwip (ctx): send, recv, wait and close. */
TLSC_API extern const tlsc_transport tlsc_lwip_transport;

/* TLSC_OK once connected, TLSC_WANT_WRITE while resolving or connecting,
 * else why it failed (TLSC_ERR_DNS, TLSC_ERR_CONN_REFUSED, ...). */
TLSC_API tlsc_err tlsc_lwip_connected(const tlsc_lwip *t);

/*
 * A static hosts table for tlsc_lwip_open (and so for the lwIP platform's
 * tlsc_conn_connect / tlsc_http): map(ud, host) returns the name or
 * address to connect to instead, or NULL to use host as given. SNI and
 * verification still use the name the application gave. The returned
 * string need only stay valid until map is called again; ud is borrowed
 * until the map is replaced. Process-wide and not synchronized: set it
 * before connecting, from the thread that runs lwIP; NULL removes it. (The emulated board maps localhost and 127.0.0.1 to
 * its host, 10.0.2.2.)
 */
TLSC_API void tlsc_lwip_set_host_map(const char *(*map)(void *ud, const char *host),
                                     void *ud);

/*
 * What `wait` (the blocking tlsc_conn_* calls) runs while it waits: one
 * pass of the application's lwIP main loop — poll the netif, call
 * sys_check_timeouts, optionally sleep until the next interrupt. Without
 * it the blocking calls cannot make progress. ud is borrowed until the
 * hook is replaced. Process-wide and not synchronized (set it once, before
 * connecting); NULL removes it.
 */
TLSC_API void tlsc_lwip_set_poll(void (*poll)(void *ud), void *ud);

/*
 * For the event driver: open host:port (as tlsc_lwip_open) and start the
 * TLS connection of ev over it (tlsc_ev_connect_transport with
 * server_name, or host when server_name is NULL); the lwIP callbacks then
 * report readiness with tlsc_ev_transport_ready, so the application only
 * runs its lwIP main loop and tlsc_loop_process. host and server_name are
 * borrowed for the call (kept as tlsc_lwip_open and
 * tlsc_ev_connect_transport keep them). On an error the opened transport
 * is closed again.
 * Errors: TLSC_ERR_INVALID_ARG (ev NULL), those of tlsc_lwip_open and
 * tlsc_ev_connect_transport.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_lwip_ev_connect(tlsc_ev *ev, const char *host,
                                                      uint16_t port,
                                                      const char *server_name);

TLSC_END_DECLS

#endif /* TLSC_LWIP_H */
