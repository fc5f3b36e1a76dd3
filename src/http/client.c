/*
 * The blocking HTTPS client (tlsc/http.h): one kept-alive tlsc_conn, the
 * push parser, redirects, and the session of the last host so that a
 * reconnection resumes instead of paying a full handshake.
 *
 * A request is: connect (or reuse), send the head and body, read until the
 * parser says the response is complete. Any error in the middle leaves the
 * connection in an unknown state, so it is dropped (its session saved
 * first: a dropped connection is exactly when resumption pays).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base/hostname.h"
#include "core/base/text.h"
#include "core/config/log.h"
#include "core/tls/blocking.h"
#include "core/tls/freeze.h"
#include "http/http_internal.h"

/* One read buffer per client, for responses and request bodies. A profile
 * may size it (config/tlsc_mbedtls_config.h: 16 KiB, a whole TLS record per
 * read, so a download makes one mbedtls_ssl_read, one parser call and one
 * write(2) per record instead of four: +10% throughput); the device
 * profiles keep 4 KiB of heap. */
#if defined(TLSC_HTTP_READ_BUFFER)
#define READ_BUF TLSC_HTTP_READ_BUFFER
#else
#define READ_BUF 4096
#endif
#define DEFAULT_REDIRECTS 5
#define MAX_REDIRECTS 20
#define LOCATION_MAX (TLSC_URL_TARGET_MAX + TLSC_URL_HOST_MAX + 16)

struct tlsc_http {
    tlsc_config *cfg;
    tlsc_conn *conn;            /* open connection, or NULL */
    char conn_host[TLSC_URL_HOST_MAX + 1];
    uint16_t conn_port;
    bool conn_fresh;            /* no request sent on it yet */
    char *server_name;

    unsigned max_redirects;
    tlsc_http_parser *parser;   /* lives across requests */
    unsigned char *rbuf;        /* READ_BUF bytes */

    /* session of the last host, offered when reconnecting to it */
    unsigned char session[TLSC_SESSION_MAX];
    size_t session_len;
    char session_host[TLSC_URL_HOST_MAX + 1];
    uint16_t session_port;

    tlsc_http_stats stats;
    char errmsg[TLSC_ERRMSG_MAX];

    uint32_t max_ms;            /* tlsc_http_set_max_time, 0 = none */
    uint64_t deadline;          /* of the request (or download) running */
    bool deadline_held;         /* set by a download for all its requests */
};

/* One request in flight (across redirects). */
typedef struct exchange {
    tlsc_http *h;
    const tlsc_http_request *req;
    tlsc_http_result *res;
    tlsc_url url;
    const char *method;
    bool send_body;             /* false after a redirect to GET */
    bool same_origin;           /* url's host is the original host */
    char origin_host[TLSC_URL_HOST_MAX + 1];
    uint16_t origin_port;

    /* the response being read */
    int status;
    unsigned interim;           /* 1xx responses before this one */
    bool forward;               /* deliver to req->cb */
    bool redirect;              /* a redirect to follow */
    char location[LOCATION_MAX];
    bool have_location;
    bool location_too_long;
} exchange;

/* ---- errors ---------------------------------------------------------------------- */

#define fail tlsc__http_fail

