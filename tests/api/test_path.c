/*
 * Path building through the public API (tlsc_verify_chain), with the chain
 * shapes of tests/path/gen.py generated at test time: the verify callback
 * sees the chosen path only, once; the signature-check budget is its own
 * error and flag, counted exactly (the debug log's count), whatever the
 * chain; the setter's limits. tests/interop/paths.sh runs the same shapes
 * through `tlsc verify` and handshakes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "alloc_inject.h"
#include "peer.h"

static char dir[256];

static const char *file(const char *shape, const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s/%s", dir, shape, name);
    return buf[i];
}

static int make_shapes(void **state)
{
    (void)state;
    const char *gen = getenv("TLSC_PATH_GEN");
    snprintf(dir, sizeof dir, "/tmp/tlsc-path-XXXXXX");
    if (gen == NULL || mkdtemp(dir) == NULL)
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' >%s/gen.log 2>&1", gen, dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int drop_shapes(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(name, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

/* What the log said about the last search. */
typedef struct seen {
    int checks, paths;
    int calls;                  /* verify callback calls */
    char subjects[8][128];      /* by depth */
    char issuers[8][128];
} seen;

static void on_log(void *ud, int level, const char *line)
{
    seen *s = ud;
    (void)level;
    int checks, paths;
    if (sscanf(line, "verify: %d signature check%*[s], %d path", &checks, &paths) == 2 ||
        sscanf(line, "verify: %d signature check, %d path", &checks, &paths) == 2) {
        s->checks = checks;
        s->paths = paths;
    }
}

static uint32_t on_verify(void *ud, const tlsc_cert_view *cert, uint32_t flags)
{
    seen *s = ud;
    s->calls++;
    if (cert->depth >= 0 && cert->depth < 8) {
        snprintf(s->subjects[cert->depth], sizeof s->subjects[0], "%s", cert->subject);
        snprintf(s->issuers[cert->depth], sizeof s->issuers[0], "%s", cert->issuer);
    }
    (void)flags;
    return 0;
}

static tlsc_config *config_for(const char *shape, const char *ca, seen *s)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, file(shape, ca)), TLSC_OK);
    assert_int_equal(tlsc_config_set_log(cfg, on_log, s, TLSC_LOG_DEBUG, 0), TLSC_OK);
    assert_int_equal(tlsc_config_set_verify_callback(cfg, on_verify, s), TLSC_OK);
    return cfg;
}

typedef struct outcome {
    tlsc_err err;
    uint32_t flags;
    char detail[1024];
} outcome;

static outcome verify(tlsc_config *cfg, const char *shape)
{
    outcome o;
    size_t len;
    char *data = slurp(file(shape, "chain.pem"), &len);
    o.err = tlsc_verify_chain(cfg, data, len, "localhost", -1, &o.flags, o.detail,
                              sizeof o.detail);
    free(data);
    tlsc_config_free(cfg);
    return o;
}

/* leaf, Int<-Root B, Int<-Root A; Root A trusted: the callback sees the
 * path through Root A, each certificate once, not the dead end via B. */
static void callback_sees_chosen_path(void **state)
{
    (void)state;
    seen s = { 0 };
    outcome o = verify(config_for("cross_first", "ca.pem", &s), "cross_first");
    assert_int_equal(o.err, TLSC_OK);
    assert_int_equal(s.calls, 3);
    assert_string_equal(s.subjects[0], "CN=localhost");
    assert_string_equal(s.subjects[1], "CN=Int");
    assert_string_equal(s.issuers[1], "CN=Root A");
    assert_string_equal(s.subjects[2], "CN=Root A");
    assert_int_equal(s.checks, 3);
    assert_int_equal(s.paths, 2);
}

/* No trusted path: the callback sees the closest attempt once; the detail
 * says how many paths were tried. */
static void no_path_names_closest(void **state)
{
    (void)state;
    seen s = { 0 };
    outcome o = verify(config_for("cross_first", "ca_c.pem", &s), "cross_first");
    assert_int_equal(o.err, TLSC_ERR_UNKNOWN_ISSUER);
    assert_true(o.flags & TLSC_VERIFY_UNTRUSTED);
    assert_non_null(strstr(o.detail, "no trusted path: tried 2 paths; closest: "));
    assert_non_null(strstr(o.detail, "unknown issuer CN=Root B"));
    assert_null(strstr(o.detail, "missing"));
    assert_int_equal(s.calls, 2);
}

/* 100 same-name intermediates signing each other: exactly the budget. */
static void budget_is_exact(void **state)
{
    (void)state;
    static const unsigned budgets[] = { 1, 16, 50 };
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        seen s = { 0 };
        tlsc_config *cfg = config_for("loop100", "ca.pem", &s);
        if (budgets[i] != 16)
            assert_int_equal(tlsc_config_set_max_signature_checks(cfg, budgets[i]), TLSC_OK);
        outcome o = verify(cfg, "loop100");
        assert_int_equal(o.err, TLSC_ERR_PATH_BUDGET);
        assert_true(o.flags & TLSC_VERIFY_PATH_BUDGET);
        assert_int_equal(s.checks, (int)budgets[i]);
        assert_non_null(strstr(o.detail, "closest: "));
        assert_int_equal(tlsc_err_category(o.err), TLSC_CAT_VERIFY);
    }
}

