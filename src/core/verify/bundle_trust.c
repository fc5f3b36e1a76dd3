/*
 * Bundles at work: attaching one to a configuration, the certificate a
 * root becomes (tlsc__root_certificate, which path building in path.c
 * uses), a trusted-CA callback for mbedTLS's own path building (tests and
 * benchmarks compare with it), and describing roots.
 *
 * mbedTLS asks that callback, for each certificate of the server's chain,
 * for the trusted CAs that may have issued it. The answer is a fresh list:
 * copies of the matching CAs added with tlsc_config_add_ca (mbedTLS uses
 * the callback INSTEAD of the CA list when both are set) and, for each
 * bundle root whose subject is the certificate's issuer, a certificate
 * written here from the stored key, validity and path length, parsed by
 * mbedTLS and freed by it after the check.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/calendar.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"
#include "core/config/config.h"
#include "core/config/log.h"
#include "core/mbedtls/init.h"
#include "core/mbedtls/text.h"
#include "core/verify/trust.h"
#include "core/x509/x509.h"

#include "mbedtls/asn1write.h"
#include "mbedtls/oid.h"
#include "mbedtls/sha256.h"

/* ---- the certificate for a root ------------------------------------------- */

/* Length and tag around the `len` bytes just written. */
static int wrap(unsigned char **p, unsigned char *start, size_t len, unsigned char tag)
{
    int ret;
    size_t n = 0;
    MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_len(p, start, len));
    MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_tag(p, start, tag));
    return (int)n;
}

#define SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

/* [3] { Extensions { basicConstraints, critical, { CA TRUE [, pathlen] } } }
 * No keyUsage: mbedTLS then allows certificate signing, which is all a
 * root is used for (the builder leaves out roots whose usage forbids it). */
static int write_extensions(unsigned char **p, unsigned char *start, int path_len)
{
    int ret;
    size_t len = 0;
    if (path_len >= 0)
        MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_int(p, start, path_len));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_bool(p, start, 1));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, SEQ));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, MBEDTLS_ASN1_OCTET_STRING));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_bool(p, start, 1));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_oid(p, start, MBEDTLS_OID_BASIC_CONSTRAINTS,
                                                     MBEDTLS_OID_SIZE(MBEDTLS_OID_BASIC_CONSTRAINTS)));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, SEQ));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, SEQ));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, MBEDTLS_ASN1_CONTEXT_SPECIFIC |
                                                      MBEDTLS_ASN1_CONSTRUCTED | 3));
    return (int)len;
}

/* UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
static int write_time(unsigned char **p, unsigned char *start, int64_t t)
{
    char iso[21], text[16];
    tlsc__format_utc(t, iso); /* YYYY-MM-DDTHH:MM:SSZ */
    int year = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + iso[3] - '0';
    bool utc = year >= 1950 && year < 2050;
    snprintf(text, sizeof text, "%.*s%.2s%.2s%.2s%.2s%.2sZ", utc ? 2 : 4, iso + (utc ? 2 : 0),
             iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
    return mbedtls_asn1_write_tagged_string(p, start, utc ? MBEDTLS_ASN1_UTC_TIME
                                                          : MBEDTLS_ASN1_GENERALIZED_TIME,
                                            text, strlen(text));
}

/* ESP-IDF roots have no dates: valid from 1970 to the end of year 9999. */
#define NO_DATES_END INT64_C(253402300799)

static int write_validity(unsigned char **p, unsigned char *start, const tlsc__root *r)
{
    int ret;
    size_t len = 0;
    MBEDTLS_ASN1_CHK_ADD(len, write_time(p, start, r->has_dates ? r->not_after : NO_DATES_END));
    MBEDTLS_ASN1_CHK_ADD(len, write_time(p, start, r->has_dates ? r->not_before : 0));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, SEQ));
    return (int)len;
}

static int write_sig_alg(unsigned char **p, unsigned char *start)
{
    return mbedtls_asn1_write_algorithm_identifier_ext(
        p, start, MBEDTLS_OID_ECDSA_SHA256, MBEDTLS_OID_SIZE(MBEDTLS_OID_ECDSA_SHA256), 0, 0);
}

typedef struct parts {
    const tlsc__root *root;
    const unsigned char *name, *spki;
    size_t name_len, spki_len;
} parts;

