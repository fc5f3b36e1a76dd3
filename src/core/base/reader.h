/*
 * A bounds-checked reader over a block of bytes, and its writer twin: the
 * one way the core decodes and encodes its own binary formats (root
 * bundles, bundle/bundle_format.c; session envelopes, tls/session.c).
 *
 * A read past the end marks the reader bad; every later read then gives
 * NULL or 0, so a parser reads all fields and checks `bad` once instead of
 * checking offsets by hand. The writer never writes past its block and
 * counts what it would have written, so one function both sizes and
 * writes a format.
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

/* Writes while there is room, and always counts: with p == NULL it only
 * measures, so sizes and bytes come from the same code. `at` is the size
 * written (or needed); it is larger than cap when the block was short. */
typedef struct tlsc__writer {
    unsigned char *p;
    size_t cap, at;
} tlsc__writer;

/* n bytes of src. */
void tlsc__wr_bytes(tlsc__writer *w, const void *src, size_t n);
/* v as n (<= 8) little- / big-endian bytes. */
void tlsc__wr_le(tlsc__writer *w, uint64_t v, size_t n);
void tlsc__wr_be(tlsc__writer *w, uint64_t v, size_t n);

#endif /* TLSC_CORE_BASE_READER_H */
