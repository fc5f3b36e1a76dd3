/*
 * The blocking HTTPS client (tlsc/http.h): a loop over the exchange engine
 * (engine.c) that does each I/O it asks for with the blocking connection
 * calls (tlsc_conn_connect, _write, _read: the core's waits and
 * timeouts), on one kept-alive tlsc_conn. Requests, redirects, the resend
 * on a closed kept-alive connection and downloads (download.c) are the
 * engine's, shared with the event client (ev_http.c).
 *
 * Any error in the middle leaves the connection in an unknown state, so it
 * is dropped (its session saved first: a dropped connection is exactly
 * when resumption pays).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/tls/blocking.h"
#include "http/download.h"

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

struct tlsc_http {
    tlsc__http_core c;
    tlsc_conn *conn;            /* open connection, or NULL */
};

TLSC_API const char *tlsc_http_errmsg(const tlsc_http *h)
{
    return h != NULL ? h->c.errmsg : "";
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
    tlsc_err err = tlsc__http_core_init(&h->c, cfg, NULL, READ_BUF, true,
                                        TLSC__HTTP_DEFAULT_REDIRECTS);
    if (err != TLSC_OK) {
        tlsc__free(h);
        return err;
    }
    *out = h;
    return TLSC_OK;
}

/* Close (close_notify when possible) and forget the connection. */
static void drop_conn(tlsc_http *h)
{
    tlsc__http_core_closed(&h->c);
    if (h->conn == NULL)
        return;
    tlsc__next_keep(&h->c.next, h->conn);
    (void)tlsc_conn_close(h->conn);
    tlsc_conn_free(h->conn);
    h->conn = NULL;
}

TLSC_API void tlsc_http_free(tlsc_http *h)
{
    if (h == NULL)
        return;
    drop_conn(h);
    tlsc__http_core_free(&h->c);
    tlsc__free(h);
}

TLSC_API tlsc_err tlsc_http_set_max_redirects(tlsc_http *h, unsigned max)
{
    return tlsc__http_core_set_max_redirects(h != NULL ? &h->c : NULL, max);
}

TLSC_API tlsc_err tlsc_http_set_max_time(tlsc_http *h, uint32_t ms)
{
    return tlsc__http_core_set_max_time(h != NULL ? &h->c : NULL, ms);
}

TLSC_API tlsc_err tlsc_http_set_limits(tlsc_http *h, const tlsc_http_limits *limits)
{
    return h != NULL ? tlsc__http_core_set_limits(&h->c, limits) : TLSC_ERR_INVALID_ARG;
}