/* TBSCertificate: v3, serial 1, issuer = subject = name. */
static int write_tbs(unsigned char **p, unsigned char *start, const parts *c)
{
    int ret;
    size_t len = 0, version = 0;
    MBEDTLS_ASN1_CHK_ADD(len, write_extensions(p, start, c->root->path_len));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(p, start, c->spki, c->spki_len));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(p, start, c->name, c->name_len));
    MBEDTLS_ASN1_CHK_ADD(len, write_validity(p, start, c->root));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(p, start, c->name, c->name_len));
    MBEDTLS_ASN1_CHK_ADD(len, write_sig_alg(p, start));
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_int(p, start, 1));
    MBEDTLS_ASN1_CHK_ADD(version, mbedtls_asn1_write_int(p, start, 2));
    MBEDTLS_ASN1_CHK_ADD(version, wrap(p, start, version, MBEDTLS_ASN1_CONTEXT_SPECIFIC |
                                                              MBEDTLS_ASN1_CONSTRUCTED | 0));
    len += version;
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, SEQ));
    return (int)len;
}

/*
 * The signature is a placeholder: mbedTLS never checks a trust anchor's
 * own signature. In mbedTLS 3.6 x509_crt_verify_chain, a certificate that
 * came from the trusted list is only ever a parent (its key checks the
 * child's signature); when it becomes the current certificate, the loop
 * checks its dates and stops ("Stop here for trusted roots") before any
 * check of its signature or signature algorithm.
 */
static int write_certificate(unsigned char **p, unsigned char *start, const parts *c)
{
    static const unsigned char no_signature[] = { 0x03, 0x01, 0x00 };
    int ret;
    size_t len = 0;
    MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(p, start, no_signature,
                                                            sizeof no_signature));
    MBEDTLS_ASN1_CHK_ADD(len, write_sig_alg(p, start));
    MBEDTLS_ASN1_CHK_ADD(len, write_tbs(p, start, c));
    MBEDTLS_ASN1_CHK_ADD(len, wrap(p, start, len, SEQ));
    return (int)len;
}

static mbedtls_x509_crt *chain_head(mbedtls_x509_crt **chain)
{
    if (*chain == NULL) {
        *chain = tlsc__calloc(1, sizeof **chain);
        if (*chain != NULL)
            mbedtls_x509_crt_init(*chain);
    }
    return *chain;
}

/* The headers, dates, serial, version and algorithms take < 160 bytes. */
#define CERT_OVERHEAD 256

