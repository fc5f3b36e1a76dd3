/*
 * Offline verification (tlsc/verify.h): the chain a server would send,
 * checked with the same path building (path.c), trust sources, profile,
 * verify callback and context (tlsc__verify) as a handshake. What a handshake adds on top is
 * only what needs the handshake itself: the key exchange.
 *
 * The chain is parsed the way mbedTLS parses a server's Certificate
 * message (every certificate must parse, except that one with an unknown
 * signature algorithm is skipped), but with tlsc's extension handler, so
 * the message names an unknown critical extension. One difference is
 * unavoidable: mbedTLS's handshake parser cannot be given that handler,
 * so a critical nameConstraints that verifies here is refused in a
 * handshake when the server sends it (see tlsc/config.h).
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/hostname.h"
#include "core/base/ip.h"
#include "core/config/config.h"
#include "core/mbedtls/text.h"
#include "core/tls/context.h"
#include "core/tls/freeze.h"
#include "core/verify/chain_alg.h"
#include "core/verify/verify.h"
#include "core/x509/x509.h"

#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"

typedef struct offline {
    tlsc__verify v;
    mbedtls_x509_crt chain;
    unsigned char ip[16];
    size_t ip_len;
    char name[TLSC_HOST_MAX + 1];
} offline;

static tlsc_err parse_fail(offline *o, const unsigned char *der, size_t len, int index, int ret,
                           const char *oid)
{
    char text[512];
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED)
        return TLSC_ERR_NO_MEMORY;
    if (tlsc__unsupported_key_text(ret, der, len, index, text, sizeof text)) {
        o->v.vflags |= TLSC_VERIFY_OTHER; /* as in a handshake (chain_alg.c) */
        tlsc__verify_set_detail(&o->v, "%s", text);
        return TLSC_ERR_CERT_BAD;
    }
    if (ret == TLSC__ERR_X509_UNKNOWN_CRITICAL && oid[0] != '\0') {
        o->v.vflags |= TLSC_VERIFY_CRITICAL_EXT;
        tlsc__verify_set_detail(&o->v,
                                "certificate %d of the chain has an unknown critical "
                                "extension %s", index, oid);
        return TLSC_ERR_CERT_BAD;
    }
    tlsc__mbedtls_text(ret, text, sizeof text);
    o->v.vflags |= TLSC_VERIFY_OTHER;
    tlsc__verify_set_detail(&o->v, "certificate %d of the chain cannot be parsed: %s", index,
                            text);
    return TLSC_ERR_CERT_BAD;
}

/* As the handshake does: skip a certificate whose signature algorithm
 * mbedTLS does not know, fail on any other error. */
static tlsc_err add_der(offline *o, const unsigned char *der, size_t len, int index)
{
    char oid[64];
    int ret = tlsc__x509_parse_der(&o->chain, der, len, 1, oid, sizeof oid);
    if (ret == 0 || ret == MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG + MBEDTLS_ERR_OID_NOT_FOUND)
        return TLSC_OK;
    return parse_fail(o, der, len, index, ret, oid);
}

/* Each CERTIFICATE block in order; text is NUL-terminated. */
static tlsc_err add_pem(offline *o, const unsigned char *text, int *count)
{
    size_t used = 1;
    tlsc_err err = TLSC_OK;
    for (const unsigned char *at = text; err == TLSC_OK && *at != '\0' && used != 0; at += used) {
        mbedtls_pem_context pem;
        mbedtls_pem_init(&pem);
        used = 0;
        int ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
                                          "-----END CERTIFICATE-----", at, NULL, 0, &used);
        if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT) {
            mbedtls_pem_free(&pem);
            break;
        }
        size_t der_len = 0;
        const unsigned char *der = ret == 0 ? mbedtls_pem_get_buffer(&pem, &der_len) : NULL;
        *count += 1;
        err = der != NULL ? add_der(o, der, der_len, *count - 1)
                          : parse_fail(o, NULL, 0, *count - 1, ret, "");
        mbedtls_pem_free(&pem);
    }
    return err;
}

/* Input without any PEM certificate must be one DER certificate; if it is
 * not, the caller gave no certificate at all (a configuration mistake,
 * not a bad server certificate). */
static tlsc_err parse_lone_der(offline *o, const unsigned char *data, size_t len)
{
    tlsc_err err = add_der(o, data, len, 0);
    if (err != TLSC_ERR_CERT_BAD || (o->v.vflags & TLSC_VERIFY_CRITICAL_EXT))
        return err;
    o->v.vflags = 0;
    tlsc__verify_set_detail(&o->v, "no certificate in the chain data (neither PEM CERTIFICATE "
                                   "blocks nor one DER certificate)");
    return TLSC_ERR_CERT_PARSE;
}

