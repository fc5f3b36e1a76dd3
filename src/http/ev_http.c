/*
 * HTTP/1.1 on the event driver (tlsc_http_ev_*, tlsc/http.h): the exchange
 * engine (engine.c) and the download steps (download.c) of the blocking
 * client, stepped from the events of one tlsc_ev at a time. OPEN makes a
 * tlsc_ev (its sessions kept in the client's one saved session, which the
 * next connection offers); SEND queues bytes (waiting for DRAINED when the
 * queue is full); RECEIVE events are fed to the engine as they come (no
 * copy); DISCONNECTED is the connection's end for the engine, which
 * decides between a clean close-delimited body, a resend on a new
 * connection, and a failure.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/config/config.h"
#include "http/download.h"
#include "event/ev_internal.h"

struct tlsc_http_ev {
    tlsc_loop *loop;
    tlsc__http_core c;
    tlsc_ev *ev;                /* current connection, or NULL */
    bool opening;               /* ev is connecting for the engine's OPEN */
    bool held;

    bool busy;                  /* a request (or download) is in flight */
    tlsc__hx x;
    tlsc_http_result *res;      /* the caller's, or own_res */
    tlsc_http_result own_res;
    bool starting;              /* inside the call that starts a request */
    tlsc_err start_err;         /* how it ended during that call */
    const void *out;            /* bytes the engine gave to send ... */
    size_t out_len;             /* ... waiting for room in the queue */
    bool out_pending;
    unsigned char *copy;        /* tlsc_http_ev_request's copied request */
    uint32_t req_max_ms;        /* its own limit (0: the client's) */

    bool downloading;
    tlsc__dl dl;

    tlsc_http_ev_end_fn end;
    void *ud;
    int depth;                  /* > 0 while inside an event */
};

/* ---- the connection --------------------------------------------------------------- */

static void drop_conn(tlsc_http_ev *hx)
{
    tlsc__http_core_closed(&hx->c);
    hx->opening = false;
    hx->out_pending = false;
    if (hx->ev == NULL)
        return;
    tlsc__next_keep(&hx->c.next, tlsc_ev_conn(hx->ev));
    tlsc_ev_free(hx->ev); /* allowed inside its own callback */
    hx->ev = NULL;
}

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud);

/* While a request runs, its total deadline and, as each read and write of
 * the blocking client, the configuration's I/O timeout (nothing moved for
 * that long); a kept-alive connection between requests has neither. */
static void arm(tlsc_http_ev *hx, bool running)
{
    if (hx->ev == NULL)
        return;
    tlsc__ev_set_deadline(hx->ev, running ? hx->c.deadline : 0);
    if (tlsc_ev_set_idle_timeout(hx->ev, running ? hx->c.cfg->io_ms : 0) != TLSC_OK)
        return; /* only for a NULL ev */
}

/* The engine's OPEN: a new tlsc_ev like the last connection. */
static void open_conn(tlsc_http_ev *hx)
{
    drop_conn(hx);
    hx->c.errmsg[0] = '\0'; /* the words below are this opening's, if any */
    tlsc_err err = tlsc__http_conn_made(&hx->c, &hx->x.url,
                                        tlsc_ev_new(hx->loop, hx->c.cfg, on_event, hx, &hx->ev));
    if (err == TLSC_OK) {
        tlsc__ev_share_next(hx->ev, &hx->c.next); /* one saved session */
        err = tlsc__http_conn_prepare(&hx->c, &hx->x.url, tlsc_ev_conn(hx->ev));
    }
    if (err == TLSC_OK)
        err = tlsc_ev_connect(hx->ev, hx->x.url.host, hx->x.url.port);
    if (err != TLSC_OK) {
        tlsc__hx_failed(&hx->x, err, hx->c.errmsg[0] ? hx->c.errmsg : tlsc_strerror(err));
        drop_conn(hx);
        return;
    }
    hx->opening = true;
    if (hx->held)
        tlsc_ev_hold(hx->ev);
    arm(hx, true);
}

/* Queue the engine's bytes; false while the queue has no room. */
static bool try_send(tlsc_http_ev *hx)
{
    tlsc_err err = tlsc_ev_send(hx->ev, hx->out, hx->out_len);
    if (err == TLSC_ERR_QUEUE_FULL && tlsc_ev_queued(hx->ev) > 0)
        return false; /* DRAINED resumes */
    if (err == TLSC_ERR_QUEUE_FULL &&
        (err = tlsc_ev_set_queue_limit(hx->ev, hx->out_len)) == TLSC_OK)
        err = tlsc_ev_send(hx->ev, hx->out, hx->out_len);
    hx->out_pending = false;
    if (err != TLSC_OK) {
        char why[128];
        (void)snprintf(why, sizeof why, "queueing %lu bytes: %s", (unsigned long)hx->out_len,
                       tlsc_strerror(err));
        tlsc__hx_failed(&hx->x, err, why);
    }
    return true;
}

