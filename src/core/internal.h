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

#define TLSC_ERRMSG_MAX 512
#define TLSC_PSK_MAX 64
#define TLSC_PSK_ID_MAX 128
#define TLSC_PIN_MAX 16

/* ---- configuration ------------------------------------------------------ */

/* A client certificate chain and its key (tlsc_config_set_client_cert). */
typedef struct tlsc__own_cert {
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    bool rsa_signer; /* key is a sign callback's RSA key: TLS 1.2 only (signer.c) */
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
    unsigned max_sig_checks;    /* path building's budget (default 16) */

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
    tlsc_keylog_fn keylog_fn;   /* tlsc_config_set_keylog (keylog.c), NULL = off */
    void *keylog_ud;

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
/* suites.c: the IANA names of the suites cfg offers in [vmin, vmax],
 * comma-separated, into out (capacity cap). */
void tlsc__offered_suites_text(const tlsc_config *cfg, int vmin, int vmax, char *out,
                               size_t cap);
/* buffers.c: an input buffer below 16384 bytes takes TLS 1.3 off the offer
 * (cfg's versions were not chosen by the application). */
bool tlsc__buffers_limit_tls12(const tlsc_config *cfg);
/* refusal.c: the server refused our ClientHello with `alert` (-1 = it
 * closed without one): the error, with what tlsc offered in words. */
tlsc_err tlsc__conn_fail_refused_hello(tlsc_conn *c, int alert, const char *during,
                                       const char *hint);
/* peek.c: "x25519", "secp256r1", "secp384r1" for a TLS group id, or NULL. */
const char *tlsc__group_name(uint16_t tls_id);
/* config.c: the signature algorithms tlsc offers, in words. */
extern const char tlsc__sig_algs_text[];
/* suites.c: whether cfg has a suite to offer in that range. */
bool tlsc__suites_offerable(const tlsc_config *cfg);
/* suites.c: the IANA name of one of tlsc's suites by mbedTLS id, or NULL. */
const char *tlsc__suite_iana_name(int id);

/* ---- credentials (creds.c) ---------------------------------------------- */

/* Free the client certificate, key and PSK (zeroized). */
void tlsc__creds_free(tlsc_config *cfg);
/* A client certificate block: new (empty), freed, or installed in cfg
 * (replacing and freeing the previous one). */
tlsc__own_cert *tlsc__own_cert_new(void);
void tlsc__own_cert_free(tlsc__own_cert *own);
void tlsc__own_cert_install(tlsc_config *cfg, tlsc__own_cert *own);
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
#define TLSC__SIG_CHECKS_DEFAULT 16 /* tlsc_config_set_max_signature_checks */
#define TLSC__SIG_CHECKS_MAX 1000
#define TLSC__NC_MAX 4      /* CAs with nameConstraints in one chain (more: refused) */

/* One CA's nameConstraints, as found in its DER (valid during the check). */
typedef struct tlsc__nc_ref {
    const unsigned char *p;     /* the extension's value: NameConstraints */
    size_t len;
    int depth;                  /* of the CA that carries it */
} tlsc__nc_ref;

/*
 * Everything one verification needs and finds, shared by connections
 * (tlsc_conn.v) and tlsc_verify_chain. Set cfg and the target, then build
 * the path (tlsc__path_build, directly or from a handshake's callbacks).
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

    /* state while the policy runs over one candidate path (root first) */
    const mbedtls_x509_crt *top;/* the first certificate reported */
    int top_depth;
    bool top_untrusted;         /* the chain stops at top (no trusted parent) */
    bool top_anchor;            /* top is the trusted CA */
    tlsc__nc_ref nc[TLSC__NC_MAX];
    unsigned nc_count;
    bool self_issued[TLSC__CHAIN_MAX]; /* by depth */

    /* path building (path.c) */
    bool trial;                 /* a candidate path: the application's callback
                                 * is not called (it sees the chosen path only) */
    unsigned sig_checks;        /* signature checks the last build spent */
    unsigned paths;             /* candidate paths it checked with the policy */
    bool hs_built;              /* this handshake's path is built ... */
    bool hs_mismatch;           /* ... mbedTLS reported another chain */
    bool hs_seen_parent;        /* ... mbedTLS reported hs_parent at depth 1 */
    const mbedtls_x509_crt *hs_parent; /* the leaf's issuer handed to mbedTLS */
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
/* blocking.c: an absolute deadline (tlsc_now_ms; 0 = none) for every
 * blocking call on c from now on: connect, read, write and close give
 * TLSC_ERR_TIMEOUT_TOTAL once it has passed (the HTTP client's
 * tlsc_http_set_max_time). */
void tlsc__conn_set_total_deadline(tlsc_conn *c, uint64_t deadline);
/* blocking.c: process incoming records (tlsc__conn_pump, waiting as
 * needed) until done(c) or application data is waiting, for at most
 * timeout_ms; TLSC_OK then (whether or not done), or the connection's
 * error (which may have come with what done() waited for). */
tlsc_err tlsc__conn_pump_until(tlsc_conn *c, uint32_t timeout_ms,
                               bool (*done)(const tlsc_conn *c));
/* conn.c: the server showed it accepted our certificate (TLS 1.3: it
 * went on after our Finished). */
void tlsc__conn_cc_accepted(tlsc_conn *c);
/* blocking.c: wait for the readiness `want` asks for, up to deadline. */
tlsc_err tlsc__conn_wait(tlsc_conn *c, tlsc_err want, uint64_t deadline);
/* Close the transport and mark the connection closed (keeps the error). */
void tlsc__conn_close_transport(tlsc_conn *c);

/* verify.c: tlsc's policy for one certificate of a candidate path, root
 * first, with the findings mbedTLS's chain verification would report
 * (path.c calls it; p_vrfy is a tlsc__verify). */
int tlsc__verify_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
                    uint32_t *flags);
