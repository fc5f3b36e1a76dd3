/*
 * The configuration base: the layout of struct tlsc_config and the plumbing
 * every setter uses (config_base.c): whether cfg may still change, its
 * failure detail, reading a setter's file, its clock. The topic files
 * (creds.c, suites.c, verify/crl.c, ...) build on this; tls/config.c, which
 * creates, freezes and frees a configuration, sits on top of them all.
 */
#ifndef TLSC_CORE_CONFIG_CONFIG_H
#define TLSC_CORE_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"
#include "core/base/atomics.h"
#include "core/bundle/bundle.h"

#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crl.h"
#include "mbedtls/x509_crt.h"

#define TLSC_PSK_MAX 64
#define TLSC_PSK_ID_MAX 128
#define TLSC_PIN_MAX 16

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

/* A credential or trust file read whole (at most TLSC_FILE_MAX bytes, into
 * a fresh block, NUL-terminated, not counted in *len; caller frees), or
 * "cannot read PATH: reason" in detail. */
tlsc_err tlsc__config_load(const char *path, unsigned char **data, size_t *len, char *detail,
                           size_t cap);
/* First half of every *_file setter: editable, path given, file read into
 * a fresh block (NUL-terminated, not counted in *len; caller frees). */
tlsc_err tlsc__config_read_file(tlsc_config *cfg, const char *path, unsigned char **data,
                                size_t *len);
/* Prefix cfg's current detail with the file it came from; returns err. */
tlsc_err tlsc__config_fail_file(tlsc_config *cfg, tlsc_err err, const char *path);
/* TLSC_OK if a setter may change cfg (not frozen; see config_base.c). */
tlsc_err tlsc__config_editable(tlsc_config *cfg);
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

#endif /* TLSC_CORE_CONFIG_CONFIG_H */
