/*
 * Allocation-failure injection for the HTTPS client on the event driver
 * (tlsc_http_ev_*, tlsc/http.h; the loop of tlsc/event.h): for every n,
 * fail the n-th allocation of a whole client's life against a real
 * openssl s_server -WWW: tlsc_loop_new, tlsc_http_ev_new,
 * tlsc_http_ev_set_session, a GET through tlsc_http_ev_do, then a
 * verified download (SHA-256 and size) to a file through
 * tlsc_http_ev_download, each run by tlsc_loop_run. The server speaks
 * HTTP/1.0, so each request makes its own connection: lookup of
 * "localhost", TCP connect, handshake, request, response, close. The
 * client is given a saved session first, so both handshakes are TLS 1.2
 * resumptions (a ticket, no key exchange): the full handshake's thousands
 * of allocations are test_alloc_fail's, and this test stays short while
 * it covers every allocation the event driver makes.
 *
 * Two sweeps: the n-th allocation and every one after it fail (memory is
 * gone: the failure must surface), then the n-th alone (memory comes
 * back: what the code does after a failure shows, and there is memory
 * for the words of what failed). For each n the failure must be told as
 * it is:
 *   - the call or the request's end says TLSC_ERR_NO_MEMORY, with words in
 *     tlsc_http_ev_errmsg (and the end's detail) when there is a client
 *     (printable, and with the n-th failing alone more than the code's
 *     static message); or tlsc_loop_run says TLSC_ERR_NO_MEMORY (its wait
 *     arrays; nothing processed, as tlsc_loop_run documents), and the
 *     request then ends once memory is back;
 *   - or everything succeeded with the right content and both connections
 *     still resumed: the failure hit a place documented as harmless. When
 *     this test was written those were the copy of a connection's detail
 *     (tlsc__conn_fail: without memory tlsc_conn_errmsg gives the static
 *     message; here the words of the server's clean close after the
 *     response) and the capture of the session a handshake made
 *     (tlsc__session_capture: "without memory the session is not kept";
 *     the saved one still serves);
 *   - end is called exactly once when the call returned TLSC_OK, never
 *     when it refused; on_status and on_done at most once, on_done exactly
 *     once for a GET that succeeded; the loop returns with no work left;
 *   - a failed download leaves no file, no temporary file;
 *   - the same client then, with allocations working, completes a
 *     verified download (the client survives every error);
 *   - everything freed: tlsc_heap_current() is back where it was.
 * A sweep ends when a whole life succeeds without reaching the injected
 * failure: every allocation point was failed once.
 *
 * ALLOC_FAIL_N=n runs that one case (ALLOC_FAIL_ONCE=0 or 1: of that
 * sweep only); TLSC_TEST_VERBOSE prints every failure's words.
 */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsc/tlsc.h"
#include "alloc_inject.h"
#include "client.h"
#include "http_alloc.h"

#define LOOP_MS 20000 /* one request; far more than it takes */
#define DL_PATH "dl.bin"

static const http_alloc_env *env;
static unsigned char session[TLSC_SESSION_MAX];
static size_t session_len;
static long case_n;  /* the allocation failed in this attempt */
static int problems; /* in this attempt */
static bool verbose;

static void problem(const char *fmt, ...) TLSC_PRINTF(1, 2);

static void problem(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: failing allocation %ld%s: ", case_n, alloc_fail_once ? " (only)" : "");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    problems++;
}

/* Allocations work again from here on. */
static void stop_failing(void)
{
    alloc_countdown = -1;
}

/* Whether detail is words (printable, a word of 4 letters or more), and,
 * when alone is set, more than the code's static message after a
 * "host:port: " (with the n-th allocation failing alone, memory is left
 * for the words of what failed). */
