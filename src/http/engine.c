/*
 * The HTTP exchange engine (engine.h): one request across its redirects
 * and its one resend, as a state machine that does no I/O. The blocking
 * client (client.c) and the event client (ev_http.c) run it, so the rules
 * below exist once: which connection serves a request, the request head
 * (credentials only to the origin host, a User-Agent), body framing, 1xx
 * responses, redirects (RFC 9110 15.4), and the resend of a request sent
 * on a kept-alive connection the server had already closed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base/hostname.h"
#include "core/base/text.h"
#include "core/config/log.h"
#include "core/tls/freeze.h"
#include "http/engine.h"

/* ---- the client's state ----------------------------------------------------------- */

tlsc_err tlsc__http_core_fail(tlsc__http_core *c, tlsc_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

#define fail tlsc__http_core_fail

tlsc_err tlsc__http_core_init(tlsc__http_core *c, tlsc_config *cfg,
                              const tlsc_http_limits *limits, size_t buf_len, bool buf_now,
                              unsigned max_redirects)
{
    memset(c, 0, sizeof *c);
    c->buf = buf_now ? tlsc__calloc(1, buf_len) : NULL;
    if (buf_now && c->buf == NULL)
        return TLSC_ERR_NO_MEMORY;
    tlsc_err err = tlsc_http_parser_new(limits, NULL, NULL, &c->parser);
    if (err != TLSC_OK) {
        tlsc__free(c->buf);
        c->buf = NULL;
        return err;
    }
    tlsc__config_ref(cfg);
    c->cfg = cfg;
    c->buf_len = buf_len;
    c->max_redirects = max_redirects;
    return TLSC_OK;
}

void tlsc__http_core_free(tlsc__http_core *c)
{
    tlsc_http_parser_free(c->parser);
    tlsc_config_free(c->cfg);
    tlsc__free(c->server_name);
    tlsc__free(c->buf);
    tlsc__next_forget(&c->next);
}

tlsc_err tlsc__http_core_set_limits(tlsc__http_core *c, const tlsc_http_limits *limits)
{
    tlsc_http_parser *p = NULL;
    tlsc_err err = tlsc_http_parser_new(limits, NULL, NULL, &p);
    if (err != TLSC_OK)
        return err;
    tlsc_http_parser_free(c->parser);
    c->parser = p;
    return TLSC_OK;
}

tlsc_err tlsc__http_core_set_server_name(tlsc__http_core *c, const char *name)
{
    if (name != NULL && !tlsc__host_valid(name))
        return fail(c, TLSC_ERR_HOSTNAME,
                    "server name: not a host name of at most %d characters: %.64s%s",
                    TLSC_HOST_MAX, name, strlen(name) > 64 ? "..." : "");
    char *copy = NULL;
    if (name != NULL && (copy = tlsc__strdup(name)) == NULL)
        return fail(c, TLSC_ERR_NO_MEMORY, "no memory for the server name (%lu bytes)",
                    (unsigned long)strlen(name) + 1);
    tlsc__free(c->server_name);
    c->server_name = copy;
    c->conn_open = false; /* the open connection verified another name */
    return TLSC_OK;
}

tlsc_err tlsc__http_core_set_max_redirects(tlsc__http_core *c, unsigned max)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (max > TLSC__HTTP_MAX_REDIRECTS)
        return fail(c, TLSC_ERR_INVALID_ARG, "max redirects %u is more than %d", max,
                    TLSC__HTTP_MAX_REDIRECTS);
    c->max_redirects = max;
    return TLSC_OK;
}

tlsc_err tlsc__http_core_set_max_time(tlsc__http_core *c, uint32_t ms)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    c->max_ms = ms;
    return TLSC_OK;
}

