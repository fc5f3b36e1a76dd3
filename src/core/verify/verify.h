/*
 * One verification: its context (struct tlsc__verify, shared by
 * connections and tlsc_verify_chain), tlsc's policy for each certificate
 * (verify.c) and path building (path.c).
 */
#ifndef TLSC_CORE_VERIFY_VERIFY_H
#define TLSC_CORE_VERIFY_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

#include "mbedtls/x509_crt.h"

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
/* verify.c: the error code for a failed verification (detail: v->vdetail). */
tlsc_err tlsc__verify_error(const tlsc__verify *v);

#endif /* TLSC_CORE_VERIFY_VERIFY_H */
