/*
 * Bounded text of the core: ASCII without the locale, appending to fixed
 * buffers, 64-bit numbers as text, peer text made printable. Pure logic
 * (tests/unit/test_str.c).
 */
#ifndef TLSC_CORE_BASE_TEXT_H
#define TLSC_CORE_BASE_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/common.h"

/* Capacity of a failure detail text (configuration, connection, verification). */
#define TLSC_ERRMSG_MAX 512

/* Whether a and b (len bytes each) are equal with ASCII letters folded;
 * bytes >= 0x80 compare exactly (no locale). */
bool tlsc__ascii_caseeq(const char *a, const char *b, size_t len);

/*
 * A 64-bit number as decimal text, for messages. The C library of the
 * device builds (Debian's newlib, nano and full) has no %llu / %lld / %zu,
 * so tlsc's format strings use only %lu / %ld (with casts) and %s with
 * these for values that may exceed 32 bits: "%s", tlsc__u64(v).s. The
 * text lives in the returned temporary, valid until the end of the full
 * expression that calls it (C11 6.2.4p8). tests/build/formats.sh checks
 * that src/ has no such conversions left.
 */
typedef struct tlsc__numtext {
    char s[24]; /* "-9223372036854775808" and its NUL fit */
} tlsc__numtext;
tlsc__numtext tlsc__u64(uint64_t v);
tlsc__numtext tlsc__i64(int64_t v);

/*
 * Append formatted text to a fixed buffer (dst of capacity cap, currently
 * holding a NUL-terminated string). Truncates safely, always terminates;
 * a truncated result ends in "...". Returns false if truncated.
 */
bool tlsc__str_append(char *dst, size_t cap, const char *fmt, ...)
    TLSC_PRINTF(3, 4);

/*
 * Replace the control characters of s (C0 and DEL) with '?', in place.
 * Error details and log lines carry names a peer chose (SANs, CNs): an
 * escape sequence in a certificate must not reach the user's terminal.
 */
void tlsc__text_printable(char *s);

/* vsnprintf into out (capacity cap, truncating), then made printable as
 * above: how every failure detail is written (configuration, connection,
 * verification). */
void tlsc__text_vformat(char *out, size_t cap, const char *fmt, va_list ap) TLSC_PRINTF(3, 0);

/* ASCII classes and case without ctype (whose answers depend on the
 * locale): shared by the parsers of base/. */
static inline bool tlsc__ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool tlsc__ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Only ASCII letters fold: bytes >= 0x80 (UTF-8) must compare exactly. */
static inline unsigned char tlsc__ascii_lower(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return (unsigned char)(c - 'A' + 'a');
    return c;
}

/* strnlen without relying on POSIX (bare-metal C libraries may lack it). */
static inline size_t tlsc__bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

#endif /* TLSC_CORE_BASE_TEXT_H */
