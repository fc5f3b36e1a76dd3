/*
 * tlsc/conn.h — one TLS client connection.
 *
 * A connection is created from a configuration (tlsc/config.h) and used
 * either through the BLOCKING calls (tlsc_conn_connect, _read, _write,
 * _close), which wait with the configured timeouts, or through the
 * NON-BLOCKING calls (tlsc_conn_start, _step, _recv, _send, _shutdown),
 * which never wait and answer TLSC_WANT_READ / TLSC_WANT_WRITE when the
 * transport must become ready first. Both are drivers of the same core:
 * the blocking calls are a loop over the non-blocking ones. Do not mix the
 * two styles on one connection while a call is in progress. For many
 * connections in one thread, with events, see tlsc/event.h (a third
 * driver of the same core, with its own non-blocking DNS).
 *
 * Errors are sticky: the first error a connection meets is kept, and every
 * later call (except the getters, tlsc_conn_close and tlsc_conn_free)
 * returns it again. tlsc_conn_errmsg explains it in words.
 *
 * Lifecycle:  new -> start/connect -> (handshake) -> open -> close -> free
 * A connection is used for one TLS session; make a new one to reconnect.
 */
#ifndef TLSC_CONN_H
#define TLSC_CONN_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"
#include "tlsc/transport.h"

TLSC_BEGIN_DECLS

typedef struct tlsc_conn tlsc_conn;

/* ---- lifetime --------------------------------------------------------- */

/*
 * Create a connection using cfg (which it references and freezes).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY, TLSC_ERR_NO_TRUST (no
 * CA, CA bundle, pin, PSK or insecure setting), TLSC_ERR_CONFIG (the
 * suites allowed by tlsc_config_set_suites leave none to offer; see
 * tlsc_config_errmsg), TLSC_ERR_INTERNAL.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_new(tlsc_config *cfg,
                                               tlsc_conn **out);

/* Close the transport without close_notify (if still open), zeroize session
 * secrets and free. NULL is allowed. */
TLSC_API void tlsc_conn_free(tlsc_conn *conn);

/*
 * Use ctx/ops (already connected) instead of opening a TCP socket. Call
 * before tlsc_conn_start/connect; the host name given there is then used
 * only for SNI and verification, and port is ignored. ops is copied;
 * ctx is passed to every function and released through ops->close (if
 * set) exactly once: by tlsc_conn_close, or by tlsc_conn_free if the
 * connection was never closed.
 * Errors: TLSC_ERR_INVALID_ARG (send or recv missing), TLSC_ERR_STATE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_set_transport(
    tlsc_conn *conn, const tlsc_transport *ops, void *ctx);

/*
 * Observe the bytes the connection's transport moves (its own TCP socket or
 * the one set with tlsc_conn_set_transport): fn(ud, sent, bytes, len) runs
 * after every send (sent true) or receive (sent false) that moved len > 0
 * bytes, on the calling thread, with bytes valid only during the call.
 * These are TLS records as on the wire (encrypted once the handshake has
 * got that far; tlsc keeps no secret there), for tools that show record
 * framing (`tlsc probe`) or count traffic. fn must not call into conn.
 * NULL fn removes the tap. Call before tlsc_conn_start/connect; a later
 * call replaces the earlier tap. ud is borrowed (tlsc never frees it): it
 * must stay valid until conn is freed or the tap removed.
 * Errors: TLSC_ERR_INVALID_ARG (conn NULL), TLSC_ERR_STATE (already
 * started: the tap cannot be changed, nor removed, afterwards).
 */
typedef void (*tlsc_tap_fn)(void *ud, bool sent, const unsigned char *bytes, size_t len);
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_set_tap(tlsc_conn *conn, tlsc_tap_fn fn,
                                                   void *ud);

/*
 * Verify the server as `name` (and send it as SNI) while connecting to the
 * host given to tlsc_conn_start/connect: e.g. reach a device by a fixed IP
 * address or through a tunnel, yet check the certificate issued for its
 * name. name is a DNS name or an IP literal, with the same rules as the
 * host (a final dot is removed). Call before tlsc_conn_start/connect; NULL restores the default
 * (the host itself).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_HOSTNAME, TLSC_ERR_STATE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_set_server_name(tlsc_conn *conn,
                                                           const char *name);

/* ---- blocking driver -------------------------------------------------- */

