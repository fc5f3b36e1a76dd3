/*
 * The minimal bare-metal client whose Cortex-M4 image bench/footprint.sh
 * measures: a verified TLS connection through the public API, over a
 * user transport (there are no sockets on bare metal), with the
 * application's clock and entropy (tlsc/platform.h). It only has to link;
 * the "board" functions stand for what a real firmware has (a UART or modem
 * FIFO, an RTC, a TRNG) with the register layout of an STM32F4, so the
 * measured image contains a realistic amount of application code and no
 * more. Built by scripts/baremetal.mk, never by CMake.
 */
#include <string.h>

#include "tlsc/tlsc.h"
#include "tlsc/platform.h"

/* ---- the board: what a real firmware replaces ------------------------------ */

#define REG(addr) (*(volatile uint32_t *)(addr))
#define RNG_SR REG(0x50060804u)   /* bit 0: a random word is ready */
#define RNG_DR REG(0x50060808u)
#define FIFO_STATUS REG(0x40004400u) /* bit 5: byte received, bit 7: can send */
#define FIFO_DATA REG(0x40004404u)
#define RTC_SECONDS REG(0x40002800u) /* set by SNTP, 0 until then */

volatile uint32_t board_ticks_ms; /* incremented by the SysTick handler */

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
        unsigned spins = 0;
        while ((RNG_SR & 1u) == 0)
            if (++spins > 100000u)
                return -1;
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

/* The root the device trusts (P-256, ~500 bytes: a stand-in for the real one). */
static const char root_ca[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBOzCB4wIUToxpXN+ICqgaiWaCFL4o6ajMsKYwCgYIKoZIzj0EAwIwITEfMB0G\n"
    "A1UEAwwWRm9vdHByaW50IEV4YW1wbGUgUm9vdDAeFw0yNjExMjIwNzA3MzZaFw0z\n"
    "NjExMTkwNzA3MzZaMCExHzAdBgNVBAMMFkZvb3RwcmludCBFeGFtcGxlIFJvb3Qw\n"
    "WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASzAiHYPNNp6dV5wbOncY8OJ7TVKv9/\n"
    "wz1J83mqJDlUYViaB45JWKfoPKcslX02mt94WA7RqqWFFvSl6r8xfHPLMAoGCCqG\n"
    "SM49BAMCA0cAMEQCICqDR5r8OZsXarwOtan+HdhO6yJJzPSkn+SYVuLXavL9AiBl\n"
    "uLPrYzVlT5W/GOkP2MGNAIkXKfNO9mejsF0KreiWuA==\n"
    "-----END CERTIFICATE-----\n";

/* ---- the application ---------------------------------------------------- */

static unsigned char response[256];
static size_t response_len;

static tlsc_err exchange(tlsc_conn *conn)
{
    static const char request[] = "GET /status HTTP/1.0\r\nHost: device.example.com\r\n\r\n";
    tlsc_err err = tlsc_conn_connect(conn, "device.example.com", 443);
    if (err == TLSC_OK)
        err = tlsc_conn_write(conn, request, sizeof request - 1);
    size_t got = 0;
    while (err == TLSC_OK && response_len < sizeof response) {
        err = tlsc_conn_read(conn, response + response_len, sizeof response - response_len, &got);
        response_len += err == TLSC_OK ? got : 0;
    }
    (void)tlsc_conn_close(conn);
    return err == TLSC_ERR_CLOSED ? TLSC_OK : err;
}

int main(void)
{
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    tlsc_err err = tlsc_config_add_ca(cfg, root_ca, sizeof root_ca);
    if (err == TLSC_OK)
        err = tlsc_config_set_clock(cfg, rtc_clock, NULL);
    tlsc_conn *conn = NULL;
    if (err == TLSC_OK)
        err = tlsc_conn_new(cfg, &conn);
    tlsc_config_free(cfg);
    if (err == TLSC_OK)
        err = tlsc_conn_set_transport(conn, &fifo, NULL);
    if (err == TLSC_OK)
        err = exchange(conn);
    tlsc_conn_free(conn);
    return err == TLSC_OK ? 0 : 2;
}
