/*
 * The shared configuration: setters store what the caller asked for;
 * tlsc__config_freeze turns it into an mbedtls_ssl_config once, when the
 * first connection is created, because some choices (which suites to
 * offer, which TLS 1.3 key exchange modes) depend on the whole picture.
 *
 * This file creates, freezes and frees a configuration, so it calls into
 * every topic (suites, credentials, buffers, trust, sessions) and sits at
 * the top of the core; the plumbing those topics' setters share is the
 * configuration base below them (config/config_base.c).
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/atomics.h"
#include "core/base/codec.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"
#include "core/config/config.h"
#include "core/config/creds.h"
#include "core/config/log.h"
#include "core/config/suites.h"
#include "core/mbedtls/init.h"
#include "core/tls/buffers.h"
#include "core/tls/freeze.h"
#include "core/tls/session.h"
#include "core/verify/trust.h"
#include "core/verify/verify.h"

#include "mbedtls/debug.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"

/*
 * Signature algorithms, PKCS#1 v1.5 before PSS on purpose: mbedTLS 3.6's
 * TLS 1.2 client cannot verify an RSA-PSS ServerKeyExchange, yet a
 * ClientHello that offers TLS 1.3 must list PSS (TLS 1.3 allows only PSS
 * for RSA). Servers that follow the client's order (OpenSSL's default)
 * then sign TLS 1.2 with PKCS#1 and TLS 1.3 with PSS.
 */
static const uint16_t SIG_ALGS[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE,
};
/* SIG_ALGS in words, for the error when a server refuses the handshake. */
const char tlsc__sig_algs_text[] = "ECDSA P-256/P-384, RSA PKCS#1 and RSA-PSS (SHA-256/384/512)";
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

tlsc_err tlsc_config_new(tlsc_config **out)
{
    if (out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_err err = tlsc__global_init();
    if (err != TLSC_OK)
        return err;
    tlsc_config *cfg = tlsc__calloc(1, sizeof *cfg);
    if (cfg == NULL)
        return TLSC_ERR_NO_MEMORY;
    tlsc__atomic_init(&cfg->refs, 1);
    tlsc__atomic_init(&cfg->frozen, 0);
    mbedtls_ssl_config_init(&cfg->ssl);
    mbedtls_x509_crt_init(&cfg->ca);
    tlsc__atomic_init(&cfg->errmsg_static, NULL);
    cfg->vmin = TLSC_TLS1_2;
    cfg->vmax = TLSC_TLS1_3;
    cfg->connect_ms = 10000;
    cfg->handshake_ms = 15000;
    cfg->io_ms = 30000;
    cfg->resumption = TLSC_RESUMPTION_ON;
    cfg->max_depth = MBEDTLS_X509_MAX_INTERMEDIATE_CA;
    cfg->max_sig_checks = TLSC__SIG_CHECKS_DEFAULT;
    *out = cfg;
    return TLSC_OK;
}

void tlsc__config_ref(tlsc_config *cfg)
{
    (void)tlsc__atomic_fetch_add(&cfg->refs, 1);
}

static void free_alpn(tlsc_config *cfg)
{
    tlsc__free(cfg->alpn_block);
    cfg->alpn_block = NULL;
    cfg->alpn = NULL;
}

void tlsc_config_free(tlsc_config *cfg)
{
    if (cfg == NULL || tlsc__atomic_fetch_sub(&cfg->refs, 1) != 1)
        return;
    mbedtls_ssl_config_free(&cfg->ssl);
    mbedtls_x509_crt_free(&cfg->ca);
    tlsc__crl_free(cfg);
    tlsc__bundle_release(&cfg->bundle);
    tlsc__creds_free(cfg);
    tlsc__free(cfg->pins);
    free_alpn(cfg);
    tlsc__free(cfg->errmsg);
    tlsc__free_secret(cfg, sizeof *cfg);
}

static bool version_known(tlsc_tls_version v)
{
    return v == TLSC_TLS1_2 || v == TLSC_TLS1_3;
}

tlsc_err tlsc_config_set_versions(tlsc_config *cfg, tlsc_tls_version min,
                                  tlsc_tls_version max)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (!version_known(min) || !version_known(max) || min > max)
        return tlsc__config_fail(cfg, TLSC_ERR_VERSION_RANGE,
                                 "version range 0x%04x..0x%04x is not within TLS 1.2..1.3 "
                                 "or min is above max", (unsigned)min, (unsigned)max);
    cfg->vmin = min;
    cfg->vmax = max;
    cfg->versions_set = true;
    return TLSC_OK;
}

