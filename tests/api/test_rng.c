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
 *    getentropy, which the static link puts before the C library's.
 * Links the static library for the PSA API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tlsc/transport.h"

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
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