/* verify.c: forget what the last candidate path left (path.c). */
void tlsc__verify_path_reset(tlsc__verify *v);
/* verify.c: mbedTLS BADCERT flags standing for v's failures (alerts). */
uint32_t tlsc__verify_mbedtls_flags(const tlsc__verify *v);
/* path.c: build and check a path from leaf (leaf->next: the certificates
 * the server sent, any order) to a trust anchor, with the policy of
 * verify.c; results in v (vfail 0 = valid). If parent is not NULL, it
 * receives a fresh copy (for mbedTLS) of the leaf's issuer on the chosen
 * or closest path, or NULL when that path has none. Returns 0 or an
 * mbedTLS error (out of memory). */
int tlsc__path_build(tlsc__verify *v, const mbedtls_x509_crt *leaf, mbedtls_x509_crt **parent);
/* path.c: the handshake's hooks. mbedTLS asks the CA callback (ctx: the
 * configuration) for the leaf's trusted issuers: tlsc builds the whole
 * path there and offers the leaf's issuer on it as the one "trusted" CA,
 * so mbedTLS's own walk ends after one signature; the verify callback
 * (p_vrfy: the connection's tlsc__verify) then reports tlsc's verdict.
 * tlsc__path_enter names the verification of the handshake running on
 * this thread (NULL: none). */
int tlsc__path_ca_cb(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **candidates);
int tlsc__path_vrfy_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth, uint32_t *flags);
void tlsc__path_enter(tlsc__verify *v);
/* peek_x509.c: signature facts in mbedTLS's private fields (path.c). */
bool tlsc__peek_key_allowed(const mbedtls_x509_crt_profile *prof, const mbedtls_pk_context *pk);
uint32_t tlsc__peek_sig_flags(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt);
bool tlsc__peek_name_merged(const mbedtls_x509_name *n);
bool tlsc__peek_signed_by(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent);
uint32_t tlsc__peek_crl_flags(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt,
                              const mbedtls_x509_crt *ca, const mbedtls_x509_crl *crls,
                              bool (*same_name)(const mbedtls_x509_name *,
                                                const mbedtls_x509_name *));
/* verify.c: the error code for a failed verification (detail: v->vdetail). */
tlsc_err tlsc__verify_error(const tlsc__verify *v);
/* bundle_trust.c: trusted-CA callback over the added CAs and bundle roots
 * (ctx is the configuration), for mbedTLS's own path building; the
 * handshake uses tlsc__path_ca_cb instead (kept for tests and benchmarks). */
int tlsc__trust_ca_cb(void *ctx, mbedtls_x509_crt const *child,
                      mbedtls_x509_crt **candidates);
/* bundle_trust.c: crt is self-signed and one of the added CAs, which mbedTLS
 * trusts as is when it has the CA list (not the callback): see verify.c. */
