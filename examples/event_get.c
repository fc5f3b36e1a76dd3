/*
 * Many verified HTTPS requests at once on one event loop — the event-API
 * example shown in README.md (the build compiles this file).
 * Usage: event_get HOST [PORT] [CA_FILE] [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>

#include "tlsc/tlsc.h"

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    int *failures = ud;
    switch (e->kind) {
    case TLSC_EV_CONNECTED:                          /* verified: ask */
        if (tlsc_ev_send(ev, "GET / HTTP/1.0\r\n\r\n", 18) != TLSC_OK)
            (void)tlsc_ev_close(ev);
        break;
    case TLSC_EV_RECEIVE:                            /* plaintext, chunk by chunk */
        fwrite(e->data, 1, e->len, stdout);
        break;
    case TLSC_EV_DISCONNECTED:                       /* clean, truncated or error */
        if (e->how != TLSC_CLOSE_CLEAN && e->how != TLSC_CLOSE_LOCAL) {
            fprintf(stderr, "%s: %s\n", tlsc_strerror(e->err), e->detail);
            ++*failures;
        }
        tlsc_ev_free(ev);                            /* allowed inside the callback */
        break;
    default:
        break;
    }
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "example.com";
    uint16_t port = (uint16_t)(argc > 2 ? atoi(argv[2]) : 443);
    const char *ca = argc > 3 ? argv[3] : "/etc/ssl/certs/ca-certificates.crt";
    int count = argc > 4 ? atoi(argv[4]) : 3;

    tlsc_config *cfg;
    tlsc_loop *loop;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    if (tlsc_config_add_ca_file(cfg, ca) != TLSC_OK || tlsc_loop_new(&loop) != TLSC_OK) {
        fprintf(stderr, "setup: %s\n", tlsc_config_errmsg(cfg));
        tlsc_config_free(cfg);
        return 1;
    }

    int failures = 0;
    for (int i = 0; i < count; i++) {
        tlsc_ev *ev;
        if (tlsc_ev_new(loop, cfg, on_event, &failures, &ev) != TLSC_OK ||
            tlsc_ev_connect(ev, host, port) != TLSC_OK)  /* DNS in the background */
            failures++;
    }
    tlsc_config_free(cfg);                           /* each connection keeps a reference */
    tlsc_err err = tlsc_loop_run(loop, 30000);       /* all of them, one thread */
    tlsc_loop_free(loop);
    return err == TLSC_OK && failures == 0 ? 0 : 1;
}
