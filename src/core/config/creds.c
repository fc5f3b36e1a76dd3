/*
 * Credentials: certificates, private keys, PSKs and public-key pins.
 * All parsing is mbedTLS's (X.509, PEM, base64, PKCS#8); this file adds
 * the checks and the words around it.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/codec.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/creds.h"
#include "core/mbedtls/text.h"
#include "core/x509/x509.h"

#include "mbedtls/base64.h"
#include "mbedtls/error.h"
#include "mbedtls/pem.h"
#include "mbedtls/pkcs5.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"

static bool looks_like_pem(const unsigned char *p, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    size_t m = sizeof marker - 1;
    for (size_t i = 0; i + m <= len; i++) {
        if (memcmp(p + i, marker, m) == 0)
            return true;
    }
    return false;
}

/*
 * mbedTLS parses PEM only from a buffer whose length counts a final NUL.
 * Return data as it is when it already ends so, else a NUL-terminated copy
 * in *copy (which the caller frees as a secret: it may hold a key).
 */
static const unsigned char *pem_terminated(const unsigned char *data,
                                           size_t *len, unsigned char **copy)
{
    *copy = NULL;
    if (*len != 0 && data[*len - 1] == '\0')
        return data;
    *copy = tlsc__calloc(1, *len + 1);
    if (*copy == NULL)
        return NULL;
    memcpy(*copy, data, *len);
    *len += 1;
    return *copy;
}

static void mbedtls_reason(int ret, char *out, size_t cap)
{
    tlsc__mbedtls_text(ret, out, cap);
}

static tlsc_err parse_der_cert(mbedtls_x509_crt *chain, const unsigned char *p,
                               size_t len, char *detail, size_t cap,
                               size_t *parsed)
{
    int ret = tlsc__x509_parse_der(chain, p, len, 1, NULL, 0);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return TLSC_ERR_NO_MEMORY;
    if (ret != 0) {
        char why[128];
        mbedtls_reason(ret, why, sizeof why);
        snprintf(detail, cap, "not a valid PEM or DER certificate: %s", why);
        return TLSC_ERR_CERT_PARSE;
    }
    *parsed = 1;
    return TLSC_OK;
}

/* Count PEM certificate blocks, to tell how many mbedTLS could not parse. */
static size_t count_pem_certs(const unsigned char *p, size_t len)
{
    static const char marker[] = "-----BEGIN CERTIFICATE-----";
    size_t m = sizeof marker - 1, n = 0;
    for (size_t i = 0; i + m <= len; i++) {
        if (memcmp(p + i, marker, m) == 0)
            n++;
    }
    return n;
}

static size_t chain_length(const mbedtls_x509_crt *chain)
{
    size_t n = 0;
    for (const mbedtls_x509_crt *c = chain; c != NULL && c->raw.p != NULL; c = c->next)
        n++;
    return n;
}

/* PEM text ends at a NUL (mbedTLS reads it as a C string): blocks after one
 * are never seen by the parser, so they are counted as skipped and the NUL
 * is named. len counts the final NUL. */
static void skipped_detail(const unsigned char *p, size_t len, size_t skipped, size_t blocks,
                           char *detail, size_t cap)
{
    const unsigned char *nul = memchr(p, '\0', len - 1);
    if (nul != NULL)
        snprintf(detail, cap, "%lu of %lu certificates could not be parsed and were skipped "
                 "(a NUL byte at offset %lu ends the PEM text)", (unsigned long)skipped,
                 (unsigned long)blocks, (unsigned long)(nul - p));
    else
        snprintf(detail, cap, "%lu of %lu certificates could not be parsed and were skipped",
                 (unsigned long)skipped, (unsigned long)blocks);
}

static tlsc_err parse_pem_certs(mbedtls_x509_crt *chain,
                                const unsigned char *p, size_t len,
                                char *detail, size_t cap, size_t *parsed)
{
    size_t blocks = count_pem_certs(p, len);
    size_t before = chain_length(chain);
    int ret = tlsc__x509_parse_pem(chain, p, len);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED)
        return TLSC_ERR_NO_MEMORY;
    /* Counted from the chain: the parser's own failure count misses
     * blocks it never reached. */
    size_t added = chain_length(chain) - before;
    if (ret < 0 || blocks == 0 || added == 0) {
        char why[128] = "no certificate found";
        if (ret < 0)
            mbedtls_reason(ret, why, sizeof why);
        snprintf(detail, cap, "no usable certificate in PEM data (%lu block%s): %s",
                 (unsigned long)blocks, blocks == 1 ? "" : "s", why);
        return TLSC_ERR_CERT_PARSE;
    }
    *parsed = added;
    if (added < blocks)
        skipped_detail(p, len, blocks - added, blocks, detail, cap);
    return TLSC_OK;
}

