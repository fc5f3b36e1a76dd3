/*
 * Bundle formats: recognising, validating and decoding the three layouts
 * read in place (docs/bundle-format.md).
 *
 * Validation runs once, when a bundle is attached, and checks everything a
 * lookup will read: header, every offset and length, sort order, the DER
 * structure of every stored name and key, and a tlsc bundle's checksum.
 * Lookups afterwards decode with the same bounds-checked reader, so even
 * bytes that changed after attaching (flash rewritten underneath) can only
 * make a lookup miss, never make tlsc read outside the bundle.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/reader.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"

#include "mbedtls/asn1.h"
#include "mbedtls/sha256.h"

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static tlsc__reader reader_at(const tlsc__bundle *b, size_t at)
{
    return tlsc__reader_at(b->data, b->len, at);
}

/* ---- records ---------------------------------------------------------------- */

static void tlsc_record(tlsc__reader *in, tlsc__root *r)
{
    unsigned kind = tlsc__rd_le(in, 1);
    r->has_dates = true;
    r->not_before = tlsc__rd_le(in, 4);
    r->not_after = tlsc__rd_le(in, 4);
    r->path_len = (kind & TLSC__KIND_PATHLEN) ? (int)tlsc__rd_le(in, 1) : -1;
    if (kind & TLSC__KIND_SUBJECT) {
        r->subject_len = tlsc__rd_le(in, 2);
        r->subject = tlsc__rd_bytes(in, r->subject_len);
    }
    r->key_kind = kind & TLSC__KIND_KEY;
    r->key_len = r->key_kind == TLSC__KEY_RAW ? tlsc__rd_le(in, 2) : tlsc__key_body_len(r->key_kind);
    r->key = tlsc__rd_bytes(in, r->key_len);
    if ((kind & ~(TLSC__KIND_KEY | TLSC__KIND_PATHLEN | TLSC__KIND_SUBJECT)) != 0 ||
        r->key_len == 0)
        in->bad = true;
}

/* ESP-IDF: name length, key length (LE, or BE in the legacy layout),
 * subject DER, SPKI DER. */
static void esp_record(tlsc__reader *in, bool big_endian, tlsc__root *r)
{
    r->subject_len = big_endian ? tlsc__rd_be(in, 2) : tlsc__rd_le(in, 2);
    r->key_len = big_endian ? tlsc__rd_be(in, 2) : tlsc__rd_le(in, 2);
    r->subject = tlsc__rd_bytes(in, r->subject_len);
    r->key = tlsc__rd_bytes(in, r->key_len);
    r->key_kind = TLSC__KEY_RAW;
    r->path_len = -1;
}

static size_t record_offset(const tlsc__bundle *b, uint32_t index)
{
    if (b->format == TLSC_BUNDLE_TLSC)
        return le32(b->data + TLSC__BUNDLE_HEADER + (size_t)index * TLSC__BUNDLE_ENTRY +
                    TLSC__NAME_HASH);
    return le32(b->data + (size_t)index * 4);
}

/* Decode the record at *cursor (the offset table's entry for `index` in
 * the indexed formats); moves *cursor past it. */
static bool decode(const tlsc__bundle *b, uint32_t index, size_t *cursor, tlsc__root *r)
{
    tlsc__reader in = reader_at(b, *cursor);
    memset(r, 0, sizeof *r);
    if (b->format == TLSC_BUNDLE_TLSC) {
        r->name_hash = b->data + TLSC__BUNDLE_HEADER + (size_t)index * TLSC__BUNDLE_ENTRY;
        tlsc_record(&in, r);
    } else {
        esp_record(&in, b->format == TLSC_BUNDLE_ESP_IDF_LEGACY, r);
    }
    *cursor = in.at;
    return !in.bad;
}

static size_t first_record(const tlsc__bundle *b)
{
    if (b->format == TLSC_BUNDLE_TLSC)
        return TLSC__BUNDLE_HEADER + (size_t)b->count * TLSC__BUNDLE_ENTRY;
    return b->format == TLSC_BUNDLE_ESP_IDF ? (size_t)b->count * 4 : 2;
}

bool tlsc__bundle_next(const tlsc__bundle *b, uint32_t index, size_t *cursor, tlsc__root *r)
{
    if (index >= b->count)
        return false;
    if (*cursor == 0)
        *cursor = first_record(b);
    return decode(b, index, cursor, r);
}

