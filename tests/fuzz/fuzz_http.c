/*
 * Fuzz target: HTTP responses through the push parser. The first byte
 * chooses the feeding (piece size 1..16 or all at once, HEAD or not, small
 * limits or defaults); the rest is the server's bytes. Responses are parsed
 * one after the other as a client would on a kept-alive connection, then
 * the end of the connection is reported. Checks: body bytes delivered
 * never exceed the input, and a Content-Length body delivers exactly its
 * length.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

typedef struct state {
    uint64_t body;
    tlsc_http_head head;
    bool have_head;
    tlsc_http_parser *p;
    bool head_only;         /* responses to HEAD */
    uint64_t total_body;    /* of the responses that ended */
} state;

static tlsc_err on_head(void *ud, const tlsc_http_head *h)
{
    state *s = ud;
    s->head = *h;
    s->have_head = true;
    s->body = 0;
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *d, size_t n)
{
    state *s = ud;
    (void)d;
    s->body += n;
    return TLSC_OK;
}

static tlsc_err on_done(void *ud)
{
    state *s = ud;
    if (s->have_head && s->head.has_body && !s->head.chunked && !s->head.close_delimited &&
        s->body != (uint64_t)s->head.content_length)
        abort();
    return TLSC_OK;
}

/* One piece; a response that ends makes way for the next on the same
 * connection. */
static tlsc_err feed(void *ctx, const uint8_t *d, size_t n, size_t *used)
{
    state *s = ctx;
    tlsc_err err = tlsc_http_parser_feed(s->p, d, n, used);
    if (err == TLSC_OK && tlsc_http_parser_done(s->p)) {
        s->total_body += s->body;
        s->body = 0;
        s->have_head = false;
        tlsc_http_parser_reset(s->p, s->head_only);
    }
    return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t mode;
    if (!fuzz_mode(&data, &size, &mode))
        return 0;
    tlsc_http_limits small = {64, 256, 4};
    tlsc_http_callbacks cb = {NULL, NULL, on_head, on_body, NULL, on_done};
    state st = {.head_only = (mode & 0x10) != 0};
    if (tlsc_http_parser_new((mode & 0x20) != 0 ? &small : NULL, &cb, &st, &st.p) != TLSC_OK)
        return 0;
    tlsc_http_parser_reset(st.p, st.head_only);
    tlsc_err err = fuzz_feed(data, size, mode, feed, &st);
    if (err == TLSC_OK)
        err = tlsc_http_parser_eof(st.p, (mode & 0x40) != 0 ? TLSC_ERR_TRUNCATED : TLSC_ERR_CLOSED);
    if (st.total_body + st.body > size)
        abort();
    if (err != TLSC_OK && tlsc_http_parser_errmsg(st.p)[0] == '\0')
        abort(); /* every error says why */
    tlsc_http_parser_free(st.p);
    return 0;
}
