/*
 * bench/memory_bench.c — heap of one verified connection, for bench/memory.sh.
 *
 *   memory_bench SCENARIO PORT CA_FILE|bundle:BUNDLE_FILE
 *
 * SCENARIO:
 *   tls12-4k    TLS 1.2, record buffers in=4096 out=1024 (max_fragment_length
 *               4096 offered), verified handshake, then a 64-byte response
 *   tls13-16k   TLS 1.3 (chosen explicitly), in=16384 out=1024, verified
 *               handshake, then a 16384-byte response (one 16 KiB record)
 *   tls13-16k-resume  the same with resumption on (the default): the
 *               connection keeps the newest TLS 1.3 ticket the server sends
 * Resumption is off in the other scenarios.
 *
 * CA_FILE is parsed into the configuration (heap); bundle:FILE attaches a
 * tlsc root bundle as a device keeps it in flash: the file is read into
 * memory this program owns (not counted), and tlsc uses it in place.
 *
 * Prints one line "key=value ..." that bench/memory.sh turns into a table:
 *   peak       peak of the bytes tlsc and mbedTLS requested, from before
 *              tlsc_config_new (PSA init, configuration, CA, connection,
 *              handshake, first response). Measured here, not with
 *              tlsc_heap_peak, which tlsc resets when a handshake starts
 *              (and would miss tlsc_conn_new's buffers)
 *   peak_hdr   the same plus tlsc's 16-byte block header, measured by this
 *              program's allocator (what a heap really gives out, before
 *              the C library's own per-block overhead)
 *   allocs     number of allocations over the whole run
 *   held       bytes the open connection holds after the response (heap
 *              now minus heap before tlsc_conn_new; configuration, CA and
 *              PSA state excluded: they are shared by all connections)
 *   held_all   everything still allocated at that moment
 *   rec_in/rec_out  tlsc_conn_record_limit
 *   stack      deepest stack the TLS part used: handshake (after DNS and
 *              the TCP connect), request and response run in a thread on a
 *              stack this program painted, minus what an empty thread on
 *              the same stack uses (glibc keeps its thread descriptor and
 *              static TLS there). x86-64: pointers are twice a Cortex-M's,
 *              so a device needs somewhat less
 * The allocator counts blocks through tlsc_set_allocator: no LD_PRELOAD,
 * no malloc hooks.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"

/* ---- counting allocator ---------------------------------------------------- */

static size_t g_cur, g_peak, g_allocs;
static size_t g_req, g_req_peak; /* without tlsc's 16-byte header */

static void *count_calloc(void *ud, size_t n, size_t size)
{
    (void)ud;
    size_t bytes = n * size; /* tlsc asks for 1 x (request + its header) */
    size_t *p = calloc(1, bytes + sizeof(size_t) * 2);
    if (p == NULL)
        return NULL;
    p[0] = bytes;
    g_cur += bytes;
    g_req += bytes - 16;
    g_allocs++;
    if (g_cur > g_peak)
        g_peak = g_cur;
    if (g_req > g_req_peak)
        g_req_peak = g_req;
    return p + 2;
}

static void count_free(void *ud, void *q)
{
    (void)ud;
    if (q == NULL)
        return;
    size_t *p = (size_t *)q - 2;
    g_cur -= p[0];
    g_req -= p[0] - 16;
    free(p);
}

/* ---- the run ----------------------------------------------------------------- */

static void die(const char *what, tlsc_err err, const char *detail)
{
    printf("error=\"%s: %s: %s\"\n", what, tlsc_strerror(err), detail);
    exit(1);
}

/* The "flash" of a bundle: read with stdio, outside tlsc's allocator. */
static tlsc_err attach_bundle(tlsc_config *cfg, const char *path)
{
    static unsigned char flash[64 * 1024];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return TLSC_ERR_FILE;
    size_t n = fread(flash, 1, sizeof flash, f);
    fclose(f);
    return tlsc_config_set_bundle(cfg, flash, n);
}

static tlsc_err add_trust(tlsc_config *cfg, const char *ca)
{
    if (strncmp(ca, "bundle:", 7) == 0)
        return attach_bundle(cfg, ca + 7);
    return tlsc_config_add_ca_file(cfg, ca);
}

static tlsc_config *make_config(const char *ca, bool tls13, bool resume, size_t in,
                                size_t out)
{
    tlsc_config *cfg = NULL;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err != TLSC_OK)
        die("config", err, "");
    tlsc_tls_version v = tls13 ? TLSC_TLS1_3 : TLSC_TLS1_2;
    if ((err = add_trust(cfg, ca)) != TLSC_OK ||
        (err = tlsc_config_set_versions(cfg, v, v)) != TLSC_OK ||
        (err = tlsc_config_set_buffers(cfg, in, out)) != TLSC_OK ||
        (err = tlsc_config_set_resumption(cfg, resume ? TLSC_RESUMPTION_ON
                                                      : TLSC_RESUMPTION_OFF)) != TLSC_OK)
        die("config", err, tlsc_config_errmsg(cfg));
    return cfg;
}

