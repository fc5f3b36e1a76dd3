/*
 * Words for an mbedTLS error code, for detail strings: "mbedTLS -0xCODE:
 * words"; and the text of an X.509 Name, which every tlsc caller of
 * mbedtls_x509_dn_gets gets through tlsc__x509_dn_text.
 *
 * With MBEDTLS_ERROR_C (the full profile) these are mbedTLS's own messages.
 * The small profiles leave ERROR_C out: its message table is ~12 KB of flash
 * on a Cortex-M4, more than tlsc's whole error and alert mapping. There the
 * text names the mbedTLS module(s) the code belongs to and, for the codes a
 * client meets when it loads certificates and keys (the handshake's own
 * failures are already put in words by errmap.c), what went wrong. Any
 * other code is still exact: the hex code and module identify it in
 * mbedTLS's include/mbedtls/<module>.h.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/mbedtls/peek_x509.h"
#include "core/mbedtls/text.h"

#include "mbedtls/build_info.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/pem.h"
#include "mbedtls/rsa.h"
#include "mbedtls/ssl.h"
#include "psa/crypto.h"

/*
 * mbedtls_x509_dn_gets writes nothing at all for an empty Name (no RDN,
 * valid in a SAN-only leaf) and returns 0, and may leave a truncated text
 * when it fails: start from "" and replace a failure by words, so the
 * result is always a terminated string (the leaf's subject reaches
 * tlsc_conn_peer_subject, verify callbacks and saved sessions).
 */
void tlsc__x509_dn_text(const mbedtls_x509_name *dn, char *out, size_t cap)
{
    if (out == NULL || cap == 0)
        return;
    out[0] = '\0';
    if (mbedtls_x509_dn_gets(out, cap, dn) < 0)
        snprintf(out, cap, "(unprintable name)");
}

#if defined(MBEDTLS_ERROR_C)

void tlsc__mbedtls_text(int ret, char *out, size_t cap)
{
    char text[128];
    mbedtls_strerror(ret, text, sizeof text);
    snprintf(out, cap, "mbedTLS -0x%04x: %s", (unsigned)-ret, text);
}

#else /* !MBEDTLS_ERROR_C */

typedef struct {
    unsigned short code; /* -ret, high or low part */
    const char *text;
} code_text;

/* High-level codes (bits 0x1000-0x7F80) worth words of their own. */
static const code_text high_texts[] = {
    { 0x1080, "no PEM header or footer" },
    { 0x1100, "invalid PEM data" },
    { 0x1300, "the key is encrypted (password required)" },
    { 0x1400, "encrypted PEM is not in this build" },
    { 0x2080, "feature not in this build (e.g. an RSA key in an ECC-only profile)" },
    { 0x2100, "unknown OID" },
    { 0x2180, "invalid certificate format" },
    { 0x2200, "invalid version" },
    { 0x2280, "invalid serial number" },
    { 0x2300, "invalid algorithm identifier" },
    { 0x2380, "invalid name" },
    { 0x2400, "invalid date" },
    { 0x2480, "invalid signature" },
    { 0x2500, "invalid or unsupported extension" },
    { 0x2580, "unknown version" },
    { 0x2600, "unknown or unsupported signature algorithm" },
    { 0x2680, "signature algorithms do not match" },
    { 0x2700, "certificate verification failed" },
    { 0x2780, "unknown format (neither PEM nor DER)" },
    { 0x3C80, "unknown or unsupported public key algorithm" },
    { 0x3A00, "unknown or unsupported elliptic curve" },
    { 0x3D00, "invalid key format" },
    { 0x3C00, "the key is encrypted (password required)" },
    { 0x3B00, "invalid public key" },
    { 0x3980, "feature not in this build" },
    { 0x3F00, "key type mismatch" },
};

/* Module of a high-level code, by range (mbedtls/error.h). */
static const code_text high_modules[] = {
    { 0x1000, "PEM" }, { 0x1E00, "PKCS12" }, { 0x2000, "X509" }, { 0x2F00, "PKCS5" },
    { 0x3000, "X509" }, { 0x3080, "DHM" }, { 0x3880, "PK" }, { 0x4000, "RSA/ECP" },
    { 0x5000, "MD" }, { 0x5300, "PKCS7" }, { 0x5E00, "SSL/HKDF" }, { 0x6000, "SSL" },
    { 0x6080, "CIPHER" }, { 0x6400, "SSL" },
};

