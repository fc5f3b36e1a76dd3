/*
 * The HTTP response push parser and the request serializer
 * (src/http/parser.c, src/http/request.c): framing, limits, strictness,
 * incremental feeding, zero-copy bodies, callback errors.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "tlsc/http.h"

/* What the callbacks saw. */
typedef struct seen {
    int status;
    char headers[2048];
    char trailers[512];
    char body[4096];
    size_t body_len;
    int done;
    tlsc_http_head head;
    const unsigned char *feed_lo, *feed_hi; /* the buffer being fed */
    bool body_outside_feed;
    tlsc_err fail_body; /* returned by on_body when set */
} seen;

static tlsc_err on_status(void *ud, int status, const char *r, size_t n)
{
    (void)r;
    (void)n;
    ((seen *)ud)->status = status;
    return TLSC_OK;
}

static tlsc_err on_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    seen *s = ud;
    size_t o = strlen(s->headers);
    (void)snprintf(s->headers + o, sizeof s->headers - o, "%.*s=%.*s;", (int)nl, n, (int)vl, v);
    return TLSC_OK;
}

static tlsc_err on_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    seen *s = ud;
    size_t o = strlen(s->trailers);
    (void)snprintf(s->trailers + o, sizeof s->trailers - o, "%.*s=%.*s;", (int)nl, n, (int)vl, v);
    return TLSC_OK;
}

static tlsc_err on_head(void *ud, const tlsc_http_head *h)
{
    ((seen *)ud)->head = *h;
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *d, size_t n)
{
    seen *s = ud;
    const unsigned char *p = d;
    if (s->fail_body != TLSC_OK)
        return s->fail_body;
    if (p < s->feed_lo || p + n > s->feed_hi)
        s->body_outside_feed = true;
    if (s->body_len + n <= sizeof s->body)
        memcpy(s->body + s->body_len, d, n);
    s->body_len += n;
    return TLSC_OK;
}

static tlsc_err on_done(void *ud)
{
    ((seen *)ud)->done++;
    return TLSC_OK;
}

static const tlsc_http_callbacks cbs = {on_status, on_header, on_head, on_body, on_trailer, on_done};

/* Feed text in pieces of step bytes (0 = whole). Returns the feed error;
 * *consumed = bytes consumed in total. */
static tlsc_err feed(tlsc_http_parser *p, seen *s, const char *text, size_t len, size_t step,
                     size_t *consumed)
{
    size_t off = 0;
    if (step == 0)
        step = len;
    s->feed_lo = (const unsigned char *)text;
    s->feed_hi = s->feed_lo + len;
    while (off < len) {
        size_t n = len - off < step ? len - off : step, used = 0;
        tlsc_err err = tlsc_http_parser_feed(p, text + off, n, &used);
        off += used;
        if (err != TLSC_OK || used < n) {
            if (consumed)
                *consumed = off;
            return err;
        }
    }
    if (consumed)
        *consumed = off;
    return TLSC_OK;
}

static tlsc_http_parser *new_parser(seen *s, const tlsc_http_limits *lim)
{
    tlsc_http_parser *p = NULL;
    memset(s, 0, sizeof *s);
    assert_int_equal(tlsc_http_parser_new(lim, &cbs, s, &p), TLSC_OK);
    return p;
}

/* Parse one complete response whole and byte by byte; same result. */
static void parse_both(const char *text, seen *out)
{
    seen a, b;
    for (int mode = 0; mode < 2; mode++) {
        seen *s = mode == 0 ? &a : &b;
        tlsc_http_parser *p = new_parser(s, NULL);
        size_t used = 0;
        assert_int_equal(feed(p, s, text, strlen(text), mode == 0 ? 0 : 1, &used), TLSC_OK);
        assert_true(tlsc_http_parser_done(p));
        assert_int_equal(used, strlen(text));
        assert_false(s->body_outside_feed);
        tlsc_http_parser_free(p);
    }
    assert_int_equal(a.status, b.status);
    assert_string_equal(a.headers, b.headers);
    assert_string_equal(a.trailers, b.trailers);
    assert_int_equal(a.body_len, b.body_len);
    assert_memory_equal(a.body, b.body, a.body_len);
    *out = a;
}