/* Read exactly want bytes (the server then sends close_notify). */
static void read_response(tlsc_conn *c, size_t want)
{
    static char buf[1024];
    size_t total = 0;
    while (total < want) {
        size_t got = 0;
        tlsc_err err = tlsc_conn_read(c, buf, sizeof buf, &got);
        if (err != TLSC_OK)
            die("read", err, tlsc_conn_errmsg(c));
        total += got;
    }
}

/* ---- the TLS part on a painted stack ------------------------------------------ */

#define STACK_SIZE (256 * 1024)
#define PAINT 0xA5
static unsigned char g_stack[STACK_SIZE] __attribute__((aligned(64)));

typedef struct tls_part {
    tlsc_conn *c;
    size_t response;
} tls_part;

/* Finish the handshake started by tlsc_conn_start (poll + step). */
static void handshake(tlsc_conn *c)
{
    tlsc_err err;
    while ((err = tlsc_conn_step(c)) == TLSC_WANT_READ || err == TLSC_WANT_WRITE) {
        int fd;
        bool r, w;
        tlsc_conn_poll_info(c, &fd, &r, &w, NULL);
        struct pollfd p = { .fd = fd, .events = (short)((r ? POLLIN : 0) | (w ? POLLOUT : 0)) };
        (void)poll(&p, 1, 5000);
    }
    if (err != TLSC_OK)
        die("handshake", err, tlsc_conn_errmsg(c));
}

static void *run_tls(void *arg)
{
    tls_part *t = arg;
    if (t->c == NULL)
        return NULL; /* the empty thread: the baseline */
    handshake(t->c);
    char req[16];
    int n = snprintf(req, sizeof req, "%zu\n", t->response);
    tlsc_err err = tlsc_conn_write(t->c, req, (size_t)n);
    if (err != TLSC_OK)
        die("write", err, tlsc_conn_errmsg(t->c));
    read_response(t->c, t->response);
    return NULL;
}

/* Run run_tls(t) on the painted stack; the bytes of it that were used. */
static size_t on_painted_stack(tls_part *t)
{
    memset(g_stack, PAINT, sizeof g_stack);
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstack(&attr, g_stack, STACK_SIZE) != 0 ||
        pthread_create(&th, &attr, run_tls, t) != 0 || pthread_join(th, NULL) != 0) {
        printf("error=\"cannot run a thread on the painted stack\"\n");
        exit(1);
    }
    pthread_attr_destroy(&attr);
    size_t untouched = 0;
    while (untouched < STACK_SIZE && g_stack[untouched] == PAINT)
        untouched++;
    return STACK_SIZE - untouched;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: memory_bench tls12-4k|tls13-16k|tls13-16k-resume PORT CA_FILE|bundle:FILE\n");
        return 2;
    }
    bool resume = strcmp(argv[1], "tls13-16k-resume") == 0;
    bool tls13 = resume || strcmp(argv[1], "tls13-16k") == 0;
    if (!tls13 && strcmp(argv[1], "tls12-4k") != 0) {
        fprintf(stderr, "memory_bench: unknown scenario '%s'\n", argv[1]);
        return 2;
    }
    size_t response = tls13 ? 16384 : 64;
    if (tlsc_set_allocator(count_calloc, count_free, NULL) != TLSC_OK)
        return 1;

    size_t max_in;
    tlsc_record_max(&max_in, NULL);
    tlsc_config *cfg = make_config(argv[3], tls13, resume, tls13 ? max_in : 4096, 1024);
    size_t before_conn = tlsc_heap_current();
    tlsc_conn *c = NULL;
    tlsc_err err = tlsc_conn_new(cfg, &c);
    if (err != TLSC_OK)
        die("connection", err, tlsc_config_errmsg(cfg));
    /* DNS and the TCP connect here: the device's are not glibc's */
    err = tlsc_conn_start(c, "localhost", (uint16_t)atoi(argv[2]));
    if (err != TLSC_OK && err != TLSC_WANT_READ && err != TLSC_WANT_WRITE)
        die("connect", err, tlsc_conn_errmsg(c));
    tls_part none = { NULL, 0 }, part = { c, response };
    size_t base = on_painted_stack(&none);
    size_t stack = on_painted_stack(&part) - base;

    size_t held_all = tlsc_heap_current();
    size_t rin, rout;
    tlsc_conn_record_limit(c, &rin, &rout);
    printf("profile=%s scenario=%s protocol=%s peak=%zu peak_hdr=%zu allocs=%zu held=%zu "
           "held_all=%zu rec_in=%zu rec_out=%zu stack=%zu\n", tlsc_profile(), argv[1],
           tlsc_conn_protocol(c), g_req_peak, g_peak, g_allocs, held_all - before_conn,
           held_all, rin, rout, stack);
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    return 0;
}
