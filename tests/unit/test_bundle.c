/*
 * Root bundles: the builder, validation and decoding of the three formats,
 * lookups, key templates and the certificates given to mbedTLS.
 *
 * The roots are real ones from the system's Mozilla store (Debian package
 * ca-certificates, a build dependency): RSA-2048, RSA-4096, EC P-256 and
 * EC P-384. Corrupted bundles are made from good ones — truncated at every
 * byte, a bit flipped in every byte, offsets, counts and lengths pushed
 * past the end, roots out of order — and must all be refused at attach
 * time (under ASan/UBSan in `make check`, which also proves no read
 * outside the data). Tampered tlsc bundles get their checksum recomputed,
 * so the checks behind it are reached.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"
#include "core/mbedtls/peek_x509.h"
#include "core/verify/trust.h"

#include "mbedtls/sha256.h"

#define MOZILLA "/usr/share/ca-certificates/mozilla/"

static const char *const ROOT_FILES[] = {
    "Amazon_Root_CA_1.crt", /* RSA-2048 */
    "ISRG_Root_X1.crt",     /* RSA-4096 */
    "Amazon_Root_CA_3.crt", /* EC P-256 */
    "ISRG_Root_X2.crt",     /* EC P-384 */
};
#define NROOTS UNIT_ARRAY_LEN(ROOT_FILES)

typedef struct blob {
    unsigned char *p;
    size_t len;
} blob;

typedef struct fixture {
    mbedtls_x509_crt certs[NROOTS];
    blob pem[NROOTS];
    blob tlsc, names, esp, legacy;
} fixture;

static fixture fx;

static blob read_all(const char *path)
{
    blob b = { NULL, 0 };
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return b;
    b.p = calloc(1, 1 << 16);
    b.len = fread(b.p, 1, (1 << 16) - 1, f);
    fclose(f);
    return b;
}

static blob write_bundle(tlsc_bundle_builder *b, tlsc_bundle_format format, unsigned flags)
{
    blob out = { NULL, 0 };
    assert_int_equal(tlsc_bundle_builder_write(b, format, flags, NULL, 0, &out.len), TLSC_OK);
    out.p = malloc(out.len);
    assert_int_equal(tlsc_bundle_builder_write(b, format, flags, out.p, out.len, &out.len),
                     TLSC_OK);
    return out;
}

static int setup(void **state)
{
    (void)state;
    char path[256];
    tlsc_bundle_builder *b = NULL;
    if (tlsc_bundle_builder_new(&b) != TLSC_OK)
        return -1;
    for (size_t i = 0; i < NROOTS; i++) {
        snprintf(path, sizeof path, "%s%s", MOZILLA, ROOT_FILES[i]);
        fx.pem[i] = read_all(path);
        mbedtls_x509_crt_init(&fx.certs[i]);
        if (fx.pem[i].p == NULL ||
            mbedtls_x509_crt_parse(&fx.certs[i], fx.pem[i].p, fx.pem[i].len + 1) != 0 ||
            tlsc_bundle_builder_add(b, fx.pem[i].p, fx.pem[i].len, NULL, NULL) != TLSC_OK) {
            print_error("cannot read root %s (package ca-certificates)\n", path);
            return -1;
        }
    }
    fx.tlsc = write_bundle(b, TLSC_BUNDLE_TLSC, 0);
    fx.names = write_bundle(b, TLSC_BUNDLE_TLSC, TLSC_BUNDLE_NAMES);
    fx.esp = write_bundle(b, TLSC_BUNDLE_ESP_IDF, 0);
    fx.legacy = write_bundle(b, TLSC_BUNDLE_ESP_IDF_LEGACY, 0);
    tlsc_bundle_builder_free(b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROOTS; i++) {
        mbedtls_x509_crt_free(&fx.certs[i]);
        free(fx.pem[i].p);
    }
    free(fx.tlsc.p);
    free(fx.names.p);
    free(fx.esp.p);
    free(fx.legacy.p);
    return 0;
}

static const blob *variant(size_t i)
{
    const blob *all[] = { &fx.tlsc, &fx.names, &fx.esp, &fx.legacy };
    return all[i];
}
#define NVARIANTS 4

static blob copy_of(const blob *b)
{
    blob c = { malloc(b->len + 16), b->len };
    memcpy(c.p, b->p, b->len);
    return c;
}

