/*
 * 10,000 connect/close cycles against a real openssl s_server, with no
 * growth in heap: tlsc_heap_current() must come back to exactly the same
 * value every CHECK_EVERY cycles (a leak of even one byte per cycle shows),
 * and to the value it had before the configuration was made once
 * everything is freed; LeakSanitizer checks the rest at exit (make check
 * builds this with ASan/LSan).
 *
 * The mix, and why: a full handshake costs ~60 M instructions on the
 * client (ECDHE + ECDSA chain verification), 10-50 ms under ASan, so
 * 10,000 of them would take many minutes of `make check`. A resumed TLS
 * 1.2 handshake costs ~0.7 M and a TLS 1.3 psk_ke one ~4 M (see README,
 * "Reconnecting cheaply"), yet each cycle still runs the whole connection
 * lifecycle a leak could hide in: tlsc_conn_new (mbedTLS context and its
 * 2 x 16 KiB record buffers), TCP connect, session import and offer,
 * handshake, session capture (tickets), close_notify, free. So the cycles
 * are: some full handshakes of both versions (the expensive path, with
 * certificate verification), then mostly resumed ones (TLS 1.2 tickets,
 * TLS 1.3 tickets with psk_ke). Every resumed cycle must really resume,
 * or the test fails. The counts below keep the run near a minute under
 * ASan on 2 cores.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"

#define CHECK_EVERY 250

typedef struct phase {
    const char *name;
    tlsc_tls_version version;
    tlsc_resumption resumption;
    int cycles;
    bool resume; /* offer the session of a first full handshake */
} phase;

static const phase PHASES[] = {
    { "TLS 1.3 full handshake", TLSC_TLS1_3, TLSC_RESUMPTION_ON, 50, false },
    { "TLS 1.2 full handshake", TLSC_TLS1_2, TLSC_RESUMPTION_ON, 50, false },
    { "TLS 1.3 resumed (psk_ke)", TLSC_TLS1_3, TLSC_RESUMPTION_PSK_KE, 1900, true },
    { "TLS 1.2 resumed (ticket)", TLSC_TLS1_2, TLSC_RESUMPTION_ON, 8000, true },
};
#define PHASES_N (sizeof PHASES / sizeof PHASES[0])

static peer server;

/* s_server logs every connection on its stdout, a pipe: keep it empty so
 * the server never blocks on it. */
static void drain_server(void)
{
    char buf[4096];
    while (read(server.out, buf, sizeof buf) > 0)
        ;
}

