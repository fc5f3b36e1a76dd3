/*
 * HTTP/1.1 requests on the event driver (tlsc_http_ev_*, tlsc/http.h): the
 * same request serializer and push parser as the blocking client, bound to
 * one tlsc_ev. RECEIVE events are fed to the parser as they come (no copy);
 * the connection's end is handed to tlsc_http_parser_eof, which decides
 * between a clean close-delimited body and a truncated one.
 *
 * A connection that can no longer carry a request (Connection: close, an
 * error, the peer closed it) is freed at once, its TLS session kept; the
 * next request makes a new one, offering that session (resumption: a
 * short handshake, as the blocking client does). A request sent on a reused connection that the server had
 * already closed (no response byte came back) is sent again once on a
 * new connection, as the blocking client does.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/tls/freeze.h"
#include "http/http_internal.h"
#include "event/ev_internal.h"

struct tlsc_http_ev {
    tlsc_loop *loop;
    tlsc_config *cfg;
    tlsc_ev *ev;                /* current connection, or NULL */
    char host[TLSC_URL_HOST_MAX + 1];
    uint16_t port;
    bool reused;                /* ev carried a request before this one */
    unsigned char *session;     /* of the last connection to host:port */
    size_t session_len;         /* (TLSC_SESSION_MAX bytes allocated) */
    bool held;

    tlsc_http_parser *parser;   /* callbacks: the wrappers below */
    bool busy;                  /* a request is in flight */
    bool interim;               /* the response being parsed is 1xx */
    unsigned interims;          /* 1xx responses of this request so far */
    uint64_t deadline;          /* of the request (max_ms), 0 = none */
    bool retried;
    unsigned char *req;         /* the request, kept for one resend */
    size_t req_len;
    tlsc_http_callbacks cb;     /* the user's, for final responses */
    tlsc_http_ev_end_fn end;
    void *ud;

    int depth;                  /* > 0 while inside an event */
    bool dead;                  /* tlsc_http_ev_free during an event */
};

/* ---- parser callbacks: forward the final response only ------------------- */

/* After tlsc_http_ev_free inside a callback nothing more is delivered: the
 * error stops the parser. */

static tlsc_err w_status(void *ud, int status, const char *reason, size_t len)
{
    tlsc_http_ev *hx = ud;
    if (hx->dead)
        return TLSC_ERR_STATE;
    hx->interim = status < 200;
    return hx->interim || !hx->cb.on_status ? TLSC_OK
                                            : hx->cb.on_status(hx->ud, status, reason, len);
}

static tlsc_err w_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    tlsc_http_ev *hx = ud;
    if (hx->dead)
        return TLSC_ERR_STATE;
    return hx->interim || !hx->cb.on_header ? TLSC_OK : hx->cb.on_header(hx->ud, n, nl, v, vl);
}

static tlsc_err w_head(void *ud, const tlsc_http_head *head)
{
    tlsc_http_ev *hx = ud;
    if (hx->dead)
        return TLSC_ERR_STATE;
    return hx->interim || !hx->cb.on_head ? TLSC_OK : hx->cb.on_head(hx->ud, head);
}

static tlsc_err w_body(void *ud, const void *data, size_t len)
{
    tlsc_http_ev *hx = ud;
    if (hx->dead)
        return TLSC_ERR_STATE;
    return hx->cb.on_body ? hx->cb.on_body(hx->ud, data, len) : TLSC_OK;
}

static tlsc_err w_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    tlsc_http_ev *hx = ud;
    if (hx->dead)
        return TLSC_ERR_STATE;
    return hx->cb.on_trailer ? hx->cb.on_trailer(hx->ud, n, nl, v, vl) : TLSC_OK;
}

static tlsc_err w_done(void *ud)
{
    tlsc_http_ev *hx = ud;
    if (hx->dead)
        return TLSC_ERR_STATE;
    return hx->interim || !hx->cb.on_done ? TLSC_OK : hx->cb.on_done(hx->ud);
}

/* ---- connection and request ending ---------------------------------------- */

/* Keep the newest session of the connection for the next one. */
static void save_session(tlsc_http_ev *hx)
{
    size_t len = 0;
    if (hx->ev == NULL)
        return;
    if (hx->session == NULL)
        hx->session = tlsc__calloc(1, TLSC_SESSION_MAX);
    if (hx->session != NULL &&
        tlsc_conn_export_session(tlsc_ev_conn(hx->ev), hx->session, TLSC_SESSION_MAX, &len) ==
            TLSC_OK)
        hx->session_len = len;
}

static void forget_session(tlsc_http_ev *hx)
{
    tlsc__free_secret(hx->session, TLSC_SESSION_MAX);
    hx->session = NULL;
    hx->session_len = 0;
}

static void drop_conn(tlsc_http_ev *hx)
{
    save_session(hx);
    tlsc_ev_free(hx->ev); /* allowed inside its own callback */
    hx->ev = NULL;
    hx->reused = false;
}