tlsc_err tlsc__http_fail(tlsc_http *h, tlsc_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(h->errmsg, sizeof h->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

const tlsc_config *tlsc__http_config(const tlsc_http *h)
{
    return h->cfg;
}

TLSC_API const char *tlsc_http_errmsg(const tlsc_http *h)
{
    return h != NULL ? h->errmsg : "";
}

/* ---- lifetime --------------------------------------------------------------------- */

TLSC_API tlsc_err tlsc_http_new(tlsc_config *cfg, tlsc_http **out)
{
    if (out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    if (cfg == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_http *h = tlsc__calloc(1, sizeof *h);
    if (h == NULL)
        return TLSC_ERR_NO_MEMORY;
    h->rbuf = tlsc__calloc(1, READ_BUF);
    tlsc_err err = h->rbuf != NULL ? tlsc_http_parser_new(NULL, NULL, NULL, &h->parser)
                                   : TLSC_ERR_NO_MEMORY;
    if (err != TLSC_OK) {
        tlsc__free(h->rbuf);
        tlsc__free(h);
        return err;
    }
    tlsc__config_ref(cfg);
    h->cfg = cfg;
    h->max_redirects = DEFAULT_REDIRECTS;
    *out = h;
    return TLSC_OK;
}

/* Keep the newest session of the connection for the next one to its host. */
static void save_session(tlsc_http *h)
{
    size_t len = 0;
    if (h->conn == NULL ||
        tlsc_conn_export_session(h->conn, h->session, sizeof h->session, &len) != TLSC_OK)
        return;
    h->session_len = len;
    memcpy(h->session_host, h->conn_host, sizeof h->session_host);
    h->session_port = h->conn_port;
}

/* Close (close_notify when possible) and forget the connection. */
static void drop_conn(tlsc_http *h)
{
    if (h->conn == NULL)
        return;
    save_session(h);
    (void)tlsc_conn_close(h->conn);
    tlsc_conn_free(h->conn);
    h->conn = NULL;
}

TLSC_API void tlsc_http_free(tlsc_http *h)
{
    if (h == NULL)
        return;
    drop_conn(h);
    tlsc_http_parser_free(h->parser);
    tlsc_config_free(h->cfg);
    tlsc__free(h->server_name);
    tlsc__free(h->rbuf);
    tlsc__zeroize(h->session, sizeof h->session);
    tlsc__free(h);
}

TLSC_API tlsc_err tlsc_http_set_max_redirects(tlsc_http *h, unsigned max)
{
    if (h == NULL || max > MAX_REDIRECTS)
        return TLSC_ERR_INVALID_ARG;
    h->max_redirects = max;
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_set_max_time(tlsc_http *h, uint32_t ms)
{
    if (h == NULL)
        return TLSC_ERR_INVALID_ARG;
    h->max_ms = ms;
    return TLSC_OK;
}

void tlsc__http_deadline_begin(tlsc_http *h, bool hold)
{
    if (h->deadline_held)
        return;
    h->deadline = h->max_ms ? tlsc_now_ms() + h->max_ms : 0;
    h->deadline_held = hold;
}

void tlsc__http_deadline_end(tlsc_http *h, bool held)
{
    if (h->deadline_held && !held)
        return;
    h->deadline = 0;
    h->deadline_held = false;
    if (h->conn != NULL)
        tlsc__conn_set_total_deadline(h->conn, 0); /* a later close_notify is not bounded */
}

/* The total limit passed: say so with the limit, whatever was waiting. */
static tlsc_err fail_total(tlsc_http *h, const char *doing)
{
    return fail(h, TLSC_ERR_TIMEOUT_TOTAL,
                "the request did not complete within %lu ms (tlsc_http_set_max_time) while %s",
                (unsigned long)h->max_ms, doing);
}

TLSC_API tlsc_err tlsc_http_set_limits(tlsc_http *h, const tlsc_http_limits *limits)
{
    if (h == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_http_parser *p = NULL;
    tlsc_err err = tlsc_http_parser_new(limits, NULL, NULL, &p);
    if (err != TLSC_OK)
        return err;
    tlsc_http_parser_free(h->parser);
    h->parser = p;
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_set_server_name(tlsc_http *h, const char *name)
{
    if (h == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (name != NULL && !tlsc__host_valid(name))
        return TLSC_ERR_HOSTNAME;
    char *copy = NULL;
    if (name != NULL) {
        copy = tlsc__calloc(1, strlen(name) + 1);
        if (copy == NULL)
            return TLSC_ERR_NO_MEMORY;
        memcpy(copy, name, strlen(name));
    }
    tlsc__free(h->server_name);
    h->server_name = copy;
    drop_conn(h);
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_set_session(tlsc_http *h, const void *blob, size_t len)
{
    if (h == NULL || blob == NULL || len == 0 || len > sizeof h->session)
        return TLSC_ERR_INVALID_ARG;
    memcpy(h->session, blob, len);
    h->session_len = len;
    h->session_host[0] = '\0';
    h->session_port = 0;
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_export_session(tlsc_http *h, void *buf, size_t cap, size_t *len)
{
    if (h == NULL || len == NULL)
        return TLSC_ERR_INVALID_ARG;
    save_session(h);
    *len = h->session_len;
    if (h->session_len == 0)
        return TLSC_ERR_NO_SESSION;
    if (buf == NULL || cap < h->session_len)
        return TLSC_ERR_BUFFER_SIZE;
    memcpy(buf, h->session, h->session_len);
    return TLSC_OK;
}

TLSC_API void tlsc_http_get_stats(const tlsc_http *h, tlsc_http_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (h != NULL)
        *out = h->stats;
}

/* ---- connecting -------------------------------------------------------------------- */

static bool conn_matches(const tlsc_http *h, const tlsc_url *u)
{
    return h->conn != NULL && h->conn_port == u->port && strcmp(h->conn_host, u->host) == 0;
}

/* Offer the saved session when it belongs to this host (the core checks
 * again: name, configuration, expiry). */
static void offer_session(tlsc_http *h, const tlsc_url *u)
{
    bool imported = h->session_host[0] == '\0'; /* from tlsc_http_set_session */
    if (h->session_len == 0 ||
        (!imported && (h->session_port != u->port || strcmp(h->session_host, u->host) != 0)))
        return;
    if (tlsc_conn_set_session(h->conn, h->session, h->session_len) != TLSC_OK)
        h->session_len = 0; /* unusable: forget it, a full handshake follows */
}

static tlsc_err open_conn(tlsc_http *h, const tlsc_url *u)
{
    drop_conn(h);
    tlsc_err err = tlsc_conn_new(h->cfg, &h->conn);
    if (err != TLSC_OK) {
        h->conn = NULL;
        return fail(h, err, "%s", tlsc_config_errmsg(h->cfg));
    }
    memcpy(h->conn_host, u->host, sizeof h->conn_host);
    h->conn_port = u->port;
    if (h->server_name != NULL && (err = tlsc_conn_set_server_name(h->conn, h->server_name)) != TLSC_OK)
        return fail(h, err, "server name %s", h->server_name);
    offer_session(h, u);
    tlsc__conn_set_total_deadline(h->conn, h->deadline);
    err = tlsc_conn_connect(h->conn, u->host, u->port);
    if (err == TLSC_ERR_TIMEOUT_TOTAL)
        (void)fail_total(h, "connecting");
    else if (err != TLSC_OK)
        (void)fail(h, err, "%s:%u: %s", u->host, (unsigned)u->port, tlsc_conn_errmsg(h->conn));
    if (err != TLSC_OK) {
        tlsc_conn_free(h->conn);
        h->conn = NULL;
        return err;
    }
    h->conn_fresh = true;
    h->stats.connections++;
    if (tlsc_conn_resumed(h->conn))
        h->stats.resumed++;
    return TLSC_OK;
}

/* ---- sending ------------------------------------------------------------------------ */

static tlsc_err conn_write(tlsc_http *h, const void *d, size_t n)
{
    tlsc_err err = tlsc_conn_write(h->conn, d, n);
    if (err == TLSC_ERR_TIMEOUT_TOTAL)
        return fail_total(h, "sending the request");
    if (err != TLSC_OK)
        return fail(h, err, "sending the request: %s", tlsc_conn_errmsg(h->conn));
    return TLSC_OK;
}

static bool is_credential(const char *name)
{
    size_t n = strlen(name);
    return tlsc__http_name_is(name, n, "authorization") || tlsc__http_name_is(name, n, "cookie") ||
           tlsc__http_name_is(name, n, "proxy-authorization");
}

static bool has_header(const tlsc_http_request *r, const char *lower)
{
    for (size_t i = 0; i < r->header_count; i++) {
        if (r->headers[i].name != NULL &&
            tlsc__http_name_is(r->headers[i].name, strlen(r->headers[i].name), lower))
            return true;
    }
    return false;
}

/* The headers to send: the caller's (credentials only to the origin
 * host), plus a User-Agent unless the caller gave one. */
static size_t pick_headers(const exchange *x, tlsc_http_header *out)
{
    const tlsc_http_request *r = x->req;
    size_t n = 0;
    for (size_t i = 0; i < r->header_count; i++) {
        if (!x->same_origin && r->headers[i].name != NULL && is_credential(r->headers[i].name))
            continue;
        out[n++] = r->headers[i];
    }
    if (!has_header(r, "user-agent"))
        out[n++] = (tlsc_http_header){"User-Agent", "tlsc/" TLSC_VERSION_STRING};
    return n;
}

static int64_t body_framing(const exchange *x)
{
    const tlsc_http_request *r = x->req;
    if (!x->send_body)
        return TLSC_HTTP_BODY_NONE;
    if (r->body_fn != NULL)
        return r->body_fn_len >= 0 ? r->body_fn_len : TLSC_HTTP_BODY_CHUNKED;
    if (r->body != NULL)
        return (int64_t)r->body_len;
    /* RFC 9110 8.6: a POST or PUT without body still says Content-Length: 0. */
    bool wants_length = strcmp(x->method, "POST") == 0 || strcmp(x->method, "PUT") == 0;
    return wants_length ? 0 : TLSC_HTTP_BODY_NONE;
}

static tlsc_err send_head(exchange *x)
{
    tlsc_http *h = x->h;
    tlsc_http_header *hs = tlsc__calloc(x->req->header_count + 1, sizeof *hs);
    if (hs == NULL)
        return fail(h, TLSC_ERR_NO_MEMORY, "request headers");
    size_t n = pick_headers(x, hs);
    size_t len = 0;
    char detail[TLSC__HTTP_DETAIL_MAX];
    int64_t framing = body_framing(x);
    tlsc_err err = tlsc_http_request_format(NULL, 0, &len, x->method, &x->url, hs, n, framing,
                                            detail, sizeof detail);
    char *buf = err == TLSC_ERR_BUFFER_SIZE ? tlsc__calloc(1, len) : NULL;
    if (err == TLSC_ERR_BUFFER_SIZE && buf == NULL)
        err = TLSC_ERR_NO_MEMORY;
    else if (buf != NULL)
        err = tlsc_http_request_format(buf, len, &len, x->method, &x->url, hs, n, framing, detail,
                                       sizeof detail);
    if (err == TLSC_OK)
        err = conn_write(h, buf, len);
    else
        (void)fail(h, err, "%s", detail);
    tlsc__free(buf);
    tlsc__free(hs);
    return err;
}

/* A producer's body: exactly body_fn_len bytes, or chunked. */
static tlsc_err send_produced(exchange *x)
{
    tlsc_http *h = x->h;
    const tlsc_http_request *r = x->req;
    bool chunked = r->body_fn_len < 0;
    uint64_t sent = 0;
    char prefix[20];
    for (;;) {
        size_t got = 0;
        tlsc_err err = r->body_fn(r->body_ud, h->rbuf, READ_BUF, &got);
        if (err != TLSC_OK)
            return fail(h, err, "the request body producer failed after %s bytes",
                        tlsc__u64(sent).s);
        if (got > READ_BUF)
            return fail(h, TLSC_ERR_HTTP_BAD_REQUEST, "the body producer claimed %lu bytes of %d",
                        (unsigned long)got, READ_BUF);
        if (got == 0)
            break;
        sent += got;
        if (!chunked && sent > (uint64_t)r->body_fn_len)
            return fail(h, TLSC_ERR_HTTP_BAD_REQUEST,
                        "the body producer gave more than the %s bytes announced",
                        tlsc__i64(r->body_fn_len).s);
        if (chunked && (err = conn_write(h, prefix, tlsc_http_chunk_prefix(prefix, got))) != TLSC_OK)
            return err;
        if ((err = conn_write(h, h->rbuf, got)) != TLSC_OK)
            return err;
        if (chunked && (err = conn_write(h, "\r\n", 2)) != TLSC_OK)
            return err;
    }
    if (chunked)
        return conn_write(h, "0\r\n\r\n", 5);
    if (sent != (uint64_t)r->body_fn_len)
        return fail(h, TLSC_ERR_HTTP_BAD_REQUEST,
                    "the body producer ended after %s of the %s bytes announced",
                    tlsc__u64(sent).s, tlsc__i64(r->body_fn_len).s);
    return TLSC_OK;
}

static tlsc_err send_request(exchange *x)
{
    tlsc_err err = send_head(x);
    if (err != TLSC_OK || !x->send_body)
        return err;
    if (x->req->body_fn != NULL)
        return send_produced(x);
    if (x->req->body != NULL && x->req->body_len > 0)
        return conn_write(x->h, x->req->body, x->req->body_len);
    return TLSC_OK;
}

/* ---- receiving ---------------------------------------------------------------------- */

static bool is_redirect_status(int s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

static tlsc_err x_status(void *ud, int status, const char *reason, size_t len)
{
    exchange *x = ud;
    x->status = status;
    x->have_location = false;
    x->location_too_long = false;
    x->redirect = is_redirect_status(status) && x->h->max_redirects > 0;
    x->forward = status >= 200 && !x->redirect;
    if (x->forward && x->req->cb.on_status != NULL)
        return x->req->cb.on_status(x->req->cb_ud, status, reason, len);
    return TLSC_OK;
}

static tlsc_err x_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    exchange *x = ud;
    if (x->redirect && tlsc__http_name_is(n, nl, "location")) {
        x->have_location = vl < sizeof x->location;
        x->location_too_long = !x->have_location;
        if (x->have_location) {
            memcpy(x->location, v, vl);
            x->location[vl] = '\0';
        }
    }
    if (x->forward && x->req->cb.on_header != NULL)
        return x->req->cb.on_header(x->req->cb_ud, n, nl, v, vl);
    return TLSC_OK;
}

static tlsc_err x_head(void *ud, const tlsc_http_head *head)
{
    exchange *x = ud;
    if (x->redirect && !x->have_location)
        return fail(x->h, TLSC_ERR_HTTP_REDIRECT, "%d redirect %s", x->status,
                    x->location_too_long ? "with a Location longer than the URL limit"
                                         : "without a Location header");
    if (x->forward && x->req->cb.on_head != NULL)
        return x->req->cb.on_head(x->req->cb_ud, head);
    return TLSC_OK;
}

static tlsc_err x_body(void *ud, const void *d, size_t n)
{
    exchange *x = ud;
    if (!x->forward)
        return TLSC_OK; /* a redirect's or 1xx's body is dropped */
    x->res->body_bytes += n;
    if (x->req->cb.on_body != NULL)
        return x->req->cb.on_body(x->req->cb_ud, d, n);
    return TLSC_OK;
}

static tlsc_err x_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    exchange *x = ud;
    if (x->forward && x->req->cb.on_trailer != NULL)
        return x->req->cb.on_trailer(x->req->cb_ud, n, nl, v, vl);
    return TLSC_OK;
}

static tlsc_err x_done(void *ud)
{
    exchange *x = ud;
    if (x->forward && x->req->cb.on_done != NULL)
        return x->req->cb.on_done(x->req->cb_ud);
    return TLSC_OK;
}

/* The parser's error, with its detail as the client's. */
static tlsc_err parser_fail(tlsc_http *h, tlsc_err err)
{
    if (h->errmsg[0] != '\0')
        return err; /* a callback already said why */
    return fail(h, err, "%s", tlsc_http_parser_errmsg(h->parser));
}

/* Feed bytes; after an interim 1xx response, start on the next one. */
static tlsc_err feed_all(exchange *x, const unsigned char *d, size_t n)
{
    tlsc_http *h = x->h;
    bool head = strcmp(x->method, "HEAD") == 0;
    while (n > 0) {
        size_t used = 0;
        tlsc_err err = tlsc_http_parser_feed(h->parser, d, n, &used);
        if (err != TLSC_OK)
            return parser_fail(h, err);
        d += used;
        n -= used;
        if (!tlsc_http_parser_done(h->parser))
            continue;
        if (tlsc_http_parser_head(h->parser)->status >= 200) {
            if (n > 0)
                return fail(h, TLSC_ERR_HTTP_MALFORMED,
                            "server sent %lu bytes after the complete response (none were asked "
                            "for)", (unsigned long)n);
            return TLSC_OK;
        }
        err = tlsc__http_next_after_interim(h->parser, head, &x->interim);
        if (err != TLSC_OK)
            return parser_fail(h, err);
    }
    return TLSC_OK;
}

/* Read until the response is complete. */
static tlsc_err read_response(exchange *x)
{
    tlsc_http *h = x->h;
    tlsc_http_callbacks cb = {x_status, x_header, x_head, x_body, x_trailer, x_done};
    tlsc_err err;
    tlsc__http_parser_set_callbacks(h->parser, &cb, x);
    tlsc_http_parser_reset(h->parser, strcmp(x->method, "HEAD") == 0);
    x->interim = 0;
    while (!tlsc_http_parser_done(h->parser) ||
           tlsc_http_parser_head(h->parser)->status < 200) {
        size_t got = 0;
        err = tlsc_conn_read(h->conn, h->rbuf, READ_BUF, &got);
        if (err == TLSC_ERR_CLOSED || err == TLSC_ERR_TRUNCATED) {
            tlsc_err e = tlsc_http_parser_eof(h->parser, err);
            return e == TLSC_OK ? TLSC_OK : parser_fail(h, e);
        }
        if (err == TLSC_ERR_TIMEOUT_TOTAL)
            return fail_total(h, "reading the response");
        if (err != TLSC_OK)
            return fail(h, err, "reading the response: %s", tlsc_conn_errmsg(h->conn));
        if ((err = feed_all(x, h->rbuf, got)) != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

/* ---- one round trip ------------------------------------------------------------------ */

/* A request may be sent again on a new connection when the reused one
 * turned out closed before any byte of the answer: servers close idle
 * keep-alive connections at any time. A producer body cannot be replayed. */
static bool may_retry(const exchange *x, bool reused, tlsc_err err)
{
    if (!reused || (x->send_body && x->req->body_fn != NULL))
        return false;
    if (tlsc_http_parser_started(x->h->parser))
        return false; /* part of the answer was delivered: never twice */
    tlsc_category c = tlsc_err_category(err);
    return c == TLSC_CAT_NETWORK || c == TLSC_CAT_CLOSED || err == TLSC_ERR_HTTP_INCOMPLETE;
}

static tlsc_err round_trip_once(exchange *x, bool *reused)
{
    tlsc_http *h = x->h;
    tlsc_err err = TLSC_OK;
    *reused = conn_matches(h, &x->url) && !h->conn_fresh;
    if (!conn_matches(h, &x->url))
        err = open_conn(h, &x->url);
    if (err != TLSC_OK)
        return err;
    h->conn_fresh = false;
    h->stats.requests++;
    if (*reused)
        h->stats.reused++;
    x->res->reused = *reused;
    x->res->resumed = tlsc_conn_resumed(h->conn);
    h->errmsg[0] = '\0';
    tlsc_http_parser_reset(h->parser, false); /* not started: see may_retry */
    err = send_request(x);
    if (err == TLSC_OK)
        err = read_response(x);
    return err;
}

static tlsc_err round_trip(exchange *x)
{
    tlsc_http *h = x->h;
    bool reused = false;
    tlsc_err err = round_trip_once(x, &reused);
    if (err != TLSC_OK && may_retry(x, reused, err)) {
        tlsc__log(h->cfg, TLSC_LOG_INFO, "http: reused connection to %s closed (%s); retrying",
                  x->url.host, h->errmsg);
        drop_conn(h);
        err = round_trip_once(x, &reused);
    }
    if (err != TLSC_OK || !tlsc_http_parser_head(h->parser)->keep_alive)
        drop_conn(h);
    else
        save_session(h); /* a TLS 1.3 ticket may have come with the response */
    return err;
}

/* ---- redirects -------------------------------------------------------------------------- */

static tlsc_err next_hop(exchange *x)
{
    tlsc_http *h = x->h;
    tlsc_url next;
    char detail[TLSC__HTTP_DETAIL_MAX];
    char q[80];
    if (x->res->redirects >= h->max_redirects)
        return fail(h, TLSC_ERR_HTTP_REDIRECT, "more than %u redirects (last to %s)",
                    h->max_redirects, x->location);
    tlsc_err err = tlsc_url_resolve(&x->url, x->location, &next, detail, sizeof detail);
    if (err != TLSC_OK) {
        tlsc__http_quote(q, sizeof q, x->location, strlen(x->location));
        if (strncmp(x->location, "http:", 5) == 0 || strncmp(x->location, "HTTP:", 5) == 0)
            return fail(h, TLSC_ERR_HTTP_REDIRECT, "refusing redirect from https to plain http (%s)", q);
        return fail(h, TLSC_ERR_HTTP_REDIRECT, "unusable Location \"%s\": %s", q, detail);
    }
    bool other_host = strcmp(next.host, x->origin_host) != 0 || next.port != x->origin_port;
    if (other_host && h->server_name != NULL)
        return fail(h, TLSC_ERR_HTTP_REDIRECT,
                    "redirect to another host (%s) while the server name is fixed to %s",
                    next.host, h->server_name);
    bool to_get = x->status == 303 || ((x->status == 301 || x->status == 302) &&
                                       strcmp(x->method, "POST") == 0);
    if (to_get) {
        x->method = strcmp(x->method, "HEAD") == 0 ? "HEAD" : "GET";
        x->send_body = false;
    } else if (x->send_body && x->req->body_fn != NULL) {
        return fail(h, TLSC_ERR_HTTP_REDIRECT,
                    "%d redirect needs the request body again, which a producer cannot replay",
                    x->status);
    }
    x->same_origin = !other_host;
    x->url = next;
    x->res->redirects++;
    return TLSC_OK;
}

/* ---- the request ---------------------------------------------------------------------- */

static tlsc_err start_exchange(exchange *x, tlsc_http *h, const tlsc_http_request *req,
                               tlsc_http_result *res)
{
    char detail[TLSC__HTTP_DETAIL_MAX];
    memset(x, 0, sizeof *x);
    x->h = h;
    x->req = req;
    x->res = res;
    x->method = req->method != NULL ? req->method : "GET";
    x->send_body = req->body != NULL || req->body_fn != NULL ||
                   strcmp(x->method, "POST") == 0 || strcmp(x->method, "PUT") == 0;
    x->same_origin = true;
    tlsc_err err = tlsc_url_parse(req->url, &x->url, detail, sizeof detail);
    if (err != TLSC_OK)
        return fail(h, err, "%s", detail);
    memcpy(x->origin_host, x->url.host, sizeof x->origin_host);
    x->origin_port = x->url.port;
    if (req->body != NULL && req->body_fn != NULL)
        return fail(h, TLSC_ERR_INVALID_ARG, "a request has a body buffer or a producer, not both");
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_do(tlsc_http *h, const tlsc_http_request *req, tlsc_http_result *res)
{
    tlsc_http_result dummy;
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof *res);
    if (h == NULL || req == NULL || req->url == NULL)
        return TLSC_ERR_INVALID_ARG;
    h->errmsg[0] = '\0';
    tlsc__http_deadline_begin(h, false);
    if (h->conn != NULL)
        tlsc__conn_set_total_deadline(h->conn, h->deadline);
    exchange x;
    tlsc_err err = start_exchange(&x, h, req, res);
    while (err == TLSC_OK) {
        tlsc__url_format(&x.url, res->url, sizeof res->url);
        err = round_trip(&x);
        res->status = x.status;
        if (err != TLSC_OK || !x.redirect)
            break;
        err = next_hop(&x);
    }
    tlsc__http_deadline_end(h, false);
    return err;
}
