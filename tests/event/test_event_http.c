/*
 * HTTP over the event driver (tlsc_http_ev, tlsc/http.h) against a real
 * nginx and a truncating TLS peer, both started by tests/event/http.sh:
 *
 *   test_event_http CA NGINX_PORT CUT_PORT CUT_BYTES SHA256_OF_1M OTHER_CA
 *                   RELAY_PORT DIR
 *
 * 20 connections at once, each 3 kept-alive GETs of a 1 MiB file checked by
 * size and SHA-256 (some of them holding and resuming the body, checking
 * the documented bound of what still arrives after tlsc_http_ev_hold); a
 * chunked response with a trailer; a 404 then a GET on the same
 * connection; HEAD; a close-delimited body ended cleanly; one cut
 * without close_notify (TLSC_ERR_TRUNCATED); and a server that OTHER_CA
 * does not vouch for (a verification error, not "no response"); then
 * the blocking client's features on the event driver (the same engine):
 * redirects (followed when allowed, delivered by default, a loop stopped
 * at the limit) and verified downloads to a file in DIR (a redirect
 * followed, Range pieces through RELAY_PORT, a relay in front of nginx
 * that cuts the first connection: resumed; a SHA-256 or size mismatch
 * leaves no file).
 * Prints "N passed, M failed".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mbedtls/sha256.h"
#include "tlsc/tlsc.h"

#define NJOBS 20
#define GETS 3
#define MIB 1048576u

static int passed, failed;

static void check(bool ok, const char *what)
{
    if (ok)
        passed++;
    else
        failed++;
    printf("%s - %s\n", ok ? "ok" : "not ok", what);
    fflush(stdout);
}

typedef struct job {
    tlsc_http_ev *hx;
    tlsc_url url;
    const char *method;
    int gets_left;
    int status;
    unsigned long long bytes;
    mbedtls_sha256_context sha;
    char body[512];          /* first bytes of the body */
    char trailer[64];
    tlsc_err err;
    char detail[256];
    int ended, good;         /* requests ended, ... with size and digest right */
    const char *sha_hex;     /* expected digest of each body, or NULL */
    unsigned long long expect_bytes;
    bool hold;               /* hold after each 256 KiB */
    bool held;
    unsigned long long held_at, after_hold_max;
    int holds;
    bool resumed;            /* the connection at the last end resumed */
    const void *upload;      /* request body, or NULL */
    size_t upload_len;
    bool refuse_in_status;   /* on_status tries a second request ... */
    tlsc_err refused;        /* ... which is refused with this */
    char refused_detail[256];
} job;

static char hexd[65];

static const char *hex(const unsigned char d[32])
{
    for (int i = 0; i < 32; i++)
        snprintf(hexd + 2 * i, 3, "%02x", d[i]);
    return hexd;
}

static tlsc_err on_status(void *ud, int status, const char *r, size_t n)
{
    (void)r, (void)n;
    job *j = ud;
    j->status = status;
    if (j->refuse_in_status) {
        /* refused (a request is in flight) after the request was sent, so
         * its words are in the client's detail while the response runs */
        tlsc_http_ev_req again = { .url = &j->url };
        j->refused = tlsc_http_ev_request(j->hx, &again);
        snprintf(j->refused_detail, sizeof j->refused_detail, "%s",
                 tlsc_http_ev_errmsg(j->hx));
    }
    return TLSC_OK;
}

static tlsc_err on_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    job *j = ud;
    snprintf(j->trailer, sizeof j->trailer, "%.*s=%.*s", (int)nl, n, (int)vl, v);
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *data, size_t len)
{
    job *j = ud;
    if (j->held && j->bytes + len - j->held_at > j->after_hold_max)
        j->after_hold_max = j->bytes + len - j->held_at;
    if (j->bytes < sizeof j->body - 1) {
        size_t n = sizeof j->body - 1 - j->bytes;
        memcpy(j->body + j->bytes, data, len < n ? len : n);
    }
    unsigned long long before = j->bytes;
    j->bytes += len;
    if (j->hold && !j->held && before / 262144 != j->bytes / 262144) {
        tlsc_http_ev_hold(j->hx); /* the test's loop resumes it later */
        j->held = true;
        j->held_at = j->bytes;
        j->holds++;
    }
    return mbedtls_sha256_update(&j->sha, data, len) == 0 ? TLSC_OK : TLSC_ERR_INTERNAL;
}

