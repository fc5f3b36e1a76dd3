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
#include "tlsc/platform.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define RNG_SR REG(0x50060804u)
#define RNG_DR REG(0x50060808u)
#define FIFO_STATUS REG(0x40004400u) /* bit 5: byte received, bit 7: can send */
#define FIFO_DATA REG(0x40004404u)
#define RTC_SECONDS REG(0x40002800u)

volatile uint32_t board_ticks_ms;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    board_ticks_ms++;
}

uint64_t tlsc_platform_monotonic_ms(void)
{
    static uint32_t last;
    static uint64_t high;
    uint32_t now = board_ticks_ms;
    if (now < last)
        high += (uint64_t)1 << 32;
    last = now;
    return high | now;
}

int tlsc_platform_entropy(unsigned char *buf, size_t len)
{
    while (len > 0) {
        while ((RNG_SR & 1u) == 0) {
        }
        uint32_t word = RNG_DR;
        size_t n = len < 4 ? len : 4;
        memcpy(buf, &word, n);
        buf += n;
        len -= n;
    }
    return 0;
}

static int64_t rtc_clock(void *ud)
{
    (void)ud;
    uint32_t s = RTC_SECONDS;
    return s == 0 ? -1 : (int64_t)s;
}

static tlsc_err fifo_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && (FIFO_STATUS & 0x80u) != 0)
        FIFO_DATA = buf[n++];
    *sent = n;
    return n > 0 ? TLSC_OK : TLSC_WANT_WRITE;
}

static tlsc_err fifo_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && (FIFO_STATUS & 0x20u) != 0)
        buf[n++] = (unsigned char)FIFO_DATA;
    *got = n;
    return n > 0 ? TLSC_OK : TLSC_WANT_READ;
}

static const tlsc_transport fifo = { fifo_send, fifo_recv, NULL, NULL };

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
        err = tlsc_config_set_clock(cfg, rtc_clock, NULL);
    if (err == TLSC_OK)
        err = tlsc_loop_new(&loop);
    if (err == TLSC_OK && (err = tlsc_ev_new(loop, cfg, on_event, NULL, &ev)) == TLSC_OK)
        err = tlsc_ev_connect_transport(ev, "device.example.com", &fifo, NULL);
    tlsc_config_free(cfg);
    /* The firmware's main loop: report the FIFO's state, run a pass. */
    while (err == TLSC_OK && !done) {
        uint32_t st = FIFO_STATUS;
        tlsc_ev_transport_ready(ev, (st & 0x20u) != 0, (st & 0x80u) != 0);
        err = tlsc_loop_process(loop);
    }
    tlsc_loop_free(loop);
    return err == TLSC_OK && response_len > 0 ? 0 : 1;
}
