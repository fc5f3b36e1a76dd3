/*
 * The API behind `tlsc probe`, against real openssl s_server peers:
 * choosing cipher suites (tlsc_config_set_suites, tlsc_suite_name) and
 * what the server sent (tlsc_conn_peer_cert,
 * tlsc_conn_max_handshake_message). Expected sizes come from the PKI's
 * certificate files and the message layouts the RFCs fix.
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
#include "expect_conn.h"
#include "peer.h"
#include "pki.h"

/* A -www server for NAME with the intermediate, for `accepts` connections. */
static int serve(peer *p, const char *name, const char *extra)
{
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    const char *args[] = { "-cert", path(cert), "-key", path(key), "-cert_chain",
                           path("int.pem"), "-www", "-naccept", "1", extra, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static tlsc_config *config(const char *suites)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    if (suites != NULL)
        assert_int_equal(tlsc_config_set_suites(cfg, suites), TLSC_OK);
    assert_int_equal(tlsc_config_keep_peer_chain(cfg, true), TLSC_OK);
    return cfg;
}

/* DER size of a PEM certificate of the PKI (through openssl). */
static size_t der_size(const char *name)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "openssl x509 -in '%s' -outform DER | wc -c", path(name));
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    unsigned long n = 0;
    assert_int_equal(fscanf(f, "%lu", &n), 1);
    pclose(f);
    return n;
}

/* ---- suites ------------------------------------------------------------------ */

static void suite_names_and_setter_rules(void **state)
{
    (void)state;
    size_t n = 0;
    while (tlsc_suite_name(n) != NULL)
        n++;
    assert_int_equal(n, 13);
    assert_string_equal(tlsc_suite_name(0), "TLS_AES_128_GCM_SHA256");
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tlsc_config_set_suites(cfg, tlsc_suite_name(i)), TLSC_OK);
    assert_int_equal(tlsc_config_set_suites(cfg, "TLS_AES_128_GCM_SHA256,"
                                                 "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                     TLSC_OK);
    assert_int_equal(tlsc_config_set_suites(cfg, "TLS_AES_128_GCM_SHA256,TLS_RSA_WITH_RC4"),
                     TLSC_ERR_INVALID_ARG);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "'TLS_RSA_WITH_RC4'"));
    assert_int_equal(tlsc_config_set_suites(cfg, ",TLS_AES_128_GCM_SHA256"),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_suites(cfg, "tls_aes_128_gcm_sha256"),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_suites(cfg, NULL), TLSC_OK);
    assert_int_equal(tlsc_config_set_suites(cfg, ""), TLSC_OK);
    assert_int_equal(tlsc_config_set_suites(NULL, ""), TLSC_ERR_INVALID_ARG);
    tlsc_config_free(cfg);
}

/* Only TLS 1.2 suites allowed: TLS 1.3 is not offered either, although the
 * server prefers it. */
static void tls12_suite_narrows_versions(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p, "server-p256", NULL);
    tlsc_conn *c = connect_expect(config("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"), port,
                                  TLSC_OK);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.2");
    assert_string_equal(tlsc_conn_cipher(c), "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void tls13_suite_is_the_one_negotiated(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p, "server-p256", NULL);
    tlsc_conn *c = connect_expect(config("TLS_AES_256_GCM_SHA384"), port, TLSC_OK);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.3");
    assert_string_equal(tlsc_conn_cipher(c), "TLS_AES_256_GCM_SHA384");
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* The server has an ECDSA key: an RSA-only suite list has nothing in common. */
static void no_common_suite(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p, "server-p256", "-tls1_2");
    tlsc_conn *c = connect_expect(config("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), port,
                                  TLSC_ERR_PEER_HANDSHAKE_FAILURE);
    tlsc_peer_cert pc;
    assert_false(tlsc_conn_peer_cert(c, 0, &pc));
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* TLS 1.2 only, and only a TLS 1.3 suite: nothing can be offered, which
 * tlsc says before sending a doomed ClientHello. */
static void nothing_to_offer(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p, "server-p256", NULL);
    tlsc_config *cfg = config("TLS_AES_128_GCM_SHA256");
    assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_2, TLSC_TLS1_2), TLSC_OK);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_ERR_CONFIG);
    assert_null(c);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "no cipher suite to offer"));
    /* fixable: the configuration was not frozen */
    assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_2, TLSC_TLS1_3), TLSC_OK);
    c = connect_expect(cfg, port, TLSC_OK);
    assert_string_equal(tlsc_conn_cipher(c), "TLS_AES_128_GCM_SHA256");
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- what the server sent ------------------------------------------------------ */

