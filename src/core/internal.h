/*
 * Internal definitions of the core: the configuration and connection
 * objects and the functions the core's files share. Nothing here is part
 * of the public API; every name is `tlsc__` (two underscores) and hidden.
 */
#ifndef TLSC_CORE_INTERNAL_H
#define TLSC_CORE_INTERNAL_H

#include "core/atomics.h"

#include "tlsc/tlsc.h"
#include "tlsc/session.h"
#include "core/util.h"
#include "core/bundle.h"
#include "platform/platform.h"

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_crl.h"
#include "mbedtls/pk.h"

#define TLSC_ERRMSG_MAX 384
#define TLSC_PSK_MAX 64
#define TLSC_PSK_ID_MAX 128
#define TLSC_PIN_MAX 16

/* ---- configuration ------------------------------------------------------ */

/* A client certificate chain and its key (tlsc_config_set_client_cert). */
typedef struct tlsc__own_cert {
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
} tlsc__own_cert;

struct tlsc_config {
    TLSC__ATOMIC(int) refs;
    TLSC__ATOMIC(int) frozen;          /* 0 open, 1 finalizing, 2 frozen */

    mbedtls_ssl_config ssl;     /* built by tlsc__config_freeze */

    /* trust */
    mbedtls_x509_crt ca;
    size_t ca_count;
    mbedtls_x509_crl *crl;      /* tlsc_config_add_crl (crl.c): heap, NULL = none */
    size_t crl_count;
    tlsc__bundle bundle;        /* roots used in place (bundle_*.c) */
    unsigned char (*pins)[32];
    size_t pin_count;
    tlsc_verify_fn verify_fn;
    void *verify_ud;
    bool insecure;
    bool keep_peer_chain;       /* tlsc_config_keep_peer_chain */
    bool allow_cn;              /* CN when the leaf has no SAN (legacy) */
    unsigned max_depth;         /* intermediates allowed (default 8) */

    /* time */
    tlsc_clock_fn clock_fn;
    void *clock_ud;
    bool allow_unknown_time;

    /* credentials (creds.c): heap, only when set */
    tlsc__own_cert *own;        /* client certificate and key, or NULL */
    unsigned char *psk;         /* one block: key bytes, then the identity ... */
    size_t psk_len;             /* ... (0 = no PSK) */
    const char *psk_identity;   /* NUL-terminated, inside the psk block */

    /* protocol */
    tlsc_tls_version vmin, vmax;
    bool versions_set;          /* by the application (buffers.c policy) */
    size_t buf_in, buf_out;     /* record buffers (0 = profile maximum) */
    bool buf_fixed;             /* tlsc_config_set_buffers_elastic(false) */
    char *alpn_block;           /* one allocation: pointer array + names */
    const char **alpn;          /* NULL-terminated, inside alpn_block */
    int suites[16];
    uint16_t suite_allow;       /* bit i: tlsc_suite_name(i) allowed; 0 = all */
    uint16_t groups[4];

    /* limits */
    uint32_t connect_ms, handshake_ms, io_ms;

    /* sessions */
    tlsc_resumption resumption;
    unsigned char id[32];       /* fingerprint of trust + credentials (freeze) */

    /* logging */
    tlsc_log_fn log_fn;
    void *log_ud;
    int log_level;
    int mbedtls_level;

    /* the last failing setter's detail: heap text (exact length), only
     * changed while the configuration is open, or a static text
     * (errmsg_static, set instead once frozen: shared by threads) */
    char *errmsg;
    TLSC__ATOMIC(const char *) errmsg_static;
};

/* First half of every *_file setter: editable, path given, file read into
 * a fresh block (NUL-terminated, not counted in *len; caller frees). */
tlsc_err tlsc__config_read_file(tlsc_config *cfg, const char *path, unsigned char **data,
                                size_t *len);