static tlsc_err parse_any_certs(mbedtls_x509_crt *chain, const unsigned char *p,
                                size_t len, char *detail, size_t cap, size_t *parsed)
{
    if (!looks_like_pem(p, len))
        return parse_der_cert(chain, p, len, detail, cap, parsed);
    unsigned char *copy;
    const unsigned char *pem = pem_terminated(p, &len, &copy);
    if (pem == NULL)
        return TLSC_ERR_NO_MEMORY;
    tlsc_err err = parse_pem_certs(chain, pem, len, detail, cap, parsed);
    tlsc__free(copy);
    return err;
}

/* mbedTLS counts a certificate whose allocation failed as one that did not
 * parse; the allocator knows better. */
tlsc_err tlsc__parse_certs(mbedtls_x509_crt *chain, const void *data,
                           size_t len, char *detail, size_t cap,
                           size_t *parsed)
{
    unsigned long mark = tlsc__alloc_failures();
    *parsed = 0;
    tlsc_err err = parse_any_certs(chain, data, len, detail, cap, parsed);
    if (tlsc__alloc_failures() != mark) {
        snprintf(detail, cap, "out of memory while parsing certificates");
        return TLSC_ERR_NO_MEMORY;
    }
    return err;
}

static tlsc_err key_error(int ret, char *detail, size_t cap)
{
    char why[128];
    mbedtls_reason(ret, why, sizeof why);
    switch (ret) {
    case MBEDTLS_ERR_PK_PASSWORD_REQUIRED:
    case MBEDTLS_ERR_PEM_PASSWORD_REQUIRED:
        snprintf(detail, cap, "private key is encrypted and no password was given");
        return TLSC_ERR_KEY_PASSWORD;
    case MBEDTLS_ERR_PK_PASSWORD_MISMATCH:
    case MBEDTLS_ERR_PEM_PASSWORD_MISMATCH:
    case MBEDTLS_ERR_PKCS5_PASSWORD_MISMATCH:
        snprintf(detail, cap, "wrong password for the private key");
        return TLSC_ERR_KEY_PASSWORD;
    case MBEDTLS_ERR_PK_ALLOC_FAILED:
    case MBEDTLS_ERR_PEM_ALLOC_FAILED:
        return TLSC_ERR_NO_MEMORY;
    default:
        snprintf(detail, cap, "cannot parse private key: %s", why);
        return TLSC_ERR_KEY_PARSE;
    }
}

/* A parse failure that is neither a password nor a memory problem. */
static bool key_error_is_format(int ret)
{
    return ret != MBEDTLS_ERR_PK_PASSWORD_MISMATCH && ret != MBEDTLS_ERR_PEM_PASSWORD_MISMATCH &&
           ret != MBEDTLS_ERR_PKCS5_PASSWORD_MISMATCH && ret != MBEDTLS_ERR_PK_ALLOC_FAILED &&
           ret != MBEDTLS_ERR_PEM_ALLOC_FAILED;
}

/* Whether the key in p needs a password: a wrong password can decrypt an
 * encrypted key into bytes that fail as a malformed key instead of as a
 * mismatch (mbedTLS checks only the padding, which garbage passes about
 * once in 256 tries) -- that is still a wrong password, not a bad file. */
static bool key_is_encrypted(const unsigned char *p, size_t plen)
{
    mbedtls_pk_context probe;
    mbedtls_pk_init(&probe);
    int ret = mbedtls_pk_parse_key(&probe, p, plen, NULL, 0, mbedtls_psa_get_random,
                                   MBEDTLS_PSA_RANDOM_STATE);
    mbedtls_pk_free(&probe);
    return ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED || ret == MBEDTLS_ERR_PEM_PASSWORD_REQUIRED;
}

