/*
 * Pure-logic helpers of the core (see util.h for each contract).
 *
 * Everything here is plain C11 on bytes: no allocation, no I/O, no locale
 * (ctype's tolower/isalpha depend on the locale, so ASCII helpers are
 * written out), no gmtime (devices often lack a usable one). The only C
 * library calls are memchr/memcpy/memmove/memset/strlen and vsnprintf.
 */
#include "core/util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- ASCII helpers ------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int tlsc__hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Only ASCII letters fold: bytes >= 0x80 (UTF-8) must compare exactly. */
static unsigned char ascii_lower(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return (unsigned char)(c - 'A' + 'a');
    return c;
}

bool tlsc__ascii_caseeq(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return false;
    }
    return true;
}

/* strnlen without relying on POSIX (bare-metal C libraries may lack it). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* ---- IP literals -------------------------------------------------------- */

/* Longest literal worth looking at: a full IPv6 with IPv4 tail is 45
 * characters, 47 with brackets. Anything longer is not an IP literal, and
 * bounding the scan keeps huge inputs cheap. */
#define IP_TEXT_MAX 48

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
    while (i < len && is_digit(s[i]) && i - start < 4) {
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
    size_t len = bounded_len(text, IP_TEXT_MAX);
    if (len == IP_TEXT_MAX)
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

/* tlsc__parse_ip on s[0..len), which need not be NUL-terminated. */
static bool is_ip_literal(const char *s, size_t len)
{
    char text[IP_TEXT_MAX];
    if (len >= sizeof text)
        return false;
    memcpy(text, s, len);
    text[len] = '\0';
    unsigned char addr[16];
    size_t addr_len;
    return tlsc__parse_ip(text, addr, &addr_len);
}

/* ---- host names --------------------------------------------------------- */

static bool is_label_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

/* RFC 1035 label (plus '_'): 1..63 characters, no '-' at either end. */
static bool label_valid(const char *s, size_t len)
{
    if (len == 0 || len > 63)
        return false;
    if (s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_label_char(s[i]))
            return false;
    }
    return true;
}

/* Dot-separated labels filling s[0..len), with one optional trailing dot. */
static bool dns_name_valid(const char *s, size_t len)
{
    if (s[len - 1] == '.')
        len--;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        if (!label_valid(s + start, i - start))
            return false;
        start = i + 1;
    }
    return true;
}

/*
 * RFC 1123 2.1: a name's last label is never all digits. Resolvers read
 * "010.0.0.1", "1.2.3" or "0x7f000001"-like forms as IPv4 addresses
 * (8.0.0.1, 1.2.0.3), while verification would check them as names:
 * refuse them rather than connect to one thing and verify another.
 */
static bool last_label_numeric(const char *host, size_t len)
{
    len = len > 0 && host[len - 1] == '.' ? len - 1 : len;
    size_t i = len;
    while (i > 0 && host[i - 1] != '.')
        i--;
    bool digits = i < len;
    for (size_t k = i; k < len && digits; k++)
        digits = host[k] >= '0' && host[k] <= '9';
    bool hex = len - i > 2 && host[i] == '0' && (host[i + 1] == 'x' || host[i + 1] == 'X');
    return digits || hex;
}

bool tlsc__host_valid(const char *host)
{
    if (host == NULL)
        return false;
    /* The limit counts the trailing dot too: callers copy the host into
     * char[TLSC_HOST_MAX + 1]. */
    size_t len = bounded_len(host, TLSC_HOST_MAX + 1);
    if (len == 0 || len > TLSC_HOST_MAX)
        return false;
    if (is_ip_literal(host, len))
        return true;
    return dns_name_valid(host, len) && !last_label_numeric(host, len);
}

bool tlsc__host_copy(const char *host, char out[TLSC_HOST_MAX + 1], bool canonical)
{
    if (out == NULL || !tlsc__host_valid(host))
        return false; /* host_valid: at most TLSC_HOST_MAX characters */
    size_t len = strlen(host);
    if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    /* host_valid refuses a final dot on IP literals ("127.0.0.1." has an
     * all-digit last label), so only DNS names lose one here. */
    if (canonical && host[len - 1] == '.')
        len--;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)ascii_lower((unsigned char)host[i]);
    out[len] = '\0';
    return true;
}

/* ---- RFC 6125 name matching --------------------------------------------- */

/* Number of dot-separated labels in p[0..len), or 0 if one is empty. */
static size_t count_labels(const char *p, size_t len)
{
    size_t labels = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && p[i] != '.')
            continue;
        if (i == start)
            return 0;
        labels++;
        start = i + 1;
    }
    return labels;
}

