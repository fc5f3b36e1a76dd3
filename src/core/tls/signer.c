/*
 * Client keys held by a sign callback (include/tlsc/signer.h).
 *
 * The key is an mbedTLS PK context with our own method table: mbedTLS's
 * TLS 1.2 and 1.3 clients sign CertificateVerify through mbedtls_pk_sign*,
 * which calls the table's sign_func; that is the one place the callback is
 * reached from the handshake. The table type is mbedTLS-internal
 * (library/pk_wrap.h, on the private include path like ssl_misc.h in
 * peek.c); designated initializers keep us independent of its layout,
 * which changes with MBEDTLS_ECP_RESTARTABLE. Why not RSA-alt or a PSA
 * driver: see the header.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/creds.h"
#include "core/mbedtls/text.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/context.h"

#include "mbedtls/asn1write.h"
#include "mbedtls/oid.h"
#include "mbedtls/psa_util.h"
#include "pk_wrap.h" /* mbedTLS library/ (private include path) */
#include "psa/crypto.h"

#if MBEDTLS_VERSION_MAJOR != 3 || MBEDTLS_VERSION_MINOR != 6
#error "signer.c fills mbedtls_pk_info_t as mbedTLS 3.6 defines it; check pk_wrap.h"
#endif

#define SIGNER_WHY_MAX 160
#define ECDSA_RAW_MAX 96 /* P-384: r || s, 48 bytes each */
#define DIGEST_INFO_MAX 80

typedef struct signer_ctx {
    tlsc_sign_fn fn;
    void *user;
    char *name;
    size_t bits; /* the key's size, from the certificate */
} signer_ctx;

static void *ctx_alloc(void)
{
    return tlsc__calloc(1, sizeof(signer_ctx));
}

static void ctx_free(void *p)
{
    signer_ctx *s = p;
    if (s == NULL)
        return;
    tlsc__free(s->name);
    tlsc__free(s);
}

static size_t get_bitlen(mbedtls_pk_context *pk)
{
    return ((signer_ctx *)pk->MBEDTLS_PRIVATE(pk_ctx))->bits;
}

static int ec_can_do(mbedtls_pk_type_t type)
{
    return type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECDSA;
}

/* Not RSASSA_PSS: mbedTLS computes PSS itself from an RSA context (see the
 * header), so TLS 1.3 must never pick this key for PSS. */
static int rsa_can_do(mbedtls_pk_type_t type)
{
    return type == MBEDTLS_PK_RSA;
}

static int sign_func(mbedtls_pk_context *pk, mbedtls_md_type_t md_alg,
                     const unsigned char *hash, size_t hash_len, unsigned char *sig,
                     size_t sig_size, size_t *sig_len,
                     int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);

static const mbedtls_pk_info_t ec_signer_info = {
    .type = MBEDTLS_PK_ECDSA,
    .name = "tlsc signer (ECDSA)",
    .get_bitlen = get_bitlen,
    .can_do = ec_can_do,
    .sign_func = sign_func,
    .ctx_alloc_func = ctx_alloc,
    .ctx_free_func = ctx_free,
};

static const mbedtls_pk_info_t rsa_signer_info = {
    .type = MBEDTLS_PK_RSA,
    .name = "tlsc signer (RSA)",
    .get_bitlen = get_bitlen,
    .can_do = rsa_can_do,
    .sign_func = sign_func,
    .ctx_alloc_func = ctx_alloc,
    .ctx_free_func = ctx_free,
};

static bool is_rsa(const mbedtls_pk_context *key)
{
    return key->MBEDTLS_PRIVATE(pk_info) == &rsa_signer_info;
}

static tlsc_sign_alg sign_alg(bool rsa, mbedtls_md_type_t md)
{
    if (md == MBEDTLS_MD_SHA384)
        return rsa ? TLSC_SIGN_RSA_PKCS1_SHA384 : TLSC_SIGN_ECDSA_SHA384;
    return rsa ? TLSC_SIGN_RSA_PKCS1_SHA256 : TLSC_SIGN_ECDSA_SHA256;
}

/* DigestInfo ::= SEQUENCE { AlgorithmIdentifier (OID, NULL), OCTET STRING },
 * written by mbedTLS's ASN.1 writer (backwards from the end of out), then
 * moved to the front. Returns its length, or 0. */