static tlsc_err open_blob(const blob *b, char *why, size_t cap)
{
    tlsc__bundle v;
    why[0] = '\0';
    return tlsc__bundle_open(&v, b->p, b->len, why, cap);
}

/* Recompute a tampered tlsc bundle's checksum so deeper checks are reached. */
static void fix_checksum(blob *b)
{
    if (b->len >= TLSC__BUNDLE_HEADER)
        assert_int_equal(tlsc__bundle_checksum(b->p, b->len, b->p + TLSC__BUNDLE_CHECK_AT), 0);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Offset of root i's record in a tlsc bundle. */
static size_t tlsc_record(const blob *b, size_t i)
{
    return get32(b->p + TLSC__BUNDLE_HEADER + i * TLSC__BUNDLE_ENTRY + TLSC__NAME_HASH);
}

/* ---- good bundles ------------------------------------------------------------ */

typedef struct seen {
    size_t count;
    unsigned char keys[8][32];
    bool named[8];
} seen;

static bool collect(void *ud, const tlsc_bundle_root *r)
{
    seen *s = ud;
    if (s->count < 8) {
        memcpy(s->keys[s->count], r->key_sha256, 32);
        s->named[s->count] = r->subject[0] != '\0';
    }
    s->count++;
    return true;
}

static bool has_key(const seen *s, const mbedtls_x509_crt *crt)
{
    unsigned char h[32];
    const unsigned char *spki;
    size_t len;
    tlsc__peek_spki(crt, &spki, &len);
    mbedtls_sha256(spki, len, h, 0);
    for (size_t i = 0; i < s->count && i < 8; i++) {
        if (memcmp(s->keys[i], h, 32) == 0)
            return true;
    }
    return false;
}

static void test_every_format_round_trips(void **state)
{
    (void)state;
    static const tlsc_bundle_format formats[] = { TLSC_BUNDLE_TLSC, TLSC_BUNDLE_TLSC,
                                                  TLSC_BUNDLE_ESP_IDF, TLSC_BUNDLE_ESP_IDF_LEGACY };
    for (size_t v = 0; v < NVARIANTS; v++) {
        seen s = { 0 };
        tlsc_bundle_format f = 0;
        char why[256];
        const blob *b = variant(v);
        assert_int_equal(tlsc_bundle_foreach(b->p, b->len, collect, &s, &f, why, sizeof why),
                         TLSC_OK);
        assert_int_equal(f, formats[v]);
        assert_int_equal(s.count, NROOTS);
        for (size_t i = 0; i < NROOTS; i++) {
            assert_true(has_key(&s, &fx.certs[i]));
            assert_true(s.named[i] == (v != 0)); /* only the compact tlsc bundle has no names */
        }
    }
}

/* Even for four roots, half of them EC, the tlsc format is at most 3/4 of
 * ESP-IDF's; the legacy layout is the offset table minus a 16-bit count. */
static void test_compact_is_smaller(void **state)
{
    (void)state;
    assert_memory_equal(fx.tlsc.p, "TLSCB\x01", 6);
    assert_true(fx.tlsc.len * 4 <= fx.esp.len * 3);
    assert_int_equal(fx.legacy.len, fx.esp.len - 4 * NROOTS + 2);
}

static void test_output_is_deterministic(void **state)
{
    (void)state;
    tlsc_bundle_builder *b = NULL;
    assert_int_equal(tlsc_bundle_builder_new(&b), TLSC_OK);
    for (size_t i = NROOTS; i-- > 0;)
        assert_int_equal(tlsc_bundle_builder_add(b, fx.pem[i].p, fx.pem[i].len, NULL, NULL),
                         TLSC_OK);
    blob again = write_bundle(b, TLSC_BUNDLE_TLSC, 0);
    assert_int_equal(again.len, fx.tlsc.len);
    assert_memory_equal(again.p, fx.tlsc.p, again.len);
    unsigned char small[16];
    size_t len = 0;
    assert_int_equal(tlsc_bundle_builder_write(b, TLSC_BUNDLE_TLSC, 0, small, sizeof small, &len),
                     TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(len, fx.tlsc.len);
    assert_int_equal(tlsc_bundle_builder_write(b, 9, 0, NULL, 0, &len), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_bundle_builder_write(b, TLSC_BUNDLE_TLSC, 2, NULL, 0, &len),
                     TLSC_ERR_INVALID_ARG);
    free(again.p);
    tlsc_bundle_builder_free(b);
}

typedef struct skipped {
    size_t calls;
    const char *last;
} skipped;

static bool note_skip(void *ud, const tlsc_bundle_root *r)
{
    skipped *s = ud;
    s->calls++;
    s->last = r->skip;
    return true;
}

static void test_builder_refuses(void **state)
{
    (void)state;
    tlsc_bundle_builder *b = NULL;
    skipped s = { 0, NULL };
    assert_int_equal(tlsc_bundle_builder_new(&b), TLSC_OK);
    assert_int_equal(tlsc_bundle_builder_add(b, fx.pem[0].p, fx.pem[0].len, note_skip, &s), TLSC_OK);
    assert_null(s.last);
    assert_int_equal(tlsc_bundle_builder_add(b, fx.pem[0].p, fx.pem[0].len, note_skip, &s), TLSC_OK);
    assert_non_null(strstr(s.last, "duplicate"));
    assert_int_equal(tlsc_bundle_builder_count(b), 1);
    /* not a certificate at all */
    assert_int_equal(tlsc_bundle_builder_add(b, "junk", 4, note_skip, &s), TLSC_ERR_CERT_PARSE);
    assert_non_null(strstr(tlsc_bundle_builder_errmsg(b), "not a PEM or DER certificate"));
    /* a PEM block whose base64 is broken is reported and skipped */
    static const char bad[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    s.calls = 0;
    assert_int_equal(tlsc_bundle_builder_add(b, bad, sizeof bad - 1, note_skip, &s), TLSC_OK);
    assert_int_equal(s.calls, 1);
    assert_non_null(strstr(s.last, "PEM block"));
    tlsc_bundle_builder_free(b);
}

/* ---- lookups and certificates ---------------------------------------------------- */

typedef struct found {
    size_t count;
    tlsc__root root;
} found;

static int note_root(void *ud, const tlsc__root *r)
{
    found *f = ud;
    f->count++;
    f->root = *r;
    return 0;
}

static void test_lookup_finds_each_root(void **state)
{
    (void)state;
    static const unsigned char nobody[] = { 0x30, 0x0b, 0x31, 0x09, 0x30, 0x07, 0x06, 0x03,
                                            0x55, 0x04, 0x03, 0x0c, 0x00 };
    for (size_t v = 0; v < NVARIANTS; v++) {
        tlsc__bundle b;
        char why[256];
        assert_int_equal(tlsc__bundle_open(&b, variant(v)->p, variant(v)->len, why, sizeof why),
                         TLSC_OK);
        for (size_t i = 0; i < NROOTS; i++) {
            const mbedtls_x509_buf *name = &fx.certs[i].subject_raw;
            found f = { 0 };
            assert_int_equal(tlsc__bundle_find(&b, name->p, name->len, note_root, &f), 0);
            assert_int_equal(f.count, 1);
        }
        found none = { 0 };
        assert_int_equal(tlsc__bundle_find(&b, nobody, sizeof nobody, note_root, &none), 0);
        assert_int_equal(none.count, 0);
    }
}

/* The certificate mbedTLS gets for a root: same name, key, dates; a CA. */
static void test_root_certificate(void **state)
{
    (void)state;
    tlsc__bundle b;
    char why[256];
    assert_int_equal(tlsc__bundle_open(&b, fx.tlsc.p, fx.tlsc.len, why, sizeof why), TLSC_OK);
    for (size_t i = 0; i < NROOTS; i++) {
        const mbedtls_x509_crt *orig = &fx.certs[i];
        found f = { 0 };
        mbedtls_x509_crt *crt = NULL;
        tlsc__bundle_find(&b, orig->subject_raw.p, orig->subject_raw.len, note_root, &f);
        assert_int_equal(tlsc__root_certificate(&f.root, orig->subject_raw.p, orig->subject_raw.len,
                                                &crt), 0);
        assert_int_equal(crt->subject_raw.len, orig->subject_raw.len);
        assert_memory_equal(crt->subject_raw.p, orig->subject_raw.p, orig->subject_raw.len);
        assert_memory_equal(&crt->valid_to, &orig->valid_to, sizeof orig->valid_to);
        assert_memory_equal(&crt->valid_from, &orig->valid_from, sizeof orig->valid_from);
        assert_true(tlsc__peek_is_ca(crt));
        unsigned char a[1024], c[1024];
        int alen = mbedtls_pk_write_pubkey_der((mbedtls_pk_context *)&orig->pk, a, sizeof a);
        int clen = mbedtls_pk_write_pubkey_der(&crt->pk, c, sizeof c);
        assert_true(alen > 0);
        assert_int_equal(alen, clen);
        assert_memory_equal(a + sizeof a - alen, c + sizeof c - clen, (size_t)alen);
        mbedtls_x509_crt_free(crt);
        tlsc__free(crt);
    }
}

/* Templates: RSA rebuilt byte for byte; EC points compressed and restored. */
static void test_key_templates(void **state)
{
    (void)state;
    static const unsigned kinds[] = { TLSC__KEY_RSA2048, TLSC__KEY_RSA4096, TLSC__KEY_P256,
                                      TLSC__KEY_P384 };
    for (size_t i = 0; i < NROOTS; i++) {
        const unsigned char *spki;
        size_t len, body_len;
        unsigned char body[600], out[700];
        tlsc__peek_spki(&fx.certs[i], &spki, &len);
        tlsc__root r = { 0 };
        r.key_kind = tlsc__key_compact(spki, len, body, sizeof body, &body_len);
        assert_int_equal(r.key_kind, kinds[i]);
        r.key = body;
        r.key_len = body_len;
        size_t n = tlsc__root_spki(&r, out, sizeof out);
        assert_int_equal(n, tlsc__root_spki_len(&r));
        if (!tlsc__key_is_ec(r.key_kind)) {
            assert_int_equal(n, len);
            assert_memory_equal(out, spki, len);
        }
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        assert_int_equal(mbedtls_pk_parse_public_key(&pk, out, n), 0);
        int w = mbedtls_pk_write_pubkey_der(&pk, out, sizeof out);
        assert_int_equal((size_t)w, len);
        assert_memory_equal(out + sizeof out - len, spki, len);
        mbedtls_pk_free(&pk);
    }
    /* an unknown shape stays as it is */
    unsigned char odd[80] = { 0x30, 0x4e }, body[100];
    size_t body_len = 1;
    assert_int_equal(tlsc__key_compact(odd, sizeof odd, body, sizeof body, &body_len), TLSC__KEY_RAW);
    assert_int_equal(body_len, 0);
}

/* Attaching costs no RAM: the bundle is used where it is. */
static void test_attach_allocates_nothing(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    for (size_t v = 0; v < NVARIANTS; v++) {
        size_t before = tlsc_heap_current();
        assert_int_equal(tlsc_config_set_bundle(cfg, variant(v)->p, variant(v)->len), TLSC_OK);
        assert_int_equal(tlsc_heap_current(), before);
    }
    assert_int_equal(tlsc_config_set_bundle(cfg, "TLSCB", 5), TLSC_ERR_BUNDLE);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "truncated"));
    tlsc_config_free(cfg);
}

/* The CA callback: bundle roots and added CAs, each for its own issuer. */
static void test_ca_callback(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    mbedtls_x509_crt *cands = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    /* the bundle without ISRG Root X2 (index 3), which is added as a CA */
    tlsc_bundle_builder *b = NULL;
    assert_int_equal(tlsc_bundle_builder_new(&b), TLSC_OK);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(tlsc_bundle_builder_add(b, fx.pem[i].p, fx.pem[i].len, NULL, NULL), TLSC_OK);
    blob three = write_bundle(b, TLSC_BUNDLE_TLSC, 0);
    tlsc_bundle_builder_free(b);
    assert_int_equal(tlsc_config_set_bundle(cfg, three.p, three.len), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca(cfg, fx.pem[3].p, fx.pem[3].len), TLSC_OK);
    for (size_t i = 0; i < NROOTS; i++) {
        assert_int_equal(tlsc__trust_ca_cb(cfg, &fx.certs[i], &cands), 0);
        assert_non_null(cands);
        assert_null(cands->next);
        assert_memory_equal(cands->subject_raw.p, fx.certs[i].subject_raw.p,
                            fx.certs[i].subject_raw.len);
        mbedtls_x509_crt_free(cands);
        tlsc__free(cands);
    }
    /* a self-signed added CA is trusted as is, like mbedTLS does */
    assert_true(tlsc__trust_local_ee(cfg, &fx.certs[3]));
    assert_false(tlsc__trust_local_ee(cfg, &fx.certs[0]));
    tlsc_config_free(cfg);
    free(three.p);
}

/* ---- bad bundles -------------------------------------------------------------------- */

static void test_truncated_at_every_byte(void **state)
{
    (void)state;
    for (size_t v = 0; v < NVARIANTS; v++) {
        const blob *b = variant(v);
        for (size_t len = 0; len < b->len; len++) {
            blob cut = { malloc(len + 1), len }; /* exact size: ASan sees any overread */
            memcpy(cut.p, b->p, len);
            char why[TLSC_ERRMSG_MAX];
            assert_int_equal(open_blob(&cut, why, sizeof why), TLSC_ERR_BUNDLE);
            assert_true(why[0] != '\0');
            free(cut.p);
        }
        blob longer = copy_of(b);
        longer.p[longer.len++] = 0;
        char why[TLSC_ERRMSG_MAX];
        assert_int_equal(open_blob(&longer, why, sizeof why), TLSC_ERR_BUNDLE);
        free(longer.p);
    }
}

static int build_candidate(void *ud, const tlsc__root *r)
{
    mbedtls_x509_crt *crt = NULL;
    const mbedtls_x509_buf *name = ud;
    (void)tlsc__root_certificate(r, name->p, name->len, &crt);
    mbedtls_x509_crt_free(crt);
    tlsc__free(crt);
    return 0;
}

/* A flipped bit: a tlsc bundle's checksum catches it; an ESP-IDF bundle
 * (which has none) may still validate, and then lookups must stay safe. */
static void test_bit_flips(void **state)
{
    (void)state;
    for (size_t v = 0; v < NVARIANTS; v++) {
        blob b = copy_of(variant(v));
        for (size_t i = 0; i < b.len; i++) {
            unsigned char bit = (unsigned char)(1u << (i % 8));
            tlsc__bundle view;
            char why[TLSC_ERRMSG_MAX];
            b.p[i] ^= bit;
            tlsc_err err = tlsc__bundle_open(&view, b.p, b.len, why, sizeof why);
            if (v < 2)
                assert_int_equal(err, TLSC_ERR_BUNDLE);
            for (size_t r = 0; err == TLSC_OK && r < NROOTS; r++) {
                const mbedtls_x509_buf *name = &fx.certs[r].subject_raw;
                tlsc__bundle_find(&view, name->p, name->len, build_candidate, (void *)name);
            }
            b.p[i] ^= bit;
        }
        free(b.p);
    }
}

typedef struct tamper {
    const char *what;
    void (*change)(blob *b);
    const char *expect; /* in the detail */
} tamper;

static void t_version(blob *b) { b->p[5] = 2; }
static void t_flags(blob *b) { b->p[6] = 1; }
static void t_count_zero(blob *b) { put32(b->p + 8, 0); }
static void t_count_huge(blob *b) { put32(b->p + 8, 0xffffffffu); }
static void t_length(blob *b) { put32(b->p + 12, (uint32_t)b->len - 1); }
static void t_offset(blob *b)
{
    unsigned char *o = b->p + TLSC__BUNDLE_HEADER + TLSC__BUNDLE_ENTRY + TLSC__NAME_HASH;
    put32(o, get32(o) + 1);
}
static void t_offset_past_end(blob *b)
{
    put32(b->p + TLSC__BUNDLE_HEADER + TLSC__BUNDLE_ENTRY + TLSC__NAME_HASH, 0xfffffff0u);
}
static void t_unsorted(blob *b) /* swap the first two name hashes */
{
    unsigned char tmp[TLSC__NAME_HASH], *e0 = b->p + TLSC__BUNDLE_HEADER;
    memcpy(tmp, e0, TLSC__NAME_HASH);
    memcpy(e0, e0 + TLSC__BUNDLE_ENTRY, TLSC__NAME_HASH);
    memcpy(e0 + TLSC__BUNDLE_ENTRY, tmp, TLSC__NAME_HASH);
}
static void t_kind_bits(blob *b) { b->p[tlsc_record(b, 0)] |= 0x40; }
static void t_kind_template(blob *b) { b->p[tlsc_record(b, 0)] = (b->p[tlsc_record(b, 0)] & 0xf0) | 9; }
static void t_dates(blob *b) { put32(b->p + tlsc_record(b, 0) + 1, 0xffffffffu); }
/* the last root is P-384 or P-256 in hash order? find an EC one */
static size_t ec_root(const blob *b)
{
    for (size_t i = 0; i < NROOTS; i++) {
        if (tlsc__key_is_ec(b->p[tlsc_record(b, i)] & TLSC__KIND_KEY))
            return i;
    }
    return 0;
}
static size_t rsa_root(const blob *b)
{
    for (size_t i = 0; i < NROOTS; i++) {
        unsigned k = b->p[tlsc_record(b, i)] & TLSC__KIND_KEY;
        if (k != TLSC__KEY_RAW && !tlsc__key_is_ec(k))
            return i;
    }
    return 0;
}
/* the key body starts after kind (1) + dates (8): no pathlen, no name here */
static void t_ec_point(blob *b) { b->p[tlsc_record(b, ec_root(b)) + 9] = 0x05; }
static void t_rsa_modulus(blob *b) { b->p[tlsc_record(b, rsa_root(b)) + 9] &= 0x7f; }
static void t_raw_overflow(blob *b) /* a template record read as RAW: length garbage */
{
    size_t r = tlsc_record(b, rsa_root(b));
    b->p[r] &= 0xf0;
    b->p[r + 9] = 0xff;
    b->p[r + 10] = 0xff;
}

static const tamper TLSC_TAMPERS[] = {
    { "version 2", t_version, "version 2" },
    { "flags", t_flags, "flags 0x1" },
    { "no roots", t_count_zero, "claims 0 roots" },
    { "count past the end", t_count_huge, "which do not fit" },
    { "length field", t_length, "truncated or padded" },
    { "offset off by one", t_offset, "root 1: offset" },
    { "offset past the end", t_offset_past_end, "root 1: offset" },
    { "unsorted", t_unsorted, "not sorted" },
    { "unknown kind bits", t_kind_bits, "malformed" },
    { "unknown key template", t_kind_template, "malformed" },
    { "validity backwards", t_dates, "validity starts after it ends" },
    { "EC point prefix", t_ec_point, "not a valid EC key" },
    { "RSA modulus top bit", t_rsa_modulus, "not a valid RSA key" },
    { "RAW key length overflow", t_raw_overflow, "malformed" },
};

static void run_tampers(const blob *good, const tamper *t, size_t n, bool tlsc)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        blob b = copy_of(good);
        char why[TLSC_ERRMSG_MAX];
        t[i].change(&b);
        if (tlsc)
            fix_checksum(&b);
        tlsc_err err = open_blob(&b, why, sizeof why);
        UNIT_CHECK(failures, err == TLSC_ERR_BUNDLE, "%s: accepted", t[i].what);
        UNIT_CHECK(failures, strstr(why, t[i].expect) != NULL, "%s: detail \"%s\" lacks \"%s\"",
                   t[i].what, why, t[i].expect);
        free(b.p);
    }
    UNIT_DONE(failures);
}