/* Random access (not for the legacy layout, which has no offsets). */
static bool root_at(const tlsc__bundle *b, uint32_t index, tlsc__root *r)
{
    size_t cursor = record_offset(b, index);
    return decode(b, index, &cursor, r);
}

/* ---- DER shapes ------------------------------------------------------------- */

/* AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY } */
static bool atv_ok(unsigned char **p, const unsigned char *end)
{
    size_t len;
    if (mbedtls_asn1_get_tag(p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return false;
    const unsigned char *seq_end = *p + len;
    if (mbedtls_asn1_get_tag(p, seq_end, &len, MBEDTLS_ASN1_OID) != 0)
        return false;
    *p += len;
    if (*p >= seq_end)
        return false;
    (*p)++; /* the value's tag: any */
    if (mbedtls_asn1_get_len(p, seq_end, &len) != 0 || *p + len != seq_end)
        return false;
    *p += len;
    return true;
}

/* Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, nothing after it. */
static bool name_ok(const unsigned char *der, size_t der_len)
{
    unsigned char *p = (unsigned char *)der;
    const unsigned char *end = der + der_len;
    size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        p + len != end)
        return false;
    while (p < end) {
        if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) != 0 ||
            len == 0)
            return false;
        const unsigned char *set_end = p + len;
        while (p < set_end) {
            if (!atv_ok(&p, set_end))
                return false;
        }
    }
    return true;
}

/* SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING } */
static bool spki_ok(const unsigned char *der, size_t der_len)
{
    unsigned char *p = (unsigned char *)der;
    const unsigned char *end = der + der_len;
    size_t len;
    mbedtls_asn1_buf alg, params;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        p + len != end || mbedtls_asn1_get_alg(&p, end, &alg, &params) != 0)
        return false;
    return mbedtls_asn1_get_bitstring_null(&p, end, &len) == 0 && len > 0 && p + len == end;
}

/* ---- validation --------------------------------------------------------------- */

#define FAIL(...) (snprintf(detail, cap, __VA_ARGS__), TLSC_ERR_BUNDLE)

int tlsc__name_hash(const unsigned char *name, size_t len, unsigned char out[TLSC__NAME_HASH])
{
    unsigned char h[32];
    int ret = mbedtls_sha256(name, len, h, 0);
    memcpy(out, h, TLSC__NAME_HASH);
    return ret;
}

/* Order of names: bytewise, a prefix first (as ESP-IDF's generator sorts). */
static int name_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static tlsc_err check_root(const tlsc__root *r, char *detail, size_t cap)
{
    unsigned char h[TLSC__NAME_HASH];
    if (r->subject != NULL && !name_ok(r->subject, r->subject_len))
        return FAIL("its subject is not a DER Name");
    if (r->subject != NULL && r->name_hash != NULL &&
        (tlsc__name_hash(r->subject, r->subject_len, h) != 0 ||
         memcmp(h, r->name_hash, TLSC__NAME_HASH) != 0))
        return FAIL("its subject does not match its index hash");
    if (r->key_kind == TLSC__KEY_RAW && !spki_ok(r->key, r->key_len))
        return FAIL("its key is not a DER SubjectPublicKeyInfo");
    if (r->key_kind != TLSC__KEY_RAW && !tlsc__key_body_ok(r->key_kind, r->key))
        return FAIL("its key is not a valid %s key", tlsc__key_is_ec(r->key_kind) ? "EC" : "RSA");
    if (r->has_dates && r->not_before > r->not_after)
        return FAIL("its validity starts after it ends");
    return TLSC_OK;
}

/* Root `i` sorts after root `i - 1` (equal keys allowed: several roots with
 * one subject). */
static bool in_order(const tlsc__bundle *b, const tlsc__root *prev, const tlsc__root *r)
{
    if (b->format == TLSC_BUNDLE_TLSC)
        return memcmp(prev->name_hash, r->name_hash, TLSC__NAME_HASH) <= 0;
    return name_cmp(prev->subject, prev->subject_len, r->subject, r->subject_len) <= 0;
}

/* Every root: where the offset table says, right after the previous one,
 * well-formed and in order; the last one ends the bundle. */
