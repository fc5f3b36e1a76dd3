/*
 * The bounds-checked reader and its writer (see reader.h).
 */
#include "core/base/reader.h"

#include <string.h>

tlsc__reader tlsc__reader_at(const void *p, size_t len, size_t at)
{
    tlsc__reader r = { p, len, at, at > len };
    return r;
}

bool tlsc__rd_need(tlsc__reader *r, size_t n)
{
    if (r->bad || n > r->len - r->at)
        r->bad = true;
    return !r->bad;
}

const unsigned char *tlsc__rd_bytes(tlsc__reader *r, size_t n)
{
    if (!tlsc__rd_need(r, n))
        return NULL;
    r->at += n;
    return r->p + r->at - n;
}

uint32_t tlsc__rd_le(tlsc__reader *r, size_t n)
{
    const unsigned char *b = tlsc__rd_bytes(r, n);
    uint32_t v = 0;
    for (size_t i = n; b != NULL && i-- > 0;)
        v = v << 8 | b[i];
    return v;
}

uint64_t tlsc__rd_be64(tlsc__reader *r, size_t n)
{
    const unsigned char *b = tlsc__rd_bytes(r, n);
    uint64_t v = 0;
    for (size_t i = 0; b != NULL && i < n; i++)
        v = v << 8 | b[i];
    return v;
}

uint32_t tlsc__rd_be(tlsc__reader *r, size_t n)
{
    return (uint32_t)tlsc__rd_be64(r, n);
}

void tlsc__wr_bytes(tlsc__writer *w, const void *src, size_t n)
{
    if (w->p != NULL && w->at <= w->cap && n <= w->cap - w->at)
        memcpy(w->p + w->at, src, n);
    w->at += n;
}

void tlsc__wr_le(tlsc__writer *w, uint64_t v, size_t n)
{
    unsigned char b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    tlsc__wr_bytes(w, b, n);
}

void tlsc__wr_be(tlsc__writer *w, uint64_t v, size_t n)
{
    unsigned char b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    tlsc__wr_bytes(w, b, n);
}
