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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    size_t step = (mode & 0x0f) == 0 ? size + 1 : (size_t)(mode & 0x0f);
    bool head = (mode & 0x10) != 0;
    tlsc_http_limits small = {64, 256, 4};
    tlsc_http_callbacks cb = {NULL, NULL, on_head, on_body, NULL, on_done};
    state st = {0};
    tlsc_http_parser *p = NULL;
    if (tlsc_http_parser_new((mode & 0x20) != 0 ? &small : NULL, &cb, &st, &p) != TLSC_OK)
        return 0;
    tlsc_http_parser_reset(p, head);
    size_t off = 0;
    uint64_t total_body = 0;
    tlsc_err err = TLSC_OK;
    while (off < size && err == TLSC_OK) {
        size_t n = size - off < step ? size - off : step, used = 0;
        err = tlsc_http_parser_feed(p, data + off, n, &used);
        if (used > n)
            abort();
        off += used;
        if (err == TLSC_OK && tlsc_http_parser_done(p)) {
            total_body += st.body;
            st.body = 0;
            st.have_head = false;
            tlsc_http_parser_reset(p, head);
        }
    }
    if (err == TLSC_OK)
        err = tlsc_http_parser_eof(p, (mode & 0x40) != 0 ? TLSC_ERR_TRUNCATED : TLSC_ERR_CLOSED);
    if (total_body + st.body > size)
        abort();
    if (err != TLSC_OK && tlsc_http_parser_errmsg(p)[0] == '\0')
        abort(); /* every error says why */
    tlsc_http_parser_free(p);
    return 0;
}
