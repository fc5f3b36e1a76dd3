/*
 * The HTTP exchange engine (src/http/engine.c) without any I/O: the test
 * is the driver. It answers OPEN with "opened", collects what SEND gives,
 * and feeds scripted responses at RECV, so the rules both drivers share are
 * checked exactly: redirects (relative Location on the same connection,
 * 303 to GET, 307 keeping the body, credentials dropped for another host,
 * the limit, https to http refused), the one resend on a reused
 * connection the server had closed (and none once a response byte came),
 * producer bodies with chunked framing, interim responses, and bytes
 * after a complete response.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "http/engine.h"

/* The test's driver: the bytes sent per connection, and the connections. */
typedef struct drv {
    tlsc__http_core c;
    tlsc__hx x;
    tlsc_http_result res;
    char sent[8192];
    size_t sent_len;
    int opens;
    char body[256];         /* the final response's body, as delivered */
} drv;

static tlsc_err on_body(void *ud, const void *d, size_t n)
{
    drv *t = ud;
    size_t have = strlen(t->body);
    if (have + n < sizeof t->body)
        memcpy(t->body + have, d, n);
    return TLSC_OK;
}

static void setup_core(drv *t)
{
    memset(t, 0, sizeof *t);
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc__http_core_init(&t->c, cfg, NULL, 64, true, 5), TLSC_OK);
    tlsc_config_free(cfg); /* the core keeps its reference */
}

/* Step until the engine waits for input (RECV) or is done. */
static tlsc__hx_act until_input(drv *t)
{
    for (;;) {
        const void *p = NULL;
        size_t n = 0;
        tlsc__hx_act a = tlsc__hx_next(&t->x, &p, &n);
        if (a == TLSC__HX_OPEN) {
            t->opens++;
            memcpy(t->c.conn_host, t->x.url.host, sizeof t->c.conn_host);
            t->c.conn_port = t->x.url.port;
            tlsc__hx_opened(&t->x, false);
        } else if (a == TLSC__HX_SEND) {
            assert_true(t->sent_len + n < sizeof t->sent);
            memcpy(t->sent + t->sent_len, p, n);
            t->sent_len += n;
            t->sent[t->sent_len] = '\0';
        } else {
            return a;
        }
    }
}

/* Start req and step until the engine waits for input (or is done). */
static tlsc__hx_act begin(drv *t, tlsc_http_request *req)
{
    req->cb.on_body = on_body;
    req->cb_ud = t;
    t->body[0] = '\0';
    t->sent_len = 0;
    t->sent[0] = '\0';
    (void)tlsc__hx_begin(&t->x, &t->c, req, NULL, &t->res);
    return until_input(t);
}

static tlsc__hx_act answer(drv *t, const char *response)
{
    t->sent_len = 0; /* what follows is the next request */
    tlsc__hx_feed(&t->x, response, strlen(response));
    return until_input(t);
}

static void teardown_core(drv *t)
{
    tlsc__hx_release(&t->x);
    tlsc__http_core_free(&t->c);
}

#define OK_ONE "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"

static void test_redirect_same_connection(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    tlsc_http_request req = {.url = "https://a.example/old?q=1"};
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_non_null(strstr(t.sent, "GET /old?q=1 HTTP/1.1\r\nHost: a.example\r\n"));
    assert_non_null(strstr(t.sent, "User-Agent: tlsc/"));
    assert_int_equal(answer(&t, "HTTP/1.1 302 Found\r\nLocation: new\r\nContent-Length: 3\r\n"
                                "\r\nabc"),
                     TLSC__HX_RECV);
    assert_non_null(strstr(t.sent, "GET /new HTTP/1.1\r\n"));
    assert_int_equal(t.opens, 1); /* the same connection */
    assert_int_equal(answer(&t, OK_ONE), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_OK);
    assert_true(t.x.keep);
    assert_string_equal(t.body, "x"); /* the 302's body was not delivered */
    assert_int_equal(t.res.redirects, 1);
    assert_true(t.res.reused);
    assert_string_equal(t.res.url, "https://a.example/new");
    teardown_core(&t);
}