/* The shapes mbedTLS's path building refused, and what they cost. */
static void shapes_verify(void **state)
{
    (void)state;
    static const struct {
        const char *shape, *ca;
        int checks;
    } ok[] = {
        { "rollover", "ca.pem", 2 },  { "reverse5", "ca.pem", 6 }, { "le2021", "ca.pem", 2 },
        { "gts_r4", "ca.pem", 2 },    { "gts_r4", "ca_gs.pem", 3 },
        { "shared_name", "ca.pem", 2 }, { "cross_first", "ca_b.pem", 2 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (!tlsc_profile_has_rsa() && strcmp(ok[i].ca, "ca_gs.pem") == 0)
            continue; /* the GlobalSign-style root is RSA: not in ECC-only profiles */
        seen s = { 0 };
        outcome o = verify(config_for(ok[i].shape, ok[i].ca, &s), ok[i].shape);
        if (o.err != TLSC_OK || s.checks != ok[i].checks)
            fail_msg("%s/%s: %s (%d checks): %s", ok[i].shape, ok[i].ca, tlsc_strerror(o.err),
                     s.checks, o.detail);
    }
}

/* The same through a handshake (openssl s_server -cert_chain, TLS 1.3 and
 * 1.2): the callback sees the path through Root A, each certificate once. */
static void handshake_sees_chosen_path(void **state)
{
    (void)state;
    static const tlsc_tls_version versions[] = { TLSC_TLS1_3, TLSC_TLS1_2 };
    for (int i = 0; i < 2; i++) {
        seen s = { 0 };
        tlsc_config *cfg = config_for("cross_first", "ca.pem", &s);
        assert_int_equal(tlsc_config_set_versions(cfg, versions[i], versions[i]), TLSC_OK);
        const char *args[] = { "-cert", file("cross_first", "leaf.pem"),
                               "-key", file("cross_first", "leaf.key"),
                               "-cert_chain", file("cross_first", "inter.pem"),
                               "-naccept", "1", "-rev", NULL };
        peer p = { 0 };
        int port = peer_start(&p, args);
        assert_true(port > 0);
        tlsc_conn *c = NULL;
        assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
        tlsc_config_free(cfg);
        tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
        if (err != TLSC_OK)
            fail_msg("%s: %s", tlsc_strerror(err), tlsc_conn_errmsg(c));
        assert_int_equal(tlsc_conn_verify_flags(c), 0);
        (void)tlsc_conn_close(c);
        tlsc_conn_free(c);
        peer_stop(&p);
        assert_int_equal(s.calls, 3);
        assert_string_equal(s.issuers[1], "CN=Root A");
        assert_string_equal(s.subjects[2], "CN=Root A");
        assert_int_equal(s.checks, 3); /* Int<-B (dead end), Int<-A, A */
    }
}

/* Allocation failures: the n-th allocation of a verification fails. The
 * result must be the verdict or TLSC_ERR_NO_MEMORY, and every byte must
 * come back. A verification of cross_first makes about 4,500 allocations,
 * nearly all inside mbedTLS's ECDSA verifications (bignums, PSA key
 * imports) between tlsc's steps; failing each costs minutes under ASan. So
 * one in SPARSE (a prime, so every phase is hit) and every one of the last
 * TAIL (the final policy run, the summary, the cleanup) are failed;
 * TLSC_PATH_ALLOC_ALL=1 fails every one (it passes). */
#define TAIL 100
#define SPARSE 37

static void fail_nth(const char *ca, tlsc_err want, long n, size_t base, int *nomem)
{
    seen s = { 0 };
    tlsc_config *cfg = config_for("cross_first", ca, &s);
    alloc_count = 0;
    alloc_countdown = n;
    outcome o = verify(cfg, "cross_first");
    alloc_countdown = -1;
    assert_int_equal(tlsc_heap_current(), base);
    if (o.err != want && o.err != TLSC_ERR_NO_MEMORY)
        fail_msg("%s: allocation %ld failed: %s: %s", ca, n, tlsc_strerror(o.err), o.detail);
    *nomem += o.err == TLSC_ERR_NO_MEMORY;
}

static void alloc_failures(void **state)
{
    (void)state;
    static const char *const cas[] = { "ca.pem", "ca_c.pem" }; /* a path; none */
    for (int k = 0; k < 2; k++) {
        seen s = { 0 };
        size_t base = tlsc_heap_current();
        tlsc_config *cfg = config_for("cross_first", cas[k], &s);
        alloc_count = 0;
        tlsc_err want = verify(cfg, "cross_first").err;
        long total = alloc_count, tail = total > TAIL ? total - TAIL : 0;
        assert_int_equal(tlsc_heap_current(), base);
        int nomem = 0;
        long sparse = getenv("TLSC_PATH_ALLOC_ALL") != NULL ? 1 : SPARSE;
        for (long n = 0; n < total; n += n < tail ? sparse : 1)
            fail_nth(cas[k], want, n, base, &nomem);
        assert_true(nomem > 0);
    }
}

static void setter_limits(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_set_max_signature_checks(cfg, 0), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_max_signature_checks(cfg, 1001), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_max_signature_checks(cfg, 1000), TLSC_OK);
    assert_int_equal(tlsc_config_set_max_signature_checks(NULL, 5), TLSC_ERR_INVALID_ARG);
    tlsc_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(callback_sees_chosen_path),
        cmocka_unit_test(no_path_names_closest),
        cmocka_unit_test(budget_is_exact),
        cmocka_unit_test(shapes_verify),
        cmocka_unit_test(handshake_sees_chosen_path),
        cmocka_unit_test(alloc_failures),
        cmocka_unit_test(setter_limits),
    };
    if (tlsc_set_allocator(alloc_inject_calloc, alloc_inject_free, NULL) != TLSC_OK)
        return 1;
    return cmocka_run_group_tests(tests, make_shapes, drop_shapes);
}