static tlsc_err send_next(job *j);

static void on_end(tlsc_http_ev *hx, tlsc_err err, const char *detail, void *ud)
{
    job *j = ud;
    unsigned char d[32];
    j->ended++;
    j->err = err;
    tlsc_ev *ev = tlsc_http_ev_connection(hx);
    j->resumed = ev != NULL && tlsc_conn_resumed(tlsc_ev_conn(ev));
    snprintf(j->detail, sizeof j->detail, "%s", detail);
    if (mbedtls_sha256_finish(&j->sha, d) != 0)
        return;
    if (getenv("TLSC_TEST_VERBOSE") != NULL)
        fprintf(stderr, "# end %s (%s): status %d, %llu bytes, sha256 %s\n", tlsc_strerror(err),
                detail, j->status, j->bytes, hex(d));
    bool size_ok = j->expect_bytes == 0 || j->bytes == j->expect_bytes;
    bool sha_ok = j->sha_hex == NULL || strcmp(hex(d), j->sha_hex) == 0;
    if (err == TLSC_OK && size_ok && sha_ok)
        j->good++;
    else if (err == TLSC_OK)
        fprintf(stderr, "# body: %llu bytes, sha256 %s\n", j->bytes, hex(d));
    if (err == TLSC_OK && --j->gets_left > 0 && send_next(j) != TLSC_OK)
        j->err = TLSC_ERR_INTERNAL;
}

static tlsc_err send_next(job *j)
{
    tlsc_http_ev_req r = { .method = j->method, .url = &j->url, .end = on_end, .ud = j,
                           .body = j->upload, .body_len = j->upload_len };
    r.cb.on_status = on_status;
    r.cb.on_body = on_body;
    r.cb.on_trailer = on_trailer;
    j->status = 0;
    j->bytes = 0;
    j->body[0] = '\0';
    memset(j->body, 0, sizeof j->body);
    mbedtls_sha256_init(&j->sha);
    if (mbedtls_sha256_starts(&j->sha, 0) != 0)
        return TLSC_ERR_INTERNAL;
    return tlsc_http_ev_request(j->hx, &r);
}

static tlsc_loop *loop;
static tlsc_config *cfg;

static void job_start(job *j, int port, const char *target, int gets)
{
    char url[256];
    snprintf(url, sizeof url, "https://127.0.0.1:%d%s", port, target);
    j->gets_left = gets;
    j->err = TLSC_ERR_INTERNAL; /* until an end says otherwise */
    if (tlsc_url_parse(url, &j->url, NULL, 0) != TLSC_OK ||
        tlsc_http_ev_new(loop, cfg, NULL, &j->hx) != TLSC_OK || send_next(j) != TLSC_OK)
        fprintf(stderr, "# cannot start %s\n", url);
}

/* Run until every job ended its requests; resume held ones after a pass. */
static void run(job *jobs, size_t n, int limit_ms)
{
    uint64_t until = tlsc_now_ms() + (uint64_t)limit_ms;
    while (tlsc_now_ms() < until) {
        bool busy = false;
        for (size_t i = 0; i < n; i++) {
            busy |= tlsc_http_ev_busy(jobs[i].hx);
            if (jobs[i].held) {
                jobs[i].held = false;
                tlsc_http_ev_unhold(jobs[i].hx);
            }
        }
        if (!busy)
            return;
        if (tlsc_loop_run_once(loop, 100) != TLSC_OK)
            return;
    }
}

static void job_free(job *j)
{
    tlsc_http_ev_free(j->hx);
    mbedtls_sha256_free(&j->sha);
    memset(j, 0, sizeof *j);
}

/* ---- the engine's features on the event driver ------------------------------------ */

typedef struct ended {
    bool done;
    tlsc_err err;
    char detail[256];
} ended;

static void ended_cb(tlsc_http_ev *hx, tlsc_err err, const char *detail, void *ud)
{
    ended *e = ud;
    (void)hx;
    e->done = true;
    e->err = err;
    snprintf(e->detail, sizeof e->detail, "%s", detail);
}

/* Run the loop until e ended (or 30 s passed). */
static void wait_end(ended *e)
{
    uint64_t until = tlsc_now_ms() + 30000;
    while (!e->done && tlsc_now_ms() < until)
        if (tlsc_loop_run_once(loop, 100) != TLSC_OK)
            return;
}

typedef struct counted {
    unsigned long long bytes;
    mbedtls_sha256_context sha;
} counted;

