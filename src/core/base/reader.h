/*
 * A bounds-checked reader over a block of bytes, and its writer twin: the
 * one way the core decodes and encodes its own binary formats (root
 * bundles, bundle/bundle_format.c; session envelopes, tls/session.c).
 *
 * A read past the end marks the reader bad; every later read then gives
 * NULL or 0, so a parser reads all fields and checks `bad` once instead of
 * checking offsets by hand. The writer trusts its caller to have sized the
 * block (it is only used on blocks of a length computed beforehand).
 */
#ifndef TLSC_CORE_BASE_READER_H
#define TLSC_CORE_BASE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tlsc__reader {
    const unsigned char *p;
    size_t len, at;
    bool bad;           /* a read went past the end: every later read is 0 */
} tlsc__reader;

/* A reader over p[0..len), positioned at `at` (bad if at > len). */
tlsc__reader tlsc__reader_at(const void *p, size_t len, size_t at);
/* Whether n more bytes are there (false also marks r bad). */
bool tlsc__rd_need(tlsc__reader *r, size_t n);
/* The next n bytes (in place), or NULL. */
const unsigned char *tlsc__rd_bytes(tlsc__reader *r, size_t n);
/* The next n (<= 4) bytes as a little- / big-endian number, 0 when bad. */
uint32_t tlsc__rd_le(tlsc__reader *r, size_t n);
uint32_t tlsc__rd_be(tlsc__reader *r, size_t n);
/* The next n (<= 8) bytes as a big-endian number, 0 when bad. */
uint64_t tlsc__rd_be64(tlsc__reader *r, size_t n);

/* Write v as n (<= 8) big-endian bytes at *p and advance *p. */
void tlsc__wr_be(unsigned char **p, uint64_t v, size_t n);
/* Copy n bytes to *p and advance *p. */
void tlsc__wr_bytes(unsigned char **p, const void *src, size_t n);

#endif /* TLSC_CORE_BASE_READER_H */