tlsc_err tlsc__parse_key(mbedtls_pk_context *key, const void *data,
                         size_t len, const char *password, char *detail,
                         size_t cap)
{
    const unsigned char *p = data;
    unsigned char *copy = NULL;
    size_t plen = len;
    if (looks_like_pem(p, len)) {
        p = pem_terminated(p, &plen, &copy);
        if (p == NULL)
            return TLSC_ERR_NO_MEMORY;
    }
    const unsigned char *pw = (const unsigned char *)password;
    size_t pwlen = password ? strlen(password) : 0;
    unsigned long mark = tlsc__alloc_failures();
    int ret = mbedtls_pk_parse_key(key, p, plen, pw, pwlen, mbedtls_psa_get_random,
                                   MBEDTLS_PSA_RANDOM_STATE);
    if (ret != 0 && pwlen > 0 && key_error_is_format(ret) && key_is_encrypted(p, plen))
        ret = MBEDTLS_ERR_PK_PASSWORD_MISMATCH;
    if (copy != NULL)
        tlsc__free_secret(copy, plen);
    if (ret != 0 && tlsc__alloc_failures() != mark) /* not a wrong password */
        return TLSC_ERR_NO_MEMORY;
    return ret == 0 ? TLSC_OK : key_error(ret, detail, cap);
}

tlsc__own_cert *tlsc__own_cert_new(void)
{
    tlsc__own_cert *own = tlsc__calloc(1, sizeof *own);
    if (own == NULL)
        return NULL;
    mbedtls_x509_crt_init(&own->crt);
    mbedtls_pk_init(&own->key);
    return own;
}

/* mbedTLS zeroizes the key material. */
void tlsc__own_cert_free(tlsc__own_cert *own)
{
    if (own == NULL)
        return;
    mbedtls_x509_crt_free(&own->crt);
    mbedtls_pk_free(&own->key);
    tlsc__free(own);
}

void tlsc__own_cert_install(tlsc_config *cfg, tlsc__own_cert *own)
{
    tlsc__own_cert_free(cfg->own);
    cfg->own = own;
}

static void free_psk(tlsc_config *cfg)
{
    if (cfg->psk != NULL)
        tlsc__free_secret(cfg->psk, cfg->psk_len + strlen(cfg->psk_identity) + 1);
    cfg->psk = NULL;
    cfg->psk_identity = NULL;
    cfg->psk_len = 0;
}

void tlsc__creds_free(tlsc_config *cfg)
{
    tlsc__own_cert_free(cfg->own);
    cfg->own = NULL;
    free_psk(cfg);
}

/* Parse into a new block and install it only when everything checks out. */
tlsc_err tlsc_config_set_client_cert(tlsc_config *cfg, const void *cert,
                                     size_t cert_len, const void *key,
                                     size_t key_len, const char *password)
{
    if (cfg == NULL || cert == NULL || key == NULL || cert_len == 0 || key_len == 0)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err frozen = tlsc__config_editable(cfg);
    if (frozen != TLSC_OK)
        return frozen;
    tlsc__own_cert *own = tlsc__own_cert_new();
    if (own == NULL)
        return TLSC_ERR_NO_MEMORY;
    size_t parsed;
    char why[TLSC_ERRMSG_MAX] = "";
    tlsc_err err = tlsc__parse_certs(&own->crt, cert, cert_len, why, sizeof why, &parsed);
    if (err == TLSC_OK)
        err = tlsc__parse_key(&own->key, key, key_len, password, why, sizeof why);
    if (err != TLSC_OK)
        tlsc__config_fail(cfg, err, "%s: %.300s",
                          err == TLSC_ERR_CERT_PARSE ? "client certificate" : "client key",
                          why);
    if (err == TLSC_OK &&
        mbedtls_pk_check_pair(&own->crt.pk, &own->key, mbedtls_psa_get_random,
                              MBEDTLS_PSA_RANDOM_STATE) != 0)
        err = tlsc__config_fail(cfg, TLSC_ERR_KEY_MISMATCH,
                                "the private key does not match the client certificate's "
                                "public key");
    if (err != TLSC_OK) {
        tlsc__own_cert_free(own);
        return err;
    }
    tlsc__own_cert_install(cfg, own);
    return TLSC_OK;
}

