/*
 * Certificate policy through the public API: each rule of tlsc/config.h
 * once offline (tlsc_verify_chain) and the main ones again through a real
 * handshake with openssl s_server, with certificates generated at test
 * time (tests/pki/gen.sh: nc-*, notca*, deep, critext, badeku, ...).
 * Both paths must give the same verdict, flag and reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"

/* verify at the clock's time, as connections do */
static const int64_t NOW = -1;

static char *slurp(const char *file, size_t *len)
{
    char *data = pki_read(file, len);
    assert_non_null(data);
    return data;
}

static tlsc_config *config_for(const char *ca)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path(ca)), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    return cfg;
}

typedef struct outcome {
    tlsc_err err;
    uint32_t flags;
    char detail[1024];
} outcome;

/* Verify chain file `chain` against CA file `ca` for host; cfg is freed. */
static outcome verify_with(tlsc_config *cfg, const char *chain, const char *host)
{
    outcome o;
    size_t len;
    char *data = slurp(chain, &len);
    o.err = tlsc_verify_chain(cfg, data, len, host, NOW, &o.flags, o.detail, sizeof o.detail);
    free(data);
    tlsc_config_free(cfg);
    return o;
}

static outcome verify(const char *ca, const char *chain, const char *host)
{
    return verify_with(config_for(ca), chain, host);
}

static void expect(const outcome *o, tlsc_err err, uint32_t flag, const char *words)
{
    if (o->err != err || (flag != 0 && !(o->flags & flag)) ||
        (words != NULL && strstr(o->detail, words) == NULL))
        print_error("got %d flags 0x%x detail '%s'\n", o->err, o->flags, o->detail);
    assert_int_equal(o->err, err);
    if (flag == 0)
        assert_int_equal(o->flags, 0);
    else
        assert_true(o->flags & flag);
    if (words != NULL)
        assert_non_null(strstr(o->detail, words));
}

/* ---- offline ------------------------------------------------------------------ */

static void offline_valid(void **state)
{
    (void)state;
    outcome o = verify("root.pem", "server-p256-chain.pem", "localhost");
    expect(&o, TLSC_OK, 0, NULL);
    assert_string_equal(o.detail, "");
    o = verify("root.pem", "server-p256-chain.pem", "127.0.0.1");
    expect(&o, TLSC_OK, 0, NULL);
    o = verify("root.pem", "server-p256-chain.pem", NULL); /* no host check */
    expect(&o, TLSC_OK, 0, NULL);
    o = verify("root.pem", "server-p256-chain.pem", "other.test");
    expect(&o, TLSC_ERR_HOSTNAME_MISMATCH, TLSC_VERIFY_HOSTNAME, "wanted other.test");
}

static void offline_name_constraints(void **state)
{
    (void)state;
    outcome o = verify("nc-root.pem", "nc-ok.pem", "www.tlsc.test");
    expect(&o, TLSC_OK, 0, NULL);
    o = verify("nc-root.pem", "nc-ok.pem", "127.0.0.1");
    expect(&o, TLSC_OK, 0, NULL);
    o = verify("nc-root.pem", "nc-outside.pem", "tlsc.test");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_NAME_CONSTRAINTS,
           "DNS:localhost is outside the permitted subtrees");
    o = verify("nc-root.pem", "nc-excluded.pem", "tlsc.test");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_NAME_CONSTRAINTS,
           "DNS:bad.tlsc.test is in an excluded subtree");
    /* a critical nameConstraints on an intermediate: parsed and enforced */
    o = verify("root.pem", "nc-int-leaf-chain.pem", "tlsc.test");
    expect(&o, TLSC_OK, 0, NULL);
}