/* Prefix cfg's current detail with the file it came from; returns err. */
tlsc_err tlsc__config_fail_file(tlsc_config *cfg, tlsc_err err, const char *path);
/* TLSC_OK if a setter may change cfg (see config.c). */
tlsc_err tlsc__config_editable(tlsc_config *cfg);
/* Freeze cfg for use by connections (idempotent, thread-safe). */
tlsc_err tlsc__config_freeze(tlsc_config *cfg);
void tlsc__config_ref(tlsc_config *cfg);
/* Whether some trust source is configured. */
bool tlsc__config_has_trust(const tlsc_config *cfg);
/* PSK-only: a PSK and no certificate trust at all. */
bool tlsc__config_psk_only(const tlsc_config *cfg);
/* The configured clock's answer (negative = unknown). */
int64_t tlsc__config_now(const tlsc_config *cfg);
/* Record a setter's failure detail and return err. On a frozen
 * configuration (shared by threads) the detail is err's static message. */
tlsc_err tlsc__config_fail(tlsc_config *cfg, tlsc_err err, const char *fmt,
                           ...) TLSC_PRINTF(3, 4);
/* The same with a static text, safe on a frozen configuration. */
tlsc_err tlsc__config_fail_static(tlsc_config *cfg, tlsc_err err, const char *text);
/* Record text (a parser's detail, "" = none) as the detail; returns err. */
tlsc_err tlsc__config_detail(tlsc_config *cfg, tlsc_err err, const char *text);

/* suites.c: the suites cfg offers (0-terminated, at most cap-1 of them). */
size_t tlsc__choose_suites(const tlsc_config *cfg, int *out, size_t cap);
/* suites.c: cfg's version range narrowed to the versions of those suites. */
void tlsc__suite_versions(const tlsc_config *cfg, int *vmin, int *vmax);
/* suites.c: whether cfg has a suite to offer in that range. */
bool tlsc__suites_offerable(const tlsc_config *cfg);
/* suites.c: the IANA name of one of tlsc's suites by mbedTLS id, or NULL. */
const char *tlsc__suite_iana_name(int id);

/* ---- credentials (creds.c) ---------------------------------------------- */

/* Free the client certificate, key and PSK (zeroized). */
void tlsc__creds_free(tlsc_config *cfg);
/* crl.c: free the CRLs. */
void tlsc__crl_free(tlsc_config *cfg);

tlsc_err tlsc__parse_certs(mbedtls_x509_crt *chain, const void *data,
                           size_t len, char *detail, size_t cap,
                           size_t *parsed);
tlsc_err tlsc__parse_key(mbedtls_pk_context *key, const void *data,
                         size_t len, const char *password, char *detail,
                         size_t cap);
tlsc_err tlsc__parse_pins(const char *text, unsigned char (*out)[32],
                          size_t cap, size_t *count, char *detail,
                          size_t dcap);

/* ---- verification context (verify.c) --------------------------------------- */

#define TLSC__CHAIN_MAX 12  /* > MBEDTLS_X509_MAX_INTERMEDIATE_CA + 2 */
#define TLSC__NC_MAX 4      /* CAs with nameConstraints in one chain (more: refused) */

/* One CA's nameConstraints, as found in its DER (valid during the check). */
typedef struct tlsc__nc_ref {
    const unsigned char *p;     /* the extension's value: NameConstraints */
    size_t len;
    int depth;                  /* of the CA that carries it */
} tlsc__nc_ref;

/*
 * Everything one verification needs and finds, shared by connections
 * (tlsc_conn.v) and tlsc_verify_chain: mbedTLS's verify callback gets a
 * pointer to it. Set cfg and the target, then run mbedTLS's verification.
 */
