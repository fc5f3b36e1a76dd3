/*
 * tlsc/transport.h — the byte transport under a TLS connection.
 *
 * By default a connection opens its own TCP socket (POSIX: getaddrinfo,
 * IPv4 and IPv6, non-blocking connect to each address in turn; the same
 * transport is available to applications as tlsc_tcp_connect). An application with another
 * network stack (lwIP, an RTOS socket layer, a serial link, an in-memory
 * pipe for tests) supplies a tlsc_transport instead, already connected.
 *
 * Contract of every function: it never blocks for long. It returns
 *   TLSC_OK          with *done > 0 bytes moved (for recv, *done == 0 and
 *                    TLSC_OK means the peer closed the byte stream),
 *   TLSC_WANT_READ / TLSC_WANT_WRITE when nothing can move now,
 *   or an error code from the network category (TLSC_ERR_CONN_RESET, ...).
 */
#ifndef TLSC_TRANSPORT_H
#define TLSC_TRANSPORT_H

#include "tlsc/common.h"
#include "tlsc/error.h"

TLSC_BEGIN_DECLS

typedef struct tlsc_transport {
    /* Send up to len bytes; *sent receives how many were taken. */
    tlsc_err (*send)(void *ctx, const unsigned char *buf, size_t len,
                     size_t *sent);
    /* Receive up to len bytes; *got receives how many (0 = end of stream). */
    tlsc_err (*recv)(void *ctx, unsigned char *buf, size_t len, size_t *got);
    /*
     * Optional (may be NULL). Wait until the transport is readable (want_read)
     * and/or writable (want_write) or timeout_ms passes (-1 = forever).
     * Returns TLSC_OK when ready or on timeout (the caller re-checks its
     * deadline), or a network error. Required only for the blocking calls;
     * without it they spin on send/recv with a 1 ms sleep.
     */
    tlsc_err (*wait)(void *ctx, bool want_read, bool want_write,
                     int timeout_ms);
    /* Optional: release the transport. Called once by tlsc_conn_free. */
    void (*close)(void *ctx);
} tlsc_transport;

/*
 * The library's own TCP transport (what a connection opens when no
 * transport is set), for speaking something other than TLS through the
 * same address handling: resolve host, try each of its addresses (up to 4,
 * in the resolver's order) with a non-blocking connect, the next one when
 * a connect fails or takes timeout_ms (0 = no limit), and wait for it.
 * Blocks for at most the lookup plus timeout_ms per address. On success
 * *out is connected and owned by the caller: use it with
 * tlsc_tcp_transport() (ctx = *out), whose close releases it (exactly once;
 * a tlsc_conn given it with tlsc_conn_set_transport calls that close when
 * the connection is closed or freed). On failure *out is NULL (it is not
 * touched when out itself is NULL) and nothing is left to release.
 * host: a DNS name or an IP literal (IPv6 with or without brackets), at
 * most 253 characters; port 1..65535.
 * Errors: TLSC_ERR_INVALID_ARG (out or host NULL, port 0, detail NULL with
 * cap > 0), TLSC_ERR_HOSTNAME (host empty, too long or not a host name),
 * DNS and network errors (TLSC_ERR_DNS, TLSC_ERR_CONN_REFUSED, ...),
 * TLSC_ERR_TIMEOUT_CONNECT, TLSC_ERR_NO_MEMORY, TLSC_ERR_CONFIG (a build
 * without a TCP stack: platform none). detail (capacity cap, may be NULL
 * if cap is 0) says which name or address and why, for every error but
 * TLSC_ERR_INVALID_ARG (then it is not written); it is always
 * NUL-terminated when written and cut to cap.
 */
typedef struct tlsc_tcp tlsc_tcp;
TLSC_API TLSC_NODISCARD tlsc_err tlsc_tcp_connect(tlsc_tcp **out, const char *host,
                                                  uint16_t port, uint32_t timeout_ms,
                                                  char *detail, size_t cap);
/* send/recv/wait/close over a tlsc_tcp from tlsc_tcp_connect (a function,
 * not a variable: exported data does not travel well across shared
 * libraries). Never NULL; static, never freed. Its ctx must be a tlsc_tcp
 * from tlsc_tcp_connect, not yet closed. */
TLSC_API const tlsc_transport *tlsc_tcp_transport(void);

TLSC_END_DECLS

#endif /* TLSC_TRANSPORT_H */
