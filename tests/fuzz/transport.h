/* An in-memory transport for fuzz targets: the server's bytes come from the
 * input; what the client sends is accepted and dropped. Never blocks: at
 * the end of the input it reports end of stream. */
#ifndef TLSC_FUZZ_TRANSPORT_H
#define TLSC_FUZZ_TRANSPORT_H

#include <string.h>

#include "fuzz.h"

typedef struct feed {
    const uint8_t *p;
    size_t left;
} feed;

static tlsc_err feed_send(void *ctx, const unsigned char *b, size_t n, size_t *sent)
{
    (void)ctx;
    (void)b;
    *sent = n;
    return TLSC_OK;
}

static tlsc_err feed_recv(void *ctx, unsigned char *b, size_t n, size_t *got)
{
    feed *f = ctx;
    size_t k = n < f->left ? n : f->left;
    if (k == 0) {
        *got = 0; /* end of stream */
        return TLSC_OK;
    }
    memcpy(b, f->p, k);
    f->p += k;
    f->left -= k;
    *got = k;
    return TLSC_OK;
}

static const tlsc_transport feed_ops = { feed_send, feed_recv, NULL, NULL };

#endif
