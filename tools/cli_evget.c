/*
 * tools/cli_evget.c — `tlsc get --driver event`: tlsc get's client calls
 * (cli_http_ops) on tlsc_http_ev and a tlsc_loop. Each request or download
 * starts on the event client and the loop runs until its end callback;
 * everything else (redirects, downloads, resume, SHA-256, progress,
 * --max-time) is the library's engine, the same one the blocking driver
 * runs, so both drivers show the same behaviour.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct evget {
    tlsc_loop *loop;
    tlsc_http_ev *hx;
    bool ended;
    tlsc_err err;
    /* the words of a failure of the loop itself, which the client's
     * tlsc_http_ev_errmsg does not know of ("" otherwise) */
    char loop_why[96];
} evget;

static tlsc_err eg_open(tlsc_config *cfg, void **out)
{
    evget *g = calloc(1, sizeof *g);
    if (g == NULL)
        return TLSC_ERR_NO_MEMORY;
    tlsc_err err = tlsc_loop_new(&g->loop);
    if (err == TLSC_OK)
        err = tlsc_http_ev_new(g->loop, cfg, NULL, &g->hx);
    if (err != TLSC_OK) {
        tlsc_loop_free(g->loop);
        free(g);
        return err;
    }
    *out = g;
    return TLSC_OK;
}

static void eg_close(void *c)
{
    evget *g = c;
    tlsc_http_ev_free(g->hx);
    tlsc_loop_free(g->loop);
    free(g);
}

static void on_end(tlsc_http_ev *hx, tlsc_err err, const char *detail, void *ud)
{
    evget *g = ud;
    (void)hx;
    (void)detail; /* tlsc_http_ev_errmsg keeps it */
    g->ended = true;
    g->err = err;
    tlsc_loop_stop(g->loop);
}

/* Run the loop until the end callback (started is the starting call's). */
static tlsc_err until_end(evget *g, tlsc_err started)
{
    g->loop_why[0] = '\0';
    if (started != TLSC_OK)
        return started;
    while (!g->ended) {
        tlsc_err err = tlsc_loop_run(g->loop, 0);
        if (err != TLSC_OK) {
            snprintf(g->loop_why, sizeof g->loop_why, "the event loop: %s", tlsc_strerror(err));
            return err;
        }
        if (!g->ended && tlsc_loop_active(g->loop) == 0 && !tlsc_http_ev_busy(g->hx)) {
            snprintf(g->loop_why, sizeof g->loop_why, "the request ended without its end event");
            return TLSC_ERR_INTERNAL; /* cannot happen */
        }
    }
    return g->err;
}

static tlsc_err eg_request(void *c, const tlsc_http_request *req, tlsc_http_result *res)
{
    evget *g = c;
    g->ended = false;
    return until_end(g, tlsc_http_ev_do(g->hx, req, res, on_end, g));
}

static tlsc_err eg_download(void *c, const tlsc_download *d, tlsc_download_result *res)
{
    evget *g = c;
    g->ended = false;
    return until_end(g, tlsc_http_ev_download(g->hx, d, res, on_end, g));
}

static tlsc_err eg_max_redirects(void *c, unsigned max)
{
    return tlsc_http_ev_set_max_redirects(((evget *)c)->hx, max);
}

static tlsc_err eg_max_time(void *c, uint32_t ms)
{
    return tlsc_http_ev_set_max_time(((evget *)c)->hx, ms);
}

static tlsc_err eg_server_name(void *c, const char *name)
{
    return tlsc_http_ev_set_server_name(((evget *)c)->hx, name);
}

static tlsc_err eg_set_session(void *c, const void *blob, size_t len)
{
    return tlsc_http_ev_set_session(((evget *)c)->hx, blob, len);
}

static tlsc_err eg_export_session(void *c, void *buf, size_t cap, size_t *len)
{
    return tlsc_http_ev_export_session(((evget *)c)->hx, buf, cap, len);
}

static const char *eg_errmsg(const void *c)
{
    const evget *g = c;
    return g->loop_why[0] != '\0' ? g->loop_why : tlsc_http_ev_errmsg(g->hx);
}

static void eg_stats(const void *c, tlsc_http_stats *out)
{
    tlsc_http_ev_get_stats(((const evget *)c)->hx, out);
}

static const cli_http_ops event_ops = {
    eg_open,        eg_close,          eg_max_redirects, eg_max_time,
    eg_server_name, eg_set_session,    eg_export_session, eg_request,
    eg_download,    eg_errmsg,         eg_stats,
};

const cli_http_ops *cli_event_http_ops(void)
{
    return &event_ops;
}