static void test_redirect_methods_and_credentials(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    tlsc_http_header hs[] = {{"Authorization", "Bearer s3cret"}, {"X-Keep", "1"}};
    tlsc_http_request req = {.url = "https://a.example/form", .method = "POST", .body = "k=v",
                             .body_len = 3, .headers = hs, .header_count = 2};
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_non_null(strstr(t.sent, "POST /form HTTP/1.1\r\n"));
    assert_non_null(strstr(t.sent, "Content-Length: 3\r\n\r\nk=v"));
    /* 307 keeps method and body */
    assert_int_equal(answer(&t, "HTTP/1.1 307 T\r\nLocation: /form2\r\nContent-Length: 0\r\n\r\n"),
                     TLSC__HX_RECV);
    assert_non_null(strstr(t.sent, "POST /form2 HTTP/1.1\r\n"));
    assert_non_null(strstr(t.sent, "k=v"));
    /* 303 to another host: GET, no body, no Authorization, a new connection */
    assert_int_equal(answer(&t, "HTTP/1.1 303 S\r\nLocation: https://b.example/done\r\n"
                                "Content-Length: 0\r\n\r\n"),
                     TLSC__HX_RECV);
    assert_int_equal(t.opens, 2);
    assert_non_null(strstr(t.sent, "GET /done HTTP/1.1\r\nHost: b.example\r\n"));
    assert_null(strstr(t.sent, "Authorization"));
    assert_non_null(strstr(t.sent, "X-Keep: 1"));
    assert_null(strstr(t.sent, "k=v"));
    assert_int_equal(answer(&t, OK_ONE), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_OK);
    assert_int_equal(t.res.redirects, 2);
    teardown_core(&t);
}

static void test_redirect_refusals(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    t.c.max_redirects = 2;
    tlsc_http_request req = {.url = "https://a.example/loop"};
    const char *loop = "HTTP/1.1 301 M\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n";
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, loop), TLSC__HX_RECV);
    assert_int_equal(answer(&t, loop), TLSC__HX_RECV);
    assert_int_equal(answer(&t, loop), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_REDIRECT);
    assert_non_null(strstr(t.c.errmsg, "more than 2 redirects"));
    tlsc__hx_release(&t.x);

    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, "HTTP/1.1 302 F\r\nLocation: http://a.example/\r\n"
                                "Content-Length: 0\r\n\r\n"),
                     TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_REDIRECT);
    assert_non_null(strstr(t.c.errmsg, "plain http"));
    tlsc__hx_release(&t.x);

    /* without redirects allowed the 3xx is the final response */
    t.c.max_redirects = 0;
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, "HTTP/1.1 302 F\r\nLocation: /x\r\nContent-Length: 2\r\n\r\nhi"),
                     TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_OK);
    assert_int_equal(t.res.status, 302);
    assert_string_equal(t.body, "hi");
    teardown_core(&t);
}

static void test_resend_once_on_reused(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    tlsc_http_request req = {.url = "https://a.example/"};
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, OK_ONE), TLSC__HX_DONE);
    tlsc__hx_release(&t.x);

    /* the kept-alive connection turns out closed before any byte: once more */
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_true(t.x.reused);
    t.sent_len = 0;
    tlsc__hx_ended(&t.x, TLSC_ERR_CLOSED);
    assert_int_equal(until_input(&t), TLSC__HX_RECV);
    assert_int_equal(t.opens, 2);
    assert_non_null(strstr(t.sent, "GET / HTTP/1.1\r\n"));
    /* the new connection fails as well: no third try */
    tlsc__hx_failed(&t.x, TLSC_ERR_CONN_REFUSED, "refused");
    assert_int_equal(until_input(&t), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_CONN_REFUSED);
    assert_int_equal(t.opens, 2);
    tlsc__hx_release(&t.x);

    /* once a response byte came, never again */
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, OK_ONE), TLSC__HX_DONE);
    tlsc__hx_release(&t.x);
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    tlsc__hx_feed(&t.x, "HTTP/1.1 200", 12);
    tlsc__hx_ended(&t.x, TLSC_ERR_CLOSED);
    assert_int_equal(until_input(&t), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_INCOMPLETE);
    assert_false(t.x.keep);
    teardown_core(&t);
}

typedef struct pieces {
    const char *const *p;
    size_t i;
} pieces;

static tlsc_err produce(void *ud, void *buf, size_t cap, size_t *got)
{
    pieces *s = ud;
    const char *next = s->p[s->i] != NULL ? s->p[s->i++] : "";
    *got = strlen(next) < cap ? strlen(next) : cap;
    memcpy(buf, next, *got);
    return TLSC_OK;
}

