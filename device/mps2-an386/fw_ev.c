/*
 * Firmware: several HTTPS GETs at once on tlsc's event driver over lwIP
 * (tlsc_lwip_ev_connect), the way an application runs it: the main loop
 * polls the netif, runs lwIP's timers and tlsc_loop_process, and nothing
 * else. The requests go out once all connections are open; the first
 * connection then holds its data (tlsc_ev_hold) for a while
 * after its first bytes, so lwIP's window closes on it, then resumes.
 * Arguments (semihosting command line):
 *   ADDR PORT SERVER_NAME PATH CA_FILE COUNT BODY_BYTES [staged]
 * staged: each connection starts only once the one before it has finished
 * its handshake, so the last handshake runs beside COUNT-1 open idle
 * connections; arena_peak_at_last_handshake_bytes is the arena's
 * high-water mark up to then (before any request).
 * Each response must be "200" with exactly BODY_BYTES of body (HTTP/1.0:
 * until close_notify). Prints per-connection results, the most
 * connections open at once and the device's figures; exit 0 when all
 * succeeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "lan9118.h"
#include "lwip/timeouts.h"
#include "net.h"
#include "semihost.h"
#include "tlsc/lwip.h"
#include "tlsc/tlsc.h"

#define MAX_CONNS 4
#define HOLD_MS 1500u

typedef struct job {
    tlsc_ev *ev;
    int index;
    bool connected, done, ok_status;
    tlsc_err err;
    size_t head_seen, body;
    char head_tail[4];
    uint64_t hold_until;
} job;

static job jobs[MAX_CONNS];
static const char *server_name, *path, *addr;
static uint16_t port;
static int count, open_now, open_max;
static bool staged;
static size_t peak_at_last_handshake;

/* The requests go out once every connection is open, so that all of them
 * are open at once (handshakes done, then transfers side by side). */
static void send_requests(void)
{
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, server_name);
    for (int i = 0; i < count; i++)
        if (tlsc_ev_send(jobs[i].ev, req, (size_t)n) != TLSC_OK)
            (void)tlsc_ev_close(jobs[i].ev);
}

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    job *j = ud;
    switch (e->kind) {
    case TLSC_EV_CONNECTED:
        j->connected = true;
        open_max = ++open_now > open_max ? open_now : open_max;
        if (open_now == count) {
            peak_at_last_handshake = board_heap_peak();
            send_requests();
        } else if (staged && tlsc_lwip_ev_connect(jobs[j->index + 1].ev, addr, port,
                                                  server_name) != TLSC_OK) {
            (void)tlsc_ev_close(ev);
        }
        break;
    case TLSC_EV_RECEIVE: {
        const char *d = e->data;
        size_t i = 0;
        /* The status line's code, then everything after the blank line. */
        for (; i < e->len && j->head_seen != (size_t)-1; i++) {
            if (j->head_seen == 9 && memcmp(d + i, "200", e->len - i < 3 ? e->len - i : 3) == 0)
                j->ok_status = true;
            j->head_seen++;
            memmove(j->head_tail, j->head_tail + 1, 3);
            j->head_tail[3] = d[i];
            if (memcmp(j->head_tail, "\r\n\r\n", 4) == 0)
                j->head_seen = (size_t)-1;
        }
        j->body += e->len - i;
        if (j->index == 0 && j->hold_until == 0) {
            j->hold_until = tlsc_now_ms() + HOLD_MS;
            tlsc_ev_hold(ev);
        }
        break;
    }
    case TLSC_EV_DISCONNECTED:
        if (j->connected)
            open_now--;
        j->done = true;
        j->err = e->err;
        if (e->err != TLSC_OK && e->err != TLSC_ERR_CLOSED)
            board_eprintf("connection %d: %s: %s\n", j->index, tlsc_strerror(e->err), e->detail);
        break;
    default:
        break;
    }
}

int main(void)
{
    char *argv[9];
    int argc = board_args(argv, 9);
    if (argc < 7) {
        board_eputs("usage: ADDR PORT SERVER_NAME PATH CA_FILE COUNT BODY_BYTES [staged]\n");
        return 2;
    }
    count = atoi(argv[5]);
    size_t want = (size_t)strtoul(argv[6], NULL, 10);
    if (count < 1 || count > MAX_CONNS || board_heap_init() != 0 || net_init() != 0)
        return 2;
    addr = argv[0];
    port = (uint16_t)atoi(argv[1]);
    server_name = argv[2];
    path = argv[3];
    staged = argc > 7 && strcmp(argv[7], "staged") == 0;
    tlsc_config *cfg;
    tlsc_loop *loop;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err == TLSC_OK)
        err = tlsc_config_add_ca_file(cfg, argv[4]);
    if (err == TLSC_OK)
        err = tlsc_config_set_clock(cfg, board_wall_clock, NULL);
    if (err == TLSC_OK)
        err = tlsc_loop_new(&loop);
    for (int i = 0; err == TLSC_OK && i < count; i++) {
        jobs[i].index = i;
        err = tlsc_ev_new(loop, cfg, on_event, &jobs[i], &jobs[i].ev);
        if (err == TLSC_OK && (i == 0 || !staged))
            err = tlsc_lwip_ev_connect(jobs[i].ev, addr, port, server_name);
    }
    if (err != TLSC_OK) {
        board_eprintf("error: %s: %s\n", tlsc_strerror(err), tlsc_config_errmsg(cfg));
        return 3;
    }
    for (int left = count; left > 0 && err == TLSC_OK;) {
        net_poll(NULL); /* netif, lwIP timers, sleep until the next tick */
        err = tlsc_loop_process(loop);
        left = 0;
        for (int i = 0; i < count; i++) {
            left += !jobs[i].done;
            if (jobs[i].hold_until != 0 && jobs[i].hold_until != UINT64_MAX &&
                tlsc_now_ms() >= jobs[i].hold_until) {
                jobs[i].hold_until = UINT64_MAX;
                tlsc_ev_unhold(jobs[i].ev);
            }
        }
    }
    int failed = err != TLSC_OK;
    for (int i = 0; i < count; i++) {
        bool ok = jobs[i].ok_status && jobs[i].body == want &&
                  (jobs[i].err == TLSC_OK || jobs[i].err == TLSC_ERR_CLOSED);
        board_printf("connection %d: %s (%lu body bytes)\n", i, ok ? "ok" : "FAILED",
                     (unsigned long)jobs[i].body);
        failed += !ok;
    }
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    board_printf("open_at_once: %d\narena_peak_at_last_handshake_bytes: %lu\n"
                 "arena_peak_bytes: %lu\nstack_peak_bytes: %lu\n", open_max,
                 (unsigned long)peak_at_last_handshake, (unsigned long)board_heap_peak(),
                 (unsigned long)board_stack_peak());
    return failed == 0 ? 0 : 1;
}