/*
 * Resolve host, connect over TCP and complete the TLS handshake, including
 * all verification. host is a DNS name (sent as SNI, verified against the
 * certificate's SAN DNS names) or an IPv4/IPv6 literal (no SNI, verified
 * against SAN IP addresses). A DNS name may end with a dot: the resolver
 * gets it as given, while SNI, verification and saved sessions use it
 * without the dot and in lower case (tlsc/config.h: one canonical form).
 * Returns TLSC_OK when the connection is open.
 * Errors: any category; see tlsc_conn_errmsg for the detail.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_connect(tlsc_conn *conn,
                                                   const char *host,
                                                   uint16_t port);

/*
 * Wait for application data and copy up to len bytes into buf; *got is the
 * number copied (> 0 on TLSC_OK). End of stream is an error code:
 * TLSC_ERR_CLOSED (peer sent close_notify; a clean end: tlsc has answered
 * with its own, in one attempt that does not wait) or
 * TLSC_ERR_TRUNCATED (the peer closed without close_notify, so the data may
 * be incomplete). Errors: TLSC_ERR_TIMEOUT_READ and any category.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_read(tlsc_conn *conn, void *buf,
                                                size_t len, size_t *got);

/* Send all len bytes, waiting as needed. Errors: TLSC_ERR_TIMEOUT_WRITE and
 * any category. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_write(tlsc_conn *conn,
                                                 const void *buf, size_t len);

/*
 * Send close_notify (bounded by the io timeout) and close the transport.
 * Safe on a connection in any state; returns TLSC_OK if close_notify was
 * sent, or if the peer ended the session first with its own close_notify
 * (tlsc answered it then: a clean end), otherwise the reason it could not
 * be. The connection may then only
 * be queried or freed.
 */
TLSC_API tlsc_err tlsc_conn_close(tlsc_conn *conn);

/* ---- non-blocking driver ---------------------------------------------- */

/*
 * Begin connecting: resolve host (synchronously, with the system resolver),
 * start a non-blocking TCP connect (or use the transport given to
 * tlsc_conn_set_transport) and arm the connect and handshake deadlines.
 * Then call tlsc_conn_step until it returns TLSC_OK.
 * Errors: TLSC_ERR_STATE (already started), TLSC_ERR_HOSTNAME, DNS and
 * network categories.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_start(tlsc_conn *conn,
                                                 const char *host,
                                                 uint16_t port);

/*
 * Advance the TCP connect and TLS handshake as far as possible without
 * waiting. Returns TLSC_OK once the connection is open (and on every call
 * after that), TLSC_WANT_READ / TLSC_WANT_WRITE to be called again when the
 * transport is ready (or the deadline from tlsc_conn_poll_info passes), or
 * an error, including the connect and handshake timeouts.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_step(tlsc_conn *conn);

/*
 * What the non-blocking driver waits for: *fd is the socket to poll (-1 for
 * a user transport), *want_read / *want_write the readiness wanted, and
 * *deadline_ms the monotonic time (tlsc_now_ms) at which the pending
 * operation times out (0 = none). Any pointer may be NULL.
 */
TLSC_API void tlsc_conn_poll_info(const tlsc_conn *conn, int *fd,
                                  bool *want_read, bool *want_write,
                                  uint64_t *deadline_ms);

/*
 * Read decrypted data without waiting. TLSC_OK with *got > 0, or
 * TLSC_WANT_READ / TLSC_WANT_WRITE, TLSC_ERR_CLOSED, TLSC_ERR_TRUNCATED, or
 * an error. Only on an open connection (after tlsc_conn_step returned OK).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_recv(tlsc_conn *conn, void *buf,
                                                size_t len, size_t *got);

/*
 * Encrypt and send up to len bytes without waiting; *sent receives how many
 * bytes of buf were consumed. After TLSC_WANT_WRITE the SAME buf and len
 * must be passed again (mbedTLS may hold a partly written record).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_send(tlsc_conn *conn,
                                                const void *buf, size_t len,
                                                size_t *sent);

/* Send close_notify without waiting: TLSC_OK when sent, TLSC_WANT_WRITE to
 * call again. The transport stays open until tlsc_conn_free/close. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_shutdown(tlsc_conn *conn);

/* ---- errors ----------------------------------------------------------- */

/* The sticky error of the connection (TLSC_OK if none). */
TLSC_API tlsc_err tlsc_conn_error(const tlsc_conn *conn);

