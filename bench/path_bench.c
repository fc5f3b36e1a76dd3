/*
 * The cost of tlsc's path building (bench/path.sh), on the chain shapes of
 * tests/path/gen.py (P-256, SHA-256), chains parsed once:
 *   before: mbedTLS's one-pass path building (mbedtls_x509_crt_verify with
 *           tlsc's profile) with tlsc's policy in its verify callback: what
 *           tlsc_verify_chain and handshakes ran until path building;
 *   after:  tlsc__path_build with the same policy: what they run now.
 * For each: time per verification and signature checks (before: one per
 * link of the chain mbedTLS reports). Then the worst bounded case: 100
 * same-name intermediates signing each other (the default budget of 16).
 * In a handshake mbedTLS checks the leaf's signature by the issuer tlsc
 * chose (path.c), and tlsc leaves that check to it when there is only one
 * candidate: the "handshake" row is that work.
 *
 * Usage: path_bench SHAPES_DIR [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/config/config.h"
#include "core/mbedtls/init.h"
#include "core/mbedtls/peek_x509.h"
#include "core/tls/context.h"
#include "core/verify/verify.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef struct shape {
    tlsc_config *cfg;
    mbedtls_x509_crt chain;
} shape;

static int load(shape *s, const char *dir, const char *name, const char *ca)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s/%s", dir, name, ca);
    if (tlsc_config_new(&s->cfg) != TLSC_OK || tlsc_config_add_ca_file(s->cfg, file) != TLSC_OK)
        return -1;
    snprintf(file, sizeof file, "%s/%s/chain.pem", dir, name);
    mbedtls_x509_crt_init(&s->chain);
    return mbedtls_x509_crt_parse_file(&s->chain, file);
}

static void drop(shape *s)
{
    mbedtls_x509_crt_free(&s->chain);
    tlsc_config_free(s->cfg);
}

typedef struct links {
    tlsc__verify v;
    int reported;
} links;

/* tlsc's policy callback, counting the certificates mbedTLS reports. */
static int count_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    links *l = p;
    l->reported++;
    return tlsc__verify_cb(&l->v, crt, depth, flags);
}

/* One verification the old way; returns the signature checks (links). */
static int before(shape *s, uint32_t *fail)
{
    links l;
    memset(&l, 0, sizeof l);
    uint32_t mf = 0;
    tlsc__verify_begin(&l.v, s->cfg, "localhost", NULL, 0);
    int ret = mbedtls_x509_crt_verify_with_profile(&s->chain, &s->cfg->ca, NULL, &tlsc__profile,
                                                   NULL, &mf, count_cb, &l);
    *fail = ret != 0 && l.v.vfail == 0 ? TLSC_VERIFY_OTHER : l.v.vfail;
    tlsc__verify_end(&l.v);
    return l.reported - 1; /* -1: mbedTLS gave up (FATAL_ERROR) before reporting */
}

static int after(shape *s, uint32_t *fail)
{
    tlsc__verify v;
    memset(&v, 0, sizeof v);
    tlsc__verify_begin(&v, s->cfg, "localhost", NULL, 0);
    int ret = tlsc__path_build(&v, &s->chain, NULL);
    *fail = ret != 0 ? TLSC_VERIFY_OTHER : v.vfail;
    int checks = (int)v.sig_checks;
    tlsc__verify_end(&v);
    return checks;
}

/* Microseconds per call of fn: the best of 5 rounds of n/5 (the machine
 * may be shared; the minimum is the least disturbed). */
static double best_of(shape *s, int (*fn)(shape *, uint32_t *), int n)
{
    uint32_t fail;
    double best = 1e30;
    int per_round = n / 5 > 0 ? n / 5 : 1;
    for (int r = 0; r < 5; r++) {
        double t0 = now_us();
        for (int i = 0; i < per_round; i++)
            fn(s, &fail);
        double t = (now_us() - t0) / per_round;
        best = t < best ? t : best;
    }
    return best;
}

/* As in a handshake: the path built for mbedTLS (the leaf's issuer copied
 * out, the leaf's check left to it), then mbedTLS's one check. */
static int handshake(shape *s, uint32_t *fail)
{
    tlsc__verify v;
    mbedtls_x509_crt *parent = NULL;
    memset(&v, 0, sizeof v);
    tlsc__verify_begin(&v, s->cfg, "localhost", NULL, 0);
    int ret = tlsc__path_build(&v, &s->chain, &parent);
    bool good = parent != NULL && tlsc__peek_signed_by(&s->chain, parent);
    *fail = ret != 0 || !good ? TLSC_VERIFY_OTHER : v.vfail;
    int checks = (int)v.sig_checks + (parent != NULL);
    mbedtls_x509_crt_free(parent);
    tlsc__free(parent);
    tlsc__verify_end(&v);
    return checks;
}

static void row(const char *what, shape *s, int (*fn)(shape *, uint32_t *), int n)
{
    uint32_t fail = 0;
    int checks = fn(s, &fail); /* warm up */
    double per = best_of(s, fn, n);
    char count[16];
    snprintf(count, sizeof count, checks < 0 ? "?" : "%d", checks);
    printf("| %-44s | %9.1f | %6s | %-8s |\n", what, per, count, fail ? "refused" : "valid");
}

static void leaf_check(shape *s, int n)
{
    const mbedtls_x509_crt *leaf = &s->chain, *parent = s->chain.next;
    double t0 = now_us();
    int good = 0;
    for (int i = 0; i < n; i++)
        good += tlsc__peek_signed_by(leaf, parent);
    printf("| %-44s | %9.1f | %6d | %-8s |\n", "one signature check (P-256)",
           (now_us() - t0) / n, 1, good == n ? "valid" : "refused");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: path_bench SHAPES_DIR [ITERATIONS]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 2000;
    if (tlsc__global_init() != TLSC_OK)
        return 1;
    shape plain, loop;
    if (load(&plain, argv[1], "plain", "ca.pem") != 0 ||
        load(&loop, argv[1], "loop100", "ca.pem") != 0) {
        fprintf(stderr, "path_bench: cannot read the shapes in %s\n", argv[1]);
        return 1;
    }
    tlsc__time_enter(plain.cfg);
    printf("| %-44s | %9s | %6s | %-8s |\n", "verification (chain parsed once)", "CPU us",
           "checks", "verdict");
    printf("|%s|%s|%s|%s|\n", "----------------------------------------------",
           "-----------", "--------", "----------");
    row("leaf + intermediate, before (mbedTLS path)", &plain, before, n);
    row("leaf + intermediate, after (tlsc path)", &plain, after, n);
    row("  in a handshake (leaf check by mbedTLS)", &plain, handshake, n);
    leaf_check(&plain, n);
    tlsc__time_enter(loop.cfg);
    row("100 same-name intermediates, before", &loop, before, n / 20 + 1);
    row("100 same-name intermediates, after (16)", &loop, after, n / 20 + 1);
    tlsc__time_leave();
    drop(&plain);
    drop(&loop);
    return 0;
}
