/*
 * The bundle builder: turns PEM/DER certificates into a bundle in tlsc's
 * format or in ESP-IDF's two layouts (docs/bundle-format.md).
 *
 * Each certificate is parsed by mbedTLS, exactly as tlsc_config_add_ca
 * would, and kept only if mbedTLS could use it as a trust anchor: a CA (or
 * a v1 certificate, which mbedTLS accepts as a root), allowed to sign
 * certificates, without name constraints (mbedTLS 3.6 cannot enforce them,
 * so such a root would be trusted beyond its limits). What is kept is its
 * subject, key, dates and path length; the writers lay these out.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/calendar.h"
#include "core/base/reader.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"
#include "core/mbedtls/init.h"
#include "core/mbedtls/peek_x509.h"
#include "core/mbedtls/text.h"
#include "core/x509/x509.h"

#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"
#include "mbedtls/sha256.h"

typedef struct broot {
    unsigned char *subject;     /* one block: subject DER, then the SPKI */
    size_t subject_len;
    unsigned char *spki;
    size_t spki_len;
    unsigned char name_hash[TLSC__NAME_HASH];
    unsigned char cert_sha256[32];
    int64_t not_before, not_after;
    int path_len;
} broot;

struct tlsc_bundle_builder {
    broot *roots;
    size_t count, cap;
    char errmsg[TLSC_ERRMSG_MAX];
};

tlsc_err tlsc_bundle_builder_new(tlsc_bundle_builder **out)
{
    if (out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_err err = tlsc__global_init(); /* the allocator hook, PSA for EC keys */
    if (err != TLSC_OK)
        return err;
    *out = tlsc__calloc(1, sizeof **out);
    return *out != NULL ? TLSC_OK : TLSC_ERR_NO_MEMORY;
}

void tlsc_bundle_builder_free(tlsc_bundle_builder *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->count; i++)
        tlsc__free(b->roots[i].subject);
    tlsc__free(b->roots);
    tlsc__free(b);
}

size_t tlsc_bundle_builder_count(const tlsc_bundle_builder *b)
{
    return b != NULL ? b->count : 0;
}

const char *tlsc_bundle_builder_errmsg(const tlsc_bundle_builder *b)
{
    return b != NULL ? b->errmsg : "";
}

/* ---- one certificate ---------------------------------------------------------- */

typedef struct candidate {
    mbedtls_x509_crt crt;
    bool name_constraints;
    tlsc_bundle_root info;
    char subject[256];
    char why[160];
} candidate;

/* Extensions mbedTLS does not know: note name constraints, and keep
 * mbedTLS's own rule (a critical unknown extension fails the parse). */
static int note_extension(void *ctx, mbedtls_x509_crt const *crt, mbedtls_x509_buf const *oid,
                          int critical, const unsigned char *p, const unsigned char *end)
{
    (void)crt;
    (void)p;
    (void)end;
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_NAME_CONSTRAINTS, oid) == 0)
        *(bool *)ctx = true;
    return critical ? MBEDTLS_ERR_X509_INVALID_EXTENSIONS : 0;
}