int tlsc__root_certificate(const tlsc__root *r, const unsigned char *name, size_t name_len,
                           mbedtls_x509_crt **chain)
{
    parts c = { r, name, NULL, name_len, tlsc__root_spki_len(r) };
    size_t cert_cap = 2 * name_len + c.spki_len + CERT_OVERHEAD;
    unsigned char *buf = tlsc__calloc(1, c.spki_len + cert_cap);
    if (buf == NULL || chain_head(chain) == NULL) {
        tlsc__free(buf);
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    c.spki = buf;
    tlsc__root_spki(r, buf, c.spki_len);
    unsigned char *p = buf + c.spki_len + cert_cap;
    int len = write_certificate(&p, buf + c.spki_len, &c);
    int ret = len < 0 ? len : mbedtls_x509_crt_parse_der(*chain, p, (size_t)len);
    tlsc__free(buf);
    return ret;
}

/* ---- the trusted-CA callback ------------------------------------------------ */

static bool same_buf(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static bool ascii_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Could mbedTLS find these two DER names equal? Its rule (x509_name_cmp)
 * allows, in matching attributes of equal length, ASCII case differences
 * and a UTF8String where the other has a PrintableString. Such names have
 * the same length and differ only in those bytes, so this is a superset of
 * its rule: mbedTLS then applies the exact rule to what passes. It spares
 * parsing every added CA for every certificate of every chain.
 */
static bool names_may_match(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    if (a->len != b->len)
        return false;
    for (size_t i = 0; i < a->len; i++) {
        unsigned char x = a->p[i], y = b->p[i];
        bool tags = (x == MBEDTLS_ASN1_UTF8_STRING && y == MBEDTLS_ASN1_PRINTABLE_STRING) ||
                    (y == MBEDTLS_ASN1_UTF8_STRING && x == MBEDTLS_ASN1_PRINTABLE_STRING);
        if (x != y && !tags && !((x ^ y) == 32 && ascii_letter(x)))
            return false;
    }
    return true;
}

typedef struct gather {
    const mbedtls_x509_crt *child;
    mbedtls_x509_crt *chain;    /* the candidates, for mbedTLS */
    unsigned roots, cas;        /* how many of each, for the log */
} gather;

/* Copies referencing the configuration's CAs (they outlive the check). */
static int add_explicit(const tlsc_config *cfg, gather *g)
{
    for (const mbedtls_x509_crt *ca = &cfg->ca; ca != NULL && ca->raw.p != NULL; ca = ca->next) {
        if (!names_may_match(&ca->subject_raw, &g->child->issuer_raw))
            continue;
        if (chain_head(&g->chain) == NULL)
            return MBEDTLS_ERR_X509_ALLOC_FAILED;
        int ret = tlsc__x509_parse_der(g->chain, ca->raw.p, ca->raw.len, 0, NULL, 0);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
            return ret;
        g->cas += ret == 0;
    }
    return 0;
}

/* A root whose key mbedTLS cannot read is no candidate; only running out
 * of memory stops the search. */
static int add_root(void *ud, const tlsc__root *r)
{
    gather *g = ud;
    const mbedtls_x509_buf *issuer = &g->child->issuer_raw;
    int ret = tlsc__root_certificate(r, issuer->p, issuer->len, &g->chain);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return ret;
    g->roots += ret == 0;
    return 0;
}

static void log_lookup(const tlsc_config *cfg, const gather *g, int ret)
{
    char issuer[200];
    if (ret == 0 && cfg->log_level < TLSC_LOG_DEBUG)
        return;
    tlsc__x509_dn_text(&g->child->issuer, issuer, sizeof issuer);
    if (ret != 0)
        tlsc__log(cfg, TLSC_LOG_ERROR, "trust: out of memory looking up issuer %s", issuer);
    else
        tlsc__log(cfg, TLSC_LOG_DEBUG, "trust: issuer %s: %u bundle root%s, %u added CA%s",
                  issuer, g->roots, g->roots == 1 ? "" : "s", g->cas, g->cas == 1 ? "" : "s");
}

int tlsc__trust_ca_cb(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **candidates)
{
    const tlsc_config *cfg = ctx;
    gather g = { child, NULL, 0, 0 };
    int ret = add_explicit(cfg, &g);
    if (ret == 0)
        ret = tlsc__bundle_find(&cfg->bundle, child->issuer_raw.p, child->issuer_raw.len,
                                add_root, &g);
    if (g.chain != NULL && (ret != 0 || g.chain->version == 0)) {
        mbedtls_x509_crt_free(g.chain);
        tlsc__free(g.chain);
        g.chain = NULL;
    }
    log_lookup(cfg, &g, ret);
    *candidates = g.chain;
    return ret;
}

bool tlsc__trust_local_ee(const tlsc_config *cfg, const mbedtls_x509_crt *crt)
{
    if (cfg->bundle.data == NULL || !same_buf(&crt->issuer_raw, &crt->subject_raw))
        return false;
    for (const mbedtls_x509_crt *ca = &cfg->ca; ca != NULL && ca->raw.p != NULL; ca = ca->next) {
        if (same_buf(&ca->raw, &crt->raw))
            return true;
    }
    return false;
}

/* ---- attaching ---------------------------------------------------------------- */

static const char *format_name(tlsc_bundle_format f)
{
    return f == TLSC_BUNDLE_TLSC ? "tlsc" : f == TLSC_BUNDLE_ESP_IDF ? "ESP-IDF" : "legacy ESP-IDF";
}

static tlsc_err attach(tlsc_config *cfg, const void *data, size_t len, unsigned char *owned)
{
    tlsc__bundle b;
    char why[TLSC_ERRMSG_MAX] = "";
    tlsc_err err = tlsc__bundle_open(&b, data, len, why, sizeof why);
    if (err != TLSC_OK)
        return tlsc__config_detail(cfg, err, why);
    tlsc__bundle_release(&cfg->bundle);
    b.owned = owned;
    cfg->bundle = b;
    tlsc__log(cfg, TLSC_LOG_INFO, "bundle: %lu roots in %lu bytes (%s format)",
              (unsigned long)b.count, (unsigned long)len, format_name(b.format));
    return TLSC_OK;
}

tlsc_err tlsc_config_set_bundle(tlsc_config *cfg, const void *data, size_t len)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (data == NULL || len == 0)
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG, "empty bundle");
    return attach(cfg, data, len, NULL);
}