/* ---- requests ending ------------------------------------------------------------------ */

static void pump(tlsc_http_ev *hx);
static void ended_with(tlsc_http_ev *hx, tlsc_err err);
static void start_exchange(tlsc_http_ev *hx, const tlsc_http_request *req,
                           const tlsc_url *url);

static void tell_end(tlsc_http_ev *hx, tlsc_err err)
{
    tlsc_http_ev_end_fn end = hx->end;
    hx->end = NULL;
    if (end != NULL)
        end(hx, err, err != TLSC_OK ? hx->c.errmsg : "", hx->ud);
}

/* The exchange ended with err: the next piece of a download, or the end. */
static void ended_with(tlsc_http_ev *hx, tlsc_err err)
{
    if (hx->downloading && tlsc__dl_again(&hx->dl, &err)) {
        tlsc_http_request req;
        tlsc__dl_request(&hx->dl, &req);
        start_exchange(hx, &req, NULL);
        return;
    }
    if (hx->downloading)
        err = tlsc__dl_end(&hx->dl, err);
    hx->downloading = false;
    tlsc__http_deadline_end(&hx->c, true);
    arm(hx, false); /* a kept-alive connection outlives the request */
    hx->busy = false;
    if (err == TLSC_OK)
        hx->c.errmsg[0] = '\0'; /* a call refused meanwhile wrote there */
    if (hx->starting) {
        hx->start_err = err; /* returned by the call, end is not called */
        hx->end = NULL;
        return;
    }
    tell_end(hx, err);
}

static void exchange_done(tlsc_http_ev *hx)
{
    if (!hx->x.keep)
        drop_conn(hx);
    tlsc__hx_release(&hx->x);
    tlsc__free(hx->copy);
    hx->copy = NULL;
    ended_with(hx, hx->x.err);
}

/* Run the engine until it waits for an event. */
static void pump(tlsc_http_ev *hx)
{
    while (hx->busy && !hx->c.stopped) {
        const void *p = NULL;
        size_t n = 0;
        if (hx->out_pending) {
            if (!try_send(hx))
                return;
            continue;
        }
        switch (tlsc__hx_next(&hx->x, &p, &n)) {
        case TLSC__HX_OPEN:
            if (hx->opening)
                return; /* CONNECTED or DISCONNECTED follows */
            open_conn(hx);
            break;
        case TLSC__HX_SEND:
            hx->out = p;
            hx->out_len = n;
            hx->out_pending = n > 0;
            break;
        case TLSC__HX_RECV:
            return;
        case TLSC__HX_DONE:
        default:
            exchange_done(hx);
            return;
        }
    }
}

static void start_exchange(tlsc_http_ev *hx, const tlsc_http_request *req,
                           const tlsc_url *url)
{
    if (!hx->downloading)
        tlsc__http_deadline_set(&hx->c, hx->req_max_ms ? hx->req_max_ms : hx->c.max_ms);
    arm(hx, true);
    hx->busy = true;
    (void)tlsc__hx_begin(&hx->x, &hx->c, req, url, hx->res); /* errors: DONE */
    pump(hx);
}

/* Start the first exchange of a request or download: what ends before
 * any event (a bad URL, a connection that cannot even start) is returned,
 * without the end callback. */
static tlsc_err start_first(tlsc_http_ev *hx, const tlsc_http_request *req, const tlsc_url *url)
{
    hx->starting = true;
    hx->start_err = TLSC_OK;
    start_exchange(hx, req, url);
    hx->starting = false;
    return hx->start_err;
}

/* ---- events ------------------------------------------------------------------------------ */

static void on_disconnected(tlsc_http_ev *hx, const tlsc_event *e)
{
    drop_conn(hx);
    if (!hx->busy)
        return;
    if (e->how == TLSC_CLOSE_CLEAN || (e->how != TLSC_CLOSE_TRUNCATED && e->err == TLSC_OK))
        tlsc__hx_ended(&hx->x, TLSC_ERR_CLOSED);
    else if (e->how == TLSC_CLOSE_TRUNCATED)
        tlsc__hx_ended(&hx->x, TLSC_ERR_TRUNCATED);
    else
        tlsc__hx_failed(&hx->x, e->err, e->detail);
    pump(hx);
}

static void on_receive(tlsc_http_ev *hx, const tlsc_event *e)
{
    if (!hx->busy) {
        drop_conn(hx); /* bytes nobody asked for: the stream is out of step */
        return;
    }
    tlsc__hx_feed(&hx->x, e->data, e->len);
    pump(hx);
}

