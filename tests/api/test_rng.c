/*
 * tlsc's random generator (src/core/rng.c), which PSA takes every random
 * byte from (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG):
 *  - it survives allocation failures. PSA's own generator over mbedTLS's
 *    entropy module does not in mbedTLS 3.6.6: an allocation failure inside
 *    a reseed leaves the entropy accumulator without its hash context and
 *    the next reseed dereferences NULL (sha512.c:775) — this program
 *    crashed there before tlsc brought its own generator;
 *  - it produces bytes that change (a smoke check, not a statistical test:
 *    the generator is mbedTLS's CTR_DRBG);
 *  - tlsc_global_free releases it and the next tlsc_config_new seeds it
 *    again;
 *  - a failing entropy source is named as such: tlsc_config_new and a
 *    handshake whose generator must reseed fail with TLSC_ERR_RANDOM, not
 *    an internal or TLS protocol error. The source is this program's own
 *    getentropy, which the static link puts before the C library's;
 *  - so does a handshake with a real server (openssl s_server, P-256 leaf
 *    of the test PKI) whose generator fails at one chosen draw, through
 *    tlsc_conn_connect and through the event driver: the TLS 1.3 key
 *    share and the TLS 1.2 ECDHE key, which PSA's psa_generate_key makes.
 *    mbedTLS turns PSA's INSUFFICIENT_ENTROPY there into a generic error
 *    (TLS 1.3) or "hardware acceleration failed" (TLS 1.2), so only the
 *    generator's failure count (errmap.c) can name the cause. The draw is
 *    chosen with the generator's real reseed: it has exactly
 *    MBEDTLS_CTR_DRBG_RESEED_INTERVAL draws per seed and then needs the
 *    source, so draining it, reseeding, and drawing all but k leaves k
 *    draws that succeed with the source failing (arm_failure). The mbedTLS
 *    code in the detail proves which draw failed; a draw earlier (the
 *    ClientHello's random or legacy_session_id) is the control.
 * Links the static library for the PSA API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "tlsc/transport.h"

#include "client.h"
#include "mbedtls/ctr_drbg.h"
#include "peer.h"
#include "psa/crypto.h"
#include "tlsc/tlsc.h"

static int passed, failed;
static bool fail_all;

static void check(bool ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    ok ? passed++ : failed++;
}

static void *maybe_calloc(void *ud, size_t n, size_t size)
{
    (void)ud;
    return fail_all ? NULL : calloc(n, size);
}

static void plain_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

static bool entropy_fails;

/* tlsc's POSIX entropy source (src/platform/posix.c) calls getentropy:
 * this one takes its place and fails on demand. */
int getentropy(void *buf, size_t len)
{
    if (entropy_fails)
        return -1;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* A peer that takes every byte and never answers: the handshake stops at
 * its first random bytes or waits. */
static tlsc_err sink_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    (void)ctx;
    (void)buf;
    *sent = len;
    return TLSC_OK;
}

static tlsc_err sink_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    (void)ctx;
    (void)buf;
    (void)len;
    *got = 0;
    return TLSC_WANT_READ;
}

/* With the source failing and the generator due to reseed, a handshake
 * fails naming the generator. */
static void handshake_without_entropy(void)
{
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_insecure_skip_verify(cfg) != TLSC_OK) {
        check(false, "config for the handshake");
        return;
    }
    entropy_fails = true;
    unsigned char b[1];
    int draws = 0;
    while (draws < 100000 && psa_generate_random(b, sizeof b) == PSA_SUCCESS)
        draws++;
    check(draws < 100000, "the generator stops at its reseed when the source fails");
    static const tlsc_transport sink = { sink_send, sink_recv, NULL, NULL };
    tlsc_conn *c;
    tlsc_err err = TLSC_ERR_INTERNAL;
    if (tlsc_conn_new(cfg, &c) == TLSC_OK) {
        if (tlsc_conn_set_transport(c, &sink, NULL) == TLSC_OK)
            err = tlsc_conn_start(c, "example.com", 443);
        if (err == TLSC_OK)
            err = tlsc_conn_step(c);
        printf("handshake: %s: %s\n", tlsc_strerror(err), tlsc_conn_errmsg(c));
        check(err == TLSC_ERR_RANDOM && strstr(tlsc_conn_errmsg(c), "random generator") != NULL,
              "a handshake without entropy fails with TLSC_ERR_RANDOM");
        tlsc_conn_free(c);
    }
    entropy_fails = false;
    tlsc_config_free(cfg);
    tlsc_global_free();
}