typedef struct tlsc__verify {
    const tlsc_config *cfg;
    const char *name;           /* host name to verify, "" = none */
    const unsigned char *ip;    /* name as an IP literal ... */
    size_t ip_len;              /* ... or 0 */
    bool unknown_time;          /* the clock does not know the time */

    uint32_t vflags;            /* every failure seen (public getter) */
    uint32_t vfail;             /* failures that count under the policy */
    char *vdetail;              /* why (heap, TLSC_ERRMSG_MAX): NULL until a failure is
                                 * described, or if that allocation failed */
    char *peer_subject;         /* the leaf's subject (heap, exact length) or NULL */

    /* state while mbedTLS walks the chain (root first) */
    const mbedtls_x509_crt *top;/* the first certificate reported */
    int top_depth;
    bool top_untrusted;         /* the chain stops at top (no trusted parent) */
    bool top_anchor;            /* top is the trusted CA */
    tlsc__nc_ref nc[TLSC__NC_MAX];
    unsigned nc_count;
    bool self_issued[TLSC__CHAIN_MAX]; /* by depth */
} tlsc__verify;

/* Make v ready for a new verification of cfg against `name` (the IP bytes
 * when it is an IP literal). name and ip are borrowed for the check. v is
 * zeroed or was used before (its texts are freed). */
void tlsc__verify_begin(tlsc__verify *v, const tlsc_config *cfg, const char *name,
                        const unsigned char *ip, size_t ip_len);
/* Free v's texts. */
void tlsc__verify_end(tlsc__verify *v);
/* The detail text ("" if none) / replace it with a formatted one (dropped
 * if there is no memory for it: the flags still tell). */
const char *tlsc__verify_detail(const tlsc__verify *v);
void tlsc__verify_set_detail(tlsc__verify *v, const char *fmt, ...) TLSC_PRINTF(2, 3);
/* The verification profile: RSA >= 2048 bits, SHA-256/384/512. */
extern const mbedtls_x509_crt_profile tlsc__profile;

/* ---- X.509 extensions tlsc handles itself (x509_ext.c) -------------------- */

/* Parse one DER certificate into chain with tlsc's extension handler
 * (nameConstraints accepted, unknown critical extensions refused).
 * make_copy as for mbedtls_x509_crt_parse_der_with_ext_cb. If why is not
 * NULL it receives the refused extension's OID on that failure. */
int tlsc__x509_parse_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len,
                         int make_copy, char *why, size_t cap);
/* PEM (len counts the final NUL), each block as above: like
 * mbedtls_x509_crt_parse, returns the number of blocks that failed, or a
 * negative error when none parsed. */
int tlsc__x509_parse_pem(mbedtls_x509_crt *chain, const unsigned char *pem, size_t len);
/* The error tlsc's handler gives for an unknown critical extension. */
#define TLSC__ERR_X509_UNKNOWN_CRITICAL MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE
/* crt's nameConstraints value, if it has one: 1 found, 0 none, <0 error. */
int tlsc__x509_name_constraints(const mbedtls_x509_crt *crt, const unsigned char **p,
                                size_t *len);
/* Check crt's names (SAN dNSName/iPAddress/others, subject DN; cn_host if
 * not NULL, the CN used as a host name by the legacy fallback: an
 * iPAddress when tlsc__parse_ip reads it, as host matching does, else a
 * dNSName) against one NameConstraints value. An absolute dNSName
 * (trailing dot) fails, as does a dNSName subtree with one. 0 when
 * allowed; else TLSC_VERIFY_NAME_CONSTRAINTS with the reason in why. */
uint32_t tlsc__x509_nc_check(const unsigned char *nc, size_t nc_len,
                             const mbedtls_x509_crt *crt, const char *cn_host,
                             char *why, size_t cap);

/* The place of a certificate in the chain, for tlsc__x509_lint. */
typedef enum tlsc__role {
    TLSC__ROLE_LEAF,
    TLSC__ROLE_INTERMEDIATE,
    TLSC__ROLE_ANCHOR           /* the trusted CA the chain ends at */
} tlsc__role;

/* x509_lint.c: the RFC 5280 / CA/B profile rules for one certificate:
 * 0, or a TLSC_VERIFY_* bit with the reason in why. */
