/*
 * Allocation-failure injection for the HTTPS client (tlsc/http.h): for
 * every n, fail the n-th allocation made by two GET requests through one
 * tlsc_http client against a real openssl s_server -WWW (HTTP/1.0, so the
 * second request reconnects and resumes the first connection's session),
 * and require a clean result each time: success or TLSC_ERR_NO_MEMORY,
 * never a crash, and every byte given back. Counting starts at the first
 * response's status line, so the loop covers the HTTP path after the first
 * full handshake: response parsing, session export, close, then the second
 * request: session import, connect, the resumed handshake (TLS 1.2: a
 * ticket, no key exchange), request head, response, close. The full
 * handshake's own failure points are covered by test_alloc_fail.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "alloc_inject.h"
#include "client.h"
#include "http_alloc.h"

static long pending = -1; /* alloc_countdown to arm at the first status line */
static bool no_detail;    /* a failure came without its detail */

/* The first response's status line arrives right after the first full
 * handshake: arming there skips that handshake's own failure points (its
 * ECDHE and signature arithmetic alone makes thousands of allocations;
 * test_alloc_fail covers them) and keeps this test short. */
static void arm(void)
{
    if (pending >= 0) {
        alloc_countdown = pending;
        pending = -1;
    }
}

static tlsc_err on_status(void *ud, int status, const char *reason, size_t len)
{
    (void)ud;
    (void)status;
    (void)reason;
    (void)len;
    arm();
    return TLSC_OK;
}

/* Two GETs; the body must be right whenever the call succeeds. */
static tlsc_err requests(tlsc_http *h, const char *url, bool *wrong)
{
    for (int i = 0; i < 2; i++) {
        body b = {.len = 0};
        tlsc_http_request req = {0};
        req.url = url;
        req.cb.on_status = on_status;
        req.cb.on_body = body_sink;
        req.cb_ud = &b;
        tlsc_http_result res;
        tlsc_err err = tlsc_http_do(h, &req, &res);
        if (err != TLSC_OK)
            return err;
        if (res.status != 200 || !body_right(&b))
            *wrong = true;
    }
    return TLSC_OK;
}

/* One attempt failing allocation n (n < 0: none). */
static tlsc_err attempt(const char *ca, const char *url, long n, bool *reached, bool *wrong,
                        unsigned long *resumed)
{
    tlsc_config *cfg = NULL;
    tlsc_http *h = NULL;
    tlsc_err err = client_config(ca, TLSC_TLS1_2, &cfg);
    if (err == TLSC_OK)
        err = tlsc_http_new(cfg, &h);
    tlsc_config_free(cfg);
    if (err != TLSC_OK)
        return err;
    pending = n;
    err = requests(h, url, wrong);
    /* The detail names the failure, never a configuration note left from
     * before (tlsc_config_errmsg is "" here). */
    if (err != TLSC_OK && tlsc_http_errmsg(h)[0] == '\0') {
        printf("FAIL: %s without a detail\n", tlsc_strerror(err));
        no_detail = true;
    }
    *reached = alloc_countdown == 0;
    alloc_countdown = -1;
    pending = -1;
    tlsc_http_stats st;
    tlsc_http_get_stats(h, &st);
    *resumed = st.resumed;
    tlsc_http_free(h);
    return err;
}

static int run(const http_alloc_env *env)
{
    const char *ca = env->ca, *url = env->url;
    bool reached = false, wrong = false;
    unsigned long resumed = 0;
    tlsc_err warm = attempt(ca, url, -1, &reached, &wrong, &resumed);
    int failed = warm != TLSC_OK || wrong || resumed != 1;
    if (failed)
        printf("FAIL: unaffected run: %s, body %s, %lu resumed (want 1)\n", tlsc_strerror(warm),
               wrong ? "wrong" : "right", resumed);
    size_t base = tlsc_heap_current();
    int nomem = 0;
    long n;
    for (n = 0;; n++) {
        tlsc_err err = attempt(ca, url, n, &reached, &wrong, &resumed);
        failed += !heap_back(&base, n, err);
        if (no_detail) {
            printf("FAIL: failing allocation %ld: no detail\n", n);
            no_detail = false;
            failed++;
        }
        if (wrong) {
            printf("FAIL: failing allocation %ld: a successful request had a wrong body\n", n);
            failed++;
        }
        if (!reached)
            break;
        if (err == TLSC_ERR_NO_MEMORY)
            nomem++;
        else if (err != TLSC_OK) {
            printf("FAIL: failing allocation %ld reported as: %s\n", n, tlsc_strerror(err));
            failed++;
        }
    }
    printf("http: %ld allocations after the first status line; each failed once: %d gave "
           "TLSC_ERR_NO_MEMORY (the others were recovered from); %d problems\n",
           n, nomem, failed);
    return failed;
}

int main(void)
{
    return http_alloc_main("/tmp/tlsc-httpalloc-XXXXXX", run);
}