static tlsc_err counted_body(void *ud, const void *d, size_t n)
{
    counted *c = ud;
    c->bytes += n;
    return mbedtls_sha256_update(&c->sha, d, n) == 0 ? TLSC_OK : TLSC_ERR_INTERNAL;
}

static void redirects(int port, const char *sha_hex)
{
    char url[128], what[3072];
    tlsc_http_ev *hx = NULL;
    if (tlsc_http_ev_new(loop, cfg, NULL, &hx) != TLSC_OK)
        return;
    /* followed when allowed: 302 -> /files/1m on the same connection */
    counted c = {0};
    mbedtls_sha256_init(&c.sha);
    (void)mbedtls_sha256_starts(&c.sha, 0);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/redir", port);
    tlsc_http_request req = {.url = url};
    req.cb.on_body = counted_body;
    req.cb_ud = &c;
    tlsc_http_result res;
    ended e = {0};
    check(tlsc_http_ev_set_max_redirects(hx, 5) == TLSC_OK, "event: max redirects 5");
    check(tlsc_http_ev_do(hx, &req, &res, ended_cb, &e) == TLSC_OK, "event: GET /redir queued");
    wait_end(&e);
    unsigned char d[32];
    (void)mbedtls_sha256_finish(&c.sha, d);
    mbedtls_sha256_free(&c.sha);
    snprintf(what, sizeof what,
             "event: 302 followed (%s %s): status %d, %u redirect, %llu bytes, final URL %s",
             tlsc_strerror(e.err), e.detail, res.status, res.redirects, c.bytes, res.url);
    check(e.done && e.err == TLSC_OK && res.status == 200 && res.redirects == 1 &&
              c.bytes == MIB && strcmp(hex(d), sha_hex) == 0 &&
              strstr(res.url, "/files/1m") != NULL && res.reused,
          what);

    /* a loop stops at the limit */
    snprintf(url, sizeof url, "https://127.0.0.1:%d/loop", port);
    req.cb.on_body = NULL;
    e = (ended){0};
    check(tlsc_http_ev_set_max_redirects(hx, 3) == TLSC_OK, "event: max redirects 3");
    check(tlsc_http_ev_do(hx, &req, &res, ended_cb, &e) == TLSC_OK, "event: GET /loop queued");
    wait_end(&e);
    snprintf(what, sizeof what, "event: redirect loop: %s (%s) after %u redirects",
             tlsc_strerror(e.err), e.detail, res.redirects);
    check(e.done && e.err == TLSC_ERR_HTTP_REDIRECT && res.redirects == 3 &&
              strstr(e.detail, "more than 3 redirects") != NULL,
          what);
    tlsc_http_ev_free(hx);

    /* by default (as before redirects existed here) the 3xx is delivered */
    job j = {0};
    job_start(&j, port, "/redir", 1);
    run(&j, 1, 20000);
    check(j.err == TLSC_OK && j.status == 302, "event: tlsc_http_ev_request delivers the 302 "
                                               "by default");
    job_free(&j);
}

/* A refusal by a call given a client: the code its header names, and
 * words in tlsc_http_ev_errmsg naming the bad argument (or the state). */
static bool refused(tlsc_http_ev *hx, tlsc_err got, tlsc_err want, const char *words)
{
    const char *m = tlsc_http_ev_errmsg(hx);
    if (got == want && strstr(m, words) != NULL)
        return true;
    printf("# %s (\"%s\"), expected %s with \"%s\"\n", tlsc_strerror(got), m,
           tlsc_strerror(want), words);
    return false;
}

/* A producer for a request refused before anything is sent. */
static tlsc_err producer_never(void *ud, void *buf, size_t cap, size_t *got)
{
    (void)ud;
    (void)buf;
    (void)cap;
    *got = 0;
    return TLSC_ERR_INTERNAL;
}

/* Every public call of tlsc_http_ev refuses bad arguments and the wrong
 * state with the error its header names, and leaves the client usable. */