uint32_t tlsc__x509_lint(const mbedtls_x509_crt *crt, tlsc__role role, char *why, size_t cap);
/* x509_lint.c: whether the Extensions list exts (as mbedTLS keeps it:
 * v3_ext, crl_ext) has the extension oid; *critical tells how it is marked. */
bool tlsc__x509_find_ext(const mbedtls_x509_buf *exts, const char *oid, size_t oid_len,
                         bool *critical);

/* ---- sessions (session.c) --------------------------------------------------- */

/* Compute cfg->id when the configuration freezes. */
int tlsc__config_fingerprint(tlsc_config *cfg);
/* After the handshake / a TLS 1.3 ticket: keep the newest session. */
void tlsc__session_capture(tlsc_conn *c);
/* At start: offer the imported session if it belongs here. */
tlsc_err tlsc__session_offer(tlsc_conn *c);
void tlsc__session_free(tlsc_conn *c);
/* The server's subject: from the verification, or, when the handshake
 * resumed without a certificate, from the imported session ("" if none). */
const char *tlsc__conn_subject(const tlsc_conn *c);

/* ---- connection ----------------------------------------------------------- */

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
    bool user_transport;
    tlsc__tcp *tcp;             /* our own socket, or NULL */
    bool want_read, want_write;
    bool peer_closed;           /* transport reported end of stream */

    /* deadlines (tlsc_now_ms), 0 = none */
    uint64_t connect_deadline, handshake_deadline;
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
};

/* Record err as the connection's sticky error (first one wins) with a
 * formatted detail; returns the sticky error. */
tlsc_err tlsc__conn_fail(tlsc_conn *c, tlsc_err err, const char *fmt, ...)
    TLSC_PRINTF(3, 4);
/* Translate an mbedTLS return code into the sticky error (with detail). */
tlsc_err tlsc__conn_fail_mbedtls(tlsc_conn *c, int ret, const char *during);
/* The sticky error for a fatal alert the peer sent. */
tlsc_err tlsc__conn_fail_alert(tlsc_conn *c, int alert, const char *during);
bool tlsc__is_want(tlsc_err e);
/* Process incoming records without consuming application data:
 * TLSC_OK when application data is waiting, WANT codes, or an error. */
tlsc_err tlsc__conn_pump(tlsc_conn *c);
/* blocking.c: wait for the readiness `want` asks for, up to deadline. */
tlsc_err tlsc__conn_wait(tlsc_conn *c, tlsc_err want, uint64_t deadline);
/* Close the transport and mark the connection closed (keeps the error). */
void tlsc__conn_close_transport(tlsc_conn *c);

/* verify.c: the mbedTLS verify callback (p_vrfy is a tlsc__verify). */
int tlsc__verify_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
                    uint32_t *flags);
/* verify.c: the error code for a failed verification (detail: v->vdetail). */
tlsc_err tlsc__verify_error(const tlsc__verify *v);
/* bundle_trust.c: trusted-CA callback when a bundle is attached (ctx is the
 * configuration): the matching added CAs and bundle roots. */
int tlsc__trust_ca_cb(void *ctx, mbedtls_x509_crt const *child,
                      mbedtls_x509_crt **candidates);
/* bundle_trust.c: crt is self-signed and one of the added CAs, which mbedTLS
 * trusts as is when it has the CA list (not the callback): see verify.c. */
bool tlsc__trust_local_ee(const tlsc_config *cfg, const mbedtls_x509_crt *crt);
/* verify.c: trusted-CA callback that offers no CA (pin-only, insecure). */
int tlsc__no_ca_cb(void *ctx, mbedtls_x509_crt const *child,
                   mbedtls_x509_crt **candidates);

/* mbedtls_text.c: "mbedTLS -0xCODE: words" for an mbedTLS error code
 * (mbedTLS's own message with MBEDTLS_ERROR_C, otherwise the module and,
 * for common certificate and key errors, what went wrong). Always
 * NUL-terminated when cap > 0. */