static void release(tlsc_http_ev *hx)
{
    tlsc_ev_free(hx->ev);
    tlsc__hx_release(&hx->x);
    if (hx->downloading)
        (void)tlsc__dl_end(&hx->dl, TLSC_ERR_STATE); /* removes its temporary file */
    tlsc__http_core_free(&hx->c);
    tlsc__free(hx->copy);
    tlsc__free(hx);
}

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    tlsc_http_ev *hx = ud;
    if (ev != hx->ev)
        return;
    hx->depth++;
    if (e->kind == TLSC_EV_CONNECTED && hx->opening) {
        hx->opening = false;
        tlsc__hx_opened(&hx->x, tlsc_conn_resumed(tlsc_ev_conn(ev)));
        pump(hx);
    } else if (e->kind == TLSC_EV_RECEIVE) {
        on_receive(hx, e);
    } else if (e->kind == TLSC_EV_DRAINED) {
        pump(hx);
    } else if (e->kind == TLSC_EV_SESSION) {
        tlsc__next_keep(&hx->c.next, tlsc_ev_conn(ev)); /* a ticket may come late */
    } else if (e->kind == TLSC_EV_DISCONNECTED) {
        on_disconnected(hx, e);
    }
    if (--hx->depth == 0 && hx->c.stopped)
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
    /* Redirects are off by default: the 3xx is delivered, as before they
     * were followed here (tlsc_http_ev_set_max_redirects). */
    tlsc_err err = tlsc__http_core_init(&hx->c, cfg, limits, TLSC__EV_CHUNK, false, 0);
    if (err != TLSC_OK) {
        tlsc__free(hx);
        return err;
    }
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
    hx->c.stopped = true;
    if (hx->depth == 0)
        release(hx);
}

/* Every refusal of a call with a client says why in the client's detail
 * (tlsc_http_ev_errmsg), as tlsc__dl_check does for a download. */
static tlsc_err refuse(tlsc_http_ev *hx, const char *why)
{
    return tlsc__http_core_fail(&hx->c, TLSC_ERR_INVALID_ARG, "%s", why);
}

static tlsc_err refuse_busy(tlsc_http_ev *hx)
{
    return tlsc__http_core_fail(&hx->c, TLSC_ERR_STATE,
                                "a request is in flight (one at a time: send the next from "
                                "its end callback)");
}

static tlsc_err may_start(tlsc_http_ev *hx)
{
    if (hx->c.stopped)
        return refuse(hx, "the client was freed inside one of its callbacks");
    return hx->busy ? refuse_busy(hx) : TLSC_OK;
}

/* r's own fields the call needs, the bad one named. */
static tlsc_err check_req(tlsc_http_ev *hx, const tlsc_http_ev_req *r)
{
    if (r == NULL)
        return refuse(hx, "no request (r is NULL)");
    if (r->url == NULL)
        return refuse(hx, "the request has no URL (r->url is NULL)");
    if (r->body == NULL && r->body_len > 0)
        return tlsc__http_core_fail(&hx->c, TLSC_ERR_INVALID_ARG,
                                    "r->body_len is %lu but r->body is NULL",
                                    (unsigned long)r->body_len);
    return TLSC_OK;
}

static size_t text_size(const char *s)
{
    return s != NULL ? strlen(s) + 1 : 0;
}

static char *put_text(unsigned char **p, const char *s)
{
    if (s == NULL)
        return NULL;
    char *d = (char *)*p;
    memcpy(d, s, strlen(s) + 1);
    *p += strlen(s) + 1;
    return d;
}

/* tlsc_http_ev_request's pointers are borrowed for the call: copy the
 * method, headers and body into one allocation (hx->copy). */