static void test_producer_chunked(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    const char *const parts[] = {"hello", "world!", NULL};
    pieces s = {parts, 0};
    tlsc_http_request req = {.url = "https://a.example/up", .method = "PUT", .body_fn = produce,
                             .body_ud = &s, .body_fn_len = -1};
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_non_null(strstr(t.sent, "Transfer-Encoding: chunked\r\n\r\n"
                                   "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"));
    /* a 1xx first: skipped; the final response is delivered */
    assert_int_equal(answer(&t, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                                "Content-Length: 2\r\n\r\nok"),
                     TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_OK);
    assert_int_equal(t.res.status, 201);
    assert_string_equal(t.body, "ok");
    tlsc__hx_release(&t.x);

    /* a producer that gives less than announced */
    const char *const short_parts[] = {"abc", NULL};
    s = (pieces){short_parts, 0};
    req.body_fn_len = 10;
    assert_int_equal(begin(&t, &req), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_BAD_REQUEST);
    assert_non_null(strstr(t.c.errmsg, "ended after 3 of the 10 bytes"));
    teardown_core(&t);
}

static void test_bytes_after_response(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    tlsc_http_request req = {.url = "https://a.example/"};
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, OK_ONE "junk"), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_MALFORMED);
    assert_false(t.x.keep);
    assert_false(t.c.conn_open);
    teardown_core(&t);
}

/* Bad arguments end a request before any connection is asked for, with
 * their words, and leave the open connection to the next request. */
static void test_refused_before_opening(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    tlsc_http_request req = {.url = "https://a.example/"};
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(answer(&t, OK_ONE), TLSC__HX_DONE);
    assert_true(t.c.conn_open);

    tlsc_http_header crlf = {"X-Bad", "a\r\nInjected: 1"};
    tlsc_http_request bad_header = {.url = "https://a.example/", .headers = &crlf,
                                    .header_count = 1};
    assert_int_equal(begin(&t, &bad_header), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_BAD_REQUEST);
    assert_non_null(strstr(t.c.errmsg, "X-Bad"));
    assert_int_equal(t.sent_len, 0);

    tlsc_http_request bad_method = {.url = "https://a.example/", .method = "GE T"};
    assert_int_equal(begin(&t, &bad_method), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_BAD_REQUEST);
    assert_non_null(strstr(t.c.errmsg, "GE T"));

    const char *const parts[] = {NULL};
    pieces s = {parts, 0};
    tlsc_http_request both = {.url = "https://a.example/", .method = "PUT", .body = "x",
                              .body_len = 1, .body_fn = produce, .body_ud = &s};
    assert_int_equal(begin(&t, &both), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_INVALID_ARG);
    assert_non_null(strstr(t.c.errmsg, "not both"));

    tlsc_http_request bad_url = {.url = "ftp://a.example/"};
    assert_int_equal(begin(&t, &bad_url), TLSC__HX_DONE);
    assert_int_equal(t.x.err, TLSC_ERR_HTTP_URL);

    assert_int_equal(t.sent_len, 0);
    assert_int_equal(t.opens, 1);
    assert_true(t.x.keep);
    assert_true(t.c.conn_open); /* the next request reuses it */
    assert_int_equal(begin(&t, &req), TLSC__HX_RECV);
    assert_int_equal(t.opens, 1);
    assert_true(t.x.reused);
    teardown_core(&t);
}

/* The words of a connection that could not be made name its cause: a
 * server name only when one was fixed. */
static void test_conn_made_words(void **state)
{
    (void)state;
    drv t;
    setup_core(&t);
    tlsc_url u;
    assert_int_equal(tlsc_url_parse("https://a.example:8443/", &u, NULL, 0), TLSC_OK);
    assert_int_equal(tlsc__http_conn_made(&t.c, &u, TLSC_ERR_INVALID_ARG), TLSC_ERR_INVALID_ARG);
    assert_null(strstr(t.c.errmsg, "server name"));
    assert_non_null(strstr(t.c.errmsg, "creating the connection to a.example port 8443"));
    assert_int_equal(tlsc__http_core_set_server_name(&t.c, "b.example"), TLSC_OK);
    assert_int_equal(tlsc__http_conn_made(&t.c, &u, TLSC_ERR_HOSTNAME), TLSC_ERR_HOSTNAME);
    assert_string_equal(t.c.errmsg, "server name b.example");
    assert_int_equal(tlsc__http_conn_made(&t.c, &u, TLSC_ERR_NO_MEMORY), TLSC_ERR_NO_MEMORY);
    assert_non_null(strstr(t.c.errmsg, "no memory to create the connection to a.example"));
    teardown_core(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redirect_same_connection),
        cmocka_unit_test(test_redirect_methods_and_credentials),
        cmocka_unit_test(test_redirect_refusals),
        cmocka_unit_test(test_resend_once_on_reused),
        cmocka_unit_test(test_producer_chunked),
        cmocka_unit_test(test_bytes_after_response),
        cmocka_unit_test(test_refused_before_opening),
        cmocka_unit_test(test_conn_made_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
