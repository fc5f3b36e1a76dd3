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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsc/tlsc.h"
#include "alloc_inject.h"
#include "client.h"
#include "peer.h"

#define BODY "firmware image, version 1\n"

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

typedef struct body {
    char buf[256];
    size_t len;
} body;

static tlsc_err on_status(void *ud, int status, const char *reason, size_t len)
{
    (void)ud;
    (void)status;
    (void)reason;
    (void)len;
    arm();
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *d, size_t n)
{
    body *b = ud;
    if (b->len + n > sizeof b->buf)
        return TLSC_ERR_HTTP_SINK;
    memcpy(b->buf + b->len, d, n);
    b->len += n;
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
        req.cb.on_body = on_body;
        req.cb_ud = &b;
        tlsc_http_result res;
        tlsc_err err = tlsc_http_do(h, &req, &res);
        if (err != TLSC_OK)
            return err;
        if (res.status != 200 || b.len != strlen(BODY) || memcmp(b.buf, BODY, b.len) != 0)
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

static int run(const char *pki, const char *dir)
{
    char ca[512], url[128];
    if (chdir(dir) != 0) /* s_server -WWW serves files from its cwd */
        return 1;
    peer p = {0};
    if (p256_peer_start(&p, pki, "-WWW", ca, sizeof ca) <= 0) {
        printf("FAIL: server did not start\n");
        return 1;
    }
    snprintf(url, sizeof url, "https://localhost:%d/fw.bin", p.port);
    bool reached = false, wrong = false;
    unsigned long resumed = 0;
    tlsc_err warm = attempt(ca, url, -1, &reached, &wrong, &resumed);
    int failed = warm != TLSC_OK || wrong || resumed != 1;
    if (failed)
        printf("FAIL: unaffected run: %s, body %s, %lu resumed (want 1)\n", tlsc_strerror(warm),
               wrong ? "wrong" : "right", resumed);
    size_t base = tlsc_heap_current();
    int nomem = 0, known_leaks = 0;
    long n;
    for (n = 0;; n++) {
        tlsc_err err = attempt(ca, url, n, &reached, &wrong, &resumed);
        if (tlsc_heap_current() != base) {
            size_t leaked = tlsc_heap_current() - base;
            bool known = false; /* none known for TLS 1.2 */
            printf("%s: failing allocation %ld left %zu bytes (%s)\n", known ? "known" : "FAIL",
                   n, leaked, tlsc_strerror(err));
            known ? known_leaks++ : failed++;
            base = tlsc_heap_current();
        }
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
    peer_stop(&p);
    if (known_leaks > 8) {
        printf("FAIL: %d leaks at the known mbedTLS spot\n", known_leaks);
        failed++;
    }
    printf("http: %ld allocations after the first status line; each failed once: %d gave "
           "TLSC_ERR_NO_MEMORY (the others were recovered from); %d known mbedTLS leaks; "
           "%d problems\n",
           n, nomem, known_leaks, failed);
    return failed;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (tlsc_set_allocator(alloc_inject_calloc, alloc_inject_free, NULL) != TLSC_OK)
        return 1;
    const char *gen = getenv("TLSC_PKI_GEN");
    char pki[] = "/tmp/tlsc-httpalloc-XXXXXX", cmd[1024], file[600];
    if (gen == NULL || mkdtemp(pki) == NULL)
        return 1;
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' >/dev/null 2>&1", gen, pki);
    int failed = system(cmd) != 0;
    snprintf(file, sizeof file, "%s/fw.bin", pki);
    FILE *f = fopen(file, "w");
    failed += f == NULL || fputs(BODY, f) < 0;
    if (f != NULL)
        fclose(f);
    if (!failed)
        failed += run(pki, pki) != 0;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki);
    if (system(cmd) != 0)
        failed++;
    printf("%d passed, %d failed\n", failed ? 0 : 1, failed);
    return failed != 0;
}
