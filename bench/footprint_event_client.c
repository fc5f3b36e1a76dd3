/*
 * The event driver on bare metal (platform none): one connection on a
 * tlsc_loop over a user transport, run from the firmware's main loop, which
 * reports the transport's readiness (tlsc_ev_transport_ready) and calls
 * tlsc_loop_process. Like footprint_client.c it only has to link (the
 * "board" stands for an STM32F4's TRNG, UART FIFO and SysTick); built by
 * scripts/baremetal.mk (target event_elf) so tests/build/cortex_m4.sh
 * catches POSIX-only code in src/event. Never built by CMake.
 */
#include <string.h>

#include "tlsc/tlsc.h"
#include "footprint_board.h"

/* A stand-in for the root the device trusts (the link is what counts). */
static const char root_ca[] = "-----BEGIN CERTIFICATE-----\n"
                              "-----END CERTIFICATE-----\n";

static unsigned char response[256];
static size_t response_len;
static volatile bool done;

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    (void)ud;
    static const char request[] = "GET /status HTTP/1.0\r\nHost: device.example.com\r\n\r\n";
    switch (e->kind) {
    case TLSC_EV_CONNECTED:
        if (tlsc_ev_send(ev, request, sizeof request - 1) != TLSC_OK)
            (void)tlsc_ev_close(ev);
        break;
    case TLSC_EV_RECEIVE: {
        size_t n = sizeof response - response_len;
        n = e->len < n ? e->len : n;
        memcpy(response + response_len, e->data, n);
        response_len += n;
        break;
    }
    case TLSC_EV_DISCONNECTED:
        done = true;
        break;
    default:
        break;
    }
}

int main(void)
{
    tlsc_config *cfg;
    tlsc_loop *loop;
    tlsc_ev *ev;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    tlsc_err err = tlsc_config_add_ca(cfg, root_ca, sizeof root_ca);
    if (err == TLSC_OK)
        err = tlsc_config_set_clock(cfg, board_rtc_clock, NULL);
    if (err == TLSC_OK)
        err = tlsc_loop_new(&loop);
    if (err == TLSC_OK && (err = tlsc_ev_new(loop, cfg, on_event, NULL, &ev)) == TLSC_OK)
        err = tlsc_ev_connect_transport(ev, "device.example.com", &board_fifo, NULL);
    tlsc_config_free(cfg);
    /* The firmware's main loop: report the FIFO's state, run a pass. */
    while (err == TLSC_OK && !done) {
        tlsc_ev_transport_ready(ev, board_fifo_readable(), board_fifo_writable());
        err = tlsc_loop_process(loop);
    }
    tlsc_loop_free(loop);
    return err == TLSC_OK && response_len > 0 ? 0 : 1;
}