static tlsc_err copy_request(tlsc_http_ev *hx, const tlsc_http_ev_req *r,
                             tlsc_http_request *out)
{
    size_t n = sizeof(tlsc_http_header) * r->header_count + text_size(r->method) + r->body_len;
    for (size_t i = 0; i < r->header_count; i++)
        n += text_size(r->headers[i].name) + text_size(r->headers[i].value);
    unsigned char *copy = tlsc__calloc(1, n + 1);
    if (copy == NULL)
        return tlsc__http_core_fail(&hx->c, TLSC_ERR_NO_MEMORY, "copying the request");
    tlsc_http_header *hs = (tlsc_http_header *)(void *)copy;
    unsigned char *p = copy + sizeof(tlsc_http_header) * r->header_count;
    for (size_t i = 0; i < r->header_count; i++) {
        hs[i].name = put_text(&p, r->headers[i].name);
        hs[i].value = put_text(&p, r->headers[i].value);
    }
    memset(out, 0, sizeof *out);
    out->method = put_text(&p, r->method);
    if (r->body != NULL) {
        memcpy(p, r->body, r->body_len);
        out->body = p;
        out->body_len = r->body_len;
    }
    out->headers = hs;
    out->header_count = r->header_count;
    out->cb = r->cb;
    out->cb_ud = r->ud;
    tlsc__free(hx->copy);
    hx->copy = copy;
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_ev_request(tlsc_http_ev *hx, const tlsc_http_ev_req *r)
{
    if (hx == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = check_req(hx, r);
    if (err != TLSC_OK)
        return err;
    tlsc_http_request req;
    err = may_start(hx);
    if (err == TLSC_OK)
        err = copy_request(hx, r, &req);
    if (err != TLSC_OK)
        return err;
    hx->end = r->end;
    hx->ud = r->ud;
    hx->req_max_ms = r->max_ms;
    hx->downloading = false;
    hx->res = &hx->own_res;
    return start_first(hx, &req, r->url);
}

TLSC_API tlsc_err tlsc_http_ev_do(tlsc_http_ev *hx, const tlsc_http_request *req,
                                  tlsc_http_result *res, tlsc_http_ev_end_fn end, void *ud)
{
    if (hx == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (req == NULL)
        return refuse(hx, "no request (req is NULL)");
    if (req->url == NULL)
        return refuse(hx, "the request has no URL (req->url is NULL)");
    tlsc_err err = may_start(hx);
    if (err != TLSC_OK)
        return err;
    hx->end = end;
    hx->ud = ud;
    hx->req_max_ms = 0;
    hx->downloading = false;
    hx->res = res != NULL ? res : &hx->own_res;
    return start_first(hx, req, NULL);
}

TLSC_API tlsc_err tlsc_http_ev_download(tlsc_http_ev *hx, const tlsc_download *d,
                                        tlsc_download_result *res, tlsc_http_ev_end_fn end,
                                        void *ud)
{
    if (hx == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (res == NULL)
        return refuse(hx, "no place for the download's result (res is NULL)");
    tlsc_err err = may_start(hx);
    if (err == TLSC_OK)
        err = tlsc__dl_check(&hx->c, d);
    if (err != TLSC_OK)
        return err;
    hx->end = end;
    hx->ud = ud;
    hx->req_max_ms = 0;
    hx->res = &hx->own_res;
    err = tlsc__dl_begin(&hx->dl, &hx->c, d, res);
    if (err != TLSC_OK)
        return tlsc__dl_end(&hx->dl, err);
    hx->downloading = true;
    tlsc_http_request req;
    tlsc__dl_request(&hx->dl, &req);
    return start_first(hx, &req, NULL);
}

TLSC_API tlsc_err tlsc_http_ev_set_max_redirects(tlsc_http_ev *hx, unsigned max)
{
    return tlsc__http_core_set_max_redirects(hx != NULL ? &hx->c : NULL, max);
}

TLSC_API tlsc_err tlsc_http_ev_set_max_time(tlsc_http_ev *hx, uint32_t ms)
{
    return tlsc__http_core_set_max_time(hx != NULL ? &hx->c : NULL, ms);
}

TLSC_API tlsc_err tlsc_http_ev_set_server_name(tlsc_http_ev *hx, const char *name)
{
    if (hx == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (hx->busy)
        return refuse_busy(hx);
    tlsc_err err = tlsc__http_core_set_server_name(&hx->c, name);
    if (err == TLSC_OK)
        drop_conn(hx);
    return err;
}

TLSC_API tlsc_err tlsc_http_ev_set_session(tlsc_http_ev *hx, const void *blob, size_t len)
{
    return tlsc__http_core_set_session(hx != NULL ? &hx->c : NULL, blob, len);
}

TLSC_API tlsc_err tlsc_http_ev_export_session(tlsc_http_ev *hx, void *buf, size_t cap,
                                              size_t *len)
{
    tlsc_conn *open = hx != NULL && hx->ev != NULL ? tlsc_ev_conn(hx->ev) : NULL;
    return tlsc__http_core_export_session(hx != NULL ? &hx->c : NULL, open, buf, cap, len);
}

TLSC_API void tlsc_http_ev_get_stats(const tlsc_http_ev *hx, tlsc_http_stats *out)
{
    tlsc__http_core_stats(hx != NULL ? &hx->c : NULL, out);
}

TLSC_API const char *tlsc_http_ev_errmsg(const tlsc_http_ev *hx)
{
    return hx != NULL ? hx->c.errmsg : "";
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