static tlsc_err parse_chain(offline *o, const unsigned char *data, size_t len)
{
    if (!tlsc__x509_has_pem(data, len))
        return parse_lone_der(o, data, len);
    unsigned char *text = tlsc__calloc(1, len + 1);
    if (text == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(text, data, len);
    int count = 0;
    tlsc_err err = add_pem(o, text, &count);
    tlsc__free(text);
    if (err == TLSC_OK && count == 0) {
        tlsc__verify_set_detail(&o->v, "no certificate in the chain data");
        return TLSC_ERR_CERT_PARSE;
    }
    return err;
}

static tlsc_err set_target(offline *o, const char *host)
{
    if (host == NULL) {
        tlsc__verify_begin(&o->v, o->v.cfg, "", NULL, 0);
        return TLSC_OK;
    }
    if (!tlsc__host_copy(host, o->name, true)) /* as a connection does */
        return TLSC_ERR_HOSTNAME;
    if (!tlsc__parse_ip(o->name, o->ip, &o->ip_len))
        o->ip_len = 0;
    tlsc__verify_begin(&o->v, o->v.cfg, o->name, o->ip, o->ip_len);
    return TLSC_OK;
}

static tlsc_err check_time(offline *o, int64_t unix_time)
{
    const tlsc_config *cfg = o->v.cfg;
    if (unix_time >= 0) {
        o->v.unknown_time = false;
        return TLSC_OK;
    }
    if (!o->v.unknown_time || cfg->allow_unknown_time || cfg->insecure)
        return TLSC_OK;
    o->v.vflags |= TLSC_VERIFY_CLOCK;
    tlsc__verify_set_detail(&o->v, "the clock does not know the current time, so certificate "
                                   "dates cannot be checked; give a time, or call "
                                   "tlsc_config_allow_unknown_time");
    return TLSC_ERR_CLOCK_NOT_SET;
}

static tlsc_err verify(offline *o, tlsc_config *cfg, const unsigned char *data, size_t len,
                       int64_t unix_time)
{
    /* mbedTLS reports some allocation failures while parsing as parse
     * errors (a key it could not import): count them as what they are */
    unsigned long mark = tlsc__alloc_failures();
    tlsc_err err = check_time(o, unix_time);
    if (err == TLSC_OK)
        err = parse_chain(o, data, len);
    if (err != TLSC_OK && tlsc__alloc_failures() != mark)
        return TLSC_ERR_NO_MEMORY;
    if (err != TLSC_OK)
        return err;
    if (unix_time >= 0)
        tlsc__time_enter_at(cfg, unix_time);
    else
        tlsc__time_enter(cfg);
    int ret = tlsc__path_build(&o->v, &o->chain, NULL);
    tlsc__time_leave();
    if (tlsc__alloc_failures() != mark || ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return TLSC_ERR_NO_MEMORY;
    if (ret != 0) {
        tlsc__verify_set_detail(&o->v, "certificate rejected (mbedTLS -0x%04x)",
                                (unsigned)-ret);
        o->v.vflags |= TLSC_VERIFY_OTHER;
        return TLSC_ERR_VERIFY;
    }
    return o->v.vfail == 0 ? TLSC_OK : tlsc__verify_error(&o->v);
}

static void copy_out(const offline *o, uint32_t *flags, char *detail, size_t cap)
{
    if (flags != NULL)
        *flags = o->v.vflags;
    if (detail != NULL && cap != 0)
        snprintf(detail, cap, "%s", tlsc__verify_detail(&o->v));
}

tlsc_err tlsc_verify_chain(tlsc_config *cfg, const void *chain, size_t len, const char *host,
                           int64_t unix_time, uint32_t *flags, char *detail, size_t detail_cap)
{
    if (flags != NULL)
        *flags = 0;
    if (detail != NULL && detail_cap != 0)
        detail[0] = '\0';
    if (cfg == NULL || chain == NULL || len == 0)
        return TLSC_ERR_INVALID_ARG;
    if (!tlsc__config_has_trust(cfg) || tlsc__config_psk_only(cfg))
        return TLSC_ERR_NO_TRUST;
    tlsc_err err = tlsc__config_freeze(cfg);
    if (err != TLSC_OK)
        return err;
    offline *o = tlsc__calloc(1, sizeof *o);
    if (o == NULL)
        return TLSC_ERR_NO_MEMORY;
    mbedtls_x509_crt_init(&o->chain);
    o->v.cfg = cfg;
    err = set_target(o, host);
    if (err == TLSC_OK)
        err = verify(o, cfg, chain, len, unix_time);
    copy_out(o, flags, detail, detail_cap);
    mbedtls_x509_crt_free(&o->chain);
    tlsc__verify_end(&o->v);
    tlsc__free(o);
    return err;
}