static void finish(tlsc_http_ev *hx, tlsc_err err, const char *detail)
{
    hx->busy = false;
    tlsc__free(hx->req);
    hx->req = NULL;
    hx->deadline = 0;
    if (hx->ev != NULL)
        tlsc__ev_set_deadline(hx->ev, 0); /* a kept-alive connection outlives it */
    if (err != TLSC_OK && hx->ev != NULL)
        drop_conn(hx); /* its state is unknown after an error */
    if (hx->end != NULL)
        hx->end(hx, err, detail != NULL ? detail : "", hx->ud);
}

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud);

/* Make a connection if there is none and queue the request on it. */
static tlsc_err start(tlsc_http_ev *hx)
{
    tlsc_err err = TLSC_OK;
    if (hx->ev == NULL) {
        err = tlsc_ev_new(hx->loop, hx->cfg, on_event, hx, &hx->ev);
        /* The core offers it only to the name and configuration it
         * belongs to; an unusable one means a full handshake. */
        if (err == TLSC_OK && hx->session_len > 0 &&
            tlsc_conn_set_session(tlsc_ev_conn(hx->ev), hx->session, hx->session_len) != TLSC_OK)
            hx->session_len = 0;
        if (err == TLSC_OK)
            err = tlsc_ev_connect(hx->ev, hx->host, hx->port);
        if (err != TLSC_OK) {
            tlsc_ev_free(hx->ev);
            hx->ev = NULL;
            return err;
        }
        if (hx->held)
            tlsc_ev_hold(hx->ev);
    }
    tlsc__ev_set_deadline(hx->ev, hx->deadline);
    if (hx->req_len + tlsc_ev_queued(hx->ev) > TLSC_EV_QUEUE_DEFAULT)
        err = tlsc_ev_set_queue_limit(hx->ev, hx->req_len + tlsc_ev_queued(hx->ev));
    if (err == TLSC_OK)
        err = tlsc_ev_send(hx->ev, hx->req, hx->req_len);
    return err;
}

/* Feed one RECEIVE event; 1xx responses are skipped. */
static void on_receive(tlsc_http_ev *hx, const unsigned char *data, size_t len)
{
    if (!hx->busy) {
        drop_conn(hx); /* bytes nobody asked for: the stream is out of step */
        return;
    }
    while (len > 0) {
        size_t used = 0;
        tlsc_err err = tlsc_http_parser_feed(hx->parser, data, len, &used);
        if (err != TLSC_OK) {
            finish(hx, err, tlsc_http_parser_errmsg(hx->parser));
            return;
        }
        data += used;
        len -= used;
        if (!tlsc_http_parser_done(hx->parser))
            return;
        if (!hx->interim)
            break;
        err = tlsc__http_next_after_interim(hx->parser, false, &hx->interims);
        if (err != TLSC_OK) {
            finish(hx, err, tlsc_http_parser_errmsg(hx->parser));
            return;
        }
    }
    if (!tlsc_http_parser_done(hx->parser))
        return;
    /* Complete. The connection stays only if the response allows it and
     * nothing unasked-for followed. */
    if (!tlsc_http_parser_head(hx->parser)->keep_alive || len > 0)
        drop_conn(hx);
    else
        hx->reused = true;
    finish(hx, TLSC_OK, NULL);
}

static tlsc_err close_reason(const tlsc_event *e)
{
    switch (e->how) {
    case TLSC_CLOSE_CLEAN:
        return TLSC_ERR_CLOSED;
    case TLSC_CLOSE_TRUNCATED:
        return TLSC_ERR_TRUNCATED;
    default:
        return e->err != TLSC_OK ? e->err : TLSC_ERR_CLOSED;
    }
}

static void on_disconnected(tlsc_http_ev *hx, const tlsc_event *e)
{
    bool reused = hx->reused;
    drop_conn(hx);
    if (!hx->busy)
        return;
    bool started = tlsc_http_parser_started(hx->parser);
    /* A kept-alive connection the server closed before our request
     * reached it: send it again, once, on a new connection. */
    if (reused && !started && !hx->retried &&
        (e->how != TLSC_CLOSE_ERROR || tlsc_err_category(e->err) == TLSC_CAT_NETWORK)) {
        hx->retried = true;
        tlsc_err err = start(hx);
        if (err != TLSC_OK)
            finish(hx, err, "could not reconnect to send the request again");
        return;
    }
    tlsc_err err = tlsc_http_parser_eof(hx->parser, close_reason(e));
    if (err == TLSC_OK) {
        finish(hx, TLSC_OK, NULL); /* close-delimited body, clean end */
        return;
    }
    /* A connection that failed before any response byte, or ran out of
     * time: its own error says more than "no response". */
    if ((!started || e->err == TLSC_ERR_TIMEOUT_TOTAL) && e->how == TLSC_CLOSE_ERROR &&
        e->err != TLSC_OK)
        finish(hx, e->err, e->detail);
    else
        finish(hx, err, tlsc_http_parser_errmsg(hx->parser));
}