/*
 * A presented name we are willing to compare at all: no NUL (a classic
 * trick to make "bank.com\0.evil.com" look like bank.com), no empty label,
 * and '*' only as the whole left-most label of a name with at least two
 * more labels.
 */
static bool pattern_acceptable(const char *p, size_t len)
{
    if (len == 0 || memchr(p, '\0', len) != NULL)
        return false;
    size_t labels = count_labels(p, len);
    if (labels == 0)
        return false;
    if (p[0] != '*')
        return memchr(p, '*', len) == NULL;
    if (len < 2 || p[1] != '.' || memchr(p + 1, '*', len - 1) != NULL)
        return false;
    return labels >= 3;
}

/* "*" + suffix (".example.com") against host[0..len). */
static bool wildcard_matches(const char *suffix, size_t suffix_len,
                             const char *host, size_t len)
{
    /* An IP address is never covered by a wildcard ("*.2.3.4"). */
    if (is_ip_literal(host, len))
        return false;
    const char *dot = memchr(host, '.', len);
    if (dot == NULL || dot == host)
        return false;
    size_t rest = len - (size_t)(dot - host);
    return rest == suffix_len && tlsc__ascii_caseeq(dot, suffix, suffix_len);
}

bool tlsc__dns_name_is_absolute(const char *name, size_t len)
{
    return name != NULL && len > 0 && name[len - 1] == '.';
}

bool tlsc__dns_name_matches(const char *pattern, size_t pattern_len,
                            const char *host)
{
    if (pattern == NULL || host == NULL)
        return false;
    size_t hlen = strlen(host);
    /* One canonical form (tlsc__host_copy): an absolute name on either
     * side matches nothing, as the name-constraint check refuses it too. */
    if (tlsc__dns_name_is_absolute(pattern, pattern_len) ||
        tlsc__dns_name_is_absolute(host, hlen))
        return false;
    if (!pattern_acceptable(pattern, pattern_len))
        return false;
    if (pattern[0] == '*')
        return wildcard_matches(pattern + 1, pattern_len - 1, host, hlen);
    return hlen == pattern_len && tlsc__ascii_caseeq(pattern, host, pattern_len);
}

/* ---- hex ---------------------------------------------------------------- */

/* The byte spelled by two hex digits, or -1. */
static int hex_pair(const char *p)
{
    int hi = tlsc__hex_value(p[0]);
    int lo = tlsc__hex_value(p[1]);
    if (hi < 0 || lo < 0)
        return -1;
    return hi << 4 | lo;
}

long tlsc__hex_decode(const char *hex, unsigned char *out, size_t out_cap)
{
    if (hex == NULL)
        return -1;
    size_t len = strlen(hex);
    size_t n = len / 2;
    if (len % 2 != 0 || n > out_cap || n > (size_t)LONG_MAX)
        return -1;
    if (n > 0 && out == NULL)
        return -1;
    /* Validate everything first so a bad string writes nothing (the
     * caller's buffer may hold key material). */
    for (size_t i = 0; i < n; i++) {
        if (hex_pair(hex + 2 * i) < 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)hex_pair(hex + 2 * i);
    return (long)n;
}

/* ---- ALPN --------------------------------------------------------------- */

/* Space and below are whitespace or control characters, 0x7f is DEL.
 * Bytes >= 0x80 are allowed: protocol ids are opaque octets (RFC 7301). */
static bool alpn_char_ok(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 0x20 && u != 0x7f;
}

int tlsc__alpn_count(const char *list)
{
    if (list == NULL)
        return -1;
    int count = 0;
    size_t name_len = 0;
    for (const char *p = list;; p++) {
        if (*p != ',' && *p != '\0') {
            if (!alpn_char_ok(*p) || ++name_len > 255)
                return -1;
            continue;
        }
        if (name_len == 0 || ++count > TLSC_ALPN_MAX)
            return -1;
        if (*p == '\0')
            return count;
        name_len = 0;
    }
}

/* ---- UTC calendar ------------------------------------------------------- */

#define SECONDS_PER_DAY 86400
/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range four-digit
 * years can show. 9999-12-31T23:59:59Z is also RFC 5280's "no expiry". */
#define UTC_FIRST INT64_C(-62167219200)
#define UTC_LAST INT64_C(253402300799)

/* Division rounding towards minus infinity (C rounds towards zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, month 1..12, any
 * day (it is added linearly). Howard Hinnant's days_from_civil: years are
 * counted from March so the leap day is last, in 400-year eras.
 */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                 /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         /* 0..146096 */
    return era * 146097 + doe - 719468;
}