static tlsc_config *make_config(const phase *ph)
{
    tlsc_config *cfg = NULL;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return NULL;
    if (tlsc_config_add_ca_file(cfg, path("root.pem")) != TLSC_OK ||
        tlsc_config_set_versions(cfg, ph->version, ph->version) != TLSC_OK ||
        tlsc_config_set_resumption(cfg, ph->resumption) != TLSC_OK ||
        tlsc_config_set_timeouts(cfg, 5000, 5000, 5000) != TLSC_OK) {
        tlsc_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* One cycle: new, [offer session], connect, close (close_notify), free. */
static tlsc_err cycle(tlsc_config *cfg, const unsigned char *blob, size_t len, bool *resumed,
                      char *detail, size_t cap)
{
    tlsc_conn *c = NULL;
    tlsc_err err = tlsc_conn_new(cfg, &c);
    if (err == TLSC_OK && blob != NULL)
        err = tlsc_conn_set_session(c, blob, len);
    if (err == TLSC_OK)
        err = tlsc_conn_connect(c, "localhost", (uint16_t)server.port);
    if (err == TLSC_OK) {
        *resumed = tlsc_conn_resumed(c);
        err = tlsc_conn_close(c);
    }
    if (err != TLSC_OK && c != NULL)
        snprintf(detail, cap, "%s", tlsc_conn_errmsg(c));
    tlsc_conn_free(c);
    drain_server();
    return err;
}

/* A full handshake whose session is exported into blob. */
static tlsc_err first_session(tlsc_config *cfg, unsigned char *blob, size_t *len)
{
    tlsc_conn *c = NULL;
    tlsc_err err = tlsc_conn_new(cfg, &c);
    if (err == TLSC_OK)
        err = tlsc_conn_connect(c, "localhost", (uint16_t)server.port);
    if (err == TLSC_OK)
        err = tlsc_conn_await_session(c, 3000);
    if (err == TLSC_OK)
        err = tlsc_conn_export_session(c, blob, TLSC_SESSION_MAX, len);
    if (err == TLSC_OK)
        err = tlsc_conn_close(c);
    tlsc_conn_free(c);
    drain_server();
    return err;
}

static int fail_cycle(const phase *ph, int i, tlsc_err err, const char *detail)
{
    printf("FAIL %s: cycle %d: %s: %s\n", ph->name, i, tlsc_strerror(err), detail);
    return 1;
}

/* Run one phase; returns the number of problems. */
static int run_phase(const phase *ph)
{
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len = 0;
    char detail[400] = "";
    bool resumed = false;
    tlsc_config *cfg = make_config(ph);
    if (cfg == NULL)
        return printf("FAIL %s: configuration\n", ph->name), 1;
    tlsc_err err = ph->resume ? first_session(cfg, blob, &len) : TLSC_OK;
    if (err != TLSC_OK) {
        tlsc_config_free(cfg);
        return fail_cycle(ph, 0, err, "no session to resume");
    }
    const unsigned char *offer = ph->resume ? blob : NULL;
    /* The first cycle sets the level every later check must find. */
    err = cycle(cfg, offer, len, &resumed, detail, sizeof detail);
    size_t base = tlsc_heap_current();
    int problems = err != TLSC_OK ? fail_cycle(ph, 1, err, detail) : 0;
    uint64_t t0 = tlsc_now_ms();
    for (int i = 2; i <= ph->cycles && problems == 0; i++) {
        err = cycle(cfg, offer, len, &resumed, detail, sizeof detail);
        if (err != TLSC_OK)
            problems += fail_cycle(ph, i, err, detail);
        else if (resumed != ph->resume)
            problems += fail_cycle(ph, i, err, resumed ? "resumed unexpectedly"
                                                       : "the session was not resumed");
        if (i % CHECK_EVERY == 0 || i == ph->cycles) {
            size_t now = tlsc_heap_current();
            printf("  %s: %d/%d cycles, heap %zu bytes (after cycle 1: %zu)\n", ph->name, i,
                   ph->cycles, now, base);
            if (now != base)
                problems += printf("FAIL %s: heap grew by %ld bytes in %d cycles\n", ph->name,
                                   (long)(now - base), i - 1) > 0;
        }
    }
    uint64_t ms = tlsc_now_ms() - t0;
    printf("%s: %d cycles, %.2f ms per cycle\n", ph->name, ph->cycles,
           (double)ms / (ph->cycles > 1 ? ph->cycles - 1 : 1));
    tlsc_config_free(cfg);
    return problems;
}

static bool start_server(void)
{
    const char *args[] = { "-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                           "-cert_chain", path("int.pem"), "-rev",
                           "-allow_no_dhe_kex", "-num_tickets", "1", NULL };
    if (peer_start(&server, args) <= 0)
        return false;
    return fcntl(server.out, F_SETFL, fcntl(server.out, F_GETFL) | O_NONBLOCK) == 0;
}

int main(void)
{
    if (make_pki(NULL) != 0 || !start_server()) {
        printf("setup failed (PKI or openssl s_server)\n0 passed, 1 failed\n");
        return 1;
    }
    /* Process-wide state (PSA crypto and its key store) is made by the
     * first configuration and handshakes, and kept: measure the empty
     * level after a configuration and a handshake of each kind have come
     * and gone. */
    for (size_t i = 0; i < PHASES_N; i++) {
        tlsc_config *warm = make_config(&PHASES[i]);
        bool resumed;
        char detail[400];
        if (warm != NULL)
            (void)cycle(warm, NULL, 0, &resumed, detail, sizeof detail);
        tlsc_config_free(warm);
    }
    size_t empty = tlsc_heap_current();
    int failed = 0, total = 0;
    for (size_t i = 0; i < PHASES_N; i++) {
        failed += run_phase(&PHASES[i]) != 0;
        total += PHASES[i].cycles;
    }
    if (tlsc_heap_current() != empty) {
        printf("FAIL: %zu bytes still allocated after everything was freed (before: %zu)\n",
               tlsc_heap_current(), empty);
        failed++;
    }
    peer_stop(&server);
    drop_pki(NULL);
    printf("%d connect/close cycles\n%d passed, %d failed\n", total,
           (int)PHASES_N + 1 - failed, failed);
    return failed != 0;
}