static void release(tlsc_http_ev *hx)
{
    tlsc_ev_free(hx->ev);
    forget_session(hx);
    tlsc_http_parser_free(hx->parser);
    tlsc_config_free(hx->cfg);
    tlsc__free(hx->req);
    tlsc__free(hx);
}

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    tlsc_http_ev *hx = ud;
    if (ev != hx->ev)
        return;
    hx->depth++;
    if (e->kind == TLSC_EV_RECEIVE)
        on_receive(hx, e->data, e->len);
    else if (e->kind == TLSC_EV_SESSION)
        save_session(hx); /* a TLS 1.3 ticket may come long after CONNECTED */
    else if (e->kind == TLSC_EV_DISCONNECTED)
        on_disconnected(hx, e);
    if (--hx->depth == 0 && hx->dead)
        release(hx);
}

/* ---- public ---------------------------------------------------------------- */

TLSC_API tlsc_err tlsc_http_ev_new(tlsc_loop *loop, tlsc_config *cfg,
                                   const tlsc_http_limits *limits, tlsc_http_ev **out)
{
    if (out != NULL)
        *out = NULL;
    if (loop == NULL || cfg == NULL || out == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_http_ev *hx = tlsc__calloc(1, sizeof *hx);
    if (hx == NULL)
        return TLSC_ERR_NO_MEMORY;
    const tlsc_http_callbacks w = { w_status, w_header, w_head, w_body, w_trailer, w_done };
    tlsc_err err = tlsc_http_parser_new(limits, &w, hx, &hx->parser);
    if (err != TLSC_OK) {
        tlsc__free(hx);
        return err;
    }
    tlsc__config_ref(cfg);
    hx->cfg = cfg;
    hx->loop = loop;
    *out = hx;
    return TLSC_OK;
}

TLSC_API void tlsc_http_ev_free(tlsc_http_ev *hx)
{
    if (hx == NULL)
        return;
    tlsc_ev_free(hx->ev); /* no more events for it, even inside one */
    hx->ev = NULL;
    hx->end = NULL;
    if (hx->depth > 0)
        hx->dead = true;
    else
        release(hx);
}

TLSC_API tlsc_err tlsc_http_ev_request(tlsc_http_ev *hx, const tlsc_http_ev_req *r)
{
    if (hx == NULL || r == NULL || r->url == NULL || hx->dead ||
        (r->body == NULL && r->body_len > 0))
        return TLSC_ERR_INVALID_ARG;
    if (hx->busy)
        return TLSC_ERR_STATE;
    const char *method = r->method != NULL ? r->method : "GET";
    int64_t framing = r->body != NULL ? (int64_t)r->body_len : TLSC_HTTP_BODY_NONE;
    size_t head = 0;
    tlsc_err err = tlsc_http_request_format(NULL, 0, &head, method, r->url, r->headers,
                                            r->header_count, framing, NULL, 0);
    if (err != TLSC_ERR_BUFFER_SIZE)
        return err == TLSC_OK ? TLSC_ERR_INTERNAL : err;
    if (r->body_len > SIZE_MAX - head)
        return TLSC_ERR_INVALID_ARG;
    unsigned char *req = tlsc__calloc(1, head + r->body_len + 1);
    if (req == NULL)
        return TLSC_ERR_NO_MEMORY;
    err = tlsc_http_request_format((char *)req, head + 1, &head, method, r->url, r->headers,
                                   r->header_count, framing, NULL, 0);
    if (err != TLSC_OK) {
        tlsc__free(req);
        return err;
    }
    if (r->body_len > 0)
        memcpy(req + head, r->body, r->body_len);
    /* Another host or port: the open connection cannot serve it. */
    if (strcmp(hx->host, r->url->host) != 0 || hx->port != r->url->port) {
        if (hx->ev != NULL)
            drop_conn(hx);
        forget_session(hx);
    }
    memcpy(hx->host, r->url->host, sizeof hx->host);
    hx->port = r->url->port;
    hx->req = req;
    hx->req_len = head + r->body_len;
    hx->cb = r->cb;
    hx->end = r->end;
    hx->ud = r->ud;
    hx->retried = false;
    hx->interim = false;
    hx->interims = 0;
    hx->deadline = r->max_ms ? tlsc_now_ms() + r->max_ms : 0;
    tlsc_http_parser_reset(hx->parser, strcmp(method, "HEAD") == 0);
    err = start(hx);
    if (err != TLSC_OK) {
        tlsc__free(hx->req);
        hx->req = NULL;
        if (hx->ev != NULL)
            drop_conn(hx);
        return err;
    }
    hx->busy = true;
    return TLSC_OK;
}

TLSC_API void tlsc_http_ev_hold(tlsc_http_ev *hx)
{
    if (hx == NULL)
        return;
    hx->held = true;
    tlsc_ev_hold(hx->ev); /* NULL is ignored */
}

TLSC_API void tlsc_http_ev_unhold(tlsc_http_ev *hx)
{
    if (hx == NULL)
        return;
    hx->held = false;
    tlsc_ev_unhold(hx->ev);
}

TLSC_API bool tlsc_http_ev_busy(const tlsc_http_ev *hx)
{
    return hx != NULL && hx->busy;
}

TLSC_API tlsc_ev *tlsc_http_ev_connection(tlsc_http_ev *hx)
{
    return hx != NULL ? hx->ev : NULL;
}