tlsc_err tlsc__http_core_set_session(tlsc__http_core *c, const void *blob, size_t len)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__next_import(&c->next, blob, len);
    if (err == TLSC_ERR_INVALID_ARG && blob == NULL)
        return fail(c, err, "no session (blob is NULL)");
    if (err == TLSC_ERR_INVALID_ARG)
        return fail(c, err, "a session of %lu bytes (1 to %d)", (unsigned long)len,
                    TLSC_SESSION_MAX);
    if (err == TLSC_ERR_NO_MEMORY)
        return fail(c, err, "no memory for the client's copy of the session (%d bytes)",
                    TLSC_SESSION_MAX);
    return err;
}

tlsc_err tlsc__http_core_export_session(tlsc__http_core *c, const tlsc_conn *open, void *buf,
                                        size_t cap, size_t *len)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (len == NULL)
        return fail(c, TLSC_ERR_INVALID_ARG, "no place for the session's length (len is NULL)");
    tlsc__next_keep(&c->next, open);
    return tlsc__next_export(&c->next, buf, cap, len);
}

void tlsc__http_core_stats(const tlsc__http_core *c, tlsc_http_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (c != NULL)
        *out = c->stats;
}

void tlsc__http_core_closed(tlsc__http_core *c)
{
    c->conn_open = false;
}

/* tlsc_conn_new explains only its configuration errors in the config's
 * detail; any other (no memory) leaves there whatever the last setter
 * said, even a success's note ("2 certificates skipped"), so it is not
 * quoted for them. Only setting a fixed server name refuses a name (the
 * URL's host was checked when it was parsed): without one the error is
 * named as it is, never blamed on a server name that is not there. */
tlsc_err tlsc__http_conn_made(tlsc__http_core *c, const tlsc_url *u, tlsc_err err)
{
    if (c->server_name != NULL && (err == TLSC_ERR_HOSTNAME || err == TLSC_ERR_INVALID_ARG))
        return fail(c, err, "server name %s", c->server_name);
    if (err == TLSC_ERR_NO_TRUST || err == TLSC_ERR_CONFIG)
        return fail(c, err, "%s", tlsc_config_errmsg(c->cfg));
    if (err == TLSC_ERR_NO_MEMORY)
        return fail(c, err, "no memory to create the connection to %s port %u (its state, "
                    "server name or the saved session it offers)", u->host, (unsigned)u->port);
    if (err != TLSC_OK)
        return fail(c, err, "creating the connection to %s port %u: %s", u->host,
                    (unsigned)u->port, tlsc_strerror(err));
    memcpy(c->conn_host, u->host, sizeof c->conn_host);
    c->conn_port = u->port;
    return TLSC_OK;
}

tlsc_err tlsc__http_conn_new(tlsc__http_core *c, const tlsc_url *u, tlsc_conn **out)
{
    return tlsc__http_conn_made(c, u, tlsc__next_conn_new(&c->next, c->cfg, c->server_name,
                                                          u->host, u->port, false, out));
}

tlsc_err tlsc__http_conn_prepare(tlsc__http_core *c, const tlsc_url *u, tlsc_conn *conn)
{
    return tlsc__http_conn_made(c, u, tlsc__next_prepare(&c->next, conn, c->server_name,
                                                         u->host, u->port));
}

void tlsc__http_deadline_set(tlsc__http_core *c, uint32_t ms)
{
    if (c->deadline_held)
        return;
    c->deadline = ms ? tlsc_now_ms() + ms : 0;
    c->deadline_ms = ms;
}

void tlsc__http_deadline_begin(tlsc__http_core *c, bool hold)
{
    if (c->deadline_held)
        return;
    tlsc__http_deadline_set(c, c->max_ms);
    c->deadline_held = hold;
}

void tlsc__http_deadline_end(tlsc__http_core *c, bool held)
{
    if (c->deadline_held && !held)
        return;
    c->deadline = 0;
    c->deadline_held = false;
}

/* ---- ending --------------------------------------------------------------------- */