struct civil {
    int64_t year;
    int month, day;
};

/* Inverse of days_from_civil (Hinnant's civil_from_days). */
static struct civil civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                     /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                   /* 0..11 */
    struct civil c;
    c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}

/* Write value as exactly `width` decimal digits (value fits). */
static void put_digits(char *out, int64_t value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

tlsc__utc tlsc__unix_to_utc(int64_t unix_seconds)
{
    int64_t days = floor_div(unix_seconds, SECONDS_PER_DAY);
    int64_t secs = unix_seconds - days * SECONDS_PER_DAY;
    struct civil c = civil_from_days(days);
    tlsc__utc u = { c.year, c.month, c.day, (int)(secs / 3600), (int)(secs / 60 % 60),
                    (int)(secs % 60) };
    return u;
}

/*
 * Times outside years 0000..9999 cannot be written with four digits; they
 * are clamped to the nearest end so the text is always well-formed (and
 * the far end reads as "no expiry", which is what such dates mean).
 */
void tlsc__format_utc(int64_t unix_seconds, char out[21])
{
    if (out == NULL)
        return;
    int64_t t = unix_seconds;
    if (t < UTC_FIRST)
        t = UTC_FIRST;
    if (t > UTC_LAST)
        t = UTC_LAST;
    tlsc__utc u = tlsc__unix_to_utc(t);
    memcpy(out, "0000-00-00T00:00:00Z", 21);
    put_digits(out, u.year, 4);
    put_digits(out + 5, u.month, 2);
    put_digits(out + 8, u.day, 2);
    put_digits(out + 11, u.hour, 2);
    put_digits(out + 14, u.min, 2);
    put_digits(out + 17, u.sec, 2);
}

/*
 * Out-of-range fields are normalised as timegm does (month 13 is January
 * of the next year, day 0 the last day of the previous month, second 60
 * the next minute), so every input has an answer and no overflow: all
 * arithmetic is in int64_t, where even INT_MAX years fit easily.
 */
int64_t tlsc__utc_to_unix(int year, int mon, int day, int hour, int min,
                          int sec)
{
    int64_t m0 = (int64_t)mon - 1;
    int64_t y = (int64_t)year + floor_div(m0, 12);
    int64_t m = m0 - floor_div(m0, 12) * 12 + 1;
    int64_t days = days_from_civil(y, m, 1) + (int64_t)day - 1;
    return days * SECONDS_PER_DAY + (int64_t)hour * 3600 + (int64_t)min * 60 +
           (int64_t)sec;
}

/* ---- bounded string building -------------------------------------------- */

/*
 * Make dst, a string of length `end` in a buffer of cap bytes, end in the
 * "..." marker: appended if there is room, otherwise over its last
 * characters. Below 4 bytes of capacity only as many dots as fit.
 */
static void mark_truncated(char *dst, size_t cap, size_t end)
{
    size_t room = cap - 1 - end;
    size_t new_end = room >= 3 ? end + 3 : cap - 1;
    size_t dots = new_end < 3 ? new_end : 3;
    memset(dst + new_end - dots, '.', dots);
    dst[new_end] = '\0';
}

bool tlsc__str_append(char *dst, size_t cap, const char *fmt, ...)
{
    if (dst == NULL || cap == 0)
        return false;
    size_t len = bounded_len(dst, cap);
    if (len == cap) {
        /* Not terminated within cap: repair rather than overrun. */
        mark_truncated(dst, cap, cap - 1);
        return false;
    }
    if (fmt == NULL)
        return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst + len, cap - len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < cap - len)
        return true;
    if (n < 0) {
        /* Encoding error: what vsnprintf wrote is unreliable, drop it. */
        dst[len] = '\0';
        mark_truncated(dst, cap, len);
        return false;
    }
    mark_truncated(dst, cap, cap - 1);
    return false;
}

tlsc__numtext tlsc__u64(uint64_t v)
{
    tlsc__numtext t;
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        t.s[i] = digits[n - 1 - i];
    t.s[n] = '\0';
    return t;
}

tlsc__numtext tlsc__i64(int64_t v)
{
    if (v >= 0)
        return tlsc__u64((uint64_t)v);
    /* -(v + 1) + 1: INT64_MIN has no positive counterpart in int64_t. */
    tlsc__numtext t = tlsc__u64((uint64_t)(-(v + 1)) + 1u);
    memmove(t.s + 1, t.s, strlen(t.s) + 1);
    t.s[0] = '-';
    return t;
}

void tlsc__text_printable(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
    }
}

size_t tlsc__hex(char *out, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    return 2 * n;
}