static int64_t x509_unix(const mbedtls_x509_time *t)
{
    return tlsc__utc_to_unix(t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

static bool is_duplicate(const tlsc_bundle_builder *b, const unsigned char sha[32])
{
    for (size_t i = 0; i < b->count; i++) {
        if (memcmp(b->roots[i].cert_sha256, sha, 32) == 0)
            return true;
    }
    return false;
}

/* Why a parsed certificate cannot be a root, or NULL. */
static const char *unusable(const tlsc_bundle_builder *b, candidate *c)
{
    const mbedtls_x509_crt *crt = &c->crt;
    const unsigned char *spki;
    size_t spki_len;
    tlsc__peek_spki(crt, &spki, &spki_len);
    if (c->name_constraints)
        return "it has name constraints, which a bundle cannot store (add it with --ca instead)";
    if (crt->version >= 3 && !tlsc__peek_is_ca(crt))
        return "not a CA certificate (no basicConstraints CA:TRUE)";
    if (mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0)
        return "its key usage does not allow signing certificates";
    if (crt->subject_raw.len > 0xffff || spki_len > 0xffff)
        return "its subject or key is larger than 65535 bytes";
    if (is_duplicate(b, c->info.cert_sha256))
        return "duplicate of a root already added";
    if (b->count >= TLSC__BUNDLE_MAX_ROOTS)
        return "the bundle is full (65535 roots)";
    return NULL;
}

static void describe_cert(candidate *c)
{
    const mbedtls_x509_crt *crt = &c->crt;
    const unsigned char *spki;
    size_t spki_len;
    tlsc__peek_spki(crt, &spki, &spki_len);
    tlsc__x509_dn_text(&crt->subject, c->subject, sizeof c->subject);
    c->info.subject = c->subject;
    c->info.key_type = mbedtls_pk_get_name(&crt->pk);
    c->info.key_bits = (unsigned)mbedtls_pk_get_bitlen(&crt->pk);
    (void)mbedtls_sha256(spki, spki_len, c->info.key_sha256, 0);
    c->info.has_dates = true;
    c->info.not_before = x509_unix(&crt->valid_from);
    c->info.not_after = x509_unix(&crt->valid_to);
    c->info.path_len = tlsc__peek_path_len(crt);
}

static tlsc_err grow(tlsc_bundle_builder *b)
{
    size_t cap = b->cap != 0 ? 2 * b->cap : 64;
    broot *roots = tlsc__calloc(cap, sizeof *roots);
    if (roots == NULL)
        return TLSC_ERR_NO_MEMORY;
    if (b->count != 0)
        memcpy(roots, b->roots, b->count * sizeof *roots);
    tlsc__free(b->roots);
    b->roots = roots;
    b->cap = cap;
    return TLSC_OK;
}

static tlsc_err keep(tlsc_bundle_builder *b, const candidate *c)
{
    const mbedtls_x509_buf *subject = &c->crt.subject_raw;
    const unsigned char *spki;
    size_t spki_len;
    tlsc__peek_spki(&c->crt, &spki, &spki_len);
    if (b->count == b->cap && grow(b) != TLSC_OK)
        return TLSC_ERR_NO_MEMORY;
    broot *r = &b->roots[b->count];
    r->subject = tlsc__calloc(1, subject->len + spki_len);
    if (r->subject == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(r->subject, subject->p, subject->len);
    memcpy(r->subject + subject->len, spki, spki_len);
    r->subject_len = subject->len;
    r->spki = r->subject + subject->len;
    r->spki_len = spki_len;
    memcpy(r->cert_sha256, c->info.cert_sha256, 32);
    r->not_before = c->info.not_before;
    r->not_after = c->info.not_after;
    r->path_len = c->info.path_len;
    b->count++;
    return tlsc__name_hash(subject->p, subject->len, r->name_hash) == 0 ? TLSC_OK
                                                                          : TLSC_ERR_INTERNAL;
}

static const char *parse_failure(candidate *c, int ret)
{
    char text[100];
    if (c->name_constraints)
        return "it has critical name constraints, which a bundle cannot store (add it with --ca instead)";
    tlsc__mbedtls_text(ret, text, sizeof text);
    snprintf(c->why, sizeof c->why, "it does not parse: %s", text);
    return c->why;
}

/* lone: the caller's whole data, which then must be a certificate. */
static tlsc_err add_der(tlsc_bundle_builder *b, const unsigned char *der, size_t len,
                        bool lone, tlsc_bundle_root_fn fn, void *ud)
{
    candidate c;
    memset(&c, 0, sizeof c);
    mbedtls_x509_crt_init(&c.crt);
    c.info.subject = "";
    c.info.key_type = "unknown";
    c.info.path_len = -1;
    c.info.has_cert_sha256 = mbedtls_sha256(der, len, c.info.cert_sha256, 0) == 0;
    int ret = mbedtls_x509_crt_parse_der_with_ext_cb(&c.crt, der, len, 1, note_extension,
                                                     &c.name_constraints);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return TLSC_ERR_NO_MEMORY;
    if (ret != 0 && lone) {
        snprintf(b->errmsg, sizeof b->errmsg, "not a PEM or DER certificate: %s",
                 parse_failure(&c, ret));
        mbedtls_x509_crt_free(&c.crt);
        return TLSC_ERR_CERT_PARSE;
    }
    if (ret == 0)
        describe_cert(&c);
    c.info.skip = ret != 0 ? parse_failure(&c, ret) : unusable(b, &c);
    bool wanted = fn == NULL || fn(ud, &c.info);
    tlsc_err err = c.info.skip == NULL && wanted ? keep(b, &c) : TLSC_OK;
    mbedtls_x509_crt_free(&c.crt);
    return err;
}

/* ---- PEM ------------------------------------------------------------------------- */

static void report_bad_pem(int ret, tlsc_bundle_root_fn fn, void *ud)
{
    char text[100], why[160];
    tlsc_bundle_root info = { .subject = "", .key_type = "unknown", .path_len = -1, .skip = why };
    tlsc__mbedtls_text(ret, text, sizeof text);
    snprintf(why, sizeof why, "its PEM block does not decode: %s", text);
    if (fn != NULL)
        (void)fn(ud, &info);
}

/* Each certificate block in turn (mbedTLS's PEM reader wants a C string). */
static tlsc_err add_pem(tlsc_bundle_builder *b, const char *text, tlsc_bundle_root_fn fn,
                        void *ud)
{
    tlsc_err err = TLSC_OK;
    size_t used = 1;
    for (const char *at = text; err == TLSC_OK && *at != '\0' && used != 0; at += used) {
        mbedtls_pem_context pem;
        mbedtls_pem_init(&pem);
        used = 0;
        int ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
                                          "-----END CERTIFICATE-----",
                                          (const unsigned char *)at, NULL, 0, &used);
        size_t der_len = 0;
        const unsigned char *der = mbedtls_pem_get_buffer(&pem, &der_len);
        if (ret == 0)
            err = add_der(b, der, der_len, false, fn, ud);
        else if (ret == MBEDTLS_ERR_PEM_ALLOC_FAILED)
            err = TLSC_ERR_NO_MEMORY;
        else if (ret != MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT)
            report_bad_pem(ret, fn, ud);
        mbedtls_pem_free(&pem);
    }
    return err;
}

tlsc_err tlsc_bundle_builder_add(tlsc_bundle_builder *b, const void *data, size_t len,
                                 tlsc_bundle_root_fn fn, void *ud)
{
    if (b == NULL || data == NULL || len == 0)
        return TLSC_ERR_INVALID_ARG;
    b->errmsg[0] = '\0';
    if (!tlsc__x509_has_pem(data, len))
        return add_der(b, data, len, true, fn, ud);
    char *text = tlsc__calloc(1, len + 1);
    if (text == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(text, data, len);
    tlsc_err err = add_pem(b, text, fn, ud);
    tlsc__free(text);
    return err;
}

/* ---- writing ---------------------------------------------------------------------- */

/* Stored dates are 32-bit: clamping only narrows the validity. */
static uint32_t clamp32(int64_t t)
{
    return t < 0 ? 0 : t > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static void put_tlsc_record(tlsc__writer *w, const broot *r, unsigned flags)
{
    unsigned char body[512];
    size_t body_len;
    unsigned kind = tlsc__key_compact(r->spki, r->spki_len, body, sizeof body, &body_len);
    bool names = (flags & TLSC_BUNDLE_NAMES) != 0;
    tlsc__wr_le(w, kind | (r->path_len >= 0 ? TLSC__KIND_PATHLEN : 0) |
                  (names ? TLSC__KIND_SUBJECT : 0), 1);
    tlsc__wr_le(w, clamp32(r->not_before), 4);
    tlsc__wr_le(w, clamp32(r->not_after), 4);
    if (r->path_len >= 0)
        tlsc__wr_le(w, r->path_len > 255 ? 255 : (uint32_t)r->path_len, 1);
    if (names) {
        tlsc__wr_le(w, (uint32_t)r->subject_len, 2);
        tlsc__wr_bytes(w, r->subject, r->subject_len);
    }
    if (kind == TLSC__KEY_RAW)
        tlsc__wr_le(w, (uint32_t)r->spki_len, 2);
    tlsc__wr_bytes(w, kind == TLSC__KEY_RAW ? r->spki : body,
                   kind == TLSC__KEY_RAW ? r->spki_len : body_len);
}

static size_t tlsc_record_size(const broot *r, unsigned flags)
{
    tlsc__writer count = { NULL, 0, 0 };
    put_tlsc_record(&count, r, flags);
    return count.at;
}

static void put_tlsc(tlsc__writer *w, const broot **order, size_t n, unsigned flags)
{
    static const unsigned char zero[8] = { 0 };
    size_t offset = TLSC__BUNDLE_HEADER + n * TLSC__BUNDLE_ENTRY, total = offset;
    for (size_t i = 0; i < n; i++)
        total += tlsc_record_size(order[i], flags);
    tlsc__wr_bytes(w, TLSC__BUNDLE_MAGIC, 5);
    tlsc__wr_le(w, TLSC__BUNDLE_VERSION, 1);
    tlsc__wr_le(w, 0, 2);
    tlsc__wr_le(w, (uint32_t)n, 4);
    tlsc__wr_le(w, (uint32_t)total, 4);
    tlsc__wr_bytes(w, zero, sizeof zero); /* the checksum, once everything is written */
    for (size_t i = 0; i < n; i++) {
        tlsc__wr_bytes(w, order[i]->name_hash, TLSC__NAME_HASH);
        tlsc__wr_le(w, (uint32_t)offset, 4);
        offset += tlsc_record_size(order[i], flags);
    }
    for (size_t i = 0; i < n; i++)
        put_tlsc_record(w, order[i], flags);
}

static void put_esp(tlsc__writer *w, const broot **order, size_t n, bool legacy)
{
    void (*put_u16)(tlsc__writer *, uint64_t, size_t) = legacy ? tlsc__wr_be : tlsc__wr_le;
    size_t offset = 4 * n;
    if (legacy)
        tlsc__wr_be(w, (uint32_t)n, 2);
    for (size_t i = 0; !legacy && i < n; i++) {
        tlsc__wr_le(w, (uint32_t)offset, 4);
        offset += 4 + order[i]->subject_len + order[i]->spki_len;
    }
    for (size_t i = 0; i < n; i++) {
        put_u16(w, (uint32_t)order[i]->subject_len, 2);
        put_u16(w, (uint32_t)order[i]->spki_len, 2);
        tlsc__wr_bytes(w, order[i]->subject, order[i]->subject_len);
        tlsc__wr_bytes(w, order[i]->spki, order[i]->spki_len);
    }
}

/* ---- order ------------------------------------------------------------------------- */

static int bytes_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c != 0 ? c : alen < blen ? -1 : alen > blen;
}

/* Ties (one subject, several roots) are ordered by key, then certificate,
 * so that the output does not depend on the input's order. */
static int tie_cmp(const broot *a, const broot *b)
{
    int c = bytes_cmp(a->spki, a->spki_len, b->spki, b->spki_len);
    return c != 0 ? c : memcmp(a->cert_sha256, b->cert_sha256, 32);
}

static int by_name_hash(const broot *a, const broot *b)
{
    int c = memcmp(a->name_hash, b->name_hash, TLSC__NAME_HASH);
    return c != 0 ? c : tie_cmp(a, b);
}

/* ESP-IDF sorts by subject DER (gen_crt_bundle.py: sorted() on bytes). */
static int by_subject(const broot *a, const broot *b)
{
    int c = bytes_cmp(a->subject, a->subject_len, b->subject, b->subject_len);
    return c != 0 ? c : tie_cmp(a, b);
}

typedef int (*root_cmp)(const broot *, const broot *);

static void sift_down(const broot **a, size_t root, size_t n, root_cmp cmp)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && cmp(a[child], a[child + 1]) < 0)
            child++;
        if (cmp(a[root], a[child]) >= 0)
            return;
        const broot *t = a[root];
        a[root] = a[child];
        a[child] = t;
    }
}