/* Detail of the sticky error in words ("certificate expired on
 * 2024-01-01T00:00:00Z (depth 0, CN=example)", "peer sent fatal alert
 * handshake_failure (40)", ...); "" when there is no error. Owned by conn. */
TLSC_API const char *tlsc_conn_errmsg(const tlsc_conn *conn);

/* ---- facts about the open connection ---------------------------------- */
/* Strings are owned by conn and live until tlsc_conn_free; "" if unknown. */

/* "TLSv1.2" or "TLSv1.3". */
TLSC_API const char *tlsc_conn_protocol(const tlsc_conn *conn);
/* IANA cipher suite name, e.g. "TLS_AES_128_GCM_SHA256". */
TLSC_API const char *tlsc_conn_cipher(const tlsc_conn *conn);
/* Key exchange group: "x25519", "secp256r1", "secp384r1", or "" (plain PSK). */
TLSC_API const char *tlsc_conn_group(const tlsc_conn *conn);
/* Protocol chosen by ALPN, or "" if none was negotiated. */
TLSC_API const char *tlsc_conn_alpn(const tlsc_conn *conn);
/* Subject of the server's leaf certificate, or "" (PSK). */
TLSC_API const char *tlsc_conn_peer_subject(const tlsc_conn *conn);
/* Verification failures (TLSC_VERIFY_* bits) seen for the server, 0 when
 * verified. Non-zero only on a failed connection or in insecure mode. */
TLSC_API uint32_t tlsc_conn_verify_flags(const tlsc_conn *conn);
/* Whether the handshake resumed an earlier session. */
TLSC_API bool tlsc_conn_resumed(const tlsc_conn *conn);
/* Wall time of the TLS handshake in milliseconds (TCP connect excluded). */
TLSC_API uint32_t tlsc_conn_handshake_ms(const tlsc_conn *conn);
/* Peak heap (tlsc_heap_peak) observed from the start of the handshake to
 * its end, in bytes: the process-wide peak, so meaningful when one
 * handshake runs at a time. */
TLSC_API size_t tlsc_conn_handshake_heap_peak(const tlsc_conn *conn);
/*
 * The negotiated maximum record plaintext in each direction, in bytes (0
 * before the handshake). in: what the server may send — the
 * max_fragment_length tlsc offered (TLS 1.2), the build's record_size_limit
 * if the server sent one (TLS 1.3, it then honours ours), else 16384.
 * out: the largest record tlsc will send (the configured output buffer,
 * capped by the server's limits). See tlsc_config_set_buffers.
 */
TLSC_API void tlsc_conn_record_limit(const tlsc_conn *conn, size_t *in,
                                     size_t *out);
/*
 * The record_size_limit (RFC 8449) the server sent in its TLS 1.3
 * EncryptedExtensions, in bytes; a server that sends one honours the one
 * tlsc offered (tlsc_record_size_limit_offered). 0 when it sent none, when
 * the connection is not TLS 1.3 or its handshake is not over, and always
 * in a build that does not offer record_size_limit (the full profile).
 */
TLSC_API size_t tlsc_conn_peer_record_size_limit(const tlsc_conn *conn);
/* Monotonic milliseconds clock used for all deadlines. */
TLSC_API uint64_t tlsc_now_ms(void);

/* ---- the client certificate ------------------------------------------- */

/*
 * Whether the server asked for a client certificate (sent a
 * CertificateRequest) in this connection's handshake. Known once the
 * handshake is over, and on a handshake that failed after that message.
 */
TLSC_API bool tlsc_conn_client_cert_requested(const tlsc_conn *conn);

typedef enum tlsc_client_cert_status {
    TLSC_CLIENT_CERT_NOT_REQUESTED = 0, /* no CertificateRequest (or not yet) */
    TLSC_CLIENT_CERT_NONE_SENT = 1,     /* requested, none configured: an empty
                                           Certificate was sent; if the server
                                           refused that, the error says so */
    TLSC_CLIENT_CERT_SENT = 2,          /* sent; the server's verdict is not known
                                           yet (TLS 1.3, see below) */
    TLSC_CLIENT_CERT_ACCEPTED = 3,      /* sent and accepted */
    TLSC_CLIENT_CERT_REJECTED = 4       /* sent and refused: the connection's error
                                           is the server's alert */
} tlsc_client_cert_status;