static tlsc_err check_roots(const tlsc__bundle *b, char *detail, size_t cap)
{
    tlsc__root prev = { 0 }, r;
    size_t cursor = 0;
    for (uint32_t i = 0; i < b->count; i++) {
        size_t at = cursor == 0 ? first_record(b) : cursor;
        if (b->format != TLSC_BUNDLE_ESP_IDF_LEGACY && record_offset(b, i) != at)
            return FAIL("root %u: offset %lu, expected %lu (roots follow the index and "
                        "each other)", (unsigned)i, (unsigned long)record_offset(b, i),
                        (unsigned long)at);
        if (!tlsc__bundle_next(b, i, &cursor, &r))
            return FAIL("root %u at byte %lu: truncated or malformed record", (unsigned)i,
                        (unsigned long)at);
        char why[TLSC_ERRMSG_MAX / 2];
        if (check_root(&r, why, sizeof why) != TLSC_OK)
            return FAIL("root %u at byte %lu: %s", (unsigned)i, (unsigned long)at, why);
        if (i > 0 && !in_order(b, &prev, &r))
            return FAIL("root %u at byte %lu: roots are not sorted", (unsigned)i,
                        (unsigned long)at);
        prev = r;
    }
    if (cursor != b->len)
        return FAIL("%lu bytes after the last root", (unsigned long)(b->len - cursor));
    return TLSC_OK;
}

int tlsc__bundle_checksum(const unsigned char *p, size_t len, unsigned char out[8])
{
    unsigned char h[32];
    mbedtls_sha256_context ctx;
    mbedtls_sha256_init(&ctx);
    int ret = mbedtls_sha256_starts(&ctx, 0);
    if (ret == 0)
        ret = mbedtls_sha256_update(&ctx, p, TLSC__BUNDLE_CHECK_AT);
    if (ret == 0)
        ret = mbedtls_sha256_update(&ctx, p + TLSC__BUNDLE_HEADER, len - TLSC__BUNDLE_HEADER);
    if (ret == 0)
        ret = mbedtls_sha256_finish(&ctx, h);
    mbedtls_sha256_free(&ctx);
    memcpy(out, h, 8);
    return ret;
}

static tlsc_err open_tlsc(tlsc__bundle *b, char *detail, size_t cap)
{
    tlsc__reader in = reader_at(b, 5);
    unsigned version = tlsc__rd_le(&in, 1), flags = tlsc__rd_le(&in, 2);
    uint32_t count = tlsc__rd_le(&in, 4), total = tlsc__rd_le(&in, 4);
    unsigned char check[8];
    if (in.bad || b->len < TLSC__BUNDLE_HEADER)
        return FAIL("tlsc bundle truncated in its header (%lu bytes)", (unsigned long)b->len);
    if (version != TLSC__BUNDLE_VERSION || flags != 0)
        return FAIL("tlsc bundle version %u, flags 0x%x: this tlsc reads version %d, flags 0",
                    version, flags, TLSC__BUNDLE_VERSION);
    if (total != b->len)
        return FAIL("tlsc bundle of %lu bytes, but %lu given (truncated or padded?)",
                    (unsigned long)total, (unsigned long)b->len);
    if (tlsc__bundle_checksum(b->data, b->len, check) != 0 ||
        memcmp(check, b->data + TLSC__BUNDLE_CHECK_AT, 8) != 0)
        return FAIL("tlsc bundle checksum mismatch: the data is corrupt");
    if (count == 0 || count > TLSC__BUNDLE_MAX_ROOTS ||
        count > (b->len - TLSC__BUNDLE_HEADER) / TLSC__BUNDLE_ENTRY)
        return FAIL("tlsc bundle claims %lu roots, which do not fit", (unsigned long)count);
    b->count = count;
    return check_roots(b, detail, cap);
}

/* Offset table: the first offset is the table's size (4 bytes a root). */
static tlsc_err open_esp_idf(tlsc__bundle *b, char *detail, size_t cap)
{
    if (b->len < 4)
        return FAIL("too short (%lu bytes)", (unsigned long)b->len);
    uint32_t first = le32(b->data);
    if (first == 0 || first % 4 != 0 || first >= b->len || first / 4 > TLSC__BUNDLE_MAX_ROOTS)
        return FAIL("first offset %lu is not the size of an offset table inside the data",
                    (unsigned long)first);
    b->count = first / 4;
    return check_roots(b, detail, cap);
}

static tlsc_err open_legacy(tlsc__bundle *b, char *detail, size_t cap)
{
    if (b->len < 2 || (b->data[0] == 0 && b->data[1] == 0))
        return FAIL("too short or no roots");
    b->count = (uint32_t)b->data[0] << 8 | b->data[1];
    return check_roots(b, detail, cap);
}