bool tlsc__trust_local_ee(const tlsc_config *cfg, const mbedtls_x509_crt *crt);

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
int tlsc__peek_client_auth(const mbedtls_ssl_context *ssl);
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
bool tlsc__peek_hs_message(const mbedtls_ssl_context *ssl, const unsigned char **msg,
                           size_t *len);
/* chain_alg.c: a DER certificate's subject (into subject, capacity cap)
 * and key type in words ("Ed25519", "EC secp521r1 (P-521)", "RSA", ...),
 * read even when mbedTLS refuses its key; false if it is not DER. */
bool tlsc__cert_key_words(const unsigned char *der, size_t len, char *subject, size_t cap,
                          const char **key);
/* peer_info.c: "ec secp256r1", "rsa 2048", ... for a parsed key. */
void tlsc__describe_key(const mbedtls_pk_context *pk, char *out, size_t cap);
/* errmap.c: whether mbedTLS's ret is an allocation failure (any module's
 * ALLOC_FAILED, PSA's INSUFFICIENT_MEMORY): a resource, not the input. */
bool tlsc__mbedtls_out_of_memory(int ret);
/* chain_alg.c: what this build verifies, in words. */
extern const char tlsc__supported_keys_text[];
/* chain_alg.c: the server's Certificate message holds a certificate with
 * a key algorithm this build cannot parse: fail c naming it. */
bool tlsc__fail_unsupported_chain_key(tlsc_conn *c, int ret);
/* chain_alg.c: when ret (parsing der, at depth in the server's chain) is
 * mbedTLS refusing the certificate's key, that in words into out. */
bool tlsc__unsupported_key_text(int ret, const unsigned char *der, size_t len, int depth,
                                char *out, size_t cap);
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
/* keylog.c: hand c's secrets to the configuration's key log, if any. */
void tlsc__keylog_attach(tlsc_conn *c);
void tlsc__mbedtls_debug(void *ctx, int level, const char *file, int line,
                         const char *msg);

/* init.c: process-wide setup (allocator and time hooks, PSA crypto). */
tlsc_err tlsc__global_init(void);
/* rng.c: seed tlsc's random generator from the platform's entropy (once;
 * TLSC_ERR_INTERNAL when the source fails), fill out with len random
 * bytes (0, or -1 when it cannot), release and zeroize its state. */
tlsc_err tlsc__rng_init(void);
int tlsc__rng_random(unsigned char *out, size_t len);
void tlsc__rng_free(void);
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
/* conn.c: tlsc_conn_new without the mbedTLS context and its record
 * buffers, which tlsc_conn_start sets up (an allocation failure then is
 * the start's error). For the event loop, where connections may wait
 * their turn (tlsc_loop_set_max_handshakes) holding nothing. */
tlsc_err tlsc__conn_new_parked(tlsc_config *cfg, tlsc_conn **out);
/* conn.c: free the connection's mbedTLS state (keys, key slots, buffers)
 * now; the tlsc_conn stays for its error and detail until tlsc_conn_free.
 * For a connection that will not be used again (tlsc_ev_free in a pass). */
void tlsc__conn_drop_tls(tlsc_conn *c);

/* keyslots.c: whether PSA's fixed key-slot table is (nearly) full now,
 * i.e. a failure just seen was most likely a key import finding no free
 * slot. Always false when the key store grows on the heap. */
bool tlsc__key_slots_exhausted(void);
/* PSA key slots one handshake holds at its peak, and one open connection
 * (measured: docs/footprint.md, Capacity). */
#define TLSC__HANDSHAKE_KEY_SLOTS 5u
#define TLSC__OPEN_KEY_SLOTS 4u
/* Free slots now (SIZE_MAX when the store grows on the heap). */
size_t tlsc__key_slots_free(void);
/* Whether a handshake's worth of slots is free now. */
bool tlsc__key_slots_free_for_handshake(void);
/* The event loop's default cap on handshakes in flight: 0 (none) when the
 * store grows, else what the table holds with each handshake's connection
 * staying open afterwards. */
unsigned tlsc__max_handshakes_default(void);

/* Zeroize and free a block of len bytes (secrets). */
void tlsc__free_secret(void *p, size_t len);
void tlsc__zeroize(void *p, size_t len);
/* Exact-length heap copy of s (NULL when out of memory). */
char *tlsc__strdup(const char *s);
/* Free *dst and make it a copy of s (NULL when out of memory). */
void tlsc__replace_str(char **dst, const char *s);

#endif /* TLSC_CORE_INTERNAL_H */
