/*
 * IP literals: IPv4 and IPv6 text to address bytes (contracts in the header).
 *
 * Plain C11 on bytes: no allocation, no I/O, no locale (ctype depends on
 * it, so ASCII tests are written out in base/text.h).
 */
#include "core/base/ip.h"

#include <string.h>

#include "core/base/codec.h"
#include "core/base/text.h"

/* ---- IP literals -------------------------------------------------------- */

/*
 * One decimal octet at s[*pos], stopping at len or a non-digit: 1..3 digits,
 * value 0..255, no leading zero (so "010" is never read as octal 8 or as 10,
 * the ambiguity inet_aton has).
 */
static bool parse_octet(const char *s, size_t len, size_t *pos,
                        unsigned char *out)
{
    size_t start = *pos;
    size_t i = start;
    unsigned value = 0;
    while (i < len && tlsc__ascii_digit(s[i]) && i - start < 4) {
        value = value * 10 + (unsigned)(s[i] - '0');
        i++;
    }
    size_t digits = i - start;
    if (digits == 0 || digits > 3 || value > 255)
        return false;
    if (digits > 1 && s[start] == '0')
        return false;
    *out = (unsigned char)value;
    *pos = i;
    return true;
}

/* Exactly four dotted octets filling s[0..len). */
static bool parse_ipv4(const char *s, size_t len, unsigned char out[4])
{
    size_t pos = 0;
    for (int i = 0; i < 4; i++) {
        if (i > 0) {
            if (pos >= len || s[pos] != '.')
                return false;
            pos++;
        }
        if (!parse_octet(s, len, &pos, &out[i]))
            return false;
    }
    return pos == len;
}

/* One IPv6 group of 1..4 hex digits occupying exactly s[0..len). */
static bool parse_group(const char *s, size_t len, unsigned char out[2])
{
    if (len == 0 || len > 4)
        return false;
    unsigned value = 0;
    for (size_t i = 0; i < len; i++) {
        int v = tlsc__hex_value(s[i]);
        if (v < 0)
            return false;
        value = value * 16 + (unsigned)v;
    }
    out[0] = (unsigned char)(value >> 8);
    out[1] = (unsigned char)value;
    return true;
}

/* Index of the next ':' at or after pos, or len. */
static size_t next_colon(const char *s, size_t len, size_t pos)
{
    while (pos < len && s[pos] != ':')
        pos++;
    return pos;
}

/* Parsing state of an IPv6 literal: bytes as written, and where "::" was. */
struct ipv6_state {
    unsigned char bytes[16];
    size_t n;        /* bytes written so far */
    size_t gap;      /* value of n where "::" appeared */
    bool has_gap;
};

/*
 * One piece starting at s[*pos]: a hex group, or (last piece only) an
 * embedded IPv4 address worth two groups (RFC 4291 section 2.2, form 3).
 */
static bool parse_piece(const char *s, size_t len, size_t *pos,
                        struct ipv6_state *st)
{
    size_t end = next_colon(s, len, *pos);
    if (memchr(s + *pos, '.', end - *pos) != NULL) {
        if (end != len || st->n > 12)
            return false;
        if (!parse_ipv4(s + *pos, len - *pos, st->bytes + st->n))
            return false;
        st->n += 4;
    } else {
        if (st->n > 14 || !parse_group(s + *pos, end - *pos, st->bytes + st->n))
            return false;
        st->n += 2;
    }
    *pos = end;
    return true;
}

/*
 * After a piece, at s[*pos]: end of text, ":" before the next piece, or
 * "::" (once only). A single ':' at the very end is an error.
 */
static bool parse_separator(const char *s, size_t len, size_t *pos,
                            struct ipv6_state *st)
{
    size_t i = *pos + 1; /* s[*pos] is ':' */
    if (i < len && s[i] == ':') {
        if (st->has_gap)
            return false;
        st->has_gap = true;
        st->gap = st->n;
        *pos = i + 1;
        return true;
    }
    *pos = i;
    return i < len;
}

/* Move the bytes after "::" to the end and zero-fill the hole. */
static bool expand_gap(struct ipv6_state *st)
{
    if (!st->has_gap)
        return st->n == 16;
    /* "::" stands for at least one group (RFC 4291), so 8 explicit
     * groups plus "::" is too many. */
    if (st->n == 16)
        return false;
    size_t tail = st->n - st->gap;
    memmove(st->bytes + 16 - tail, st->bytes + st->gap, tail);
    memset(st->bytes + st->gap, 0, 16 - st->n);
    return true;
}

/* An IPv6 literal filling s[0..len), without brackets or zone id. */
static bool parse_ipv6(const char *s, size_t len, unsigned char out[16])
{
    struct ipv6_state st = {{0}, 0, 0, false};
    size_t pos = 0;
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        st.has_gap = true;
        pos = 2;
    }
    while (pos < len) {
        if (!parse_piece(s, len, &pos, &st))
            return false;
        if (pos < len && !parse_separator(s, len, &pos, &st))
            return false;
    }
    if (!expand_gap(&st))
        return false;
    memcpy(out, st.bytes, 16);
    return true;
}

bool tlsc__parse_ip(const char *text, unsigned char out[16], size_t *out_len)
{
    if (text == NULL || out == NULL || out_len == NULL)
        return false;
    size_t len = tlsc__bounded_len(text, TLSC__IP_TEXT_MAX);
    if (len == TLSC__IP_TEXT_MAX)
        return false;
    /* Parse into a local buffer: on failure out must stay untouched. */
    unsigned char buf[16];
    size_t n = 0;
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        if (parse_ipv6(text + 1, len - 2, buf))
            n = 16;
    } else if (parse_ipv4(text, len, buf)) {
        n = 4;
    } else if (parse_ipv6(text, len, buf)) {
        n = 16;
    }
    if (n == 0)
        return false;
    memcpy(out, buf, n);
    *out_len = n;
    return true;
}