static void check_chain(const tlsc_conn *c, const char *leaf, const char *leaf_key)
{
    tlsc_peer_cert pc;
    assert_true(tlsc_conn_peer_cert(c, 0, &pc));
    assert_int_equal(pc.der_len, der_size(leaf));
    assert_int_equal(pc.der[0], 0x30); /* a DER SEQUENCE */
    assert_string_equal(pc.key, leaf_key);
    assert_true(tlsc_conn_peer_cert(c, 1, &pc));
    assert_int_equal(pc.der_len, der_size("int.pem"));
    assert_string_equal(pc.key, "ec secp256r1");
    assert_false(tlsc_conn_peer_cert(c, 2, &pc));
}

static void chain_and_largest_message(const char *leaf, const char *key, const char *version)
{
    peer p = { 0 };
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(strlen(leaf) - 4), leaf);
    int port = serve(&p, name, version);
    tlsc_config *cfg = config(NULL);
    tlsc_conn *c = NULL;
    tlsc_peer_cert pc;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_false(tlsc_conn_peer_cert(c, 0, &pc));
    assert_int_equal(tlsc_conn_max_handshake_message(c), 0);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    check_chain(c, leaf, key);
    size_t l = der_size(leaf), i = der_size("int.pem");
    /* The Certificate message is the largest: TLS 1.2 has a 3-byte length per
     * certificate, TLS 1.3 adds a request context and 2 bytes of extensions. */
    size_t expect = strcmp(version, "-tls1_2") == 0 ? 4 + 3 + (3 + l) + (3 + i)
                                                    : 4 + 1 + 3 + (3 + l + 2) + (3 + i + 2);
    assert_int_equal(tlsc_conn_max_handshake_message(c), expect);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void peer_chain_tls12_rsa(void **state)
{
    (void)state;
    chain_and_largest_message("server-rsa2048.pem", "rsa 2048", "-tls1_2");
}

static void peer_chain_tls13_p384(void **state)
{
    (void)state;
    chain_and_largest_message("server-p384.pem", "ec secp384r1", "-tls1_3");
}

/* By default the chain is freed once verified (an idle connection stays
 * small): the getter then reports none. */
static void chain_dropped_by_default(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p, "server-p256", NULL);
    tlsc_config *cfg = config(NULL);
    assert_int_equal(tlsc_config_keep_peer_chain(cfg, false), TLSC_OK);
    tlsc_conn *c = connect_expect(cfg, port, TLSC_OK);
    tlsc_peer_cert pc;
    assert_false(tlsc_conn_peer_cert(c, 0, &pc));
    assert_true(tlsc_conn_max_handshake_message(c) > 0);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void null_arguments(void **state)
{
    (void)state;
    tlsc_peer_cert pc;
    assert_false(tlsc_conn_peer_cert(NULL, 0, &pc));
    assert_int_equal(tlsc_config_keep_peer_chain(NULL, true), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_conn_max_handshake_message(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(suite_names_and_setter_rules),
        cmocka_unit_test(tls12_suite_narrows_versions),
        cmocka_unit_test(tls13_suite_is_the_one_negotiated),
        cmocka_unit_test(no_common_suite),
        cmocka_unit_test(nothing_to_offer),
        cmocka_unit_test(peer_chain_tls12_rsa),
        cmocka_unit_test(peer_chain_tls13_p384),
        cmocka_unit_test(chain_dropped_by_default),
        cmocka_unit_test(null_arguments),
    };
    return cmocka_run_group_tests_name("api_peer_info", tests, make_pki, drop_pki);
}