tlsc_err tlsc_config_add_ca(tlsc_config *cfg, const void *data, size_t len)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (data == NULL || len == 0)
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG, "empty CA data");
    size_t parsed = 0;
    char why[TLSC_ERRMSG_MAX] = "";
    err = tlsc__parse_certs(&cfg->ca, data, len, why, sizeof why, &parsed);
    if (err == TLSC_OK)
        cfg->ca_count += parsed;
    return tlsc__config_detail(cfg, err, why); /* also on success: skipped ones */
}

tlsc_err tlsc_config_add_ca_file(tlsc_config *cfg, const char *path)
{
    unsigned char *data;
    size_t len;
    tlsc_err err = tlsc__config_read_file(cfg, path, &data, &len);
    if (err != TLSC_OK)
        return err;
    err = tlsc_config_add_ca(cfg, data, len + 1); /* + its NUL, for PEM */
    tlsc__free(data);
    /* also on success: the detail then counts skipped certificates */
    if (err != TLSC_OK || tlsc_config_errmsg(cfg)[0] != '\0')
        tlsc__config_fail_file(cfg, err, path);
    return err;
}

tlsc_err tlsc_config_add_pin(tlsc_config *cfg, const char *pins)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (pins == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (cfg->pins == NULL) {
        cfg->pins = tlsc__calloc(TLSC_PIN_MAX, sizeof *cfg->pins);
        if (cfg->pins == NULL)
            return TLSC_ERR_NO_MEMORY;
    }
    size_t count = cfg->pin_count;
    char why[TLSC_ERRMSG_MAX] = "";
    err = tlsc__parse_pins(pins, cfg->pins, TLSC_PIN_MAX, &count, why, sizeof why);
    if (err == TLSC_OK)
        cfg->pin_count = count;
    return tlsc__config_detail(cfg, err, why);
}

tlsc_err tlsc_config_set_verify_callback(tlsc_config *cfg, tlsc_verify_fn fn,
                                         void *ud)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->verify_fn = fn;
    cfg->verify_ud = ud;
    return TLSC_OK;
}

tlsc_err tlsc_config_insecure_skip_verify(tlsc_config *cfg)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->insecure = true;
    return TLSC_OK;
}

tlsc_err tlsc_config_allow_cn_fallback(tlsc_config *cfg, bool allow)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->allow_cn = allow;
    return TLSC_OK;
}

tlsc_err tlsc_config_set_max_chain_depth(tlsc_config *cfg, unsigned max_intermediates)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (max_intermediates > MBEDTLS_X509_MAX_INTERMEDIATE_CA)
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG,
                                 "at most %d intermediates can be verified (got %u)",
                                 MBEDTLS_X509_MAX_INTERMEDIATE_CA, max_intermediates);
    cfg->max_depth = max_intermediates;
    return TLSC_OK;
}

tlsc_err tlsc_config_set_max_signature_checks(tlsc_config *cfg, unsigned max_checks)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (max_checks == 0 || max_checks > TLSC__SIG_CHECKS_MAX)
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG,
                                 "the signature-check budget must be 1 to %d (got %u)",
                                 TLSC__SIG_CHECKS_MAX, max_checks);
    cfg->max_sig_checks = max_checks;
    return TLSC_OK;
}

tlsc_err tlsc_config_set_clock(tlsc_config *cfg, tlsc_clock_fn fn, void *ud)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->clock_fn = fn;
    cfg->clock_ud = ud;
    return TLSC_OK;
}

tlsc_err tlsc_config_allow_unknown_time(tlsc_config *cfg, bool allow)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->allow_unknown_time = allow;
    return TLSC_OK;
}

tlsc_err tlsc_config_set_timeouts(tlsc_config *cfg, uint32_t connect_ms,
                                  uint32_t handshake_ms, uint32_t io_ms)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->connect_ms = connect_ms;
    cfg->handshake_ms = handshake_ms;
    cfg->io_ms = io_ms;
    return TLSC_OK;
}