/* Enough calls for several reseeds of a DRBG reseeding every 10,000. */
static int draw(int calls)
{
    unsigned char b[1];
    int errors = 0;
    for (int i = 0; i < calls; i++)
        errors += psa_generate_random(b, sizeof b) != PSA_SUCCESS;
    return errors;
}

static bool differ(void)
{
    unsigned char a[32], b[32], zero[32] = { 0 };
    if (psa_generate_random(a, sizeof a) != PSA_SUCCESS ||
        psa_generate_random(b, sizeof b) != PSA_SUCCESS)
        return false;
    return memcmp(a, b, sizeof a) != 0 && memcmp(a, zero, sizeof a) != 0;
}

/* ---- a failure at a chosen draw of a real handshake ----------------------- */

/* Leave the generator `left` draws before it needs the source, and make
 * the source fail: the next `left` draws succeed, the one after fails.
 * The generator reseeds at the first draw after
 * MBEDTLS_CTR_DRBG_RESEED_INTERVAL draws since its last (re)seed; the
 * reseeding draw counts as the first. */
static bool arm_failure(int left)
{
    unsigned char b[1];
    entropy_fails = true;
    int drained = 0;
    while (drained <= MBEDTLS_CTR_DRBG_RESEED_INTERVAL && psa_generate_random(b, sizeof b) == PSA_SUCCESS)
        drained++;
    entropy_fails = false;
    for (int i = 0; i < MBEDTLS_CTR_DRBG_RESEED_INTERVAL - left; i++)
        if (psa_generate_random(b, sizeof b) != PSA_SUCCESS)
            return false;
    entropy_fails = true;
    return drained <= MBEDTLS_CTR_DRBG_RESEED_INTERVAL;
}

/* Where a handshake's generator fails: the draws before it succeed. */
typedef struct stop {
    tlsc_tls_version v;
    int left;           /* draws of the handshake that succeed */
    const char *code;   /* what mbedTLS makes of the failing one */
    const char *what;
} stop;

/* The TLS 1.3 ClientHello draws its random, then its legacy_session_id
 * (MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE, set by every profile), then the
 * key share's private key; a TLS 1.2-only ClientHello only its random,
 * and the ClientKeyExchange the ECDHE private key (verifying the server's
 * ECDSA signatures draws nothing). */
static const stop stops[] = {
    { TLSC_TLS1_3, 2, "mbedTLS -0x0001", "TLS 1.3 key share" },
    { TLSC_TLS1_3, 1, "mbedTLS -0x003c", "TLS 1.3 ClientHello legacy_session_id (control)" },
    { TLSC_TLS1_2, 1, "mbedTLS -0x7f80", "TLS 1.2 ECDHE key" },
    { TLSC_TLS1_2, 0, "mbedTLS -0x003c", "TLS 1.2 ClientHello random (control)" },
};

/* One verified handshake with "localhost" at port through
 * tlsc_conn_connect, the generator failing after `left` draws (left < 0:
 * not at all); the detail goes to detail. */
static tlsc_err connect_blocking(const char *ca, int port, tlsc_tls_version v, int left,
                                 char *detail, size_t cap)
{
    tlsc_conn *c = NULL;
    tlsc_err err = client_new(ca, v, &c);
    if (err == TLSC_OK && left >= 0 && !arm_failure(left))
        err = TLSC_ERR_INTERNAL;
    if (err == TLSC_OK)
        err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    entropy_fails = false;
    snprintf(detail, cap, "%s", c != NULL ? tlsc_conn_errmsg(c) : "");
    tlsc_conn_free(c);
    return err;
}

/* The same through the event driver: the error of its DISCONNECTED
 * (TLSC_OK after CONNECTED and a local close). */