static void test_tampered_tlsc(void **state)
{
    (void)state;
    run_tampers(&fx.tlsc, TLSC_TAMPERS, UNIT_ARRAY_LEN(TLSC_TAMPERS), true);
}

/* With names: a name that is not DER, one that does not match its hash,
 * and a name length past the end. */
static void n_not_der(blob *b) { b->p[tlsc_record(b, 0) + 11] = 0x31; }
static void n_other_name(blob *b) /* the name's last byte: still DER */
{
    size_t r = tlsc_record(b, 0);
    b->p[r + 10 + b->p[r + 9]] ^= 1;
}
static void n_length(blob *b)
{
    b->p[tlsc_record(b, 0) + 9] = 0xff;
    b->p[tlsc_record(b, 0) + 10] = 0xff;
}

static const tamper NAMES_TAMPERS[] = {
    { "name not DER", n_not_der, "not a DER Name" },
    { "name changed", n_other_name, "does not match its index hash" },
    { "name length past the end", n_length, "malformed" },
};

static void test_tampered_names(void **state)
{
    (void)state;
    /* the first record of each: kind, dates, [pathlen absent], u16 length */
    assert_int_equal(fx.names.p[tlsc_record(&fx.names, 0)] & TLSC__KIND_PATHLEN, 0);
    run_tampers(&fx.names, NAMES_TAMPERS, UNIT_ARRAY_LEN(NAMES_TAMPERS), true);
}