static bool says_what(const char *detail, tlsc_err err, bool alone)
{
    size_t run = 0, longest = 0;
    for (const char *p = detail; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return false;
        run = ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    if (longest < 4)
        return false;
    const char *rest = detail, *colon = strstr(detail, ": ");
    if (colon != NULL && memchr(detail, ' ', (size_t)(colon - detail)) == NULL)
        rest = colon + 2;
    return !alone || strcmp(rest, tlsc_strerror(err)) != 0;
}

/* ---- one request and what its callbacks saw ------------------------------------ */

typedef struct exchange {
    bool download;
    tlsc_http_request req;       /* GET: borrowed until end */
    tlsc_http_result res;
    tlsc_download d;             /* download: borrowed until end */
    tlsc_download_result dres;
    body b;
    int ends, statuses, dones;
    tlsc_err err;                /* the call's, or end's */
    char detail[512];
    bool loop_nomem;             /* tlsc_loop_run said TLSC_ERR_NO_MEMORY */
} exchange;

static tlsc_err on_status(void *ud, int status, const char *reason, size_t len)
{
    (void)status, (void)reason, (void)len;
    ((exchange *)ud)->statuses++;
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *data, size_t len)
{
    return body_sink(&((exchange *)ud)->b, data, len);
}

static tlsc_err on_done(void *ud)
{
    ((exchange *)ud)->dones++;
    return TLSC_OK;
}

static void on_end(tlsc_http_ev *hx, tlsc_err err, const char *detail, void *ud)
{
    (void)hx;
    exchange *x = ud;
    x->ends++;
    x->err = err;
    snprintf(x->detail, sizeof x->detail, "%s", detail != NULL ? detail : "(NULL)");
}

static void exchange_init(exchange *x, bool download)
{
    memset(x, 0, sizeof *x);
    x->download = download;
    x->req.url = env->url;
    x->req.cb.on_status = on_status;
    x->req.cb.on_body = on_body;
    x->req.cb.on_done = on_done;
    x->req.cb_ud = x;
    x->d.url = env->url;
    x->d.path = DL_PATH;
    x->d.sha256 = env->sha256;
    x->d.size = (int64_t)strlen(HTTP_ALLOC_BODY);
}

static tlsc_err exchange_start(tlsc_http_ev *hx, exchange *x)
{
    if (x->download)
        return tlsc_http_ev_download(hx, &x->d, &x->dres, on_end, x);
    return tlsc_http_ev_do(hx, &x->req, &x->res, on_end, x);
}

/* Run the loop until it has no work left. Its own lack of memory (the
 * wait arrays) is told by tlsc_loop_run and loses nothing: run it again
 * with allocations working. */
static void run_loop(tlsc_loop *loop, exchange *x)
{
    tlsc_err err = tlsc_loop_run(loop, LOOP_MS);
    if (err == TLSC_ERR_NO_MEMORY && alloc_injected > 0) {
        x->loop_nomem = true;
        stop_failing();
        err = tlsc_loop_run(loop, LOOP_MS);
    }
    if (err != TLSC_OK)
        problem("tlsc_loop_run: %s", tlsc_strerror(err));
    if (tlsc_loop_active(loop) != 0)
        problem("the loop did not return within %d ms (%zu connections active)", LOOP_MS,
                tlsc_loop_active(loop));
}

/* Whether the download left what it should: the file with the content
 * after a success, nothing at all (not even a temporary file) after a
 * failure. Removes the file. */
static void check_files(const exchange *x)
{
    glob_t g;
    if (glob(DL_PATH ".tlsc-*", 0, NULL, &g) == 0) {
        problem("a temporary file was left: %s", g.gl_pathv[0]);
        for (size_t i = 0; i < g.gl_pathc; i++)
            (void)unlink(g.gl_pathv[i]);
    }
    globfree(&g);
    FILE *f = fopen(DL_PATH, "r");
    body b = {.len = 0};
    if (f != NULL)
        b.len = fread(b.buf, 1, sizeof b.buf, f);
    if (f != NULL)
        fclose(f);
    if (x->err != TLSC_OK && f != NULL)
        problem("the failed download left %s", DL_PATH);
    if (x->err == TLSC_OK && !body_right(&b))
        problem("the download succeeded, %s is %s", DL_PATH, f ? "wrong" : "missing");
    (void)unlink(DL_PATH);
}

/* What a request's callbacks and results must show, given how it ended. */
static void check_exchange(tlsc_http_ev *hx, const exchange *x, tlsc_err call)
{
    if (call != TLSC_OK && x->ends != 0)
        problem("end was called although the call returned %s", tlsc_strerror(call));
    if (call == TLSC_OK && x->ends != 1)
        problem("end was called %d times", x->ends);
    if (x->statuses > 1 || x->dones > 1)
        problem("on_status called %d times, on_done %d times", x->statuses, x->dones);
    if (x->err != TLSC_OK && tlsc_http_ev_errmsg(hx)[0] == '\0')
        problem("%s without words in tlsc_http_ev_errmsg", tlsc_strerror(x->err));
    if (x->err != TLSC_OK && call == TLSC_OK && x->detail[0] == '\0')
        problem("end said %s with an empty detail", tlsc_strerror(x->err));
    if (x->err != TLSC_OK && !says_what(tlsc_http_ev_errmsg(hx), x->err, alloc_fail_once))
        problem("%s: the detail does not say what failed: \"%s\"", tlsc_strerror(x->err),
                tlsc_http_ev_errmsg(hx));
    if (x->download)
        check_files(x);
    else if (x->err == TLSC_OK && (x->res.status != 200 || !body_right(&x->b) || x->dones != 1))
        problem("the GET succeeded with status %d, %s body, on_done %d times", x->res.status,
                body_right(&x->b) ? "the right" : "a wrong", x->dones);
    if (x->download && x->err == TLSC_OK &&
        (!x->dres.sha256_valid || memcmp(x->dres.sha256, env->sha256, 32) != 0))
        problem("the download succeeded without the right SHA-256 in its result");
    if (verbose && x->err != TLSC_OK)
        printf("# %ld: %s: %s: %s\n", case_n, x->download ? "download" : "GET",
               tlsc_strerror(x->err), tlsc_http_ev_errmsg(hx));
}

/* One request from start to end; returns how it ended. */
static tlsc_err exchange_run(tlsc_loop *loop, tlsc_http_ev *hx, bool download)
{
    exchange x;
    exchange_init(&x, download);
    tlsc_err call = exchange_start(hx, &x);
    x.err = call;
    if (call == TLSC_OK)
        run_loop(loop, &x);
    check_exchange(hx, &x, call);
    return x.loop_nomem ? TLSC_ERR_NO_MEMORY : x.err;
}

/* ---- one client's life ------------------------------------------------------------ */

/* Loop, client, saved session, GET, download: the first error. */
static tlsc_err life(tlsc_config *cfg, tlsc_loop **loop, tlsc_http_ev **hx)
{
    tlsc_err err = tlsc_loop_new(loop);
    if (err == TLSC_OK)
        err = tlsc_http_ev_new(*loop, cfg, NULL, hx);
    if (err != TLSC_OK)
        return err; /* no client: the code alone tells it */
    err = tlsc_http_ev_set_session(*hx, session, session_len);
    if (err != TLSC_OK && !says_what(tlsc_http_ev_errmsg(*hx), err, alloc_fail_once))
        problem("tlsc_http_ev_set_session: %s without words", tlsc_strerror(err));
    if (err == TLSC_OK)
        err = exchange_run(*loop, *hx, false);
    if (err == TLSC_OK)
        err = exchange_run(*loop, *hx, true);
    return err;
}

/* One attempt failing allocation n (n < 0: none; alloc_fail_once: that
 * one alone, else all after it too); *reached: the failure happened; *st:
 * the client's counts before the download that follows. */
static tlsc_err attempt(long n, bool *reached, tlsc_http_stats *st)
{
    tlsc_config *cfg = NULL;
    tlsc_loop *loop = NULL;
    tlsc_http_ev *hx = NULL;
    case_n = n;
    *reached = false;
    if (client_config(env->ca, TLSC_TLS1_2, &cfg) != TLSC_OK) {
        problem("no configuration");
        return TLSC_ERR_INTERNAL;
    }
    alloc_countdown = n;
    alloc_injected = 0;
    tlsc_err err = life(cfg, &loop, &hx);
    stop_failing();
    *reached = alloc_injected > 0;
    tlsc_http_ev_get_stats(hx, st);
    /* The client survives every error: with memory back, it serves. */
    if (hx != NULL && exchange_run(loop, hx, true) != TLSC_OK)
        problem("the download after it failed (%s)", tlsc_http_ev_errmsg(hx));
    tlsc_http_ev_free(hx);
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    return err;
}

/* The session every attempt starts from: a full handshake's, exported. */
static bool get_session(void)
{
    tlsc_config *cfg = NULL;
    tlsc_loop *loop = NULL;
    tlsc_http_ev *hx = NULL;
    tlsc_err err = client_config(env->ca, TLSC_TLS1_2, &cfg);
    if (err == TLSC_OK)
        err = tlsc_loop_new(&loop);
    if (err == TLSC_OK)
        err = tlsc_http_ev_new(loop, cfg, NULL, &hx);
    if (err == TLSC_OK)
        err = exchange_run(loop, hx, false);
    if (err == TLSC_OK)
        err = tlsc_http_ev_export_session(hx, session, sizeof session, &session_len);
    if (err != TLSC_OK)
        problem("the first GET or its session: %s (%s)", tlsc_strerror(err),
                tlsc_http_ev_errmsg(hx));
    tlsc_http_ev_free(hx);
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    return err == TLSC_OK;
}

/* Fail allocation n (once, or with all after it) for n = 0, 1, ... until
 * a life no longer reaches n; returns the problems. */
static int sweep(bool once)
{
    const char *mode = once ? "only the n-th" : "the n-th and all after it";
    alloc_fail_once = once;
    size_t base = tlsc_heap_current();
    int failed = 0, nomem = 0, recovered = 0;
    const char *only = getenv("ALLOC_FAIL_N");
    bool reached = false;
    tlsc_http_stats st;
    long n;
    for (n = only ? atol(only) : 0;; n++) {
        problems = 0;
        tlsc_err err = attempt(n, &reached, &st);
        failed += problems + !heap_back(&base, n, err);
        if (err == TLSC_ERR_NO_MEMORY) {
            nomem++;
        } else if (err == TLSC_OK && reached) {
            recovered++;
            if (verbose)
                printf("# %ld: recovered\n", n);
            /* A place whose failure is harmless changes nothing else
             * either: both connections still resumed the session. */
            if (st.connections != 2 || st.resumed != 2) {
                printf("FAIL: failing allocation %ld (%s): success, but %lu connections, %lu "
                       "resumed (want 2, 2): the failure was hidden\n", n, mode,
                       (unsigned long)st.connections, (unsigned long)st.resumed);
                failed++;
            }
        } else if (err != TLSC_OK) {
            printf("FAIL: failing allocation %ld (%s) reported as: %s\n", n, mode,
                   tlsc_strerror(err));
            failed++;
        }
        if (only != NULL || !reached)
            break;
    }
    printf("http_ev: %ld allocations in a client's life (GET + download, resumed); failing "
           "%s: %d gave TLSC_ERR_NO_MEMORY, %d were recovered from with the right "
           "content; %d problems\n",
           n, mode, nomem, recovered, failed);
    return failed;
}

static int run(const http_alloc_env *e)
{
    env = e;
    verbose = getenv("TLSC_TEST_VERBOSE") != NULL;
    case_n = -1;
    if (!get_session())
        return 1;
    /* Unaffected: every connection resumes (so the sweeps cover resumed
     * handshakes only, as intended). */
    bool reached = false;
    tlsc_http_stats st;
    tlsc_err warm = attempt(-1, &reached, &st);
    int failed = problems + (warm != TLSC_OK);
    if (warm != TLSC_OK || st.connections != 2 || st.resumed != 2) {
        printf("FAIL: unaffected run: %s, %lu connections, %lu resumed (want 2, 2)\n",
               tlsc_strerror(warm), (unsigned long)st.connections, (unsigned long)st.resumed);
        failed++;
    }
    const char *mode = getenv("ALLOC_FAIL_ONCE"); /* with ALLOC_FAIL_N: one sweep */
    if (mode == NULL || strcmp(mode, "0") == 0)
        failed += sweep(false);
    if (mode == NULL || strcmp(mode, "1") == 0)
        failed += sweep(true);
    return failed;
}

int main(void)
{
    return http_alloc_main("/tmp/tlsc-httpevalloc-XXXXXX", run);
}
