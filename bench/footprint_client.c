/*
 * The minimal bare-metal client whose Cortex-M4 image bench/footprint.sh
 * measures: a verified TLS connection through the public API, over a
 * user transport (there are no sockets on bare metal), with the
 * application's clock and entropy (tlsc/platform.h). It only has to link;
 * the "board" (footprint_board.c) stands for what a real firmware has (a
 * UART or modem FIFO, an RTC, a TRNG) with the register layout of an
 * STM32F4, so the measured image contains a realistic amount of
 * application code and no more. Built by scripts/baremetal.mk, never by
 * CMake.
 */

#include "tlsc/tlsc.h"
#include "footprint_board.h"

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
        err = tlsc_config_set_clock(cfg, board_rtc_clock, NULL);
    tlsc_conn *conn = NULL;
    if (err == TLSC_OK)
        err = tlsc_conn_new(cfg, &conn);
    tlsc_config_free(cfg);
    if (err == TLSC_OK)
        err = tlsc_conn_set_transport(conn, &board_fifo, NULL);
    if (err == TLSC_OK)
        err = exchange(conn);
    tlsc_conn_free(conn);
    return err == TLSC_OK ? 0 : 2;
}