void tlsc__mbedtls_text(int ret, char *out, size_t cap);
/* mbedtls_text.c: an X.509 Name as mbedtls_x509_dn_gets prints it
 * ("CN=a, O=b"), "" for an empty Name, "(unprintable name)" when mbedTLS
 * cannot print it or it does not fit. Always NUL-terminated when cap > 0. */
void tlsc__x509_dn_text(const mbedtls_x509_name *dn, char *out, size_t cap);

/* errmap.c */
const char *tlsc__alert_name(int alert);
tlsc_err tlsc__alert_error(int alert);

/* peek.c: facts mbedTLS keeps in private fields. */
int tlsc__peek_alert(const mbedtls_ssl_context *ssl);
const char *tlsc__peek_group(const mbedtls_ssl_context *ssl);
/* 1 resumed, 0 not, -1 not known (no handshake state) */
int tlsc__peek_resumed(const mbedtls_ssl_context *ssl);
/* Free the peer certificate copy inside a saved session (not needed to
 * resume; keeps sessions small). */
void tlsc__session_drop_peer_cert(mbedtls_ssl_session *s);
/* The lifetime in seconds the server gave the session's ticket (0 = none). */
uint32_t tlsc__session_lifetime(const mbedtls_ssl_session *s);
bool tlsc__session_resumable(const mbedtls_ssl_session *s);
/* Make a loaded TLS 1.3 session's host name the envelope's (see peek.c). */
int tlsc__session_pin_hostname(mbedtls_ssl_session *s, const char *name);
int tlsc__peek_pending_alert(mbedtls_ssl_context *ssl);
/* Announced length of the handshake message mbedTLS is reading (with its
 * header), 0 when none. */
size_t tlsc__peek_hs_len(const mbedtls_ssl_context *ssl);
/* peek_x509.c: the curve of an EC key ("secp256r1"), NULL if not EC. */
const char *tlsc__peek_ec_curve(const mbedtls_pk_context *pk);
/* The certificate's DER SubjectPublicKeyInfo, as parsed (no copy). */
void tlsc__peek_spki(const mbedtls_x509_crt *crt, const unsigned char **p,
                     size_t *len);

/* peek_state.c: the server message the handshake waits for ("Certificate"),
 * or NULL; the 5 header bytes (and 2 more) of the record just read and the
 * most such a record may hold (false when there is no input buffer). */
const char *tlsc__peek_awaited(const mbedtls_ssl_context *ssl);
bool tlsc__peek_record_header(const mbedtls_ssl_context *ssl, size_t max_total,
                              unsigned char hdr[7], size_t *limit, bool *protected_record);
/* peek_state.c: certificates the server sent in the running handshake;
 * the type and length (with header) of a handshake message being
 * reassembled from several records (false if none). */
size_t tlsc__peek_peer_chain_len(const mbedtls_ssl_context *ssl);
bool tlsc__peek_hs_reassembly(const mbedtls_ssl_context *ssl, int *type, size_t *len);
/* record_error.c: when mbedTLS refused a record for its framing (not TLS,
 * empty, too long, an alert in the clear once encrypted), record the
 * specific error and return true. */
bool tlsc__record_error(tlsc_conn *c, int ret, const char *during, const char *why);
/* buffers.c: record buffers and the policy they imply */
int tlsc__buffers_apply(tlsc_config *cfg);
tlsc_err tlsc__conn_buffers_after_handshake(tlsc_conn *c);
/* The largest application-data record tlsc_conn_send may write. */
size_t tlsc__conn_send_max(const tlsc_conn *c);
/* mbedtls_ssl_setup for c with its input buffer at the starting size. */
tlsc_err tlsc__conn_ssl_setup(tlsc_conn *c);
/* BIO: `got` bytes were received at buf; grow the input buffer if they
 * complete the header of a record it cannot hold (0, or an mbedTLS error). */
