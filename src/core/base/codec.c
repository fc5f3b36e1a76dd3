/*
 * Hex and ALPN list text (contracts in the header).
 *
 * Plain C11 on bytes: no allocation, no I/O, no locale (ctype depends on
 * it, so ASCII tests are written out in base/text.h).
 */
#include "core/base/codec.h"

#include <limits.h>
#include <string.h>

#include "core/base/text.h"

int tlsc__hex_value(char c)
{
    if (tlsc__ascii_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
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

size_t tlsc__hex(char *out, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    return 2 * n;
}
