/*
 * tests/event/http_bounds_client.c — one GET on the event HTTP client
 * (tlsc_http_ev) for tests/event/http_bounds.sh:
 *   http_bounds_client CA PORT MAX_MS
 * prints "END <code> <elapsed ms> <detail>" when the request ended (or
 * "STUCK" if nothing ended within 60 s) and exits 0; the script judges.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tlsc/tlsc.h"

static tlsc_err end_err = TLSC_OK;
static char end_detail[512];
static bool ended;

static void on_end(tlsc_http_ev *hx, tlsc_err err, const char *detail, void *ud)
{
    (void)hx;
    (void)ud;
    ended = true;
    end_err = err;
    snprintf(end_detail, sizeof end_detail, "%s", detail);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s CA PORT MAX_MS\n", argv[0]);
        return 2;
    }
    tlsc_config *cfg = NULL;
    tlsc_loop *loop = NULL;
    tlsc_http_ev *hx = NULL;
    char text[64];
    tlsc_url url;
    snprintf(text, sizeof text, "https://127.0.0.1:%s/", argv[2]);
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_add_ca_file(cfg, argv[1]) != TLSC_OK ||
        tlsc_url_parse(text, &url, NULL, 0) != TLSC_OK || tlsc_loop_new(&loop) != TLSC_OK ||
        tlsc_http_ev_new(loop, cfg, NULL, &hx) != TLSC_OK) {
        fprintf(stderr, "setup failed\n");
        return 2;
    }
    tlsc_http_ev_req r = {0};
    r.url = &url;
    r.end = on_end;
    r.max_ms = (uint32_t)strtoul(argv[3], NULL, 10);
    uint64_t t0 = tlsc_now_ms();
    if (tlsc_http_ev_request(hx, &r) != TLSC_OK) {
        fprintf(stderr, "request failed\n");
        return 2;
    }
    while (!ended && tlsc_now_ms() - t0 < 60000)
        if (tlsc_loop_run_once(loop, 1000) != TLSC_OK)
            break;
    if (ended)
        printf("END %d %llu %s\n", (int)end_err, (unsigned long long)(tlsc_now_ms() - t0),
               end_detail);
    else
        printf("STUCK\n");
    tlsc_http_ev_free(hx);
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    return 0;
}
