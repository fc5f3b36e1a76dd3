/*
 * Several HTTPS GETs at once on one event loop (tlsc_http_ev, tlsc/http.h):
 * bodies are streamed, never held in RAM, and each one's SHA-256 is computed
 * as it arrives (mbedTLS, the library tlsc is built on). The build compiles
 * this file; README.md shows it.
 *
 * Usage: event_https_get CA_FILE URL [URL...]
 * Prints "STATUS SHA256 BYTES URL" per URL, in the order they complete.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/sha256.h"
#include "tlsc/tlsc.h"

typedef struct job {
    const char *text;
    tlsc_url url;
    tlsc_http_ev *hx;
    int status;
    unsigned long long bytes;
    mbedtls_sha256_context sha;
    int failed;
} job;

static tlsc_err on_status(void *ud, int status, const char *reason, size_t len)
{
    (void)reason, (void)len;
    ((job *)ud)->status = status;
    return TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *data, size_t len)
{
    job *j = ud;                 /* data points into the decrypted record */
    j->bytes += len;
    return mbedtls_sha256_update(&j->sha, data, len) == 0 ? TLSC_OK : TLSC_ERR_INTERNAL;
}

static void on_end(tlsc_http_ev *hx, tlsc_err err, const char *detail, void *ud)
{
    job *j = ud;
    unsigned char d[32];
    if (err != TLSC_OK || mbedtls_sha256_finish(&j->sha, d) != 0) {
        fprintf(stderr, "%s: %s: %s\n", j->text, tlsc_strerror(err), detail);
        j->failed = 1;
    } else {
        printf("%d ", j->status);
        for (int i = 0; i < 32; i++)
            printf("%02x", d[i]);
        printf(" %llu %s\n", j->bytes, j->text);
    }
    tlsc_http_ev_free(hx);       /* allowed inside its own callback */
    j->hx = NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s CA_FILE URL [URL...]\n", argv[0]);
        return 2;
    }
    int n = argc - 2 > 64 ? 64 : argc - 2;
    static job jobs[64];
    tlsc_config *cfg;
    tlsc_loop *loop;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    if (tlsc_config_add_ca_file(cfg, argv[1]) != TLSC_OK || tlsc_loop_new(&loop) != TLSC_OK) {
        fprintf(stderr, "setup: %s\n", tlsc_config_errmsg(cfg));
        tlsc_config_free(cfg);
        return 1;
    }
    int failures = 0;
    for (int i = 0; i < n; i++) {
        job *j = &jobs[i];
        char why[128] = "";
        j->text = argv[i + 2];
        mbedtls_sha256_init(&j->sha);
        tlsc_http_ev_req r = { .url = &j->url, .end = on_end, .ud = j };
        r.cb.on_status = on_status;
        r.cb.on_body = on_body;
        if (tlsc_url_parse(j->text, &j->url, why, sizeof why) != TLSC_OK ||
            mbedtls_sha256_starts(&j->sha, 0) != 0 ||
            tlsc_http_ev_new(loop, cfg, NULL, &j->hx) != TLSC_OK ||
            tlsc_http_ev_request(j->hx, &r) != TLSC_OK) {   /* queued: nothing blocks */
            fprintf(stderr, "%s: cannot start %s\n", j->text, why);
            tlsc_http_ev_free(j->hx);
            j->hx = NULL;
            failures++;
        }
    }
    tlsc_config_free(cfg);                       /* each connection keeps a reference */
    tlsc_err err = tlsc_loop_run(loop, 60000);   /* every request, one thread */
    for (int i = 0; i < n; i++) {
        failures += jobs[i].failed;
        if (jobs[i].hx != NULL) {                /* still running at the timeout */
            fprintf(stderr, "%s: timed out\n", jobs[i].text);
            tlsc_http_ev_free(jobs[i].hx);
            failures++;
        }
        mbedtls_sha256_free(&jobs[i].sha);
    }
    tlsc_loop_free(loop);
    return err == TLSC_OK && failures == 0 ? 0 : 1;
}
