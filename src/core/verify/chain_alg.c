/*
 * A certificate whose public key this build cannot use (an Ed25519,
 * Ed448 or brainpool key, an EC key on P-521 or secp256k1, ...) makes
 * mbedTLS fail the whole handshake with a PK error ("only NIST curves are
 * supported", even for P-521). It is a verification failure: the server's
 * chain cannot be verified by this build. This file finds the certificate
 * in the server's Certificate message (still in mbedTLS's input buffer)
 * and names its depth, subject and key algorithm in words. It walks the
 * DER with mbedTLS's ASN.1 reader only as far as the subject and the key's
 * algorithm identifier, which mbedTLS's certificate parser never returns
 * for a key it refuses; it does not depend on how the chain is built.
 */

/* For x509_internal.h (mbedtls_x509_get_name) only: this file reads no
 * private field itself. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/mbedtls/peek.h"
#include "core/mbedtls/text.h"
#include "core/verify/chain_alg.h"

#include "mbedtls/asn1.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "x509_internal.h" /* mbedTLS library/: mbedtls_x509_get_name */

const char tlsc__supported_keys_text[] =
    "this build verifies RSA keys and EC keys on P-256 (secp256r1) and P-384 (secp384r1)";

/* Key algorithms and EC curves by the DER contents of their OIDs, named
 * as tlsc_peer_cert.key names keys ("ec secp256r1"). */
static const struct {
    const char *oid;
    size_t len;
    const char *words;
} KEY_OIDS[] = {
    {"\x2b\x65\x70", 3, "ed25519"},
    {"\x2b\x65\x71", 3, "ed448"},
    {"\x2b\x65\x6e", 3, "x25519"},
    {"\x2b\x65\x6f", 3, "x448"},
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9, "rsa"},
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a", 9, "rsassa-pss"},
    {"\x2a\x86\x48\xce\x38\x04\x01", 7, "dsa"},
    {"\x2a\x86\x48\xce\x3d\x03\x01\x07", 8, "ec secp256r1"},
    {"\x2b\x81\x04\x00\x22", 5, "ec secp384r1"},
    {"\x2b\x81\x04\x00\x23", 5, "ec secp521r1"},
    {"\x2b\x81\x04\x00\x0a", 5, "ec secp256k1"},
    {"\x2b\x24\x03\x03\x02\x08\x01\x01\x07", 9, "ec brainpoolP256r1"},
    {"\x2b\x24\x03\x03\x02\x08\x01\x01\x0b", 9, "ec brainpoolP384r1"},
    {"\x2b\x24\x03\x03\x02\x08\x01\x01\x0d", 9, "ec brainpoolP512r1"},
    {"\x2a\x81\x1c\xcf\x55\x01\x82\x2d", 8, "ec sm2"},
};
#define EC_PUBLIC_KEY "\x2a\x86\x48\xce\x3d\x02\x01"

static const char *oid_words(const unsigned char *oid, size_t len)
{
    for (size_t i = 0; i < sizeof KEY_OIDS / sizeof KEY_OIDS[0]; i++) {
        if (KEY_OIDS[i].len == len && memcmp(KEY_OIDS[i].oid, oid, len) == 0)
            return KEY_OIDS[i].words;
    }
    return NULL;
}

/* Step over one element with the given tag. */
static int skip(unsigned char **p, const unsigned char *end, int tag)
{
    size_t len;
    int ret = mbedtls_asn1_get_tag(p, end, &len, tag);
    if (ret == 0)
        *p += len;
    return ret;
}

#define SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

/* From the TBSCertificate's start to its subject (RFC 5280 4.1). */
static int to_subject(unsigned char **p, const unsigned char *end)
{
    size_t len;
    int ret = mbedtls_asn1_get_tag(p, end, &len, SEQ); /* Certificate */
    if (ret == 0)
        ret = mbedtls_asn1_get_tag(p, end, &len, SEQ); /* tbsCertificate */
    if (ret == 0 && *p < end && **p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED))
        ret = skip(p, end, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED);
    if (ret == 0)
        ret = skip(p, end, MBEDTLS_ASN1_INTEGER); /* serialNumber */
    if (ret == 0)
        ret = skip(p, end, SEQ); /* signature */
    if (ret == 0)
        ret = skip(p, end, SEQ); /* issuer */
    if (ret == 0)
        ret = skip(p, end, SEQ); /* validity */
    return ret;
}

static int subject_text(unsigned char **p, const unsigned char *end, char *out, size_t cap)
{
    size_t len;
    mbedtls_x509_name name;
    memset(&name, 0, sizeof name);
    int ret = mbedtls_asn1_get_tag(p, end, &len, SEQ);
    if (ret == 0 && len != 0)
        ret = mbedtls_x509_get_name(p, *p + len, &name);
    if (ret == 0 && (len == 0 || mbedtls_x509_dn_gets(out, cap, &name) < 0))
        snprintf(out, cap, "(no subject)");
    mbedtls_asn1_free_named_data_list_shallow(name.next);
    return ret;
}