static void offline_usage_and_ca_rules(void **state)
{
    (void)state;
    outcome o = verify("root.pem", "badeku-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_EKU, "does not allow serverAuth");
    o = verify("root.pem", "notca-leaf-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_NOT_CA, "is not a CA");
    assert_false(o.flags & TLSC_VERIFY_UNTRUSTED);
    o = verify("root.pem", "deep-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_PATH_LEN, "path length constraint exceeded");
    o = verify("root.pem", "critext-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_CRITICAL_EXT, "1.3.6.1.4.1.55555.1");
}

static void offline_weak(void **state)
{
    (void)state;
    outcome o = verify("root.pem", "weak-rsa1024-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_WEAK, "RSA key of 1024 bits");
    o = verify("root.pem", "sha1-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_WEAK, "SHA1");
}

static void offline_cn_fallback(void **state)
{
    (void)state;
    outcome o = verify("root.pem", "nosan-chain.pem", "localhost");
    expect(&o, TLSC_ERR_HOSTNAME_MISMATCH, TLSC_VERIFY_HOSTNAME, "no subjectAltName");
    tlsc_config *cfg = config_for("root.pem");
    assert_int_equal(tlsc_config_allow_cn_fallback(cfg, true), TLSC_OK);
    o = verify_with(cfg, "nosan-chain.pem", "localhost");
    expect(&o, TLSC_OK, 0, NULL);
    cfg = config_for("root.pem");
    assert_int_equal(tlsc_config_allow_cn_fallback(cfg, true), TLSC_OK);
    o = verify_with(cfg, "nosan-chain.pem", "tlsc.test");
    expect(&o, TLSC_ERR_HOSTNAME_MISMATCH, TLSC_VERIFY_HOSTNAME, "subject CN is localhost");
    /* never the CN when there is a SAN: CN=other.test, SAN other.test only */
    cfg = config_for("root.pem");
    assert_int_equal(tlsc_config_allow_cn_fallback(cfg, true), TLSC_OK);
    o = verify_with(cfg, "server-p256-chain.pem", "other.test");
    expect(&o, TLSC_ERR_HOSTNAME_MISMATCH, TLSC_VERIFY_HOSTNAME, NULL);
}

static void offline_time_and_depth(void **state)
{
    (void)state;
    size_t len;
    char *data = slurp("server-p256-chain.pem", &len);
    tlsc_config *cfg = config_for("root.pem");
    uint32_t flags;
    char detail[512];
    int64_t now = (int64_t)time(NULL);
    /* the test PKI is valid for 30 days from now */
    assert_int_equal(tlsc_verify_chain(cfg, data, len, "localhost", now + 86400, &flags, detail,
                                       sizeof detail), TLSC_OK);
    assert_int_equal(tlsc_verify_chain(cfg, data, len, "localhost", now + 60 * 86400, &flags,
                                       detail, sizeof detail), TLSC_ERR_CERT_EXPIRED);
    assert_true(flags & TLSC_VERIFY_EXPIRED); /* leaf, intermediate and root */
    assert_non_null(strstr(detail, "certificate expired on"));
    assert_int_equal(tlsc_verify_chain(cfg, data, len, "localhost", now - 86400, &flags,
                                       detail, sizeof detail), TLSC_ERR_CERT_NOT_YET_VALID);
    assert_true(flags & TLSC_VERIFY_NOT_YET_VALID);
    /* verifying froze the configuration */
    assert_int_equal(tlsc_config_allow_cn_fallback(cfg, true), TLSC_ERR_CONFIG_FROZEN);
    tlsc_config_free(cfg);
    free(data);

    cfg = config_for("root.pem");
    assert_int_equal(tlsc_config_set_max_chain_depth(cfg, 9), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_max_chain_depth(cfg, 0), TLSC_OK);
    outcome o = verify_with(cfg, "server-p256-chain.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_CHAIN_DEPTH, "more than the 0 allowed");
}

static void offline_arguments(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    uint32_t flags = 7;
    char detail[64] = "x";
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_verify_chain(cfg, "x", 1, NULL, -1, &flags, detail, sizeof detail),
                     TLSC_ERR_NO_TRUST);
    assert_int_equal(flags, 0);
    assert_string_equal(detail, "");
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_verify_chain(NULL, "x", 1, NULL, -1, NULL, NULL, 0),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_verify_chain(cfg, NULL, 1, NULL, -1, NULL, NULL, 0),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_verify_chain(cfg, "-----BEGIN X-----", 17, NULL, -1, NULL, NULL, 0),
                     TLSC_ERR_CERT_PARSE); /* no certificate at all */
    assert_int_equal(tlsc_verify_chain(cfg, "no certificate", 14, "bad host!", -1, NULL, NULL,
                                       0), TLSC_ERR_HOSTNAME);
    size_t len;
    char *data = slurp("server-p256-chain.pem", &len);
    data[len - 30] = '!'; /* corrupt the second certificate's base64 */
    assert_int_equal(tlsc_verify_chain(cfg, data, len, "localhost", -1, &flags, detail,
                                       sizeof detail), TLSC_ERR_CERT_BAD);
    assert_non_null(strstr(detail, "certificate 1 of the chain"));
    free(data);
    tlsc_config_free(cfg);
}

/* ---- through a handshake -------------------------------------------------------- */

/* openssl s_server with leaf NAME (+ chain file, if any). */
static int serve(peer *p, const char *name, const char *chain)
{
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    const char *args[] = { "-cert", path(cert), "-key", path(key), "-naccept", "1", "-rev",
                           chain ? "-cert_chain" : NULL, chain ? path(chain) : NULL, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static outcome connect_to(tlsc_config *cfg, const char *name, const char *chain,
                          const char *host)
{
    peer p = { 0 };
    outcome o;
    int port = serve(&p, name, chain);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_set_server_name(c, host), TLSC_OK);
    o.err = tlsc_conn_connect(c, "127.0.0.1", (uint16_t)port);
    o.flags = tlsc_conn_verify_flags(c);
    snprintf(o.detail, sizeof o.detail, "%s", tlsc_conn_errmsg(c));
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    peer_stop(&p);
    return o;
}

static void handshake_name_constraints(void **state)
{
    (void)state;
    outcome o = connect_to(config_for("nc-root.pem"), "nc-ok", NULL, "tlsc.test");
    expect(&o, TLSC_OK, 0, NULL);
    o = connect_to(config_for("nc-root.pem"), "nc-excluded", NULL, "tlsc.test");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_NAME_CONSTRAINTS, "excluded subtree");
    /* the documented mbedTLS 3.6 limit: a critical nameConstraints the
     * SERVER sends cannot be parsed in a handshake, so it is refused */
    o = connect_to(config_for("root.pem"), "nc-int-leaf", "nc-int.pem", "tlsc.test");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_CRITICAL_EXT, "nameConstraints");
}

static void handshake_rules(void **state)
{
    (void)state;
    outcome o = connect_to(config_for("root.pem"), "deep", "deep-ints.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_PATH_LEN, "path length constraint exceeded");
    o = connect_to(config_for("root.pem"), "notca-leaf", "notca.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_NOT_CA, "is not a CA");
    o = connect_to(config_for("root.pem"), "badeku", "int.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_EKU, "serverAuth");
    o = connect_to(config_for("root.pem"), "critext", "int.pem", "localhost");
    expect(&o, TLSC_ERR_CERT_BAD, TLSC_VERIFY_CRITICAL_EXT, "critical extension");
}

static void handshake_cn_fallback(void **state)
{
    (void)state;
    outcome o = connect_to(config_for("root.pem"), "nosan", "int.pem", "localhost");
    expect(&o, TLSC_ERR_HOSTNAME_MISMATCH, TLSC_VERIFY_HOSTNAME, "no subjectAltName");
    tlsc_config *cfg = config_for("root.pem");
    assert_int_equal(tlsc_config_allow_cn_fallback(cfg, true), TLSC_OK);
    o = connect_to(cfg, "nosan", "int.pem", "localhost");
    expect(&o, TLSC_OK, 0, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offline_valid),
        cmocka_unit_test(offline_name_constraints),
        cmocka_unit_test(offline_usage_and_ca_rules),
        cmocka_unit_test(offline_weak),
        cmocka_unit_test(offline_cn_fallback),
        cmocka_unit_test(offline_time_and_depth),
        cmocka_unit_test(offline_arguments),
        cmocka_unit_test(handshake_name_constraints),
        cmocka_unit_test(handshake_rules),
        cmocka_unit_test(handshake_cn_fallback),
    };
    return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
