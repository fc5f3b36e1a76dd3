/*
 * Firmware: one verified HTTPS GET with tlsc's blocking API over the lwIP
 * transport (tlsc/lwip.h) on the emulated board. The arguments come from
 * the semihosting command line:
 *   ADDR PORT SERVER_NAME PATH CA_FILE OUT_FILE [faults=DROP,REORDER]
 * ADDR is what lwIP connects to (10.0.2.2 is the host); SERVER_NAME is
 * sent as SNI and verified. CA_FILE is read and OUT_FILE (the body) is
 * written on the host through semihosting. Prints tlsc's connection
 * figures and the device's (stack_peak_bytes, heap_peak_bytes,
 * handshake_instructions, flash_bytes, static_ram_bytes) on the console;
 * on failure "error: MESSAGE" on stderr and a non-zero exit status.
 * faults=DROP,REORDER makes the netif drop and reorder that per-mille of
 * the frames it receives (lan9118_set_faults), for the fault tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "lan9118.h"
#include "net.h"
#include "semihost.h"
#include "tlsc/tlsc.h"
#include "tlsc/lwip.h"

#define ARGS_MAX 10

static unsigned char *read_host_file(const char *path, size_t *len)
{
    int fd = sh_open(path, "rb");
    if (fd < 0)
        return NULL;
    long n = sh_flen(fd);
    unsigned char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf != NULL && sh_read(fd, buf, (size_t)n) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    sh_close(fd);
    if (buf != NULL) {
        buf[n] = 0;
        *len = (size_t)n + 1; /* PEM with its terminating NUL */
    }
    return buf;
}

static int fail(const char *what, const char *msg, int status)
{
    board_eprintf("error: %s%s%s\n", what, msg[0] ? ": " : "", msg);
    return status;
}

/* The body after the header block, written to out; the status line kept. */
static int get(tlsc_conn *conn, const char *name, const char *path, int out,
               char *status_line, size_t cap, size_t *body)
{
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, name);
    if (tlsc_conn_write(conn, req, (size_t)n) != TLSC_OK)
        return -1;
    static char buf[2048];
    char head[1024];
    size_t head_len = 0;
    bool in_body = false;
    *body = 0;
    for (;;) {
        size_t got = 0;
        tlsc_err e = tlsc_conn_read(conn, buf, sizeof buf, &got);
        if (e == TLSC_ERR_CLOSED)
            break; /* close_notify: the clean end of an HTTP/1.0 body */
        if (e != TLSC_OK)
            return -1;
        size_t off = 0;
        while (!in_body && off < got && head_len < sizeof head - 1) {
            head[head_len++] = buf[off++];
            head[head_len] = 0;
            in_body = head_len >= 4 && memcmp(head + head_len - 4, "\r\n\r\n", 4) == 0;
        }
        if (in_body && off < got) {
            sh_write(out, buf + off, got - off);
            *body += got - off;
        }
    }
    char *eol = strstr(head, "\r\n");
    size_t l = eol ? (size_t)(eol - head) : 0;
    l = l < cap - 1 ? l : cap - 1;
    memcpy(status_line, head, l);
    status_line[l] = 0;
    return in_body ? 0 : -1;
}

int main(void)
{
    char *argv[ARGS_MAX];
    int argc = board_args(argv, ARGS_MAX - 1);
    if (argc < 6)
        return fail("usage", "ADDR PORT SERVER_NAME PATH CA_FILE OUT_FILE", 2);
    if (board_heap_init() != 0 || net_init() != 0)
        return fail("board", "init failed", 1);
    tlsc_lwip_set_poll(net_poll, NULL);
    unsigned drop = 0, reorder = 0;
    for (int i = 6; i < argc; i++) {
        if (strncmp(argv[i], "dns=", 4) == 0) {
            if (net_set_dns(argv[i] + 4) != 0)
                return fail("usage", "dns=A.B.C.D", 2);
        } else if (sscanf(argv[i], "faults=%u,%u", &drop, &reorder) != 2) {
            return fail("usage", "faults=DROP,REORDER (per mille) or dns=A.B.C.D", 2);
        }
    }
    lan9118_set_faults(drop, reorder);

    size_t ca_len = 0;
    unsigned char *ca = read_host_file(argv[4], &ca_len);
    if (ca == NULL)
        return fail("cannot read", argv[4], 3);
    tlsc_config *cfg;
    tlsc_conn *conn = NULL;
    tlsc_lwip *tcp = NULL;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err == TLSC_OK)
        err = tlsc_config_add_ca(cfg, ca, ca_len);
    free(ca);
    if (err == TLSC_OK)
        err = tlsc_config_set_clock(cfg, board_wall_clock, NULL);
    if (err == TLSC_OK)
        err = tlsc_conn_new(cfg, &conn);
    if (err != TLSC_OK)
        return fail("config", tlsc_config_errmsg(cfg), 3);
    err = tlsc_lwip_open(&tcp, argv[0], (uint16_t)atoi(argv[1]));
    if (err == TLSC_OK && (err = tlsc_conn_set_transport(conn, &tlsc_lwip_transport, tcp)) != TLSC_OK)
        tlsc_lwip_transport.close(tcp);
    if (err != TLSC_OK)
        return fail("transport", tlsc_strerror(err), 4);

    uint64_t before = board_instructions();
    err = tlsc_conn_connect(conn, argv[2], 443);
    uint64_t hs = board_instructions() - before;
    if (err != TLSC_OK)
        return fail(tlsc_strerror(err), tlsc_conn_errmsg(conn), 9);
    board_printf("protocol: %s\ncipher: %s\nhandshake_heap_peak_bytes: %lu\n",
                 tlsc_conn_protocol(conn), tlsc_conn_cipher(conn),
                 (unsigned long)tlsc_conn_handshake_heap_peak(conn));

    int out = sh_open(argv[5], "wb");
    char status[128];
    size_t body = 0;
    if (out < 0 || get(conn, argv[2], argv[3], out, status, sizeof status, &body) != 0)
        return fail("get", tlsc_conn_errmsg(conn), 4);
    sh_close(out);
    size_t tlsc_peak = tlsc_heap_peak(); /* requested bytes, the whole run */
    tlsc_conn_free(conn);
    tlsc_config_free(cfg);
    board_printf("status: %s\nbody_bytes: %lu\n", status, (unsigned long)body);
    unsigned long dropped, reordered;
    lan9118_fault_counts(&dropped, &reordered);
    if (drop + reorder > 0)
        board_printf("frames_dropped: %lu\nframes_reordered: %lu\n", dropped, reordered);
    /* newlib-nano's printf has no %llu: the count in two parts. */
    char insns[24];
    if (hs >= 1000000000u)
        snprintf(insns, sizeof insns, "%lu%09lu", (unsigned long)(hs / 1000000000u),
                 (unsigned long)(hs % 1000000000u));
    else
        snprintf(insns, sizeof insns, "%lu", (unsigned long)hs);
    board_printf("tlsc_heap_peak_bytes: %lu\n", (unsigned long)tlsc_peak);
    board_printf("stack_peak_bytes: %lu\nheap_peak_bytes: %lu\nhandshake_instructions: %s\n"
                 "flash_bytes: %lu\nstatic_ram_bytes: %lu\n",
                 (unsigned long)board_stack_peak(), (unsigned long)board_heap_peak(), insns,
                 (unsigned long)board_flash_bytes(), (unsigned long)board_static_ram_bytes());
    return 0;
}