tlsc_err tlsc_config_set_log(tlsc_config *cfg, tlsc_log_fn fn, void *ud,
                             int level, int mbedtls_level)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (level < 0 || level > 4 || mbedtls_level < 0 || mbedtls_level > 4)
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG,
                                 "log levels must be 0..4 (got %d, %d)", level,
                                 mbedtls_level);
    cfg->log_fn = fn;
    cfg->log_ud = ud;
    cfg->log_level = fn ? level : 0;
    cfg->mbedtls_level = fn ? mbedtls_level : 0;
    return TLSC_OK;
}

/* Lay the names out in one block: pointer array, then the strings. */
tlsc_err tlsc_config_set_alpn(tlsc_config *cfg, const char *protocols)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (protocols == NULL || protocols[0] == '\0') {
        free_alpn(cfg);
        return TLSC_OK;
    }
    int n = tlsc__alpn_count(protocols);
    if (n < 0)
        return tlsc__config_fail(cfg, TLSC_ERR_ALPN,
                                 "invalid ALPN list '%.64s': 1..%d comma-separated names "
                                 "of 1..255 printable bytes", protocols, TLSC_ALPN_MAX);
    size_t ptrs = ((size_t)n + 1) * sizeof(char *);
    size_t len = strlen(protocols) + 1;
    char *block = tlsc__calloc(1, ptrs + len);
    if (block == NULL)
        return TLSC_ERR_NO_MEMORY;
    const char **list = (const char **)(void *)block;
    char *names = block + ptrs;
    memcpy(names, protocols, len);
    int i = 0;
    for (char *tok = names; tok != NULL; i++) {
        list[i] = tok;
        tok = strchr(tok, ',');
        if (tok != NULL)
            *tok++ = '\0';
    }
    free_alpn(cfg);
    cfg->alpn_block = block;
    cfg->alpn = list;
    return TLSC_OK;
}

/* ---- freezing ------------------------------------------------------------- */

static void choose_suites(tlsc_config *cfg)
{
    tlsc__choose_suites(cfg, cfg->suites, COUNT(cfg->suites));
    mbedtls_ssl_conf_ciphersuites(&cfg->ssl, cfg->suites);
}

/* TLS 1.3 key exchange modes: certificates need ephemeral; tickets are
 * resumed with psk_dhe_ke by default, or with psk_ke only when explicitly
 * chosen (offered instead of psk_dhe_ke: servers such as OpenSSL always
 * take psk_dhe_ke when both are offered); an external PSK offers both. */
static int tls13_kex_modes(const tlsc_config *cfg)
{
    if (tlsc__config_psk_only(cfg))
        return MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL;
    if (cfg->psk_len != 0)
        return MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL;
    if (cfg->resumption == TLSC_RESUMPTION_PSK_KE)
        return MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL |
               MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK;
    if (cfg->resumption == TLSC_RESUMPTION_ON)
        return MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL |
               MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL;
    return MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
}

static void apply_resumption(tlsc_config *cfg)
{
    bool on = cfg->resumption != TLSC_RESUMPTION_OFF;
    mbedtls_ssl_conf_session_tickets(&cfg->ssl, on ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED
                                                   : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &cfg->ssl, on ? MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED
                      : MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED);
}

static int apply_credentials(tlsc_config *cfg)
{
    int ret = 0;
    if (cfg->own != NULL)
        ret = mbedtls_ssl_conf_own_cert(&cfg->ssl, &cfg->own->crt, &cfg->own->key);
    if (ret == 0 && cfg->psk_len != 0)
        ret = mbedtls_ssl_conf_psk(&cfg->ssl, cfg->psk, cfg->psk_len,
                                   (const unsigned char *)cfg->psk_identity,
                                   strlen(cfg->psk_identity));
    return ret;
}

/*
 * Trust: whatever the sources (added CAs, bundle, pins only, insecure),
 * mbedTLS is given tlsc's path-building CA callback (path.c): tlsc builds
 * and checks the path there, with its own policy, and mbedTLS only checks
 * the leaf's signature by the issuer tlsc chose. Authentication stays
 * REQUIRED, so a rejection always aborts the handshake.
 */