static void done(tlsc__hx *x, tlsc_err err)
{
    x->state = HX_DONE;
    x->err = err;
    if (err != TLSC_OK) {
        x->keep = false; /* the connection's state is unknown after an error */
        x->c->conn_open = false;
    }
    tlsc__hx_release(x);
}

/* A request refused before it began (its URL, head or body arguments):
 * nothing was sent, so the open connection still serves the next one. */
static void refuse(tlsc__hx *x, tlsc_err err)
{
    x->state = HX_DONE;
    x->err = err;
    x->keep = x->c->conn_open;
    tlsc__hx_release(x);
}

static void end_with(tlsc__hx *x, tlsc_err err)
{
    if (err == TLSC_OK)
        err = TLSC_ERR_INTERNAL;
    done(x, err);
}

void tlsc__hx_abort(tlsc__hx *x, tlsc_err err, const char *detail)
{
    if (x->state == HX_DONE)
        return;
    if (detail != NULL) /* else c->errmsg already says why */
        (void)fail(x->c, err, "%s", detail);
    end_with(x, err);
}

void tlsc__hx_release(tlsc__hx *x)
{
    tlsc__free(x->head);
    x->head = NULL;
    tlsc__free(x->location);
    x->location = NULL;
}

static const char *doing(const tlsc__hx *x)
{
    if (x->sending)
        return "sending the request"; /* the state is already the next one */
    switch (x->state) {
    case HX_OPENING:
        return "connecting";
    case HX_SEND_HEAD:
    case HX_SEND_BODY:
    case HX_PRODUCE:
        return "sending the request";
    default:
        return "reading the response";
    }
}

