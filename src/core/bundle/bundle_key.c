/*
 * Key templates of the tlsc bundle format. Almost every root key is one of
 * a handful of shapes whose SubjectPublicKeyInfo differs only in the key
 * bytes: RSA-2048/3072/4096 with exponent 65537, and EC P-256/P-384. Such a
 * key is stored as its template number and those bytes only — the modulus,
 * or the EC point compressed to its x coordinate and the parity of y —
 * and rebuilt as prefix + bytes + suffix when a lookup needs it. Nothing is
 * lost: mbedTLS decompresses the point itself (MBEDTLS_PK_PARSE_EC_COMPRESSED)
 * and checks it is on the curve. Any other key is stored as its DER.
 */
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/bundle/bundle.h"

#include "mbedtls/build_info.h"

/* Without it mbedTLS could not read the compressed EC keys of a bundle. */
#if !defined(MBEDTLS_PK_PARSE_EC_COMPRESSED)
#error "tlsc bundles need MBEDTLS_PK_PARSE_EC_COMPRESSED in the mbedTLS configuration"
#endif

#define RSA_ALG 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
#define EC_ALG 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
#define P256_OID 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
#define P384_OID 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22

/* SEQUENCE { alg, BIT STRING { 00, SEQUENCE { INTEGER 00 || modulus, ... */
static const unsigned char RSA2048[] = { 0x30, 0x82, 0x01, 0x22, RSA_ALG, 0x03, 0x82, 0x01, 0x0f,
                                         0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00 };
static const unsigned char RSA3072[] = { 0x30, 0x82, 0x01, 0xa2, RSA_ALG, 0x03, 0x82, 0x01, 0x8f,
                                         0x00, 0x30, 0x82, 0x01, 0x8a, 0x02, 0x82, 0x01, 0x81, 0x00 };
static const unsigned char RSA4096[] = { 0x30, 0x82, 0x02, 0x22, RSA_ALG, 0x03, 0x82, 0x02, 0x0f,
                                         0x00, 0x30, 0x82, 0x02, 0x0a, 0x02, 0x82, 0x02, 0x01, 0x00 };
/* ... INTEGER 65537 } } } */
static const unsigned char RSA_E65537[] = { 0x02, 0x03, 0x01, 0x00, 0x01 };

/* SEQUENCE { SEQUENCE { ecPublicKey, curve }, BIT STRING { 00, point } },
 * as given (uncompressed point) and as stored (compressed point). */
static const unsigned char P256_IN[] = { 0x30, 0x59, 0x30, 0x13, EC_ALG, P256_OID, 0x03, 0x42, 0x00 };
static const unsigned char P256_OUT[] = { 0x30, 0x39, 0x30, 0x13, EC_ALG, P256_OID, 0x03, 0x22, 0x00 };
static const unsigned char P384_IN[] = { 0x30, 0x76, 0x30, 0x10, EC_ALG, P384_OID, 0x03, 0x62, 0x00 };
static const unsigned char P384_OUT[] = { 0x30, 0x46, 0x30, 0x10, EC_ALG, P384_OID, 0x03, 0x32, 0x00 };

typedef struct key_template {
    unsigned kind;
    const unsigned char *in;    /* SPKI up to the key bytes, as given */
    size_t in_len;
    size_t in_body;             /* key bytes as given (modulus, 04||x||y) */
    const unsigned char *out;   /* SPKI up to the key bytes, as rebuilt */
    size_t out_len;
    size_t body;                /* key bytes as stored */
    const unsigned char *suffix;
    size_t suffix_len;
} key_template;

#define T(a) (a), sizeof(a)
static const key_template TEMPLATES[] = {
    { TLSC__KEY_RSA2048, T(RSA2048), 256, T(RSA2048), 256, T(RSA_E65537) },
    { TLSC__KEY_RSA3072, T(RSA3072), 384, T(RSA3072), 384, T(RSA_E65537) },
    { TLSC__KEY_RSA4096, T(RSA4096), 512, T(RSA4096), 512, T(RSA_E65537) },
    { TLSC__KEY_P256, T(P256_IN), 65, T(P256_OUT), 33, NULL, 0 },
    { TLSC__KEY_P384, T(P384_IN), 97, T(P384_OUT), 49, NULL, 0 },
};
#define TEMPLATE_COUNT (sizeof TEMPLATES / sizeof TEMPLATES[0])

static const key_template *template_of(unsigned kind)
{
    for (size_t i = 0; i < TEMPLATE_COUNT; i++) {
        if (TEMPLATES[i].kind == kind)
            return &TEMPLATES[i];
    }
    return NULL;
}

size_t tlsc__key_body_len(unsigned kind)
{
    const key_template *t = template_of(kind);
    return t != NULL ? t->body : 0;
}

bool tlsc__key_is_ec(unsigned kind)
{
    const key_template *t = template_of(kind);
    return t != NULL && t->suffix == NULL;
}

bool tlsc__key_body_ok(unsigned kind, const unsigned char *body)
{
    if (template_of(kind) == NULL)
        return false;
    if (tlsc__key_is_ec(kind))
        return body[0] == 0x02 || body[0] == 0x03;
    return (body[0] & 0x80) != 0; /* the template's INTEGER has the 00 pad */
}

static bool fits(const key_template *t, const unsigned char *spki, size_t len)
{
    if (len != t->in_len + t->in_body + t->suffix_len || memcmp(spki, t->in, t->in_len) != 0)
        return false;
    const unsigned char *body = spki + t->in_len;
    if (t->suffix != NULL)
        return memcmp(body + t->in_body, t->suffix, t->suffix_len) == 0 && (body[0] & 0x80);
    return body[0] == 0x04;
}

/* 04 || x || y  ->  (02 | parity of y) || x */
static void compress(const key_template *t, const unsigned char *point, unsigned char *out)
{
    out[0] = (unsigned char)(0x02 | (point[t->in_body - 1] & 1));
    memcpy(out + 1, point + 1, t->body - 1);
}

unsigned tlsc__key_compact(const unsigned char *spki, size_t len, unsigned char *out,
                           size_t cap, size_t *out_len)
{
    for (size_t i = 0; i < TEMPLATE_COUNT; i++) {
        const key_template *t = &TEMPLATES[i];
        if (!fits(t, spki, len) || cap < t->body)
            continue;
        if (t->suffix == NULL)
            compress(t, spki + t->in_len, out);
        else
            memcpy(out, spki + t->in_len, t->body);
        *out_len = t->body;
        return t->kind;
    }
    *out_len = 0;
    return TLSC__KEY_RAW;
}

size_t tlsc__root_spki_len(const tlsc__root *r)
{
    const key_template *t = template_of(r->key_kind);
    return t != NULL ? t->out_len + t->body + t->suffix_len : r->key_len;
}

size_t tlsc__root_spki(const tlsc__root *r, unsigned char *out, size_t cap)
{
    const key_template *t = template_of(r->key_kind);
    size_t len = tlsc__root_spki_len(r);
    if (cap < len)
        return 0;
    if (t == NULL) {
        memcpy(out, r->key, r->key_len);
        return len;
    }
    memcpy(out, t->out, t->out_len);
    memcpy(out + t->out_len, r->key, t->body);
    if (t->suffix != NULL)
        memcpy(out + t->out_len + t->body, t->suffix, t->suffix_len);
    return len;
}