static void bad_arguments(int port)
{
    char url[128], what[512];
    tlsc_http_ev *hx = NULL;
    check(tlsc_http_ev_new(loop, cfg, NULL, &hx) == TLSC_OK, "bad arguments: client made");
    if (hx == NULL)
        return;
    snprintf(url, sizeof url, "https://127.0.0.1:%d/files/one", port);
    tlsc_http_request req = {.url = url};
    tlsc_http_request no_url = {0};
    tlsc_http_result res;
    tlsc_download d = {.url = url, .sink = NULL, .path = NULL};
    tlsc_download_result r;
    ended e = {0};
    check(tlsc_http_ev_do(NULL, &req, &res, ended_cb, &e) == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_do(hx, NULL, &res, ended_cb, &e), TLSC_ERR_INVALID_ARG,
                      "req is NULL") &&
              refused(hx, tlsc_http_ev_do(hx, &no_url, &res, ended_cb, &e),
                      TLSC_ERR_INVALID_ARG, "req->url is NULL"),
          "ev_do: NULL client, request or URL: INVALID_ARG, the argument named in errmsg");
    tlsc_url u;
    check(tlsc_url_parse(url, &u, NULL, 0) == TLSC_OK, "bad arguments: URL parsed");
    tlsc_http_ev_req no_url_req = {0};
    tlsc_http_ev_req no_body = {.url = &u, .body_len = 5};
    tlsc_http_header crlf = {.name = "X-Bad", .value = "a\r\nInjected: 1"};
    tlsc_http_ev_req bad_header = {.url = &u, .headers = &crlf, .header_count = 1};
    check(tlsc_http_ev_request(NULL, &no_body) == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_request(hx, NULL), TLSC_ERR_INVALID_ARG, "r is NULL") &&
              refused(hx, tlsc_http_ev_request(hx, &no_url_req), TLSC_ERR_INVALID_ARG,
                      "r->url is NULL") &&
              refused(hx, tlsc_http_ev_request(hx, &no_body), TLSC_ERR_INVALID_ARG,
                      "r->body_len is 5 but r->body is NULL") &&
              refused(hx, tlsc_http_ev_request(hx, &bad_header), TLSC_ERR_HTTP_BAD_REQUEST,
                      "X-Bad"),
          "ev_request: NULL client, request or URL, body_len without body: INVALID_ARG; a "
          "header with CRLF: HTTP_BAD_REQUEST; each named in errmsg");
    tlsc_http_request do_bad_header = {.url = url, .headers = &crlf, .header_count = 1};
    tlsc_http_request do_both = {.url = url, .method = "PUT", .body = "x", .body_len = 1,
                                 .body_fn = producer_never};
    check(refused(hx, tlsc_http_ev_do(hx, &do_bad_header, &res, ended_cb, &e),
                  TLSC_ERR_HTTP_BAD_REQUEST, "X-Bad") &&
              refused(hx, tlsc_http_ev_do(hx, &do_both, &res, ended_cb, &e),
                      TLSC_ERR_INVALID_ARG, "not both") &&
              !tlsc_http_ev_busy(hx) && tlsc_http_ev_connection(hx) == NULL && !e.done,
          "ev_do: a header with CRLF: HTTP_BAD_REQUEST, a body and a producer: INVALID_ARG; "
          "both refused by the call before any connection, end not called");
    check(tlsc_http_ev_download(NULL, &d, &r, ended_cb, &e) == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_download(hx, &d, NULL, ended_cb, &e),
                      TLSC_ERR_INVALID_ARG, "res is NULL") &&
              refused(hx, tlsc_http_ev_download(hx, NULL, &r, ended_cb, &e),
                      TLSC_ERR_INVALID_ARG, "d is NULL"),
          "ev_download: NULL client, result or download: INVALID_ARG, named in errmsg");
    check(refused(hx, tlsc_http_ev_download(hx, &d, &r, ended_cb, &e), TLSC_ERR_INVALID_ARG,
                  "exactly one of path and sink"),
          "ev_download: neither path nor sink: INVALID_ARG, said in errmsg");
    check(tlsc_http_ev_set_max_redirects(NULL, 1) == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_set_max_redirects(hx, 21), TLSC_ERR_INVALID_ARG,
                      "max redirects 21 is more than 20") &&
              tlsc_http_ev_set_max_redirects(hx, 20) == TLSC_OK &&
              tlsc_http_ev_set_max_redirects(hx, 0) == TLSC_OK,
          "ev_set_max_redirects: NULL or > 20: INVALID_ARG; 20 and 0 taken");
    check(tlsc_http_ev_set_max_time(NULL, 1000) == TLSC_ERR_INVALID_ARG &&
              tlsc_http_ev_set_max_time(hx, 0) == TLSC_OK,
          "ev_set_max_time: NULL: INVALID_ARG");
    char longest[256];
    memset(longest, 'a', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    check(tlsc_http_ev_set_server_name(NULL, "localhost") == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_set_server_name(hx, ""), TLSC_ERR_HOSTNAME,
                      "not a host name of at most 253 characters") &&
              refused(hx, tlsc_http_ev_set_server_name(hx, "bad name!"), TLSC_ERR_HOSTNAME,
                      "not a host name of at most 253 characters: bad name!") &&
              refused(hx, tlsc_http_ev_set_server_name(hx, longest), TLSC_ERR_HOSTNAME,
                      "aaaa...") &&
              tlsc_http_ev_set_server_name(hx, NULL) == TLSC_OK,
          "ev_set_server_name: NULL client: INVALID_ARG; empty, bad or 255 characters: "
          "HOSTNAME, said in errmsg; NULL name restores the default");
    /* no heap left for the copy of the name */
    tlsc_heap_set_limit(tlsc_heap_current());
    tlsc_err no_memory = tlsc_http_ev_set_server_name(hx, "localhost");
    tlsc_heap_set_limit(0);
    check(refused(hx, no_memory, TLSC_ERR_NO_MEMORY, "no memory for the server name") &&
              tlsc_http_ev_set_server_name(hx, NULL) == TLSC_OK,
          "ev_set_server_name without memory: NO_MEMORY, said in errmsg");
    static unsigned char blob[TLSC_SESSION_MAX + 1];
    size_t len = 7;
    char too_long[64];
    snprintf(too_long, sizeof too_long, "a session of %zu bytes (1 to %d)", sizeof blob,
             TLSC_SESSION_MAX);
    check(tlsc_http_ev_set_session(NULL, blob, 10) == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_set_session(hx, NULL, 10), TLSC_ERR_INVALID_ARG,
                      "blob is NULL") &&
              refused(hx, tlsc_http_ev_set_session(hx, blob, 0), TLSC_ERR_INVALID_ARG,
                      "a session of 0 bytes") &&
              refused(hx, tlsc_http_ev_set_session(hx, blob, sizeof blob), TLSC_ERR_INVALID_ARG,
                      too_long),
          "ev_set_session: NULL, empty or longer than TLSC_SESSION_MAX: INVALID_ARG, said "
          "in errmsg");
    check(tlsc_http_ev_export_session(NULL, blob, sizeof blob, &len) == TLSC_ERR_INVALID_ARG &&
              refused(hx, tlsc_http_ev_export_session(hx, blob, sizeof blob, NULL),
                      TLSC_ERR_INVALID_ARG, "len is NULL") &&
              tlsc_http_ev_export_session(hx, blob, sizeof blob, &len) ==
                  TLSC_ERR_NO_SESSION && len == 0,
          "ev_export_session: NULL client or len: INVALID_ARG; none yet: NO_SESSION, len 0");
    tlsc_http_stats st;
    memset(&st, 0xff, sizeof st);
    tlsc_http_ev_get_stats(NULL, &st);
    tlsc_http_ev_get_stats(hx, NULL); /* ignored */
    check(st.connections == 0 && st.resumed == 0 && st.requests == 0 && st.reused == 0 &&
              strcmp(tlsc_http_ev_errmsg(NULL), "") == 0,
          "ev_get_stats(NULL) zeroes; ev_errmsg(NULL) is \"\"");

    /* the wrong state: a request in flight */
    check(tlsc_http_ev_do(hx, &req, &res, ended_cb, &e) == TLSC_OK, "ev_do queued");
    tlsc_download busy = {.url = url, .sink = NULL, .path = "unused"};
    tlsc_http_ev_req again = {.url = &u};
    check(refused(hx, tlsc_http_ev_do(hx, &req, &res, ended_cb, &e), TLSC_ERR_STATE,
                  "a request is in flight") &&
              refused(hx, tlsc_http_ev_request(hx, &again), TLSC_ERR_STATE,
                      "a request is in flight") &&
              refused(hx, tlsc_http_ev_download(hx, &busy, &r, ended_cb, &e), TLSC_ERR_STATE,
                      "a request is in flight") &&
              refused(hx, tlsc_http_ev_set_server_name(hx, "localhost"), TLSC_ERR_STATE,
                      "a request is in flight"),
          "in flight: ev_do, ev_request, ev_download, ev_set_server_name: STATE, said in "
          "errmsg");
    wait_end(&e);
    snprintf(what, sizeof what, "the request in flight still completes: %s (%s), status %d",
             tlsc_strerror(e.err), e.detail, res.status);
    check(e.done && e.err == TLSC_OK && res.status == 200 &&
              strcmp(tlsc_http_ev_errmsg(hx), "") == 0,
          what);
    /* now a session is held: a small buffer says how much is needed */
    size_t need = 0;
    tlsc_err err = tlsc_http_ev_export_session(hx, blob, 1, &need);
    snprintf(what, sizeof what, "ev_export_session into 1 byte: %s, need %zu",
             tlsc_strerror(err), need);
    check(err == TLSC_ERR_BUFFER_SIZE && need > 1, what);
    check(tlsc_http_ev_export_session(hx, blob, sizeof blob, &len) == TLSC_OK && len == need &&
              tlsc_http_ev_set_session(hx, blob, len) == TLSC_OK,
          "ev_export_session then ev_set_session: the blob goes back in");
    tlsc_http_ev_free(hx);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Entries of dir whose name contains ".tlsc-" (temporary files). */