static void test_content_length(void **state)
{
    (void)state;
    seen s;
    parse_both("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  spaced value \t\r\n\r\nhello", &s);
    assert_int_equal(s.status, 200);
    assert_string_equal(s.headers, "Content-Length=5;X-A=spaced value;");
    assert_int_equal(s.body_len, 5);
    assert_memory_equal(s.body, "hello", 5);
    assert_int_equal(s.head.content_length, 5);
    assert_true(s.head.keep_alive);
    assert_false(s.head.chunked);
    assert_int_equal(s.done, 1);
}

static void test_chunked_trailers(void **state)
{
    (void)state;
    seen s;
    parse_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
               "5;name=\"q;v\" ; x\r\nhello\r\n1a\r\n abcdefghijklmnopqrstuvwxy\r\n"
               "0\r\nDigest: sha-256=abc\r\nX-T: 1\r\n\r\n",
               &s);
    assert_true(s.head.chunked);
    assert_int_equal(s.body_len, 31);
    assert_memory_equal(s.body, "hello abcdefghijklmnopqrstuvwxy", 31);
    assert_string_equal(s.trailers, "Digest=sha-256=abc;X-T=1;");
}

static void test_close_delimited(void **state)
{
    (void)state;
    seen s;
    const char *t = "HTTP/1.1 200 OK\r\n\r\nsome body";
    tlsc_http_parser *p = new_parser(&s, NULL);
    assert_int_equal(feed(p, &s, t, strlen(t), 0, NULL), TLSC_OK);
    assert_true(s.head.close_delimited);
    assert_false(s.head.keep_alive);
    assert_false(tlsc_http_parser_done(p));
    assert_int_equal(tlsc_http_parser_eof(p, TLSC_ERR_CLOSED), TLSC_OK);
    assert_int_equal(s.done, 1);
    /* without close_notify: the body may have been cut */
    tlsc_http_parser_reset(p, false);
    memset(&s, 0, sizeof s);
    assert_int_equal(feed(p, &s, t, strlen(t), 3, NULL), TLSC_OK);
    assert_int_equal(tlsc_http_parser_eof(p, TLSC_ERR_TRUNCATED), TLSC_ERR_TRUNCATED);
    assert_non_null(strstr(tlsc_http_parser_errmsg(p), "without close_notify"));
    assert_int_equal(s.done, 0);
    tlsc_http_parser_free(p);
}

struct trunc {
    const char *text, *detail;
};

static void test_incomplete(void **state)
{
    (void)state;
    static const struct trunc cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "after 3 of 10 body bytes"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "inside the chunked body"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "inside the chunked body"},
        {"HTTP/1.1 200 OK\r\nContent-Le", "inside the response header"},
        {"", "before any response"},
    };
    for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
        seen s;
        tlsc_http_parser *p = new_parser(&s, NULL);
        assert_int_equal(feed(p, &s, cases[i].text, strlen(cases[i].text), 0, NULL), TLSC_OK);
        assert_int_equal(tlsc_http_parser_eof(p, TLSC_ERR_CLOSED), TLSC_ERR_HTTP_INCOMPLETE);
        if (strstr(tlsc_http_parser_errmsg(p), cases[i].detail) == NULL)
            fail_msg("case %zu: detail \"%s\"", i, tlsc_http_parser_errmsg(p));
        tlsc_http_parser_free(p);
    }
}

struct reject {
    const char *text;
    tlsc_err err;
    const char *detail;
};

