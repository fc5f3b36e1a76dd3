/*
 * The client certificate API (tlsc/conn.h): whether the server asked for
 * one, and its verdict, which a TLS 1.3 server gives after the client's
 * handshake is over (tlsc_conn_client_cert_status,
 * tlsc_conn_await_client_cert_verdict), against openssl s_server -Verify 1.
 * A write after the server refused reports its alert, not the reset of
 * the closed socket. Also tlsc_cert_key on keys this build cannot use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "expect_conn.h"
#include "peer.h"
#include "pki.h"

/* A server for `version` (-tls1_2 / -tls1_3) asking for a certificate
 * (mode -Verify: required, -verify: optional, NULL: not at all). */
static int serve(peer *p, const char *version, const char *mode)
{
    const char *args[] = { "-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", "1",
                           "-verify_return_error", "-CAfile", path("client-ca.pem"),
                           version, mode, mode != NULL ? "1" : NULL, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static tlsc_conn *connect_to(int port, const char *client, tlsc_err expect)
{
    tlsc_config *cfg = NULL;
    char cert[64], key[64];
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    if (client != NULL) {
        snprintf(cert, sizeof cert, "%s.pem", client);
        snprintf(key, sizeof key, "%s.key", client);
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, path(cert), path(key), NULL),
                         TLSC_OK);
    }
    return connect_expect(cfg, port, expect);
}

static void tls13_none_sent_then_refused(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_3", "-Verify"), NULL, TLSC_OK);
    assert_true(tlsc_conn_client_cert_requested(c));
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_NONE_SENT);
    assert_int_equal(tlsc_conn_await_client_cert_verdict(c, 3000), TLSC_ERR_PEER_CERT_REQUIRED);
    assert_non_null(strstr(tlsc_conn_errmsg(c), "certificate_required (116)"));
    assert_non_null(strstr(tlsc_conn_errmsg(c), "none is configured"));
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_NONE_SENT);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void tls13_sent_accepted(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_3", "-Verify"), "client-ec", TLSC_OK);
    assert_true(tlsc_conn_client_cert_requested(c));
    assert_int_equal(tlsc_conn_await_client_cert_verdict(c, 3000), TLSC_OK);
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_ACCEPTED);
    assert_int_equal(tlsc_conn_write(c, "abc\n", 4), TLSC_OK);
    char buf[8];
    size_t got = 0;
    assert_int_equal(tlsc_conn_read(c, buf, sizeof buf, &got), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void tls13_sent_rejected(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_3", "-Verify"), "client-selfsigned", TLSC_OK);
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_SENT);
    assert_int_equal(tlsc_conn_await_client_cert_verdict(c, 3000), TLSC_ERR_PEER_BAD_CERT);
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_REJECTED);
    assert_non_null(strstr(tlsc_conn_errmsg(c), "unknown_ca (48)"));
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* The application writes first, long after the server refused and
 * closed: the writes meet a closed socket, yet the error is the alert. */
static void tls13_write_after_refusal_reports_the_alert(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_3", "-Verify"), NULL, TLSC_OK);
    usleep(300 * 1000);
    tlsc_err err = TLSC_OK;
    char buf[8];
    size_t got = 0;
    for (int i = 0; i < 5 && err == TLSC_OK; i++) {
        err = tlsc_conn_write(c, "GET / HTTP/1.0\r\n", 16);
        usleep(50 * 1000);
    }
    if (err == TLSC_OK)
        err = tlsc_conn_read(c, buf, sizeof buf, &got);
    if (err != TLSC_ERR_PEER_CERT_REQUIRED)
        fail_msg("%s (%s)", tlsc_strerror(err), tlsc_conn_errmsg(c));
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void tls12_refusal_fails_the_handshake(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_2", "-Verify"), NULL, TLSC_ERR_PEER_CERT_REQUIRED);
    assert_true(tlsc_conn_client_cert_requested(c));
    assert_non_null(strstr(tlsc_conn_errmsg(c), "CertificateRequest"));
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void tls12_accepted_at_handshake_end(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_2", "-Verify"), "client-ec", TLSC_OK);
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_ACCEPTED);
    assert_int_equal(tlsc_conn_await_client_cert_verdict(c, 0), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void not_requested(void **state)
{
    (void)state;
    peer p = {0};
    tlsc_conn *c = connect_to(serve(&p, "-tls1_3", NULL), "client-ec", TLSC_OK);
    assert_false(tlsc_conn_client_cert_requested(c));
    assert_int_equal(tlsc_conn_client_cert_status(c), TLSC_CLIENT_CERT_NOT_REQUESTED);
    assert_int_equal(tlsc_conn_await_client_cert_verdict(c, 3000), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
    assert_int_equal(tlsc_conn_client_cert_status(NULL), TLSC_CLIENT_CERT_NOT_REQUESTED);
    assert_int_equal(tlsc_conn_await_client_cert_verdict(NULL, 0), TLSC_ERR_INVALID_ARG);
}

/* DER of a fresh self-signed certificate for a key made by `genpkey`. */
static size_t make_der(const char *name, const char *genpkey, unsigned char *der, size_t cap)
{
    char cmd[2048], file[64], keyfile[512];
    snprintf(file, sizeof file, "%s.der", name);
    snprintf(keyfile, sizeof keyfile, "%s", path("keytest.key"));
    snprintf(cmd, sizeof cmd,
             "openssl genpkey %s -out '%s' 2>/dev/null && openssl req -new -x509 -key '%s' "
             "-subj /CN=%s -days 1 -outform DER -out '%s'",
             genpkey, keyfile, keyfile, name, path(file));
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(path(file), "rb");
    assert_non_null(f);
    size_t n = fread(der, 1, cap, f);
    fclose(f);
    return n;
}

static void cert_key_names_unusable_keys(void **state)
{
    (void)state;
    static const struct {
        const char *genpkey, *key;
        bool usable;
    } cases[] = {
        {"-algorithm EC -pkeyopt ec_paramgen_curve:P-256", "ec secp256r1", true},
        {"-algorithm EC -pkeyopt ec_paramgen_curve:P-521", "ec secp521r1", false},
        {"-algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1", "ec brainpoolP256r1", false},
        {"-algorithm ED25519", "ed25519", false},
        {"-algorithm ED448", "ed448", false},
    };
    unsigned char der[4096];
    char key[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = make_der("keytest", cases[i].genpkey, der, sizeof der);
        bool usable = !cases[i].usable;
        if (!tlsc_cert_key(der, n, key, sizeof key, &usable))
            fail_msg("tlsc_cert_key refused %s (%zu bytes)", cases[i].key, n);
        assert_string_equal(key, cases[i].key);
        assert_int_equal(usable, cases[i].usable);
    }
    assert_false(tlsc_cert_key((const unsigned char *)"nope", 4, key, sizeof key, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls13_none_sent_then_refused),
        cmocka_unit_test(tls13_sent_accepted),
        cmocka_unit_test(tls13_sent_rejected),
        cmocka_unit_test(tls13_write_after_refusal_reports_the_alert),
        cmocka_unit_test(tls12_refusal_fails_the_handshake),
        cmocka_unit_test(tls12_accepted_at_handshake_end),
        cmocka_unit_test(not_requested),
        cmocka_unit_test(cert_key_names_unusable_keys),
    };
    return cmocka_run_group_tests_name("api_client_cert", tests, make_pki, drop_pki);
}