static int temporaries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *ent;
    while (d != NULL && (ent = readdir(d)) != NULL)
        n += strstr(ent->d_name, ".tlsc-") != NULL;
    if (d != NULL)
        closedir(d);
    return n;
}

static void unhex(const char *hex_text, unsigned char out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned b = 0;
        (void)sscanf(hex_text + 2 * i, "%2x", &b);
        out[i] = (unsigned char)b;
    }
}

static void downloads(int port, int relay_port, const char *sha_hex, const char *dir)
{
    char url[128], path[512], what[768];
    unsigned char sha[32];
    unhex(sha_hex, sha);
    tlsc_http_ev *hx = NULL;
    if (tlsc_http_ev_new(loop, cfg, NULL, &hx) != TLSC_OK ||
        tlsc_http_ev_set_max_redirects(hx, 5) != TLSC_OK)
        return;
    /* through the relay that cuts the first connection: Range pieces of
     * 64 KiB, a redirect first; the cut piece is asked for again on a new
     * connection that resumes the session */
    snprintf(url, sizeof url, "https://127.0.0.1:%d/redir", relay_port);
    snprintf(path, sizeof path, "%s/fw.bin", dir);
    tlsc_download d = {.url = url, .path = path, .sha256 = sha, .size = MIB,
                       .range_chunk = 65536};
    tlsc_download_result r;
    ended e = {0};
    tlsc_err err = tlsc_http_ev_download(hx, &d, &r, ended_cb, &e);
    check(err == TLSC_OK, "event download queued");
    wait_end(&e);
    tlsc_http_stats st;
    tlsc_http_ev_get_stats(hx, &st);
    struct stat fs;
    bool file_ok = stat(path, &fs) == 0 && fs.st_size == (off_t)MIB;
    snprintf(what, sizeof what,
             "event download, 64 KiB Range pieces, redirect, cut connection: %s (%s), %llu "
             "bytes, %u reconnects, %lu connections, %lu resumed",
             tlsc_strerror(e.err), e.detail, (unsigned long long)r.bytes, r.reconnects,
             st.connections, st.resumed);
    check(e.done && e.err == TLSC_OK && r.bytes == MIB && r.sha256_valid &&
              memcmp(r.sha256, sha, 32) == 0 && r.reconnects >= 1 && st.resumed >= 1 &&
              file_ok && temporaries(dir) == 0,
          what);

    /* a wrong digest: no file, no temporary file */
    snprintf(url, sizeof url, "https://127.0.0.1:%d/files/1m", port);
    snprintf(path, sizeof path, "%s/bad.bin", dir);
    sha[0] ^= 1;
    d = (tlsc_download){.url = url, .path = path, .sha256 = sha, .size = -1};
    e = (ended){0};
    check(tlsc_http_ev_download(hx, &d, &r, ended_cb, &e) == TLSC_OK, "event download queued");
    wait_end(&e);
    snprintf(what, sizeof what, "event download, wrong SHA-256: %s (%s)", tlsc_strerror(e.err),
             e.detail);
    check(e.done && e.err == TLSC_ERR_HTTP_DIGEST_MISMATCH && !exists(path) &&
              temporaries(dir) == 0,
          what);

    /* more than the expected size: stopped, nothing left */
    d = (tlsc_download){.url = url, .path = path, .size = 5};
    e = (ended){0};
    check(tlsc_http_ev_download(hx, &d, &r, ended_cb, &e) == TLSC_OK, "event download queued");
    wait_end(&e);
    snprintf(what, sizeof what, "event download, size 5 expected: %s (%s)",
             tlsc_strerror(e.err), e.detail);
    check(e.done && e.err == TLSC_ERR_HTTP_SIZE_MISMATCH && !exists(path) &&
              temporaries(dir) == 0,
          what);
    tlsc_http_ev_free(hx);
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: %s CA NGINX_PORT CUT_PORT CUT_BYTES SHA256_OF_1M OTHER_CA "
                        "RELAY_PORT DIR\n",
                argv[0]);
        return 2;
    }
    int port = atoi(argv[2]), cut_port = atoi(argv[3]);
    unsigned long long cut_bytes = strtoull(argv[4], NULL, 10);
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_add_ca_file(cfg, argv[1]) != TLSC_OK ||
        tlsc_loop_new(&loop) != TLSC_OK) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    static job jobs[NJOBS];
    char what[512];

    /* 1. 20 connections x 3 kept-alive GETs of 1 MiB; every 4th holds. */
    uint64_t t0 = tlsc_now_ms();
    for (int i = 0; i < NJOBS; i++) {
        jobs[i].sha_hex = argv[5];
        jobs[i].expect_bytes = MIB;
        jobs[i].hold = i % 4 == 0;
        job_start(&jobs[i], port, "/files/1m", GETS);
    }
    run(jobs, NJOBS, 60000);
    int good = 0, holds = 0;
    unsigned long long after_max = 0;
    for (int i = 0; i < NJOBS; i++) {
        good += jobs[i].good;
        holds += jobs[i].holds;
        if (jobs[i].after_hold_max > after_max)
            after_max = jobs[i].after_hold_max;
        if (jobs[i].good != GETS)
            fprintf(stderr, "# job %d: %d good, err %s: %s\n", i, jobs[i].good,
                    tlsc_strerror(jobs[i].err), jobs[i].detail);
    }
    snprintf(what, sizeof what,
             "%d of %d GETs of 1 MiB over %d connections at once: size and SHA-256 right "
             "(%llu ms)", good, NJOBS * GETS, NJOBS, (unsigned long long)(tlsc_now_ms() - t0));
    check(good == NJOBS * GETS, what);
    snprintf(what, sizeof what,
             "body held %d times, at most %llu bytes delivered after a hold (bound 4096)",
             holds, after_max);
    check(holds >= 5 * GETS && after_max <= 4096, what);
    for (int i = 0; i < NJOBS; i++)
        job_free(&jobs[i]);

    /* 2. chunked, with a trailer */
    job *j = &jobs[0];
    j->refuse_in_status = true;
    job_start(j, port, "/chunked", 1);
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && strcmp(j->body, "hello\nworld\n") == 0 &&
              strcmp(j->trailer, "X-Trailer=done") == 0,
          "chunked response: body and trailer");
    snprintf(what, sizeof what, "a request from on_status: %s (%s); after the success: \"%s\"",
             tlsc_strerror(j->refused), j->refused_detail, tlsc_http_ev_errmsg(j->hx));
    check(j->refused == TLSC_ERR_STATE && strstr(j->refused_detail, "in flight") != NULL &&
              strcmp(tlsc_http_ev_errmsg(j->hx), "") == 0,
          what);
    job_free(j);

    /* 3. 404, then HEAD and GET on the same connection */
    job_start(j, port, "/nope", 1);
    run(j, 1, 20000);
    tlsc_ev *first = tlsc_http_ev_connection(j->hx);
    check(j->err == TLSC_OK && j->status == 404 && first != NULL,
          "404: a complete response, the connection kept");
    j->method = "HEAD";
    check(tlsc_url_parse("https://127.0.0.1/files/1m", &j->url, NULL, 0) == TLSC_OK, "url");
    j->url.port = (uint16_t)port;
    j->gets_left = 1;
    check(send_next(j) == TLSC_OK, "HEAD queued");
    check(send_next(j) == TLSC_ERR_STATE, "a second request while one is in flight: STATE");
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && j->bytes == 0 &&
              tlsc_http_ev_connection(j->hx) == first,
          "HEAD: no body read, same connection");
    j->method = NULL;
    j->sha_hex = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
    j->expect_bytes = 1;
    j->good = 0;
    snprintf(j->url.target, sizeof j->url.target, "/files/one");
    j->gets_left = 1;
    check(send_next(j) == TLSC_OK, "GET queued");
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && j->good == 1 &&
              tlsc_http_ev_connection(j->hx) == first,
          "GET after 404 and HEAD: right body, same connection");
    job_free(j);

    /* 3b. POST of 20000 bytes (more than the default send queue), echoed */
    static unsigned char upload[20000];
    unsigned char want[32];
    for (size_t i = 0; i < sizeof upload; i++)
        upload[i] = (unsigned char)(i * 7 + i / 251);
    if (mbedtls_sha256(upload, sizeof upload, want, 0) != 0)
        return 1;
    static char want_hex[65];
    memcpy(want_hex, hex(want), sizeof want_hex);
    j->method = "POST";
    j->upload = upload;
    j->upload_len = sizeof upload;
    j->sha_hex = want_hex;
    j->expect_bytes = sizeof upload;
    job_start(j, port, "/echo-body", 1);
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && j->good == 1,
          "POST of 20000 bytes (above the default send queue): echoed back intact");
    job_free(j);

    /* 4. close-delimited body, clean end (close_notify) */
    job_start(j, port, "/close", 1);
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && strcmp(j->body, "closing\n") == 0 &&
              tlsc_http_ev_connection(j->hx) == NULL,
          "close-delimited body ended by close_notify: complete, connection gone");
    j->gets_left = 1;
    j->sha_hex = NULL;
    j->expect_bytes = 0;
    snprintf(j->url.target, sizeof j->url.target, "/files/one");
    check(send_next(j) == TLSC_OK, "GET queued after the connection closed");
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && strcmp(j->body, "x") == 0 && j->resumed,
          "GET on a new connection: it resumed the previous connection's TLS session");
    job_free(j);

    /* 4b. the server closes the kept-alive connection while we do not look
     * (keepalive_timeout 1s at /short): the next request, sent on it,
     * goes again on a new connection */
    job_start(j, port, "/short", 1);
    run(j, 1, 20000);
    check(j->err == TLSC_OK && j->status == 200 && tlsc_http_ev_connection(j->hx) != NULL,
          "/short: kept alive for 1 s");
    struct timespec pause = { 1, 600000000 };
    nanosleep(&pause, NULL);
    j->gets_left = 1;
    snprintf(j->url.target, sizeof j->url.target, "/files/one");
    check(send_next(j) == TLSC_OK, "GET queued on the connection the server closed");
    run(j, 1, 20000);
    snprintf(what, sizeof what, "GET sent again on a new connection: %s (%s), status %d",
             tlsc_strerror(j->err), j->detail, j->status);
    check(j->err == TLSC_OK && j->status == 200 && strcmp(j->body, "x") == 0 && j->resumed, what);
    job_free(j);

    /* 5. close-delimited body cut without close_notify; a request refused
     * meanwhile does not become the words of the cut */
    j->refuse_in_status = true;
    job_start(j, cut_port, "/", 1);
    run(j, 1, 20000);
    snprintf(what, sizeof what, "close-delimited body cut after %llu bytes: %s (%s)",
             j->bytes, tlsc_strerror(j->err), j->detail);
    check(j->err == TLSC_ERR_TRUNCATED && j->status == 200 && j->bytes == cut_bytes &&
              j->refused == TLSC_ERR_STATE && j->detail[0] != '\0' &&
              strstr(j->detail, "in flight") == NULL,
          what);
    job_free(j);

    /* 6. a server the configuration does not trust: the connection's own
     * error ends the request, not "no response" */
    tlsc_config *good_cfg = cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_add_ca_file(cfg, argv[6]) != TLSC_OK)
        return 1;
    job_start(j, port, "/files/one", 1);
    run(j, 1, 20000);
    snprintf(what, sizeof what, "untrusted server: %s (%s)", tlsc_strerror(j->err), j->detail);
    check(j->ended == 1 && j->err / 100 == TLSC_CAT_VERIFY && j->detail[0] != '\0' &&
              tlsc_http_ev_connection(j->hx) == NULL,
          what);
    job_free(j);
    tlsc_config_free(cfg);
    cfg = good_cfg;

    /* 7. redirects and verified downloads (the blocking client's engine) */
    redirects(port, argv[5]);
    bad_arguments(port);
    downloads(port, atoi(argv[7]), argv[5], argv[8]);

    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
