/*
 * The frame of the HTTP allocation-failure tests (http_alloc.h): one
 * server, one file, one way to check the heap, for the blocking client
 * (test_http_alloc_fail) and the event client (test_http_ev_alloc_fail).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_inject.h"
#include "client.h"
#include "http_alloc.h"
#include "peer.h"

tlsc_err body_sink(void *ud, const void *data, size_t len)
{
    body *b = ud;
    if (b->len + len > sizeof b->buf)
        return TLSC_ERR_HTTP_SINK;
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    return TLSC_OK;
}

bool body_right(const body *b)
{
    return b->len == strlen(HTTP_ALLOC_BODY) && memcmp(b->buf, HTTP_ALLOC_BODY, b->len) == 0;
}

bool heap_back(size_t *base, long n, tlsc_err err)
{
    size_t now = tlsc_heap_current();
    if (now == *base)
        return true;
    printf("FAIL: failing allocation %ld left %ld bytes (%s)\n", n, (long)(now - *base),
           tlsc_strerror(err));
    *base = now;
    return false;
}

/* fw.bin with HTTP_ALLOC_BODY in the current directory, and its SHA-256
 * by sha256sum (not by the code under test). */
static bool write_file(unsigned char sha256[32])
{
    FILE *f = fopen("fw.bin", "w");
    bool ok = f != NULL && fputs(HTTP_ALLOC_BODY, f) >= 0;
    if (f != NULL)
        ok &= fclose(f) == 0;
    FILE *p = ok ? popen("sha256sum fw.bin", "r") : NULL;
    char hex[65] = "";
    ok = p != NULL && fscanf(p, "%64s", hex) == 1 && strlen(hex) == 64;
    if (p != NULL)
        ok &= pclose(p) == 0;
    for (int i = 0; ok && i < 32; i++) {
        unsigned v = 0;
        ok = sscanf(hex + 2 * i, "%2x", &v) == 1;
        sha256[i] = (unsigned char)v;
    }
    return ok;
}

/* The server in the current directory (s_server -WWW serves files from
 * its cwd), then run. */
static int serve_and_run(const char *pki, int (*run)(const http_alloc_env *env))
{
    http_alloc_env env;
    memset(&env, 0, sizeof env);
    if (chdir(pki) != 0 || !write_file(env.sha256)) {
        printf("FAIL: fw.bin could not be written or hashed\n");
        return 1;
    }
    peer p = {0};
    if (p256_peer_start(&p, pki, "-WWW", env.ca, sizeof env.ca) <= 0) {
        printf("FAIL: server did not start\n");
        return 1;
    }
    snprintf(env.url, sizeof env.url, "https://localhost:%d/fw.bin", p.port);
    int failed = run(&env);
    peer_stop(&p);
    return failed;
}

int http_alloc_main(const char *tmpl, int (*run)(const http_alloc_env *env))
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (tlsc_set_allocator(alloc_inject_calloc, alloc_inject_free, NULL) != TLSC_OK)
        return 1;
    const char *gen = getenv("TLSC_PKI_GEN");
    char pki[128], cmd[1024];
    snprintf(pki, sizeof pki, "%s", tmpl);
    if (gen == NULL || mkdtemp(pki) == NULL)
        return 1;
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' >/dev/null 2>&1", gen, pki);
    int failed = system(cmd) != 0;
    if (!failed)
        failed += serve_and_run(pki, run) != 0;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki);
    if (system(cmd) != 0)
        failed++;
    printf("%d passed, %d failed\n", failed ? 0 : 1, failed);
    return failed != 0;
}