/* Heapsort: in place, where the C library's qsort may call malloc behind
 * tlsc's allocator. The order is total (ties end at the certificate hash),
 * so the result does not depend on the input's order. */
static void sort_roots(const broot **a, size_t n, root_cmp cmp)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n, cmp);
    for (size_t end = n; end-- > 1;) {
        const broot *t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end, cmp);
    }
}

static void put_bundle(tlsc__writer *w, const broot **order, size_t n, tlsc_bundle_format format,
                       unsigned flags)
{
    if (format == TLSC_BUNDLE_TLSC)
        put_tlsc(w, order, n, flags);
    else
        put_esp(w, order, n, format == TLSC_BUNDLE_ESP_IDF_LEGACY);
}

static bool known_format(tlsc_bundle_format f)
{
    return f == TLSC_BUNDLE_TLSC || f == TLSC_BUNDLE_ESP_IDF || f == TLSC_BUNDLE_ESP_IDF_LEGACY;
}

tlsc_err tlsc_bundle_builder_write(const tlsc_bundle_builder *b, tlsc_bundle_format format,
                                   unsigned flags, void *out, size_t cap, size_t *len)
{
    if (b == NULL || len == NULL || !known_format(format) || (flags & ~TLSC_BUNDLE_NAMES) != 0)
        return TLSC_ERR_INVALID_ARG;
    if (b->count == 0)
        return TLSC_ERR_BUNDLE;
    const broot **order = tlsc__calloc(b->count, sizeof *order);
    if (order == NULL)
        return TLSC_ERR_NO_MEMORY;
    for (size_t i = 0; i < b->count; i++)
        order[i] = &b->roots[i];
    sort_roots(order, b->count, format == TLSC_BUNDLE_TLSC ? by_name_hash : by_subject);
    tlsc__writer w = { out, cap, 0 };
    put_bundle(&w, order, b->count, format, flags);
    tlsc__free(order);
    *len = w.at;
    if (out == NULL)
        return TLSC_OK;
    if (w.at > cap)
        return TLSC_ERR_BUFFER_SIZE;
    if (format == TLSC_BUNDLE_TLSC &&
        tlsc__bundle_checksum(out, w.at, (unsigned char *)out + TLSC__BUNDLE_CHECK_AT) != 0)
        return TLSC_ERR_INTERNAL;
    return TLSC_OK;
}