static const struct reject rejects[] = {
    {"HTTP/1.1 200 OK\nContent-Length: 0\n\n", TLSC_ERR_HTTP_MALFORMED, "bare LF"},
    {"HTTP/1.1 200 OK\r\nA: b\rC: d\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "bare CR"},
    {"HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "control character 0x01"},
    {"HTTP/1.1 200 OK\r\nA: b\x00x\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "control character 0x00"},
    {"HTTP/1.1 200 OK\r\nA : b\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "not 'name: value'"},
    {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "folding"},
    {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "not 'name: value'"},
    {"HTTP/2.0 200 OK\r\n\r\n", TLSC_ERR_HTTP_UNSUPPORTED, "HTTP/2.0"},
    {"HTTP/1.1 20 OK\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "three digits"},
    {"HTTP/1.1 099 X\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "outside 100..599"},
    {"HTTP/1.1 600 X\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "outside 100..599"},
    {"HTTP/1.1 2000 OK\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "three digits"},
    {"ICY 200 OK\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "does not start with HTTP/"},
    {"HTTP/1.1 101 Switching\r\nUpgrade: x\r\n\r\n", TLSC_ERR_HTTP_UNSUPPORTED, "101"},
    {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     TLSC_ERR_HTTP_MALFORMED, "smuggling"},
    {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", TLSC_ERR_HTTP_MALFORMED,
     "conflicting Content-Length values 5 and 6"},
    {"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "not a decimal"},
    {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "not a decimal"},
    {"HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", TLSC_ERR_HTTP_MALFORMED,
     "at most 18 digits"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", TLSC_ERR_HTTP_UNSUPPORTED,
     "\"gzip\""},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     TLSC_ERR_HTTP_MALFORMED, "twice"},
    {"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", TLSC_ERR_HTTP_MALFORMED, "HTTP/1.0"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", TLSC_ERR_HTTP_MALFORMED,
     "invalid chunk-size line \"zz\""},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n", TLSC_ERR_HTTP_MALFORMED,
     "invalid chunk-size"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", TLSC_ERR_HTTP_MALFORMED,
     "invalid chunk-size"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n", TLSC_ERR_HTTP_MALFORMED,
     "invalid chunk-size"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
     TLSC_ERR_HTTP_MALFORMED, "more than 15 hex digits"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n", TLSC_ERR_HTTP_MALFORMED,
     "not followed by CRLF after 3 body bytes"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;\r\nabc\r\n", TLSC_ERR_HTTP_MALFORMED,
     "invalid chunk-size"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\"x\r\nabc\r\n",
     TLSC_ERR_HTTP_MALFORMED, "invalid chunk-size"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
     TLSC_ERR_HTTP_MALFORMED, "trailer line"},
    {"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\n",
     TLSC_ERR_HTTP_MALFORMED, "after a complete response that said Connection: close"},
};

static void test_rejects(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(rejects); i++) {
        /* the NUL case has an embedded NUL: length from the table text */
        size_t len = strlen(rejects[i].text);
        if (strstr(rejects[i].detail, "0x00") != NULL)
            len = sizeof "HTTP/1.1 200 OK\r\nA: b\x00x\r\n\r\n" - 1;
        for (size_t step = 0; step <= 1; step++) {
            seen s;
            tlsc_http_parser *p = new_parser(&s, NULL);
            tlsc_err err = feed(p, &s, rejects[i].text, len, step, NULL);
            if (err == TLSC_OK)
                err = tlsc_http_parser_eof(p, TLSC_ERR_CLOSED) == TLSC_ERR_HTTP_INCOMPLETE
                          ? TLSC_OK
                          : tlsc_http_parser_eof(p, TLSC_ERR_CLOSED);
            UNIT_CHECK(failures, err == rejects[i].err, "case %zu step %zu: code %d, want %d", i,
                       step, (int)err, (int)rejects[i].err);
            UNIT_CHECK(failures, strstr(tlsc_http_parser_errmsg(p), rejects[i].detail) != NULL,
                       "case %zu step %zu: detail \"%s\", want \"%s\"", i, step,
                       tlsc_http_parser_errmsg(p), rejects[i].detail);
            /* sticky */
            size_t used = 9;
            UNIT_CHECK(failures, tlsc_http_parser_feed(p, "x", 1, &used) == err && used == 0,
                       "case %zu: not sticky", i);
            tlsc_http_parser_free(p);
        }
    }
    UNIT_DONE(failures);
}

static void test_limits(void **state)
{
    (void)state;
    tlsc_http_limits lim = {100, 200, 3};
    char text[1024];
    seen s;
    tlsc_http_parser *p = new_parser(&s, &lim);
    (void)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nX: %0120d\r\n\r\n", 0);
    assert_int_equal(feed(p, &s, text, strlen(text), 7, NULL), TLSC_ERR_HTTP_HEADER_TOO_LARGE);
    assert_non_null(strstr(tlsc_http_parser_errmsg(p), "header line longer than 100 bytes"));
    tlsc_http_parser_reset(p, false);
    (void)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
    assert_int_equal(feed(p, &s, text, strlen(text), 0, NULL), TLSC_ERR_HTTP_HEADER_TOO_LARGE);
    assert_non_null(strstr(tlsc_http_parser_errmsg(p), "more than 3 header fields"));
    tlsc_http_parser_reset(p, false);
    (void)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nA: %080d\r\nB: %080d\r\nC: %080d\r\n\r\n",
                   1, 2, 3);
    assert_int_equal(feed(p, &s, text, strlen(text), 0, NULL), TLSC_ERR_HTTP_HEADER_TOO_LARGE);
    assert_non_null(strstr(tlsc_http_parser_errmsg(p), "header section is larger than 200"));
    tlsc_http_parser_free(p);
}

static void test_interim_and_no_body(void **state)
{
    (void)state;
    seen s;
    const char *t = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    tlsc_http_parser *p = new_parser(&s, NULL);
    size_t used = 0;
    assert_int_equal(feed(p, &s, t, strlen(t), 0, &used), TLSC_OK);
    assert_int_equal(s.status, 100);
    assert_true(tlsc_http_parser_done(p));
    tlsc_http_parser_reset(p, false);
    assert_int_equal(feed(p, &s, t + used, strlen(t) - used, 0, NULL), TLSC_OK);
    assert_int_equal(s.status, 200);
    assert_int_equal(s.body_len, 2);
    /* HEAD: no body whatever Content-Length says; the next response follows */
    const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 204 No\r\n\r\n";
    tlsc_http_parser_reset(p, true);
    memset(&s, 0, sizeof s);
    assert_int_equal(feed(p, &s, h, strlen(h), 0, &used), TLSC_OK);
    assert_true(tlsc_http_parser_done(p));
    assert_false(s.head.has_body);
    assert_int_equal(s.head.content_length, 99);
    assert_int_equal(used, strlen(h) - 19);
    tlsc_http_parser_reset(p, false);
    assert_int_equal(feed(p, &s, h + used, strlen(h) - used, 0, NULL), TLSC_OK);
    assert_int_equal(s.status, 204);
    assert_true(tlsc_http_parser_done(p));
    /* 304 with a length has no body */
    const char *n = "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
    tlsc_http_parser_reset(p, false);
    assert_int_equal(feed(p, &s, n, strlen(n), 0, NULL), TLSC_OK);
    assert_true(tlsc_http_parser_done(p));
    /* HTTP/1.0: keep-alive only when asked */
    const char *k = "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n";
    tlsc_http_parser_reset(p, false);
    assert_int_equal(feed(p, &s, k, strlen(k), 0, NULL), TLSC_OK);
    assert_true(s.head.keep_alive);
    const char *c = "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close\r\nContent-Length: 0\r\n\r\n";
    tlsc_http_parser_reset(p, false);
    assert_int_equal(feed(p, &s, c, strlen(c), 0, NULL), TLSC_OK);
    assert_false(s.head.keep_alive);
    tlsc_http_parser_free(p);
}

static void test_callback_error(void **state)
{
    (void)state;
    seen s;
    const char *t = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    tlsc_http_parser *p = new_parser(&s, NULL);
    s.fail_body = TLSC_ERR_HTTP_SINK;
    assert_int_equal(feed(p, &s, t, strlen(t), 0, NULL), TLSC_ERR_HTTP_SINK);
    assert_non_null(strstr(tlsc_http_parser_errmsg(p), "on_body"));
    tlsc_http_parser_free(p);
    assert_int_equal(tlsc_http_parser_new(NULL, NULL, NULL, NULL), TLSC_ERR_INVALID_ARG);
}

/* ---- request serializer ------------------------------------------------------------ */

static void test_request_format(void **state)
{
    (void)state;
    tlsc_url u;
    char buf[512], detail[256];
    size_t len = 0;
    assert_int_equal(tlsc_url_parse("https://[::1]:8443/fw.bin?v=2", &u, NULL, 0), TLSC_OK);
    tlsc_http_header h[] = {{"Accept", "*/*"}, {"X-Tab", "a\tb"}};
    assert_int_equal(tlsc_http_request_format(buf, sizeof buf, &len, "PUT", &u, h, 2, 3, detail,
                                              sizeof detail),
                     TLSC_OK);
    const char *want = "PUT /fw.bin?v=2 HTTP/1.1\r\nHost: [::1]:8443\r\nAccept: */*\r\n"
                       "X-Tab: a\tb\r\nContent-Length: 3\r\n\r\n";
    assert_int_equal(len, strlen(want));
    assert_memory_equal(buf, want, len);
    assert_int_equal(tlsc_http_request_format(buf, sizeof buf, &len, "POST", &u, NULL, 0,
                                              TLSC_HTTP_BODY_CHUNKED, NULL, 0),
                     TLSC_OK);
    assert_non_null(strstr(buf, "Transfer-Encoding: chunked\r\n\r\n"));
    /* too small: the size needed */
    size_t need = 0;
    assert_int_equal(tlsc_http_request_format(buf, 10, &need, "GET", &u, NULL, 0,
                                              TLSC_HTTP_BODY_NONE, NULL, 0),
                     TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(tlsc_http_request_format(NULL, 0, &len, "GET", &u, NULL, 0,
                                              TLSC_HTTP_BODY_NONE, NULL, 0),
                     TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(len, need);
    assert_int_equal(need, strlen("GET /fw.bin?v=2 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n"));
}

struct badreq {
    const char *method, *name, *value, *detail;
};

static void test_request_injection(void **state)
{
    (void)state;
    static const struct badreq bad[] = {
        {"GET", "X", "a\r\nInjected: 1", "control character 0x0d at offset 1"},
        {"GET", "X", "a\nb", "control character 0x0a"},
        {"GET", "X", "a\x7f", "control character 0x7f"},
        {"GET", "X: y", "1", "not an HTTP token"},
        {"GET", "", "1", "not an HTTP token"},
        {"GET", "host", "evil", "set by tlsc"},
        {"GET", "Content-Length", "1", "set by tlsc"},
        {"GET", "Transfer-Encoding", "chunked", "set by tlsc"},
        {"GET /x HTTP/1.1\r\n", "X", "1", "method"},
        {"", "X", "1", "method"},
    };
    tlsc_url u;
    char buf[512], detail[256];
    size_t len;
    assert_int_equal(tlsc_url_parse("https://h/", &u, NULL, 0), TLSC_OK);
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(bad); i++) {
        tlsc_http_header h = {bad[i].name, bad[i].value};
        tlsc_err err = tlsc_http_request_format(buf, sizeof buf, &len, bad[i].method, &u, &h, 1,
                                                TLSC_HTTP_BODY_NONE, detail, sizeof detail);
        UNIT_CHECK(failures, err == TLSC_ERR_HTTP_BAD_REQUEST, "case %zu: %d", i, (int)err);
        UNIT_CHECK(failures, strstr(detail, bad[i].detail) != NULL, "case %zu: \"%s\"", i, detail);
    }
    UNIT_DONE(failures);
    char c[20];
    assert_int_equal(tlsc_http_chunk_prefix(c, 0x1f40), 6);
    assert_memory_equal(c, "1f40\r\n", 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_chunked_trailers),
        cmocka_unit_test(test_close_delimited),
        cmocka_unit_test(test_incomplete),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_interim_and_no_body),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_request_format),
        cmocka_unit_test(test_request_injection),
    };
    return cmocka_run_group_tests_name("http_parser", tests, NULL, NULL);
}