tlsc_err tlsc_config_set_client_cert_file(tlsc_config *cfg,
                                          const char *cert_path,
                                          const char *key_path,
                                          const char *password)
{
    if (cfg == NULL || cert_path == NULL || key_path == NULL)
        return TLSC_ERR_INVALID_ARG;
    unsigned char *cert = NULL, *key = NULL;
    size_t cert_len = 0, key_len = 0;
    char why[TLSC_ERRMSG_MAX] = "";
    tlsc_err err = tlsc__config_load(cert_path, &cert, &cert_len, why, sizeof why);
    if (err == TLSC_OK)
        err = tlsc__config_load(key_path, &key, &key_len, why, sizeof why);
    (void)tlsc__config_detail(cfg, err, why);
    if (err == TLSC_OK)
        err = tlsc_config_set_client_cert(cfg, cert, cert_len + 1, key, key_len + 1,
                                          password);
    tlsc__free(cert);
    if (key != NULL)
        tlsc__free_secret(key, key_len);
    return err;
}

/* ---- PSK ------------------------------------------------------------------ */

tlsc_err tlsc_config_set_psk(tlsc_config *cfg, const char *identity,
                             const void *key, size_t key_len)
{
    if (cfg == NULL || identity == NULL || key == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err frozen = tlsc__config_editable(cfg);
    if (frozen != TLSC_OK)
        return frozen;
    size_t id_len = strlen(identity);
    if (id_len == 0 || id_len > TLSC_PSK_ID_MAX)
        return tlsc__config_fail(cfg, TLSC_ERR_PSK,
                                 "PSK identity must be 1..%d bytes (got %lu)",
                                 TLSC_PSK_ID_MAX, (unsigned long)id_len);
    if (key_len == 0 || key_len > TLSC_PSK_MAX)
        return tlsc__config_fail(cfg, TLSC_ERR_PSK,
                                 "PSK must be 1..%d bytes (got %lu)", TLSC_PSK_MAX,
                                 (unsigned long)key_len);
    unsigned char *block = tlsc__calloc(1, key_len + id_len + 1);
    if (block == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(block, key, key_len);
    memcpy(block + key_len, identity, id_len);
    free_psk(cfg);
    cfg->psk = block;
    cfg->psk_len = key_len;
    cfg->psk_identity = (const char *)block + key_len;
    return TLSC_OK;
}

tlsc_err tlsc_config_set_psk_hex(tlsc_config *cfg, const char *identity,
                                 const char *hex_key)
{
    if (cfg == NULL || identity == NULL || hex_key == NULL)
        return TLSC_ERR_INVALID_ARG;
    unsigned char key[TLSC_PSK_MAX];
    long n = tlsc__hex_decode(hex_key, key, sizeof key);
    if (n <= 0) {
        tlsc__zeroize(key, sizeof key);
        return tlsc__config_fail(cfg, TLSC_ERR_PSK,
                                 "PSK must be 2..%d hex digits, even count, no prefix",
                                 2 * TLSC_PSK_MAX);
    }
    tlsc_err err = tlsc_config_set_psk(cfg, identity, key, (size_t)n);
    tlsc__zeroize(key, sizeof key);
    return err;
}

/* ---- pins ----------------------------------------------------------------- */

static tlsc_err parse_one_pin(const char *p, size_t len, unsigned char out[32],
                              char *detail, size_t cap)
{
    static const char prefix[] = "sha256//";
    size_t plen = sizeof prefix - 1;
    if (len <= plen || memcmp(p, prefix, plen) != 0) {
        snprintf(detail, cap, "pin '%.*s' must start with sha256//", (int)(len > 60 ? 60 : len), p);
        return TLSC_ERR_PIN;
    }
    unsigned char raw[48];
    size_t n = 0;
    int ret = mbedtls_base64_decode(raw, sizeof raw, &n,
                                    (const unsigned char *)p + plen, len - plen);
    if (ret != 0 || n != 32) {
        snprintf(detail, cap, "pin '%.*s' is not the base64 of a 32-byte SHA-256",
                 (int)(len > 60 ? 60 : len), p);
        return TLSC_ERR_PIN;
    }
    memcpy(out, raw, 32);
    return TLSC_OK;
}

tlsc_err tlsc__parse_pins(const char *text, unsigned char (*out)[32],
                          size_t cap, size_t *count, char *detail, size_t dcap)
{
    size_t n = *count;
    const char *p = text;
    do {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == cap) {
            snprintf(detail, dcap, "at most %lu pins", (unsigned long)cap);
            return TLSC_ERR_PIN;
        }
        tlsc_err err = parse_one_pin(p, len, out[n], detail, dcap);
        if (err != TLSC_OK)
            return err;
        n++;
        p = end ? end + 1 : NULL;
    } while (p != NULL);
    *count = n;
    return TLSC_OK;
}