static tlsc_err connect_event(const char *ca, int port, tlsc_tls_version v, int left,
                              char *detail, size_t cap)
{
    client_ev_seen s = { .err = TLSC_ERR_INTERNAL };
    tlsc_config *cfg = NULL;
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = NULL;
    tlsc_err err = client_config(ca, v, &cfg);
    if (err == TLSC_OK)
        err = tlsc_loop_new(&loop);
    if (err == TLSC_OK)
        err = tlsc_ev_new(loop, cfg, client_ev_record, &s, &ev);
    if (err == TLSC_OK)
        err = tlsc_ev_connect(ev, "localhost", (uint16_t)port);
    if (err == TLSC_OK && left >= 0 && !arm_failure(left))
        err = TLSC_ERR_INTERNAL;
    if (err == TLSC_OK)
        err = tlsc_loop_run(loop, 20000);
    entropy_fails = false;
    if (err == TLSC_OK && s.disconnected != 1)
        err = TLSC_ERR_INTERNAL;
    if (err == TLSC_OK)
        err = s.err;
    snprintf(detail, cap, "%s", s.detail);
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    return err;
}

typedef tlsc_err (*connect_fn)(const char *ca, int port, tlsc_tls_version v, int left,
                               char *detail, size_t cap);

static void failing_handshakes(const char *ca, int port, connect_fn fn, const char *driver)
{
    char detail[512], what[800];
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        const stop *s = &stops[i];
        tlsc_err err = fn(ca, port, s->v, s->left, detail, sizeof detail);
        snprintf(what, sizeof what, "%s, generator fails at the %s: %s: %s", driver, s->what,
                 tlsc_strerror(err), detail);
        check(err == TLSC_ERR_RANDOM && strstr(detail, "the random generator failed") != NULL &&
                  strstr(detail, "entropy source") != NULL && strstr(detail, s->code) != NULL,
              what);
    }
    for (int v = TLSC_TLS1_2; v <= TLSC_TLS1_3; v++) {
        tlsc_err err = fn(ca, port, (tlsc_tls_version)v, -1, detail, sizeof detail);
        snprintf(what, sizeof what, "%s, %s, entropy back: %s%s%s", driver,
                 v == TLSC_TLS1_3 ? "TLS 1.3" : "TLS 1.2",
                 err == TLSC_OK ? "connected" : tlsc_strerror(err), err ? ": " : "",
                 err ? detail : "");
        check(err == TLSC_OK, what);
    }
}

static void real_server(void)
{
    const char *gen = getenv("TLSC_PKI_GEN");
    char dir[] = "/tmp/tlsc-rng.XXXXXX", cmd[1024], ca[512];
    if (gen == NULL || mkdtemp(dir) == NULL) {
        check(false, "TLSC_PKI_GEN and a temporary directory");
        return;
    }
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' > /dev/null 2>&1", gen, dir);
    peer p = { 0 };
    tlsc_config *cfg = NULL;
    if (system(cmd) != 0 || p256_peer_start(&p, dir, "-rev", ca, sizeof ca) <= 0)
        check(false, "test PKI and openssl s_server");
    else if (tlsc_config_new(&cfg) != TLSC_OK) /* PSA ready for arm_failure */
        check(false, "config");
    else {
        failing_handshakes(ca, p.port, connect_blocking, "tlsc_conn_connect");
        failing_handshakes(ca, p.port, connect_event, "event driver");
    }
    tlsc_config_free(cfg);
    peer_stop(&p);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

int main(void)
{
    if (tlsc_set_allocator(maybe_calloc, plain_free, NULL) != TLSC_OK)
        return 1;
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    fail_all = true;
    check(draw(25000) == 0, "random bytes while every allocation fails");
    fail_all = false;
    check(draw(25000) == 0, "random bytes after allocations work again");
    check(differ(), "two draws differ and are not zero");
    /* a buffer larger than one CTR_DRBG request (1,024 bytes) */
    static unsigned char big[5000];
    check(psa_generate_random(big, sizeof big) == PSA_SUCCESS &&
              memcmp(big + 4000, big + 3000, 1000) != 0,
          "5,000 bytes in one call");
    tlsc_config_free(cfg);
    tlsc_global_free();
    check(tlsc_config_new(&cfg) == TLSC_OK && differ(), "seeded again after tlsc_global_free");
    tlsc_config_free(cfg);
    tlsc_global_free();
    entropy_fails = true;
    cfg = NULL;
    tlsc_err err = tlsc_config_new(&cfg);
    check(err == TLSC_ERR_RANDOM && cfg == NULL, "no entropy: tlsc_config_new fails with TLSC_ERR_RANDOM");
    tlsc_config_free(cfg);
    entropy_fails = false;
    tlsc_global_free();
    handshake_without_entropy();
    real_server();
    tlsc_global_free();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
