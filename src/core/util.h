/*
 * Pure-logic helpers of the core: no I/O, no mbedTLS, no allocation unless
 * stated. Each is unit-tested in tests/unit/. Internal names use the
 * `tlsc__` prefix (two underscores) and are never exported.
 */
#ifndef TLSC_CORE_UTIL_H
#define TLSC_CORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/common.h"

/* Longest host name accepted (RFC 1035: 253 characters of text). */
#define TLSC_HOST_MAX 253

/* Whether a and b (len bytes each) are equal with ASCII letters folded;
 * bytes >= 0x80 compare exactly (no locale). */
bool tlsc__ascii_caseeq(const char *a, const char *b, size_t len);

/*
 * Parse an IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1", also in brackets
 * "[2001:db8::1]", no zone id) literal. On success writes the 4 or 16
 * address bytes in network order to out and their count to *out_len and
 * returns true; otherwise returns false and leaves out untouched.
 */
bool tlsc__parse_ip(const char *text, unsigned char out[16], size_t *out_len);

/*
 * A host name the connection may be asked for: 1..253 characters, labels of
 * 1..63 characters of letters, digits, '-' and '_' (seen in the wild), no
 * leading or trailing '-' in a label, optionally one trailing dot (counted
 * in the 253), and a last label that is not all digits nor "0x..." (such
 * names are numeric IPv4 forms to a resolver); or an IP literal accepted by
 * tlsc__parse_ip.
 */
bool tlsc__host_valid(const char *host);

/*
 * Copy a host name given by the user into out after validating it with
 * tlsc__host_valid: without IPv6 brackets, ASCII letters in lower case.
 * With canonical, also without the final dot of an absolute DNS name
 * ("example.com." -> "example.com"): the one form in which tlsc compares a
 * host with a certificate (tlsc__dns_name_matches), sends it as SNI and
 * keys saved sessions. This is the only place where a trailing dot is
 * removed. Without canonical the dot stays (for the resolver, to which
 * "localhost." is absolute). Returns false, writing nothing, if the host
 * is invalid.
 */
bool tlsc__host_copy(const char *host, char out[TLSC_HOST_MAX + 1], bool canonical);

/* Whether the DNS name name[0..len) is absolute (ends with a dot). tlsc
 * refuses absolute names presented in certificates (SAN dNSName, the CN of
 * the legacy fallback) and in name constraints, as webpki does. */
bool tlsc__dns_name_is_absolute(const char *name, size_t len);

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

/* Value of one hex digit (either case), or -1. */
int tlsc__hex_value(char c);

/*
 * RFC 6125 matching of one SAN dNSName `pattern` (pattern_len bytes, NOT
 * NUL-terminated, may contain any bytes) against the reference host name
 * `host` (NUL-terminated, in the form tlsc__host_copy(..., true) gives).
 * Case-insensitive for ASCII. An absolute name (trailing dot) on either side
 * matches nothing: presented names must be relative, and the host's dot is
 * removed once, by tlsc__host_copy, so that host matching and the
 * name-constraint check (x509_ext.c) see the same name. A wildcard is accepted only as the entire
 * left-most label ("*.example.com"): it matches exactly one non-empty label
 * and never a partial label ("f*.example.com" and "*oo.example.com" do not
 * match anything), never an IP-literal host, and the pattern must have at
 * least two labels after the wildcard ("*.com" matches nothing). A pattern
 * containing a NUL byte, an empty label or a '*' anywhere else matches
 * nothing.
 */
bool tlsc__dns_name_matches(const char *pattern, size_t pattern_len,
                            const char *host);

/*
 * Decode hex text (upper or lower case, even length, no separators, no
 * "0x") into out. Returns the number of bytes written, or -1 if the text is
 * not valid hex or would exceed out_cap.
 */
long tlsc__hex_decode(const char *hex, unsigned char *out, size_t out_cap);

/*
 * Validate a comma-separated ALPN list ("h2,http/1.1"): 1..TLSC_ALPN_MAX
 * names, each 1..255 bytes, no empty names, no whitespace or control
 * characters. Returns the number of names or -1 if invalid.
 */
#define TLSC_ALPN_MAX 8
int tlsc__alpn_count(const char *list);

/*
 * Format a Unix time (seconds, UTC) as "YYYY-MM-DDTHH:MM:SSZ" into out
 * (at least 21 bytes). Works without the C library's gmtime (for devices).
 */
void tlsc__format_utc(int64_t unix_seconds, char out[21]);

/* Unix seconds (UTC, any int64_t value whose year fits) as calendar fields,
 * as gmtime_r does but without the C library: the "none" platform gives it
 * to mbedTLS (newlib's gmtime pulls in assert and all of stdio). */
typedef struct {
    int64_t year;
    int month; /* 1..12 */
    int day;   /* 1..31 */
    int hour, min, sec;
} tlsc__utc;
tlsc__utc tlsc__unix_to_utc(int64_t unix_seconds);

/* Convert a civil UTC date/time to Unix seconds (proleptic Gregorian). */
int64_t tlsc__utc_to_unix(int year, int mon, int day, int hour, int min,
                          int sec);

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

/*
 * n bytes at p as 2n lowercase hex digits into out (room for 2n bytes; no
 * NUL written). Returns 2n.
 */
size_t tlsc__hex(char *out, const unsigned char *p, size_t n);

#endif /* TLSC_CORE_UTIL_H */