/* ---- the request head ------------------------------------------------------------ */

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
static size_t pick_headers(const tlsc__hx *x, tlsc_http_header *out)
{
    const tlsc_http_request *r = &x->req;
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

static int64_t body_framing(const tlsc__hx *x)
{
    const tlsc_http_request *r = &x->req;
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

static tlsc_err format_head(tlsc__hx *x)
{
    tlsc_http_header *hs = tlsc__calloc(x->req.header_count + 1, sizeof *hs);
    if (hs == NULL)
        return fail(x->c, TLSC_ERR_NO_MEMORY, "request headers");
    size_t n = pick_headers(x, hs);
    size_t len = 0;
    char detail[TLSC__HTTP_DETAIL_MAX];
    int64_t framing = body_framing(x);
    tlsc_err err = tlsc_http_request_format(NULL, 0, &len, x->method, &x->url, hs, n, framing,
                                            detail, sizeof detail);
    tlsc__free(x->head);
    x->head = err == TLSC_ERR_BUFFER_SIZE ? tlsc__calloc(1, len) : NULL;
    if (err == TLSC_ERR_BUFFER_SIZE && x->head == NULL)
        err = TLSC_ERR_NO_MEMORY;
    else if (x->head != NULL)
        err = tlsc_http_request_format(x->head, len, &len, x->method, &x->url, hs, n, framing,
                                       detail, sizeof detail);
    tlsc__free(hs);
    x->head_len = len;
    if (err != TLSC_OK)
        return fail(x->c, err, "%s", err == TLSC_ERR_NO_MEMORY ? "request head" : detail);
    return TLSC_OK;
}

/* A head that can be formatted, checked before any connection is opened
 * (for both drivers): a bad method or header fails the request at once,
 * in the formatter's words. Only the size is asked, so nothing is
 * allocated; the credentials a redirect drops and the User-Agent added
 * cannot make a valid head invalid. */
static tlsc_err check_head(tlsc__hx *x)
{
    size_t len = 0;
    char detail[TLSC__HTTP_DETAIL_MAX];
    tlsc_err err = tlsc_http_request_format(NULL, 0, &len, x->method, &x->url, x->req.headers,
                                            x->req.header_count, body_framing(x), detail,
                                            sizeof detail);
    if (err == TLSC_ERR_BUFFER_SIZE)
        return TLSC_OK; /* formattable: only the size was asked */
    return fail(x->c, err == TLSC_OK ? TLSC_ERR_INTERNAL : err, "%s", detail);
}

/* ---- the response ------------------------------------------------------------------ */

static bool is_redirect_status(int s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

static tlsc_err x_status(void *ud, int status, const char *reason, size_t len)
{
    tlsc__hx *x = ud;
    if (x->c->stopped)
        return TLSC_ERR_STATE;
    x->status = status;
    x->res->status = status;
    x->have_location = false;
    x->location_too_long = false;
    x->redirect = is_redirect_status(status) && x->c->max_redirects > 0;
    x->forward = status >= 200 && !x->redirect;
    if (x->redirect && x->location == NULL &&
        (x->location = tlsc__calloc(1, TLSC__HTTP_LOCATION_MAX)) == NULL)
        return fail(x->c, TLSC_ERR_NO_MEMORY, "the redirect's Location");
    if (x->forward && x->req.cb.on_status != NULL)
        return x->req.cb.on_status(x->req.cb_ud, status, reason, len);
    return TLSC_OK;
}

static tlsc_err x_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    tlsc__hx *x = ud;
    if (x->c->stopped)
        return TLSC_ERR_STATE;
    if (x->redirect && tlsc__http_name_is(n, nl, "location")) {
        x->have_location = vl < TLSC__HTTP_LOCATION_MAX;
        x->location_too_long = !x->have_location;
        if (x->have_location) {
            memcpy(x->location, v, vl);
            x->location[vl] = '\0';
        }
    }
    if (x->forward && x->req.cb.on_header != NULL)
        return x->req.cb.on_header(x->req.cb_ud, n, nl, v, vl);
    return TLSC_OK;
}

static tlsc_err x_head(void *ud, const tlsc_http_head *head)
{
    tlsc__hx *x = ud;
    if (x->c->stopped)
        return TLSC_ERR_STATE;
    if (x->redirect && !x->have_location)
        return fail(x->c, TLSC_ERR_HTTP_REDIRECT, "%d redirect %s", x->status,
                    x->location_too_long ? "with a Location longer than the URL limit"
                                         : "without a Location header");
    if (x->forward && x->req.cb.on_head != NULL)
        return x->req.cb.on_head(x->req.cb_ud, head);
    return TLSC_OK;
}

static tlsc_err x_body(void *ud, const void *d, size_t n)
{
    tlsc__hx *x = ud;
    if (x->c->stopped)
        return TLSC_ERR_STATE;
    if (!x->forward)
        return TLSC_OK; /* a redirect's or 1xx's body is dropped */
    x->res->body_bytes += n;
    if (x->req.cb.on_body != NULL)
        return x->req.cb.on_body(x->req.cb_ud, d, n);
    return TLSC_OK;
}

static tlsc_err x_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    tlsc__hx *x = ud;
    if (x->c->stopped)
        return TLSC_ERR_STATE;
    if (x->forward && x->req.cb.on_trailer != NULL)
        return x->req.cb.on_trailer(x->req.cb_ud, n, nl, v, vl);
    return TLSC_OK;
}

static tlsc_err x_done(void *ud)
{
    tlsc__hx *x = ud;
    if (x->c->stopped)
        return TLSC_ERR_STATE;
    if (x->forward && x->req.cb.on_done != NULL)
        return x->req.cb.on_done(x->req.cb_ud);
    return TLSC_OK;
}

/* The parser's error, with its detail as the client's: words already
 * there were written by a callback during this feed (tlsc__hx_feed and
 * _ended start with none). */
static tlsc_err parser_fail(tlsc__hx *x, tlsc_err err)
{
    if (x->c->errmsg[0] != '\0')
        return err; /* a callback already said why */
    return fail(x->c, err, "%s", tlsc_http_parser_errmsg(x->c->parser));
}

/* ---- redirects ------------------------------------------------------------------------ */

static tlsc_err next_hop(tlsc__hx *x)
{
    tlsc__http_core *c = x->c;
    tlsc_url next;
    char detail[TLSC__HTTP_DETAIL_MAX];
    char q[80];
    if (x->res->redirects >= c->max_redirects)
        return fail(c, TLSC_ERR_HTTP_REDIRECT, "more than %u redirects (last to %s)",
                    c->max_redirects, x->location);
    tlsc_err err = tlsc_url_resolve(&x->url, x->location, &next, detail, sizeof detail);
    if (err != TLSC_OK) {
        tlsc__http_quote(q, sizeof q, x->location, strlen(x->location));
        if (strncmp(x->location, "http:", 5) == 0 || strncmp(x->location, "HTTP:", 5) == 0)
            return fail(c, TLSC_ERR_HTTP_REDIRECT, "refusing redirect from https to plain http (%s)", q);
        return fail(c, TLSC_ERR_HTTP_REDIRECT, "unusable Location \"%s\": %s", q, detail);
    }
    bool other_host = strcmp(next.host, x->origin_host) != 0 || next.port != x->origin_port;
    if (other_host && c->server_name != NULL)
        return fail(c, TLSC_ERR_HTTP_REDIRECT,
                    "redirect to another host (%s) while the server name is fixed to %s",
                    next.host, c->server_name);
    bool to_get = x->status == 303 || ((x->status == 301 || x->status == 302) &&
                                       strcmp(x->method, "POST") == 0);
    if (to_get) {
        x->method = strcmp(x->method, "HEAD") == 0 ? "HEAD" : "GET";
        x->send_body = false;
    } else if (x->send_body && x->req.body_fn != NULL) {
        return fail(c, TLSC_ERR_HTTP_REDIRECT,
                    "%d redirect needs the request body again, which a producer cannot replay",
                    x->status);
    }
    x->same_origin = !other_host;
    x->url = next;
    x->res->redirects++;
    return TLSC_OK;
}

/* A complete final response: the end, or the next hop. */
static void complete(tlsc__hx *x)
{
    bool sending = x->state != HX_RECV; /* answered before the body was sent */
    x->keep = tlsc_http_parser_head(x->c->parser)->keep_alive && !sending;
    if (!x->keep)
        x->c->conn_open = false;
    if (!x->redirect) {
        done(x, TLSC_OK);
        return;
    }
    tlsc_err err = next_hop(x);
    if (err != TLSC_OK) {
        done(x, err);
        return;
    }
    x->retried = false; /* one resend per hop */
    x->state = HX_HOP;
}

/* ---- input -------------------------------------------------------------------------- */

static bool final_done(const tlsc__hx *x)
{
    return tlsc_http_parser_done(x->c->parser) &&
           tlsc_http_parser_head(x->c->parser)->status >= 200;
}

/* Feed bytes; after an interim 1xx response, start on the next one. */
static tlsc_err feed_all(tlsc__hx *x, const unsigned char *d, size_t n)
{
    tlsc__http_core *c = x->c;
    bool head = strcmp(x->method, "HEAD") == 0;
    while (n > 0) {
        size_t used = 0;
        tlsc_err err = tlsc_http_parser_feed(c->parser, d, n, &used);
        if (err != TLSC_OK)
            return parser_fail(x, err);
        d += used;
        n -= used;
        if (!tlsc_http_parser_done(c->parser))
            continue;
        if (tlsc_http_parser_head(c->parser)->status >= 200) {
            if (n > 0)
                return fail(c, TLSC_ERR_HTTP_MALFORMED,
                            "server sent %lu bytes after the complete response (none were asked "
                            "for)", (unsigned long)n);
            return TLSC_OK;
        }
        err = tlsc__http_next_after_interim(c->parser, head, &x->interim);
        if (err != TLSC_OK)
            return parser_fail(x, err);
    }
    return TLSC_OK;
}

static bool receiving(const tlsc__hx *x)
{
    return x->state >= HX_SEND_HEAD && x->state <= HX_RECV;
}

/* A call refused while the request runs (tlsc_http_ev_do on a busy
 * client) leaves its words in c->errmsg for its caller; they are not the
 * request's, so the engine's own steps start without them. */
static void forget_refusal(tlsc__hx *x)
{
    if (x->state != HX_DONE) /* else they say why it ended */
        x->c->errmsg[0] = '\0';
}

void tlsc__hx_feed(tlsc__hx *x, const void *data, size_t len)
{
    forget_refusal(x);
    if (!receiving(x)) {
        tlsc__hx_abort(x, TLSC_ERR_HTTP_MALFORMED, "response bytes before the request was sent");
        return;
    }
    tlsc_err err = feed_all(x, data, len);
    if (err != TLSC_OK)
        done(x, err);
    else if (final_done(x))
        complete(x);
}

/* A request may be sent again on a new connection when the reused one
 * turned out closed before any byte of the answer: servers close idle
 * keep-alive connections at any time. A producer body cannot be replayed. */
static bool may_retry(const tlsc__hx *x, tlsc_err err)
{
    if (!x->reused || x->retried || (x->send_body && x->req.body_fn != NULL))
        return false;
    if (x->state < HX_SEND_HEAD || tlsc_http_parser_started(x->c->parser))
        return false; /* part of the answer was delivered: never twice */
    tlsc_category cat = tlsc_err_category(err);
    return cat == TLSC_CAT_NETWORK || cat == TLSC_CAT_CLOSED || err == TLSC_ERR_HTTP_INCOMPLETE;
}

static void retry(tlsc__hx *x)
{
    tlsc__log(x->c->cfg, TLSC_LOG_INFO, "http: reused connection to %s closed (%s); retrying",
              x->url.host, x->c->errmsg);
    x->retried = true;
    x->c->conn_open = false;
    x->state = HX_HOP;
}

void tlsc__hx_ended(tlsc__hx *x, tlsc_err how)
{
    if (x->state == HX_DONE)
        return;
    forget_refusal(x);
    x->c->conn_open = false;
    if (!receiving(x)) {
        tlsc__hx_failed(x, how, "the connection ended");
        return;
    }
    tlsc_err err = tlsc_http_parser_eof(x->c->parser, how);
    if (err == TLSC_OK) {
        complete(x); /* close-delimited body, clean end */
        return;
    }
    err = parser_fail(x, err);
    if (may_retry(x, err))
        retry(x);
    else
        done(x, err);
}

void tlsc__hx_failed(tlsc__hx *x, tlsc_err err, const char *detail)
{
    tlsc__http_core *c = x->c;
    if (x->state == HX_DONE)
        return;
    c->conn_open = false;
    char why[TLSC__HTTP_ERRMSG_MAX]; /* detail may be c->errmsg itself */
    (void)snprintf(why, sizeof why, "%s", detail != NULL ? detail : "");
    detail = why;
    if (err == TLSC_ERR_TIMEOUT_TOTAL)
        (void)fail(c, err, "the request did not complete within %lu ms (its total time limit) while %s",
                   (unsigned long)c->deadline_ms, doing(x));
    else if (x->state == HX_OPENING)
        (void)fail(c, err, "%s:%u: %s", x->url.host, (unsigned)x->url.port, detail);
    else
        (void)fail(c, err, "%s: %s", doing(x), detail);
    if (may_retry(x, err))
        retry(x);
    else
        end_with(x, err);
}

/* ---- output ---------------------------------------------------------------------------- */

/* The connection for this hop: the open one when it serves this host and
 * port, else a new one. */
static tlsc__hx_act hop(tlsc__hx *x)
{
    tlsc__http_core *c = x->c;
    tlsc__url_format(&x->url, x->res->url, sizeof x->res->url);
    bool match = c->conn_open && c->conn_port == x->url.port &&
                 strcmp(c->conn_host, x->url.host) == 0;
    if (!match) {
        x->state = HX_OPENING;
        return TLSC__HX_OPEN;
    }
    x->reused = !c->conn_fresh;
    x->state = HX_SEND_HEAD;
    return TLSC__HX_SEND;
}

void tlsc__hx_opened(tlsc__hx *x, bool resumed)
{
    tlsc__http_core *c = x->c;
    c->conn_open = true;
    c->conn_fresh = true;
    c->conn_resumed = resumed;
    c->stats.connections++;
    if (resumed)
        c->stats.resumed++;
    x->reused = false;
    x->state = HX_SEND_HEAD;
}

/* The round trip starts: account, expect the response, format the head. */
static tlsc_err begin_send(tlsc__hx *x)
{
    tlsc__http_core *c = x->c;
    c->conn_fresh = false;
    c->stats.requests++;
    if (x->reused)
        c->stats.reused++;
    x->res->reused = x->reused;
    x->res->resumed = c->conn_resumed;
    c->errmsg[0] = '\0';
    x->interim = 0;
    x->produced = 0;
    x->produce_step = 0;
    tlsc_http_callbacks cb = {x_status, x_header, x_head, x_body, x_trailer, x_done};
    tlsc__http_parser_set_callbacks(c->parser, &cb, x);
    tlsc_http_parser_reset(c->parser, strcmp(x->method, "HEAD") == 0);
    return format_head(x);
}

static tlsc__hx_act after_body(tlsc__hx *x)
{
    x->state = HX_RECV;
    return TLSC__HX_RECV;
}

/* The next piece of a producer's body into c->buf (*got = 0: the end),
 * checked against the length announced. */
static tlsc_err pull(tlsc__hx *x, size_t *got)
{
    tlsc__http_core *c = x->c;
    const tlsc_http_request *r = &x->req;
    bool chunked = r->body_fn_len < 0;
    if (c->buf == NULL && (c->buf = tlsc__calloc(1, c->buf_len)) == NULL)
        return fail(c, TLSC_ERR_NO_MEMORY, "the request body's buffer");
    tlsc_err err = r->body_fn(r->body_ud, c->buf, c->buf_len, got);
    if (err != TLSC_OK)
        return fail(c, err, "the request body producer failed after %s bytes",
                    tlsc__u64(x->produced).s);
    if (*got > c->buf_len)
        return fail(c, TLSC_ERR_HTTP_BAD_REQUEST, "the body producer claimed %lu bytes of %lu",
                    (unsigned long)*got, (unsigned long)c->buf_len);
    x->produced += *got;
    if (!chunked && x->produced > (uint64_t)r->body_fn_len)
        return fail(c, TLSC_ERR_HTTP_BAD_REQUEST,
                    "the body producer gave more than the %s bytes announced",
                    tlsc__i64(r->body_fn_len).s);
    if (!chunked && *got == 0 && x->produced != (uint64_t)r->body_fn_len)
        return fail(c, TLSC_ERR_HTTP_BAD_REQUEST,
                    "the body producer ended after %s of the %s bytes announced",
                    tlsc__u64(x->produced).s, tlsc__i64(r->body_fn_len).s);
    return TLSC_OK;
}

static tlsc__hx_act emit(const void *p, size_t n, const void **out, size_t *len)
{
    *out = p;
    *len = n;
    return TLSC__HX_SEND;
}

/* A producer's body, chunked when its length is unknown: per piece the
 * size line, the data and CRLF (produce_step 1, 2), "0" at the end (3). */
static tlsc__hx_act produce(tlsc__hx *x, const void **out, size_t *len)
{
    bool chunked = x->req.body_fn_len < 0;
    size_t got = 0;
    switch (x->produce_step) {
    case 1:
        x->produce_step = 2;
        return emit(x->c->buf, x->produce_len, out, len);
    case 2:
        x->produce_step = 0;
        return emit("\r\n", 2, out, len);
    case 3:
        return after_body(x);
    default:
        break;
    }
    tlsc_err err = pull(x, &got);
    if (err != TLSC_OK) {
        done(x, err);
        return TLSC__HX_DONE;
    }
    if (got == 0 && !chunked)
        return after_body(x);
    if (got == 0) {
        x->produce_step = 3;
        return emit("0\r\n\r\n", 5, out, len);
    }
    if (!chunked)
        return emit(x->c->buf, got, out, len);
    x->produce_len = got;
    x->produce_step = 1;
    return emit(x->prefix, tlsc_http_chunk_prefix(x->prefix, got), out, len);
}

static tlsc__hx_act send_head(tlsc__hx *x, const void **out, size_t *len)
{
    tlsc_err err = begin_send(x);
    if (err != TLSC_OK) {
        done(x, err);
        return TLSC__HX_DONE;
    }
    x->state = !x->send_body         ? HX_RECV
               : x->req.body_fn != NULL ? HX_PRODUCE
               : x->req.body != NULL && x->req.body_len > 0 ? HX_SEND_BODY
                                                          : HX_RECV;
    *out = x->head;
    *len = x->head_len;
    return TLSC__HX_SEND;
}

static tlsc__hx_act next_act(tlsc__hx *x, const void **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    switch (x->state) {
    case HX_HOP:
        if (hop(x) == TLSC__HX_OPEN)
            return TLSC__HX_OPEN;
        return send_head(x, out, len);
    case HX_OPENING:
        return TLSC__HX_OPEN;
    case HX_SEND_HEAD:
        return send_head(x, out, len);
    case HX_SEND_BODY:
        x->state = HX_RECV;
        *out = x->req.body;
        *len = x->req.body_len;
        return TLSC__HX_SEND;
    case HX_PRODUCE:
        return produce(x, out, len);
    case HX_RECV:
        return TLSC__HX_RECV;
    case HX_DONE:
    default:
        return TLSC__HX_DONE;
    }
}

tlsc__hx_act tlsc__hx_next(tlsc__hx *x, const void **out, size_t *len)
{
    tlsc__hx_act act = next_act(x, out, len);
    x->sending = act == TLSC__HX_SEND;
    return act;
}

/* ---- the request ------------------------------------------------------------------------ */

tlsc_err tlsc__hx_begin(tlsc__hx *x, tlsc__http_core *c, const tlsc_http_request *req,
                        const tlsc_url *url, tlsc_http_result *res)
{
    char detail[TLSC__HTTP_DETAIL_MAX];
    memset(x, 0, sizeof *x);
    memset(res, 0, sizeof *res);
    x->c = c;
    x->req = *req;
    x->res = res;
    x->state = HX_HOP;
    c->errmsg[0] = '\0';
    x->method = req->method != NULL ? req->method : "GET";
    x->send_body = req->body != NULL || req->body_fn != NULL ||
                   strcmp(x->method, "POST") == 0 || strcmp(x->method, "PUT") == 0;
    x->same_origin = true;
    tlsc_err err = TLSC_OK;
    if (url != NULL)
        x->url = *url;
    else if ((err = tlsc_url_parse(req->url, &x->url, detail, sizeof detail)) != TLSC_OK)
        (void)fail(c, err, "%s", detail);
    if (err == TLSC_OK && req->body != NULL && req->body_fn != NULL)
        err = fail(c, TLSC_ERR_INVALID_ARG, "a request has a body buffer or a producer, not both");
    if (err == TLSC_OK)
        err = check_head(x);
    if (err != TLSC_OK) {
        refuse(x, err);
        return err;
    }
    memcpy(x->origin_host, x->url.host, sizeof x->origin_host);
    x->origin_port = x->url.port;
    return TLSC_OK;
}