static size_t digest_info(mbedtls_md_type_t md, const unsigned char *hash,
                          size_t hash_len, unsigned char *out, size_t cap)
{
    const char *oid;
    size_t oid_len;
    if (mbedtls_oid_get_oid_by_md(md, &oid, &oid_len) != 0)
        return 0;
    unsigned char *p = out + cap;
    int n1 = mbedtls_asn1_write_octet_string(&p, out, hash, hash_len);
    int n2 = n1 < 0 ? n1 : mbedtls_asn1_write_algorithm_identifier(
                               &p, out, oid, oid_len, 0);
    size_t body = (size_t)(n1 < 0 || n2 < 0 ? 0 : n1 + n2);
    int n3 = body == 0 ? -1 : mbedtls_asn1_write_len(&p, out, body);
    int n4 = n3 < 0 ? n3 : mbedtls_asn1_write_tag(
                               &p, out, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    if (n4 < 0)
        return 0;
    size_t len = body + (size_t)n3 + (size_t)n4;
    memmove(out, p, len);
    return len;
}

/* The signature as TLS sends it: DER for ECDSA (from the raw r || s the
 * callback gives), as is for RSA. */
static tlsc_err finish_signature(const signer_ctx *s, bool rsa, const unsigned char *raw,
                                 size_t raw_len, unsigned char *sig, size_t sig_size,
                                 size_t *sig_len, char *why, size_t cap)
{
    size_t want = rsa ? (s->bits + 7) / 8 : 2 * ((s->bits + 7) / 8);
    if (raw_len != want) { /* another key, or a broken signer */
        snprintf(why, cap, "a %lu-byte signature, expected %lu", (unsigned long)raw_len,
                 (unsigned long)want);
        return TLSC_ERR_KEY_MISMATCH;
    }
    if (rsa) {
        *sig_len = raw_len; /* already in sig */
        return TLSC_OK;
    }
    if (mbedtls_ecdsa_raw_to_der(s->bits, raw, raw_len, sig, sig_size, sig_len) != 0) {
        snprintf(why, cap, "returned an ECDSA signature that is not a valid r || s");
        return TLSC_ERR_SIGNER;
    }
    return TLSC_OK;
}

/* Ask the callback for one signature over hash; the result in TLS form. */
static tlsc_err call_signer(const mbedtls_pk_context *pk, mbedtls_md_type_t md,
                            const unsigned char *hash, size_t hash_len,
                            unsigned char *sig, size_t sig_size, size_t *sig_len,
                            char *why, size_t cap)
{
    const signer_ctx *s = pk->MBEDTLS_PRIVATE(pk_ctx);
    bool rsa = is_rsa(pk);
    unsigned char di[DIGEST_INFO_MAX], raw[ECDSA_RAW_MAX];
    tlsc_sign_request req = { sign_alg(rsa, md), hash, hash_len, NULL, 0 };
    if (rsa) {
        req.digest_info_len = digest_info(md, hash, hash_len, di, sizeof di);
        req.digest_info = di;
        if (req.digest_info_len == 0) {
            snprintf(why, cap, "no DigestInfo for this hash");
            return TLSC_ERR_SIGNER;
        }
    }
    unsigned char *out = rsa ? sig : raw;
    size_t out_cap = rsa ? sig_size : sizeof raw, out_len = 0;
    why[0] = '\0';
    if (s->fn(s->user, &req, out, out_cap, &out_len, why, cap) != TLSC_SIGN_OK) {
        if (why[0] == '\0')
            snprintf(why, cap, "no reason given");
        return TLSC_ERR_SIGNER;
    }
    tlsc_err err = finish_signature(s, rsa, out, out_len, sig, sig_size, sig_len, why, cap);
    tlsc__zeroize(raw, sizeof raw);
    return err;
}

/* Called by mbedTLS from the handshake of the connection on this thread;
 * a failure is recorded on it (sticky, so the handshake's own error code
 * afterwards does not replace the signer's words). */
static int sign_func(mbedtls_pk_context *pk, mbedtls_md_type_t md_alg,
                     const unsigned char *hash, size_t hash_len, unsigned char *sig,
                     size_t sig_size, size_t *sig_len,
                     int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    (void)f_rng;
    (void)p_rng;
    char why[SIGNER_WHY_MAX];
    tlsc_err err = call_signer(pk, md_alg, hash, hash_len, sig, sig_size, sig_len, why,
                               sizeof why);
    if (err == TLSC_OK)
        return 0;
    tlsc_conn *c = tlsc__active_conn();
    const signer_ctx *s = pk->MBEDTLS_PRIVATE(pk_ctx);
    if (c != NULL)
        (void)tlsc__conn_fail(c, TLSC_ERR_SIGNER, "client key signer '%.120s' failed: %s",
                              s->name, why);
    return MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE; /* a code mbedTLS passes on */
}

/* ---- configuration --------------------------------------------------------- */

/* The key's size, and which table, from the leaf's public key. */
static tlsc_err key_shape(const mbedtls_pk_context *pub, bool *rsa, size_t *bits,
                          char *why, size_t cap)
{
    *bits = mbedtls_pk_get_bitlen(pub);
    *rsa = mbedtls_pk_get_type(pub) == MBEDTLS_PK_RSA;
    if (*rsa && *bits >= 2048 && *bits <= 4096)
        return TLSC_OK;
    if (!*rsa && mbedtls_pk_can_do(pub, MBEDTLS_PK_ECDSA) && (*bits == 256 || *bits == 384))
        return TLSC_OK;
    snprintf(why, cap, "the client certificate's key (%s, %lu bits) is not one a signer "
             "can hold: ECDSA P-256/P-384 or RSA 2048..4096", mbedtls_pk_get_name(pub),
             (unsigned long)(*bits));
    return TLSC_ERR_KEY_PARSE;
}

static tlsc_err setup_key(mbedtls_pk_context *key, const mbedtls_pk_context *pub,
                          const char *name, tlsc_sign_fn fn, void *user, char *why,
                          size_t cap)
{
    bool rsa;
    size_t bits;
    tlsc_err err = key_shape(pub, &rsa, &bits, why, cap);
    if (err != TLSC_OK)
        return err;
    if (mbedtls_pk_setup(key, rsa ? &rsa_signer_info : &ec_signer_info) != 0)
        return TLSC_ERR_NO_MEMORY;
    signer_ctx *s = key->MBEDTLS_PRIVATE(pk_ctx);
    s->fn = fn;
    s->user = user;
    s->bits = bits;
    s->name = tlsc__strdup(name);
    return s->name == NULL ? TLSC_ERR_NO_MEMORY : TLSC_OK;
}

/* One signature over a fresh random challenge, verified with the
 * certificate's key: a signer that cannot sign, or holds another key,
 * fails now. */
static tlsc_err test_signature(tlsc_config *cfg, tlsc__own_cert *own, const char *name)
{
    unsigned char challenge[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t sig_len = 0;
    char why[SIGNER_WHY_MAX];
    if (psa_generate_random(challenge, sizeof challenge) != PSA_SUCCESS)
        return tlsc__config_fail(cfg, TLSC_ERR_INTERNAL, "no random challenge for the signer");
    tlsc_err err = call_signer(&own->key, MBEDTLS_MD_SHA256, challenge, sizeof challenge,
                               sig, sizeof sig, &sig_len, why, sizeof why);
    int ret = err != TLSC_OK ? 0
              : mbedtls_pk_verify(&own->crt.pk, MBEDTLS_MD_SHA256, challenge,
                                  sizeof challenge, sig, sig_len);
    /* Verifying imports the certificate's key into a PSA slot: a full
     * slot table or heap is this device's resource, not a wrong key. */
    if (tlsc__mbedtls_out_of_memory(ret))
        return tlsc__config_fail(cfg, TLSC_ERR_NO_MEMORY,
                                 "client key signer '%.120s': out of memory or PSA key slots "
                                 "checking its test signature", name);
    if (ret != 0) {
        err = TLSC_ERR_KEY_MISMATCH;
        snprintf(why, sizeof why, "the signature does not verify");
    }
    if (err == TLSC_ERR_KEY_MISMATCH)
        return tlsc__config_fail(cfg, err,
                                 "client key signer '%.120s' signs with a key that does not "
                                 "match the client certificate's public key (%s)", name, why);
    if (err != TLSC_OK)
        return tlsc__config_fail(cfg, err, "client key signer '%.120s' failed: %s", name, why);
    return TLSC_OK;
}

static tlsc_err build_own(tlsc_config *cfg, tlsc__own_cert *own, const void *cert,
                          size_t cert_len, const char *name, tlsc_sign_fn fn, void *user)
{
    size_t parsed;
    char why[TLSC_ERRMSG_MAX] = "";
    tlsc_err err = tlsc__parse_certs(&own->crt, cert, cert_len, why, sizeof why, &parsed);
    if (err == TLSC_OK)
        err = setup_key(&own->key, &own->crt.pk, name, fn, user, why, sizeof why);
    if (err != TLSC_OK)
        return tlsc__config_fail(cfg, err, "client certificate for signer '%.120s': %.200s",
                                 name, why);
    own->rsa_signer = is_rsa(&own->key);
    return test_signature(cfg, own, name);
}

tlsc_err tlsc_config_set_client_signer(tlsc_config *cfg, const void *cert,
                                       size_t cert_len, const char *name,
                                       tlsc_sign_fn sign, void *user)
{
    if (cfg == NULL || cert == NULL || cert_len == 0 || name == NULL || sign == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    tlsc__own_cert *own = tlsc__own_cert_new();
    if (own == NULL)
        return TLSC_ERR_NO_MEMORY;
    err = build_own(cfg, own, cert, cert_len, name, sign, user);
    if (err != TLSC_OK) {
        tlsc__own_cert_free(own);
        return err;
    }
    tlsc__own_cert_install(cfg, own);
    return TLSC_OK;
}
