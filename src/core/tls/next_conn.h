/*
 * "The next connection like this one" (next_conn.c): the one place that
 * carries a TLS session from a connection to the next one to the same
 * server name, with the same configuration. Every reconnect path uses it:
 * the event driver's reconnections (ev.c), the HTTP engine of both drivers
 * (src/http), and through ev.c the MQTT client.
 *
 * A tlsc__next_conn owns the single saved copy of the session (a blob of
 * at most TLSC_SESSION_MAX bytes, allocated at the first session kept and
 * zeroized when freed: it holds the master secret). Zero-initialized it is
 * empty and ready. Not thread-safe: it belongs to its connection's owner.
 */
#ifndef TLSC_CORE_NEXT_CONN_H
#define TLSC_CORE_NEXT_CONN_H

#include "tlsc/conn.h"
#include "tlsc/session.h"

/* Longest server name kept (as TLSC_HOST_MAX, a DNS name). */
#define TLSC__NEXT_NAME_MAX 253

typedef struct tlsc__next_conn {
    unsigned char *blob;    /* TLSC_SESSION_MAX bytes, or NULL */
    size_t len;             /* 0: no session */
    /* Whom the session belongs to: the server name and port of the
     * connection it came from; "" for a blob imported by the application,
     * offered to any (the core still checks name, configuration, expiry). */
    char name[TLSC__NEXT_NAME_MAX + 1];
    uint16_t port;
} tlsc__next_conn;

/* Keep c's newest session (if it has one; otherwise what was kept stays).
 * c may be NULL. A failed allocation keeps nothing: the next connection
 * then makes a full handshake. */
void tlsc__next_keep(tlsc__next_conn *n, const tlsc_conn *c);

/* Keep an application's blob (tlsc_http_set_session), for any name.
 * Errors: TLSC_ERR_INVALID_ARG (NULL, empty or longer than
 * TLSC_SESSION_MAX), TLSC_ERR_NO_MEMORY. */
tlsc_err tlsc__next_import(tlsc__next_conn *n, const void *blob, size_t len);

/* Copy the kept session out, as tlsc_conn_export_session does.
 * Errors: TLSC_ERR_NO_SESSION, TLSC_ERR_BUFFER_SIZE (*len = size). */
tlsc_err tlsc__next_export(const tlsc__next_conn *n, void *buf, size_t cap, size_t *len);

/* Forget the session (zeroized) and free the blob. */
void tlsc__next_forget(tlsc__next_conn *n);

/*
 * The next connection: a new connection with cfg (parked: its TLS state is
 * allocated only when it starts, as the event driver wants), verifying the
 * server as `name` when not NULL (else as the host given at start), and
 * offering the kept session when it belongs to that name (name, or host
 * when name is NULL) and port. A session the core refuses is forgotten (a
 * full handshake follows; the core logs why); one there is no memory to
 * load is kept, and the connection is not made (TLSC_ERR_NO_MEMORY).
 * Errors: those of tlsc_conn_new and tlsc_conn_set_server_name,
 * TLSC_ERR_NO_MEMORY.
 */
tlsc_err tlsc__next_conn_new(tlsc__next_conn *n, tlsc_config *cfg, const char *name,
                             const char *host, uint16_t port, bool parked, tlsc_conn **out);

/* The same for a new connection made elsewhere (a tlsc_ev's, not started):
 * server name and session. Errors: those of tlsc_conn_set_server_name,
 * TLSC_ERR_NO_MEMORY (the session kept, as above). */
tlsc_err tlsc__next_prepare(tlsc__next_conn *n, tlsc_conn *c, const char *name,
                            const char *host, uint16_t port);

/* The next connection like prev (started: it has a host): prev's
 * configuration, server name and port, the kept session offered. */
tlsc_err tlsc__next_conn_like(tlsc__next_conn *n, const tlsc_conn *prev, bool parked,
                              tlsc_conn **out);

#endif /* TLSC_CORE_NEXT_CONN_H */