/* The key's algorithm, with the curve for an EC key. */
static const char *key_words(unsigned char **p, const unsigned char *end)
{
    size_t len;
    mbedtls_asn1_buf oid;
    if (mbedtls_asn1_get_tag(p, end, &len, SEQ) != 0 || /* subjectPublicKeyInfo */
        mbedtls_asn1_get_tag(p, end, &len, SEQ) != 0)   /* algorithm */
        return NULL;
    const unsigned char *alg_end = *p + len;
    if (mbedtls_asn1_get_tag(p, alg_end, &oid.len, MBEDTLS_ASN1_OID) != 0)
        return NULL;
    oid.p = *p;
    *p += oid.len;
    if (oid.len != 7 || memcmp(oid.p, EC_PUBLIC_KEY, 7) != 0)
        return oid_words(oid.p, oid.len);
    if (mbedtls_asn1_get_tag(p, alg_end, &oid.len, MBEDTLS_ASN1_OID) != 0)
        return "ec explicit-parameters";
    const char *curve = oid_words(*p, oid.len);
    return curve != NULL ? curve : "ec unknown-curve";
}

bool tlsc__cert_key_words(const unsigned char *der, size_t len, char *subject, size_t cap,
                          const char **key)
{
    unsigned char *p = (unsigned char *)der; /* mbedTLS's reader takes non-const */
    const unsigned char *end = der + len;
    if (to_subject(&p, end) != 0 || subject_text(&p, end, subject, cap) != 0)
        return false;
    *key = key_words(&p, end);
    if (*key == NULL)
        *key = "unknown";
    return true;
}

/* A PK error from parsing a certificate's key. */
static bool key_parse_error(int ret)
{
    int high = -ret & 0xff80;
    return high == -MBEDTLS_ERR_PK_UNKNOWN_PK_ALG || high == -MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE ||
           high == -MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE || high == -MBEDTLS_ERR_PK_INVALID_ALG ||
           high == -MBEDTLS_ERR_PK_INVALID_PUBKEY || high == -MBEDTLS_ERR_PK_KEY_INVALID_FORMAT;
}

static size_t u24(const unsigned char *b)
{
    return (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
}

/* Whether mbedTLS refuses this certificate's key. */
static bool key_refused(const unsigned char *der, size_t len)
{
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int ret = mbedtls_x509_crt_parse_der(&crt, der, len);
    mbedtls_x509_crt_free(&crt);
    return key_parse_error(ret);
}

bool tlsc_cert_key(const unsigned char *der, size_t len, char *out, size_t cap, bool *usable)
{
    char subject[160];
    const char *key = NULL;
    mbedtls_x509_crt crt;
    if (der == NULL || out == NULL || cap == 0)
        return false;
    mbedtls_x509_crt_init(&crt);
    int ret = mbedtls_x509_crt_parse_der(&crt, der, len);
    if (ret == 0)
        tlsc__describe_key(&crt.pk, out, cap);
    mbedtls_x509_crt_free(&crt);
    if (tlsc__mbedtls_out_of_memory(ret))
        return false; /* not "unusable": the key was never looked at */
    if (usable != NULL)
        *usable = ret == 0;
    if (ret == 0)
        return true;
    /* Refused for its key, or for a signature made with such a key (a
     * self-signed Ed25519 certificate): the key's words all the same. */
    if (!tlsc__cert_key_words(der, len, subject, sizeof subject, &key))
        return false;
    snprintf(out, cap, "%s", key);
    return true;
}

/* The certificates of a Certificate message (RFC 5246 7.4.2, RFC 8446
 * 4.4.2: TLS 1.3 adds a request context and per-certificate extensions);
 * the first whose key mbedTLS refuses, and its depth. */
static bool find_refused(const unsigned char *m, size_t mlen, bool tls13, const unsigned char **der,
                         size_t *dlen, int *depth)
{
    size_t at = 4;
    if (tls13)
        at += 1 + (mlen > at ? m[at] : 0);
    if (at + 3 > mlen)
        return false;
    size_t end = at + 3 + u24(m + at);
    at += 3;
    for (*depth = 0; end <= mlen && at + 3 <= end; (*depth)++) {
        size_t n = u24(m + at);
        if (at + 3 + n > end)
            return false;
        if (key_refused(m + at + 3, n)) {
            *der = m + at + 3;
            *dlen = n;
            return true;
        }
        at += 3 + n;
        if (tls13 && at + 2 <= end)
            at += 2 + ((size_t)m[at] << 8 | m[at + 1]);
    }
    return false;
}

/* The NIST curves also by the name people know them by. */
static const char *key_long(const char *key)
{
    if (strcmp(key, "ec secp521r1") == 0)
        return "ec secp521r1 (P-521)";
    return key;
}

bool tlsc__unsupported_key_text(int ret, const unsigned char *der, size_t len, int depth,
                                char *out, size_t cap)
{
    char subject[160];
    const char *key;
    if (!key_parse_error(ret) || !tlsc__cert_key_words(der, len, subject, sizeof subject, &key))
        return false;
    snprintf(out, cap,
             "the server's chain cannot be verified: its certificate at depth %d (%s, %s) has "
             "a key of type %s, and %s",
             depth, subject, depth == 0 ? "the server's own" : "a CA certificate",
             key_long(key), tlsc__supported_keys_text);
    return true;
}

bool tlsc__chain_key_text(const mbedtls_ssl_context *ssl, int ret, char *out, size_t cap)
{
    const unsigned char *msg, *der;
    size_t mlen, dlen;
    int depth;
    if (!key_parse_error(ret) || !tlsc__peek_hs_message(ssl, &msg, &mlen) ||
        msg[0] != 11 /* Certificate */)
        return false;
    bool tls13 = mbedtls_ssl_get_version_number(ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
    return find_refused(msg, mlen, tls13, &der, &dlen, &depth) &&
           tlsc__unsupported_key_text(ret, der, dlen, depth, out, cap);
}
