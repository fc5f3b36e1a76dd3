/*
 * Bounded text: case-folded comparison, appending, numbers, printable (contracts in the header).
 *
 * Plain C11 on bytes: no allocation, no I/O, no locale (ctype depends on
 * it, so ASCII tests are written out in base/text.h).
 */
#include "core/base/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool tlsc__ascii_caseeq(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (tlsc__ascii_lower((unsigned char)a[i]) != tlsc__ascii_lower((unsigned char)b[i]))
            return false;
    }
    return true;
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
    size_t len = tlsc__bounded_len(dst, cap);
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

void tlsc__text_vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
    vsnprintf(out, cap, fmt, ap);
    tlsc__text_printable(out);
}
