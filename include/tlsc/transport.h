/*
 * tlsc/transport.h — the byte transport under a TLS connection.
 *
 * By default a connection opens its own POSIX TCP socket (getaddrinfo,
 * IPv4 and IPv6, non-blocking connect). An application with another
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

TLSC_END_DECLS

#endif /* TLSC_TRANSPORT_H */