TLSC_API tlsc_err tlsc_http_set_server_name(tlsc_http *h, const char *name)
{
    if (h == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__http_core_set_server_name(&h->c, name);
    if (err == TLSC_OK)
        drop_conn(h);
    return err;
}

TLSC_API tlsc_err tlsc_http_set_session(tlsc_http *h, const void *blob, size_t len)
{
    return tlsc__http_core_set_session(h != NULL ? &h->c : NULL, blob, len);
}

TLSC_API tlsc_err tlsc_http_export_session(tlsc_http *h, void *buf, size_t cap, size_t *len)
{
    return tlsc__http_core_export_session(h != NULL ? &h->c : NULL, h != NULL ? h->conn : NULL,
                                          buf, cap, len);
}

TLSC_API void tlsc_http_get_stats(const tlsc_http *h, tlsc_http_stats *out)
{
    tlsc__http_core_stats(h != NULL ? &h->c : NULL, out);
}

/* ---- the engine's I/O, blocking ------------------------------------------------------- */

static void open_conn(tlsc_http *h, tlsc__hx *x)
{
    drop_conn(h);
    tlsc_conn *conn = NULL;
    tlsc_err err = tlsc__http_conn_new(&h->c, &x->url, &conn);
    if (err != TLSC_OK) {
        tlsc__hx_abort(x, err, NULL);
        return;
    }
    tlsc__conn_set_total_deadline(conn, h->c.deadline);
    err = tlsc_conn_connect(conn, x->url.host, x->url.port);
    if (err != TLSC_OK) {
        tlsc__hx_failed(x, err, tlsc_conn_errmsg(conn));
        tlsc_conn_free(conn);
        return;
    }
    h->conn = conn;
    tlsc__hx_opened(x, tlsc_conn_resumed(conn));
}

static void send_out(tlsc_http *h, tlsc__hx *x, const void *p, size_t n)
{
    tlsc_err err = tlsc_conn_write(h->conn, p, n);
    if (err != TLSC_OK)
        tlsc__hx_failed(x, err, tlsc_conn_errmsg(h->conn));
}

static void receive(tlsc_http *h, tlsc__hx *x)
{
    size_t got = 0;
    tlsc_err err = tlsc_conn_read(h->conn, h->c.buf, h->c.buf_len, &got);
    if (err == TLSC_ERR_CLOSED || err == TLSC_ERR_TRUNCATED)
        tlsc__hx_ended(x, err);
    else if (err != TLSC_OK)
        tlsc__hx_failed(x, err, tlsc_conn_errmsg(h->conn));
    else
        tlsc__hx_feed(x, h->c.buf, got);
}

/* Run the engine until the request ended. */
static tlsc_err run(tlsc_http *h, tlsc__hx *x)
{
    for (;;) {
        const void *p = NULL;
        size_t n = 0;
        switch (tlsc__hx_next(x, &p, &n)) {
        case TLSC__HX_OPEN:
            open_conn(h, x);
            break;
        case TLSC__HX_SEND:
            send_out(h, x, p, n);
            break;
        case TLSC__HX_RECV:
            receive(h, x);
            break;
        case TLSC__HX_DONE:
        default:
            if (!x->keep)
                drop_conn(h);
            else
                tlsc__next_keep(&h->c.next, h->conn); /* a TLS 1.3 ticket may have come */
            tlsc__hx_release(x);
            return x->err;
        }
    }
}

/* The deadline ended: a later close_notify is not bounded by it. */
static void deadline_end(tlsc_http *h, bool held)
{
    tlsc__http_deadline_end(&h->c, held);
    if (h->c.deadline == 0 && h->conn != NULL)
        tlsc__conn_set_total_deadline(h->conn, 0);
}

static tlsc_err do_request(tlsc_http *h, const tlsc_http_request *req, tlsc_http_result *res)
{
    tlsc__http_deadline_begin(&h->c, false);
    if (h->conn != NULL)
        tlsc__conn_set_total_deadline(h->conn, h->c.deadline);
    tlsc__hx x;
    (void)tlsc__hx_begin(&x, &h->c, req, NULL, res); /* an error ends it at once */
    tlsc_err err = run(h, &x);
    deadline_end(h, false);
    return err;
}

TLSC_API tlsc_err tlsc_http_do(tlsc_http *h, const tlsc_http_request *req, tlsc_http_result *res)
{
    tlsc_http_result dummy;
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof *res);
    if (h == NULL || req == NULL || req->url == NULL)
        return TLSC_ERR_INVALID_ARG;
    return do_request(h, req, res);
}

TLSC_API tlsc_err tlsc_http_download(tlsc_http *h, const tlsc_download *d, tlsc_download_result *res)
{
    tlsc_download_result dummy;
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof *res);
    if (h == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__dl_check(&h->c, d);
    if (err != TLSC_OK)
        return err;
    tlsc__dl s;
    err = tlsc__dl_begin(&s, &h->c, d, res);
    while (err == TLSC_OK) {
        tlsc_http_request req;
        tlsc_http_result r;
        tlsc__dl_request(&s, &req);
        err = do_request(h, &req, &r);
        if (!tlsc__dl_again(&s, &err))
            break;
    }
    err = tlsc__dl_end(&s, err);
    deadline_end(h, true);
    return err;
}
