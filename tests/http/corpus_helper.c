/*
 * tests/http/corpus_helper.c — runs the response push parser over one raw
 * input (a file) and prints what it saw, one event per line, for
 * corpus.py to compare with the llhttp corpus's expectations:
 *   S <status> <version_minor> <reason-hex>
 *   H <name-hex> <value-hex>        (T for trailers)
 *   B <hex>                          body bytes
 *   D                                response complete
 *   E <code> <detail>                the parser's error
 * Usage: corpus_helper < MANIFEST, one case a line: "FILE HEAD STEP"
 *   HEAD 1: the first request was HEAD (corpus "skipBody")
 *   STEP    feed STEP bytes at a time (0: all at once)
 * Each case's events follow a line "= FILE HEAD STEP" (one process for the
 * whole corpus: sanitizer start-up is slow). After a complete response it
 * resets and parses the rest as the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"

static void hex(const void *p, size_t n)
{
    const unsigned char *b = p;
    if (n == 0)
        fputc('-', stdout);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
}

static tlsc_err on_status(void *ud, int status, const char *reason, size_t len)
{
    (void)ud;
    printf("S %d ", status);
    hex(reason, len);
    fputc('\n', stdout);
    return TLSC_OK;
}

static tlsc_err field(char kind, const char *n, size_t nl, const char *v, size_t vl)
{
    printf("%c ", kind);
    hex(n, nl);
    fputc(' ', stdout);
    hex(v, vl);
    fputc('\n', stdout);
    return TLSC_OK;
}

static tlsc_err on_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    (void)ud;
    return field('H', n, nl, v, vl);
}

static tlsc_err on_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    (void)ud;
    return field('T', n, nl, v, vl);
}

static tlsc_err on_head(void *ud, const tlsc_http_head *h)
{
    (void)ud;
    printf("V %d\n", h->version_minor);
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *d, size_t n)
{
    (void)ud;
    fputs("B ", stdout);
    hex(d, n);
    fputc('\n', stdout);
    return TLSC_OK;
}

static tlsc_err on_done(void *ud)
{
    (void)ud;
    puts("D");
    return TLSC_OK;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(1 << 20);
    if (f == NULL || buf == NULL)
        exit(2);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Feed data in pieces of step bytes; a new response after each one. */
static int run(tlsc_http_parser *p, const unsigned char *d, size_t len, size_t step, bool head)
{
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        size_t used = 0;
        tlsc_err err = tlsc_http_parser_feed(p, d + off, n, &used);
        off += used;
        if (err != TLSC_OK) {
            printf("E %d %s\n", (int)err, tlsc_http_parser_errmsg(p));
            return 0;
        }
        if (!tlsc_http_parser_done(p) || off >= len)
            continue;
        /* Like a client: a next response only on a reusable connection
         * (or after an interim 1xx); otherwise the parser must judge the
         * extra bytes. */
        const tlsc_http_head *h = tlsc_http_parser_head(p);
        if (h->keep_alive || h->status < 200) {
            tlsc_http_parser_reset(p, head);
        } else if (used == 0) {
            printf("X %zu bytes after the last response\n", len - off);
            return 0;
        }
    }
    return 0;
}

static int one_case(const char *path, bool head, size_t step)
{
    size_t len = 0;
    unsigned char *d = slurp(path, &len);
    tlsc_http_callbacks cb = {on_status, on_header, on_head, on_body, on_trailer, on_done};
    tlsc_http_parser *p = NULL;
    if (tlsc_http_parser_new(NULL, &cb, NULL, &p) != TLSC_OK)
        return 2;
    tlsc_http_parser_reset(p, head);
    int rc = run(p, d, len, step == 0 ? (size_t)-1 : step, head);
    tlsc_http_parser_free(p);
    free(d);
    return rc;
}

int main(void)
{
    char path[4096];
    int head = 0;
    unsigned long step = 0;
    while (scanf("%4095s %d %lu", path, &head, &step) == 3) {
        printf("= %s %d %lu\n", path, head, step);
        if (one_case(path, head != 0, (size_t)step) != 0)
            return 2;
    }
    return 0;
}