/* Not "TLSCB": an ESP-IDF bundle in either layout, or nothing. */
static tlsc_err open_esp_any(tlsc__bundle *b, char *detail, size_t cap)
{
    char why_new[TLSC_ERRMSG_MAX / 3], why_old[TLSC_ERRMSG_MAX / 3];
    b->format = TLSC_BUNDLE_ESP_IDF;
    if (open_esp_idf(b, why_new, sizeof why_new) == TLSC_OK)
        return TLSC_OK;
    b->format = TLSC_BUNDLE_ESP_IDF_LEGACY;
    if (open_legacy(b, why_old, sizeof why_old) == TLSC_OK)
        return TLSC_OK;
    return FAIL("not a bundle: no \"TLSCB\" magic; as an ESP-IDF bundle: %s; "
                "as a legacy ESP-IDF bundle: %s", why_new, why_old);
}

tlsc_err tlsc__bundle_open(tlsc__bundle *b, const void *data, size_t len, char *detail,
                           size_t cap)
{
    memset(b, 0, sizeof *b);
    b->data = data;
    b->len = len;
    tlsc_err err = TLSC_OK;
    if (len >= 5 && memcmp(data, TLSC__BUNDLE_MAGIC, 5) == 0) {
        b->format = TLSC_BUNDLE_TLSC;
        err = open_tlsc(b, detail, cap);
    } else {
        err = open_esp_any(b, detail, cap);
    }
    if (err != TLSC_OK)
        memset(b, 0, sizeof *b);
    return err;
}

void tlsc__bundle_release(tlsc__bundle *b)
{
    tlsc__free(b->owned);
    memset(b, 0, sizeof *b);
}

/* ---- lookup ---------------------------------------------------------------------- */

typedef struct lookup {
    const unsigned char *name;
    size_t name_len;
    unsigned char hash[TLSC__NAME_HASH];
} lookup;

/* Root `index` compared with the name looked up (indexed formats). */
static int key_cmp(const tlsc__bundle *b, uint32_t index, const lookup *k)
{
    if (b->format == TLSC_BUNDLE_TLSC)
        return memcmp(b->data + TLSC__BUNDLE_HEADER + (size_t)index * TLSC__BUNDLE_ENTRY,
                      k->hash, TLSC__NAME_HASH);
    tlsc__root r;
    if (!root_at(b, index, &r))
        return 1; /* unreadable: treat as past the name, the search ends there */
    return name_cmp(r.subject, r.subject_len, k->name, k->name_len);
}

static uint32_t lower_bound(const tlsc__bundle *b, const lookup *k)
{
    uint32_t lo = 0, hi = b->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (key_cmp(b, mid, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A stored subject, when there is one, must be the name itself. */
static bool matches(const tlsc__root *r, const lookup *k)
{
    if (r->subject == NULL)
        return true; /* tlsc format without names: the hash matched */
    return r->subject_len == k->name_len && memcmp(r->subject, k->name, k->name_len) == 0;
}

static int find_indexed(const tlsc__bundle *b, const lookup *k,
                        int (*fn)(void *, const tlsc__root *), void *ud)
{
    tlsc__root r;
    for (uint32_t i = lower_bound(b, k); i < b->count && key_cmp(b, i, k) == 0; i++) {
        int ret = (root_at(b, i, &r) && matches(&r, k)) ? fn(ud, &r) : 0;
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* The legacy layout has no offsets: scan (no RAM for an index). */
static int find_linear(const tlsc__bundle *b, const lookup *k,
                       int (*fn)(void *, const tlsc__root *), void *ud)
{
    tlsc__root r;
    size_t cursor = 0;
    for (uint32_t i = 0; tlsc__bundle_next(b, i, &cursor, &r); i++) {
        int ret = matches(&r, k) ? fn(ud, &r) : 0;
        if (ret != 0)
            return ret;
    }
    return 0;
}

int tlsc__bundle_find(const tlsc__bundle *b, const unsigned char *name, size_t name_len,
                      int (*fn)(void *ud, const tlsc__root *r), void *ud)
{
    lookup k = { name, name_len, { 0 } };
    if (b->data == NULL || name == NULL)
        return 0;
    if (b->format == TLSC_BUNDLE_TLSC && tlsc__name_hash(name, name_len, k.hash) != 0)
        return 0;
    if (b->format == TLSC_BUNDLE_ESP_IDF_LEGACY)
        return find_linear(b, &k, fn, ud);
    return find_indexed(b, &k, fn, ud);
}
