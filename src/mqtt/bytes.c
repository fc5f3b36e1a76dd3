/*
 * The byte reader and writer of the MQTT codec, topic rules and UTF-8.
 */
#include <string.h>

#include "mqtt/mqtt_internal.h"

/* ---- reader ---------------------------------------------------------------- */

static const uint8_t *take(tlsc__mrd *r, size_t n)
{
    if (r->bad || r->len - r->off < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

bool tlsc__mrd_u8(tlsc__mrd *r, uint8_t *v)
{
    const uint8_t *p = take(r, 1);
    *v = p ? p[0] : 0;
    return p != NULL;
}

bool tlsc__mrd_u16(tlsc__mrd *r, uint16_t *v)
{
    const uint8_t *p = take(r, 2);
    *v = p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
    return p != NULL;
}

bool tlsc__mrd_u32(tlsc__mrd *r, uint32_t *v)
{
    const uint8_t *p = take(r, 4);
    *v = p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
    return p != NULL;
}

bool tlsc__mrd_varint(tlsc__mrd *r, uint32_t *v)
{
    uint32_t value = 0;
    for (unsigned i = 0; i < 4; i++) {
        uint8_t b;
        if (!tlsc__mrd_u8(r, &b))
            return false;
        value |= (uint32_t)(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            *v = value;
            return true;
        }
    }
    r->bad = true; /* a fifth byte would be needed: not an MQTT integer */
    return false;
}

bool tlsc__mrd_bin(tlsc__mrd *r, tlsc_mqtt_str *s)
{
    uint16_t n;
    if (!tlsc__mrd_u16(r, &n))
        return false;
    const uint8_t *p = take(r, n);
    s->ptr = (const char *)p;
    s->len = p ? n : 0;
    return p != NULL;
}

bool tlsc__mrd_utf8(tlsc__mrd *r, tlsc_mqtt_str *s)
{
    if (!tlsc__mrd_bin(r, s))
        return false;
    if (!tlsc__mqtt_utf8_ok((const uint8_t *)s->ptr, s->len))
        r->bad = true;
    return !r->bad;
}

/* ---- writer ---------------------------------------------------------------- */

void tlsc__mwr_bytes(tlsc__mwr *w, const void *d, size_t n)
{
    if (n > 0 && w->p != NULL && w->len <= w->cap && w->cap - w->len >= n)
        memcpy(w->p + w->len, d, n);
    w->len += n;
}

void tlsc__mwr_u8(tlsc__mwr *w, uint8_t v)
{
    tlsc__mwr_bytes(w, &v, 1);
}

void tlsc__mwr_u16(tlsc__mwr *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    tlsc__mwr_bytes(w, b, 2);
}

void tlsc__mwr_u32(tlsc__mwr *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    tlsc__mwr_bytes(w, b, 4);
}

void tlsc__mwr_varint(tlsc__mwr *w, uint32_t v)
{
    if (v > TLSC_MQTT_REMAINING_MAX) {
        w->bad = true;
        return;
    }
    do {
        uint8_t b = (uint8_t)(v & 0x7f);
        v >>= 7;
        tlsc__mwr_u8(w, (uint8_t)(v ? b | 0x80 : b));
    } while (v);
}

void tlsc__mwr_bin(tlsc__mwr *w, const void *d, size_t n)
{
    if (n > 0xffff) {
        w->bad = true;
        return;
    }
    tlsc__mwr_u16(w, (uint16_t)n);
    tlsc__mwr_bytes(w, d, n);
}

size_t tlsc__mqtt_varint_size(uint32_t v)
{
    return v < 128u ? 1 : v < 16384u ? 2 : v < 2097152u ? 3 : 4;
}

/* ---- UTF-8 and topics ------------------------------------------------------ */

/* Length of the sequence starting with lead byte b and the smallest code
 * point it may encode (to refuse overlong forms); 0 for invalid leads. */
static size_t utf8_seq(uint8_t b, uint32_t *cp, uint32_t *min)
{
    if (b < 0x80) { *cp = b; *min = 0; return 1; }
    if ((b & 0xe0) == 0xc0) { *cp = b & 0x1fu; *min = 0x80; return 2; }
    if ((b & 0xf0) == 0xe0) { *cp = b & 0x0fu; *min = 0x800; return 3; }
    if ((b & 0xf8) == 0xf0) { *cp = b & 0x07u; *min = 0x10000; return 4; }
    return 0;
}

bool tlsc__mqtt_utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp, min;
        size_t k = utf8_seq(s[i], &cp, &min);
        if (k == 0 || n - i < k)
            return false;
        for (size_t j = 1; j < k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + j] & 0x3fu);
        }
        if (cp == 0 || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += k;
    }
    return true;
}

/* One level of a filter: '+' or '#' only as the whole level, '#' last. */
static bool level_ok(const char *lv, size_t n, bool last, bool filter)
{
    const char *plus = memchr(lv, '+', n), *hash = memchr(lv, '#', n);
    if (!filter)
        return plus == NULL && hash == NULL;
    if (plus != NULL && n != 1)
        return false;
    return hash == NULL || (n == 1 && last);
}

bool tlsc_mqtt_topic_valid(const char *topic, size_t len, bool filter)
{
    if (topic == NULL || len == 0 || len > 0xffff ||
        !tlsc__mqtt_utf8_ok((const uint8_t *)topic, len))
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && topic[i] != '/')
            continue;
        if (!level_ok(topic + start, i - start, i == len, filter))
            return false;
        start = i + 1;
    }
    return true;
}

/* The level of s starting at *pos, advancing *pos past it (and its '/'). */
static size_t next_level(const char *s, size_t len, size_t *pos, const char **lv)
{
    size_t start = *pos, i = start;
    while (i < len && s[i] != '/')
        i++;
    *lv = s + start;
    *pos = i + 1;
    return i - start;
}

bool tlsc_mqtt_topic_matches(const char *filter, size_t flen, const char *topic, size_t tlen)
{
    if (tlen > 0 && topic[0] == '$' && flen > 0 && (filter[0] == '+' || filter[0] == '#'))
        return false;
    size_t fp = 0, tp = 0;
    while (fp <= flen && tp <= tlen) {
        const char *fl, *tl;
        size_t fn = next_level(filter, flen, &fp, &fl);
        if (fn == 1 && fl[0] == '#')
            return true;
        size_t tn = next_level(topic, tlen, &tp, &tl);
        if (!(fn == 1 && fl[0] == '+') && (fn != tn || memcmp(fl, tl, fn) != 0))
            return false;
        if (fp > flen)
            return tp > tlen;
        if (tp > tlen) /* "a/#" also matches "a" */
            return flen - fp == 1 && filter[fp] == '#';
    }
    return false;
}