/*
 * What became of the client certificate. In TLS 1.2 the server checks it
 * before its Finished, so the verdict is known when the handshake ends (a
 * refusal fails the handshake). In TLS 1.3 the client's handshake ends
 * first and the server answers after it: with an alert
 * (certificate_required, unknown_ca, bad_certificate, ...: the status
 * becomes REJECTED and the connection fails with TLSC_ERR_PEER_CERT_REQUIRED
 * or TLSC_ERR_PEER_BAD_CERT, the detail naming the alert), or by going on
 * (a session ticket or application data: ACCEPTED).
 * - A blocking user calls tlsc_conn_await_client_cert_verdict after
 *   tlsc_conn_connect, or simply reads: the first tlsc_conn_read returns
 *   the refusal as its error. A write after a refusal also reports the
 *   server's alert, not the reset of the closed socket.
 * - An event user (tlsc/event.h) learns a refusal from TLSC_EV_DISCONNECTED
 *   (or TLSC_EV_RECONNECTION) with that error; TLSC_EV_SESSION or the first
 *   TLSC_EV_RECEIVE mean it was accepted; this getter can be called in any
 *   callback.
 */
TLSC_API tlsc_client_cert_status tlsc_conn_client_cert_status(const tlsc_conn *conn);

/*
 * Blocking: after the handshake, when the server asked for a certificate,
 * process what it sends until its verdict is known (see above), for at
 * most timeout_ms. Application data that arrives is left for
 * tlsc_conn_read. Returns TLSC_OK when the certificate (or its absence)
 * was accepted, was not requested, or no verdict came in time (the status
 * is then still TLSC_CLIENT_CERT_SENT or _NONE_SENT: servers that send
 * neither tickets nor data say nothing until the application speaks);
 * otherwise the connection's error (the server's alert).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_STATE (not open), any category.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_await_client_cert_verdict(tlsc_conn *conn,
                                                                     uint32_t timeout_ms);

/* ---- what the server sent --------------------------------------------- */
/* For sizing a device's buffers and trust store (`tlsc probe`). */

/* One certificate as the server sent it. */
typedef struct tlsc_peer_cert {
    const unsigned char *der;   /* DER; owned by the connection */
    size_t der_len;
    char key[32];               /* "ec secp256r1", "ec x25519", "rsa 2048",
                                   ... or "unknown" */
} tlsc_peer_cert;

/*
 * The index-th certificate of the chain the server sent in this
 * connection's handshake, in the order it was sent (0 = the leaf): fills
 * *out and returns true. Returns false past the end, and when no chain is
 * known: before the handshake, with a PSK, after resumption, and once the
 * handshake is over unless the configuration keeps the chain
 * (tlsc_config_keep_peer_chain: by default tlsc frees the server's
 * certificates once they are verified, to keep an idle connection small).
 * out->der stays valid until tlsc_conn_free.
 */
TLSC_API bool tlsc_conn_peer_cert(const tlsc_conn *conn, size_t index,
                                  tlsc_peer_cert *out);

/*
 * The key of the DER certificate der (len bytes) in words into out
 * (capacity cap; 32 is enough), as tlsc_peer_cert.key names keys ("ec
 * secp256r1", "rsa 2048"), also when this build cannot use the key:
 * "ed25519", "ed448", "ec secp521r1", "ec brainpoolP256r1", "ec
 * secp256k1", "rsassa-pss", "dsa", ... *usable (may be NULL) says whether
 * this build can verify with it. der is borrowed for the call; out is
 * NUL-terminated, truncated to cap. Returns false when der is not a
 * certificate, memory ran out while parsing it, or der or out is NULL or
 * cap is 0 (nothing written). For `tlsc probe`, which reads the
 * certificate of a server tlsc cannot talk to.
 */
TLSC_API bool tlsc_cert_key(const unsigned char *der, size_t len, char *out, size_t cap,
                            bool *usable);

/*
 * The largest handshake message the server sent during the handshake, in
 * bytes including its 4-byte header (0 before any). A handshake message
 * must fit whole in the input buffer, and in TLS 1.3 the messages are
 * encrypted, so this is the only way to learn their size.
 */
TLSC_API size_t tlsc_conn_max_handshake_message(const tlsc_conn *conn);

TLSC_END_DECLS

#endif /* TLSC_CONN_H */