static void apply_trust(tlsc_config *cfg)
{
    mbedtls_ssl_conf_authmode(&cfg->ssl, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_cert_profile(&cfg->ssl, &tlsc__profile);
    mbedtls_ssl_conf_ca_cb(&cfg->ssl, tlsc__path_ca_cb, cfg);
}

/* Profiles without mbedTLS's debug module (small) forward nothing. */
#if defined(MBEDTLS_DEBUG_C)
static void set_debug_threshold(int level)
{
    mbedtls_debug_set_threshold(level);
}
#else
static void set_debug_threshold(int level)
{
    (void)level;
}
#endif

/* mbedTLS's debug threshold is process-wide: only ever raise it, and let
 * each configuration filter to its own level (tlsc__mbedtls_debug). */
static void raise_debug_threshold(int level)
{
    static TLSC__ATOMIC(int) current;
    int now = tlsc__atomic_load(&current);
    while (level > now && !tlsc__atomic_cas(&current, &now, level)) {
    }
    if (level > now)
        set_debug_threshold(level);
}

static int build_ssl_config(tlsc_config *cfg)
{
    int ret = mbedtls_ssl_config_defaults(&cfg->ssl, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0)
        return ret;
    mbedtls_ssl_conf_rng(&cfg->ssl, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    int vmin, vmax;
    tlsc__suite_versions(cfg, &vmin, &vmax);
    mbedtls_ssl_conf_min_tls_version(&cfg->ssl, (mbedtls_ssl_protocol_version)vmin);
    mbedtls_ssl_conf_max_tls_version(&cfg->ssl, (mbedtls_ssl_protocol_version)vmax);
    /* P-256 first, X25519 second (measured with callgrind, bench/resume.sh):
     * mbedTLS computes P-256 key shares with a precomputed comb, X25519
     * with a plain ladder, so a TLS 1.3 key share costs ~10M instructions
     * on P-256 vs ~18M on X25519. That makes psk_ke resumption (which still
     * sends a key share in case the server wants a full handshake) 2x
     * cheaper, costs +1.6% on a full handshake, and P-256 is the curve
     * ESP32-family ECC accelerators implement. */
    cfg->groups[0] = MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1;
    cfg->groups[1] = MBEDTLS_SSL_IANA_TLS_GROUP_X25519;
    cfg->groups[2] = MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1;
    cfg->groups[3] = MBEDTLS_SSL_IANA_TLS_GROUP_NONE;
    mbedtls_ssl_conf_groups(&cfg->ssl, cfg->groups);
    mbedtls_ssl_conf_sig_algs(&cfg->ssl, SIG_ALGS);
    choose_suites(cfg);
    mbedtls_ssl_conf_tls13_key_exchange_modes(&cfg->ssl, tls13_kex_modes(cfg));
    apply_resumption(cfg);
    apply_trust(cfg);
    ret = tlsc__buffers_apply(cfg);
    if (ret == 0 && cfg->alpn != NULL)
        ret = mbedtls_ssl_conf_alpn_protocols(&cfg->ssl, cfg->alpn);
    if (ret == 0)
        ret = apply_credentials(cfg);
    if (ret == 0)
        ret = tlsc__config_fingerprint(cfg);
    if (cfg->mbedtls_level > 0) {
        mbedtls_ssl_conf_dbg(&cfg->ssl, tlsc__mbedtls_debug, cfg);
        raise_debug_threshold(cfg->mbedtls_level);
    }
    return ret;
}

tlsc_err tlsc__config_freeze(tlsc_config *cfg)
{
    int expected = 0;
    if (tlsc__atomic_cas(&cfg->frozen, &expected, 1)) {
        int ret = build_ssl_config(cfg);
        if (ret != 0) {
            tlsc__atomic_store(&cfg->frozen, 0);
            return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSC_ERR_NO_MEMORY
                                                       : TLSC_ERR_INTERNAL;
        }
        tlsc__atomic_store(&cfg->frozen, 2);
    }
    while (tlsc__atomic_load(&cfg->frozen) == 1) {
        /* another thread is finalizing; it takes microseconds */
    }
    return tlsc__atomic_load(&cfg->frozen) == 2 ? TLSC_OK : TLSC_ERR_INTERNAL;
}