tlsc_err tlsc_config_set_bundle_file(tlsc_config *cfg, const char *path)
{
    unsigned char *data;
    size_t len;
    tlsc_err err = tlsc__config_read_file(cfg, path, &data, &len);
    if (err != TLSC_OK)
        return err;
    err = attach(cfg, data, len, data);
    if (err != TLSC_OK) {
        tlsc__config_fail_file(cfg, err, path);
        tlsc__free(data);
    }
    return err;
}

/* ---- describing ------------------------------------------------------------------ */

/* CN=- : a stand-in subject for describing a root stored without one. */
static const unsigned char STAND_IN_NAME[] = { 0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03,
                                               0x55, 0x04, 0x03, 0x0c, 0x01, 0x2d };

/* The SHA-256 of the key's SubjectPublicKeyInfo as the certificate had it:
 * rebuilt, or for a compressed EC point re-encoded by mbedTLS. */
static int key_hash(const tlsc__root *r, mbedtls_pk_context *pk, unsigned char out[32])
{
    unsigned char buf[2048]; /* RSA up to 8192 bits */
    size_t len = tlsc__root_spki(r, buf, sizeof buf);
    if (tlsc__key_is_ec(r->key_kind) || len == 0) {
        int n = mbedtls_pk_write_pubkey_der(pk, buf, sizeof buf);
        if (n <= 0)
            return n < 0 ? n : -1;
        memmove(buf, buf + sizeof buf - (size_t)n, (size_t)n);
        len = (size_t)n;
    }
    return mbedtls_sha256(buf, len, out, 0);
}

static void describe_crt(const tlsc__root *r, mbedtls_x509_crt *crt, tlsc_bundle_root *info,
                         char *subject, size_t cap)
{
    if (r->subject != NULL) {
        tlsc__x509_dn_text(&crt->subject, subject, cap);
        info->subject = subject;
    }
    info->key_type = mbedtls_pk_get_name(&crt->pk);
    info->key_bits = (unsigned)mbedtls_pk_get_bitlen(&crt->pk);
    if (key_hash(r, &crt->pk, info->key_sha256) != 0)
        info->key_type = "unknown";
}

/* A root's description: what mbedTLS makes of the certificate a lookup
 * would give it. A key mbedTLS cannot read shows as "unknown". */
static tlsc_err describe(const tlsc__root *r, tlsc_bundle_root *info, char *subject, size_t cap)
{
    mbedtls_x509_crt *crt = NULL;
    memset(info, 0, sizeof *info);
    info->subject = "";
    info->key_type = "unknown";
    info->has_dates = r->has_dates;
    info->not_before = r->not_before;
    info->not_after = r->not_after;
    info->path_len = r->path_len;
    bool named = r->subject != NULL;
    int ret = tlsc__root_certificate(r, named ? r->subject : STAND_IN_NAME,
                                     named ? r->subject_len : sizeof STAND_IN_NAME, &crt);
    if (ret == 0)
        describe_crt(r, crt, info, subject, cap);
    mbedtls_x509_crt_free(crt);
    tlsc__free(crt);
    return ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? TLSC_ERR_NO_MEMORY : TLSC_OK;
}

static void set_detail(char *detail, size_t cap, const char *text)
{
    if (detail != NULL && cap != 0)
        snprintf(detail, cap, "%s", text);
}

tlsc_err tlsc_bundle_foreach(const void *data, size_t len, tlsc_bundle_root_fn fn, void *ud,
                             tlsc_bundle_format *format, char *detail, size_t detail_cap)
{
    char why[TLSC_ERRMSG_MAX] = "";
    tlsc__bundle b;
    set_detail(detail, detail_cap, "");
    if (data == NULL || len == 0 || fn == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__global_init(); /* PSA checks EC keys while parsing */
    if (err == TLSC_OK)
        err = tlsc__bundle_open(&b, data, len, why, sizeof why);
    set_detail(detail, detail_cap, why);
    if (err != TLSC_OK)
        return err;
    if (format != NULL)
        *format = b.format;
    tlsc__root r;
    size_t cursor = 0;
    for (uint32_t i = 0; err == TLSC_OK && tlsc__bundle_next(&b, i, &cursor, &r); i++) {
        tlsc_bundle_root info;
        char subject[256];
        err = describe(&r, &info, subject, sizeof subject);
        if (err == TLSC_OK && !fn(ud, &info))
            break;
    }
    return err;
}