static void e_first_offset_odd(blob *b) { put32(b->p, get32(b->p) + 2); }
static void e_first_offset_huge(blob *b) { put32(b->p, 0x7ffffffcu); }
static void e_second_offset(blob *b) { put32(b->p + 4, get32(b->p + 4) + 1); }
static void e_name_length(blob *b) { size_t r = get32(b->p); b->p[r] = 0xff; b->p[r + 1] = 0xff; }
static void e_name_not_der(blob *b) { b->p[get32(b->p) + 4] = 0x31; }
static void e_key_not_der(blob *b) { size_t r = get32(b->p); b->p[r + 4 + b->p[r]] = 0x31; }
/* swap the first two roots, offsets recomputed: the order is wrong */
static void e_unsorted(blob *b)
{
    size_t r0 = get32(b->p), r1 = get32(b->p + 4), r2 = get32(b->p + 8);
    unsigned char *tmp = malloc(r2 - r0);
    memcpy(tmp, b->p + r1, r2 - r1);
    memcpy(tmp + (r2 - r1), b->p + r0, r1 - r0);
    memcpy(b->p + r0, tmp, r2 - r0);
    put32(b->p + 4, (uint32_t)(r0 + (r2 - r1)));
    free(tmp);
}

static const tamper ESP_TAMPERS[] = {
    { "first offset not a table size", e_first_offset_odd, "not the size of an offset table" },
    { "first offset past the end", e_first_offset_huge, "not the size of an offset table" },
    { "second offset off by one", e_second_offset, "root 1: offset" },
    { "name length past the end", e_name_length, "malformed" },
    { "name not DER", e_name_not_der, "not a DER Name" },
    { "key not DER", e_key_not_der, "not a DER SubjectPublicKeyInfo" },
    { "unsorted", e_unsorted, "not sorted" },
};

