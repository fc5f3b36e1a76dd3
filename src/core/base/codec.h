/*
 * Hex text and ALPN lists (tests/unit/test_codec.c). Pure logic.
 */
#ifndef TLSC_CORE_BASE_CODEC_H
#define TLSC_CORE_BASE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value of one hex digit (either case), or -1. */
int tlsc__hex_value(char c);

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
 * n bytes at p as 2n lowercase hex digits into out (room for 2n bytes; no
 * NUL written). Returns 2n.
 */
size_t tlsc__hex(char *out, const unsigned char *p, size_t n);

#endif /* TLSC_CORE_BASE_CODEC_H */