static const code_text low_texts[] = {
    { 0x0060, "out of data" },
    { 0x0062, "unexpected tag" },
    { 0x0064, "invalid length" },
    { 0x0066, "length mismatch" },
    { 0x0068, "invalid data" },
    { 0x002C, "invalid character" },
};

/* Module of a low-level code, by range (mbedtls/error.h). */
static const code_text low_modules[] = {
    { 0x0002, "MPI" }, { 0x0012, "GCM" }, { 0x0020, "AES" }, { 0x002A, "BASE64" },
    { 0x002E, "OID" }, { 0x0034, "CTR_DRBG" }, { 0x003C, "ENTROPY" }, { 0x0042, "NET" },
    { 0x0051, "CHACHA20/POLY1305" }, { 0x0060, "ASN1" }, { 0x0070, "PLATFORM/SHA" },
};

static const char *exact(const code_text *t, size_t n, unsigned code)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].text;
    return NULL;
}

static const char *by_range(const code_text *t, size_t n, unsigned code)
{
    const char *name = "unknown module";
    for (size_t i = 0; i < n && t[i].code <= code; i++)
        name = t[i].text;
    return name;
}

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* "MODULE" or "MODULE words" for one part of a code; "" for none. */
static size_t part_text(char *out, size_t cap, unsigned part, const code_text *texts,
                        size_t ntexts, const code_text *modules, size_t nmodules)
{
    if (part == 0 || cap == 0)
        return 0;
    const char *words = exact(texts, ntexts, part);
    int n = snprintf(out, cap, "%s%s%s", by_range(modules, nmodules, part),
                     words != NULL ? " " : "", words != NULL ? words : "");
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

void tlsc__mbedtls_text(int ret, char *out, size_t cap)
{
    unsigned code = ret < 0 ? (unsigned)-ret : (unsigned)ret;
    unsigned high = code & 0xFF80u, low = code & 0x7Fu;
    int head = snprintf(out, cap, "mbedTLS -0x%04x: ", code);
    if (head < 0 || (size_t)head >= cap)
        return;
    out += head;
    cap -= (size_t)head;
    size_t n = part_text(out, cap, high, high_texts, COUNT(high_texts), high_modules,
                         COUNT(high_modules));
    if (high != 0 && low != 0 && n + 2 < cap) {
        memcpy(out + n, ": ", 3);
        n += 2;
    }
    part_text(out + n, cap - n, low, low_texts, COUNT(low_texts), low_modules, COUNT(low_modules));
}

#endif /* MBEDTLS_ERROR_C */

/* "ec secp256r1", "rsa 2048", ... */
void tlsc__describe_key(const mbedtls_pk_context *pk, char *out, size_t cap)
{
    const char *curve = tlsc__peek_ec_curve(pk);
    if (curve != NULL)
        snprintf(out, cap, "ec %s", curve);
    else if (mbedtls_pk_can_do(pk, MBEDTLS_PK_RSA))
        snprintf(out, cap, "rsa %lu", (unsigned long)(mbedtls_pk_get_bitlen(pk)));
    else
        snprintf(out, cap, "unknown");
}

/* Only the codes a failed source or draw turns into: a request too big
 * for the DRBG or a missing f_rng (SSL_NO_RNG) is a bug in tlsc, left to
 * TLSC_ERR_INTERNAL rather than blamed on the entropy source. */
bool tlsc__mbedtls_rng_failed(int ret)
{
    return ret == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED ||
           ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED ||
           ret == MBEDTLS_ERR_ECP_RANDOM_FAILED || ret == MBEDTLS_ERR_RSA_RNG_FAILED ||
           ret == PSA_ERROR_INSUFFICIENT_ENTROPY;
}

bool tlsc__mbedtls_out_of_memory(int ret)
{
    return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED || ret == MBEDTLS_ERR_X509_ALLOC_FAILED ||
           ret == MBEDTLS_ERR_PK_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED || ret == MBEDTLS_ERR_ECP_ALLOC_FAILED ||
           ret == MBEDTLS_ERR_MPI_ALLOC_FAILED || ret == MBEDTLS_ERR_CIPHER_ALLOC_FAILED ||
           ret == MBEDTLS_ERR_MD_ALLOC_FAILED || ret == PSA_ERROR_INSUFFICIENT_MEMORY;
}