int tlsc__conn_in_fit(tlsc_conn *c, const unsigned char *buf, size_t got);
/* The input buffer's largest size in bytes (overhead included). */
size_t tlsc__conn_in_max(const tlsc_conn *c);
/* Nothing is buffered for c now: the elastic input buffer shrinks. */
void tlsc__conn_buffers_idle(tlsc_conn *c);
/* If a read failed on a record larger than the input buffer, fail c with
 * TLSC_ERR_RECORD_TOO_LARGE (sizes and advice) and return true. */
bool tlsc__conn_fail_record_size(tlsc_conn *c, const char *during);

/* peek_buffers.c: mbedTLS's record buffers (private fields) */
size_t tlsc__record_overhead(void);
size_t tlsc__record_max_in(void);
size_t tlsc__record_max_out(void);
int tlsc__resize_in_buffer(mbedtls_ssl_context *ssl, size_t content);
size_t tlsc__in_buffer_len(const mbedtls_ssl_context *ssl);
int tlsc__ssl_setup_sized(mbedtls_ssl_context *ssl, const mbedtls_ssl_config *conf,
                          size_t total);
int tlsc__in_buffer_fit(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t got,
                        size_t max_total, size_t *want);
int tlsc__in_buffer_idle(mbedtls_ssl_context *ssl, size_t total);
int tlsc__shrink_out_buffer(mbedtls_ssl_context *ssl, size_t content);
void tlsc__buffer_sizes(const mbedtls_ssl_context *ssl, size_t *in, size_t *out);
bool tlsc__peek_record_too_large(const mbedtls_ssl_context *ssl, size_t max_total,
                                 size_t *len, size_t *room, size_t *hs_len);
void tlsc__drop_live_peer_cert(mbedtls_ssl_context *ssl);
size_t tlsc__peer_rsl(const mbedtls_ssl_context *ssl);
int tlsc__conf_mfl_code(const mbedtls_ssl_config *conf);
int tlsc__conf_set_mfl(mbedtls_ssl_config *conf, unsigned char code, size_t len);

/* log.c */
void tlsc__log(const tlsc_config *cfg, int level, const char *fmt, ...)
    TLSC_PRINTF(3, 4);
void tlsc__mbedtls_debug(void *ctx, int level, const char *file, int line,
                         const char *msg);

/* init.c: process-wide setup (allocator and time hooks, PSA crypto). */
tlsc_err tlsc__global_init(void);
/* init.c: make cfg's clock the one mbedTLS sees on this thread. */
void tlsc__time_enter(const tlsc_config *cfg);
void tlsc__time_leave(void);
/* Same, but mbedTLS sees the fixed time unix_time (tlsc_verify_chain). */
void tlsc__time_enter_at(const tlsc_config *cfg, int64_t unix_time);
/* Before calling into mbedTLS for c: the clock as above, and a mark to tell
 * whether an allocation failed during the call. Leave with time_leave. */
void tlsc__conn_enter(tlsc_conn *c);

/* alloc.c */
void *tlsc__calloc(size_t n, size_t size);
void tlsc__free(void *p);
/* Number of allocations that failed on this thread so far. */
unsigned long tlsc__alloc_failures(void);
/* The next request on this thread of exactly `match` bytes gets a block of
 * `give` (< match) bytes instead; tlsc__alloc_clamped returns that block
 * (NULL if no request matched) and disarms. Only for mbedtls_ssl_setup's
 * input buffer, whose size mbedTLS takes from the build (peek_buffers.c). */
void tlsc__alloc_clamp_next(size_t match, size_t give);
void *tlsc__alloc_clamped(void);
/* Zeroize and free a block of len bytes (secrets). */
void tlsc__free_secret(void *p, size_t len);
void tlsc__zeroize(void *p, size_t len);
/* Exact-length heap copy of s (NULL when out of memory). */
char *tlsc__strdup(const char *s);
/* Free *dst and make it a copy of s (NULL when out of memory). */
void tlsc__replace_str(char **dst, const char *s);

#endif /* TLSC_CORE_INTERNAL_H */