static void test_tampered_esp_idf(void **state)
{
    (void)state;
    run_tampers(&fx.esp, ESP_TAMPERS, UNIT_ARRAY_LEN(ESP_TAMPERS), false);
}

static void l_count_more(blob *b) { b->p[1]++; }
static void l_count_zero(blob *b) { b->p[0] = 0; b->p[1] = 0; }
static void l_name_length(blob *b) { b->p[2] = 0xff; }

static const tamper LEGACY_TAMPERS[] = {
    { "count above the roots", l_count_more, "truncated or malformed" },
    { "no roots", l_count_zero, "no roots" },
    { "name length past the end", l_name_length, "malformed" },
};

static void test_tampered_legacy(void **state)
{
    (void)state;
    run_tampers(&fx.legacy, LEGACY_TAMPERS, UNIT_ARRAY_LEN(LEGACY_TAMPERS), false);
}

static void test_not_a_bundle(void **state)
{
    (void)state;
    static unsigned char junk[64] = "-----BEGIN CERTIFICATE-----";
    blob b = { junk, sizeof junk };
    char why[TLSC_ERRMSG_MAX];
    assert_int_equal(open_blob(&b, why, sizeof why), TLSC_ERR_BUNDLE);
    assert_non_null(strstr(why, "no \"TLSCB\" magic"));
    blob tlsc = copy_of(&fx.tlsc);
    tlsc.p[30] ^= 1;
    assert_int_equal(open_blob(&tlsc, why, sizeof why), TLSC_ERR_BUNDLE);
    assert_non_null(strstr(why, "checksum"));
    free(tlsc.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_format_round_trips),
        cmocka_unit_test(test_compact_is_smaller),
        cmocka_unit_test(test_output_is_deterministic),
        cmocka_unit_test(test_builder_refuses),
        cmocka_unit_test(test_lookup_finds_each_root),
        cmocka_unit_test(test_root_certificate),
        cmocka_unit_test(test_key_templates),
        cmocka_unit_test(test_attach_allocates_nothing),
        cmocka_unit_test(test_ca_callback),
        cmocka_unit_test(test_truncated_at_every_byte),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_tampered_tlsc),
        cmocka_unit_test(test_tampered_names),
        cmocka_unit_test(test_tampered_esp_idf),
        cmocka_unit_test(test_tampered_legacy),
        cmocka_unit_test(test_not_a_bundle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
