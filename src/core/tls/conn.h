/*
 * The connection: the layout of struct tlsc_conn and what the files that
 * drive it share (conn.c; the sticky error, errmap.c).
 */
#ifndef TLSC_CORE_TLS_CONN_H
#define TLSC_CORE_TLS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/session.h"
#include "tlsc/tlsc.h"
#include "core/verify/verify.h"
#include "platform/platform.h"

#include "mbedtls/ssl.h"

/* An imported session (session.c). */
typedef struct tlsc__offer tlsc__offer;

typedef enum tlsc__state {
    TLSC__NEW = 0,
    TLSC__CONNECTING,   /* TCP connect in progress */
    TLSC__HANDSHAKE,    /* TLS handshake in progress */
    TLSC__OPEN,
    TLSC__CLOSED,       /* transport closed by us */
    TLSC__FAILED
} tlsc__state;

/* A captured session as mbedtls_ssl_session_save wrote it (a third of the
 * heap of an mbedtls_ssl_session holding the same ticket), its lifetime,
 * in one block: blob follows the struct. */
typedef struct tlsc__saved {
    size_t len;
    uint32_t lifetime;          /* seconds, as lifetime_of() computes it */
    unsigned char blob[];
} tlsc__saved;

typedef enum tlsc__cc_verdict { TLSC__CC_UNKNOWN, TLSC__CC_ACCEPTED, TLSC__CC_REJECTED } tlsc__cc_verdict;

struct tlsc_conn {
    tlsc_config *cfg;
    mbedtls_ssl_context ssl;
    tlsc__state state;

    /* the sticky error */
    tlsc_err err;
    char *errmsg;               /* its detail (exact-length heap text), NULL until a
                                 * failure or if that allocation failed */
    tlsc_err io_err;            /* transport error behind an mbedTLS one */
    bool io_err_on_send;        /* ... and it happened while sending */
    unsigned long alloc_mark;   /* tlsc__alloc_failures() when the call began */
    unsigned long rng_mark;     /* tlsc__rng_failures() when the call began */
    /* An allocation failed inside mbedTLS during the handshake and it went
     * on: 3.6's TLS 1.2 Finished ignores its PRF's failure and sends a
     * wrong one. Until the peer's application data shows it accepted our
     * Finished, its decrypt_error or bad_record_mac is that failure's doing
     * (errmap.c). Not the server's Finished (tlsc__conn_cc_accepted): in a
     * TLS 1.2 resumption it comes before ours (http_ev_alloc_fail). Not
     * derivable from alloc_mark, which each call resets and which counts
     * every connection's failures. */
    bool hs_alloc_failed;

    /* peer: where we connect (host) and who it must be (name); exact-length
     * heap text, lower case. host is NULL before start; name is NULL until
     * set or, at start, copied from host. */
    char *host;
    uint16_t port;
    char *name;                 /* SNI + verification */
    unsigned char ip[16];       /* name as an IP literal ... */
    size_t ip_len;              /* ... or 0 for a DNS name */

    /* transport */
    tlsc_transport tp;
    void *tp_ctx;
    tlsc_tap_fn tap;            /* tlsc_conn_set_tap, or NULL */
    void *tap_ud;
    bool user_transport;
    tlsc__tcp *tcp;             /* our own socket, or NULL */
    bool want_read, want_write;
    bool peer_closed;           /* transport reported end of stream */

    bool parked;                /* no mbedTLS context yet (tlsc__conn_new_parked) */

    /* deadlines (tlsc_now_ms), 0 = none */
    uint64_t connect_deadline, handshake_deadline;
    uint64_t total_deadline;    /* the blocking driver's overall bound
                                   (tlsc__conn_set_total_deadline) */
    uint64_t handshake_start;

    /* verification: context and results, filled by the verify callback */
    tlsc__verify v;

    /* sessions (session.c), heap objects only while there is one: the
     * newest one captured, and the one imported to be offered */
    tlsc__saved *saved;         /* the newest session, serialized (session.c) */
    tlsc__offer *offer;
    bool offered;               /* the imported session went into the ClientHello */

    /* the server asked to renegotiate and mbedTLS declined (conn.c) */
    bool in_read;               /* inside mbedtls_ssl_read */
    bool reneg_refused;

    /* facts */
    const char *cipher;         /* static IANA name, NULL until the handshake is done */
    const char *group;
    bool resumed;
    size_t rec_in, rec_out;     /* negotiated record limits (buffers.c) */
    uint32_t handshake_ms;
    size_t handshake_heap_peak;
    size_t hs_msg_max;          /* largest handshake message received */

    /* client certificate: the server asked for one (CertificateRequest),
     * and its verdict once known (TLS 1.3 gives it after the handshake) */
    bool cert_requested;
    tlsc__cc_verdict cc_verdict;
};

/* Translate an mbedTLS return code into the sticky error (with detail). */
tlsc_err tlsc__conn_fail_mbedtls(tlsc_conn *c, int ret, const char *during);
/* The sticky error for a fatal alert the peer sent. */
tlsc_err tlsc__conn_fail_alert(tlsc_conn *c, int alert, const char *during);
/* Process incoming records without consuming application data:
 * TLSC_OK when application data is waiting, WANT codes, or an error. */
tlsc_err tlsc__conn_pump(tlsc_conn *c);
/* conn.c: the server showed it accepted our certificate (TLS 1.3: it
 * went on after our Finished). */
void tlsc__conn_cc_accepted(tlsc_conn *c);


#endif /* TLSC_CORE_TLS_CONN_H */
