/*
 * tlsc_config_set_client_signer through the public API, against openssl
 * s_server -Verify 1 -verify_return_error with the test PKI.
 *
 * The "device" here is a PSA key (the test PKI's client key imported into
 * PSA by the test, as a secure element with a PSA interface would hold
 * it): tlsc sees only the callback. The PKCS#11 path (SoftHSM2) is tested
 * by tests/interop/pkcs11.sh; this program covers what the CLI cannot
 * reach: a signer that fails only at the handshake (TLS 1.2 and 1.3), a
 * signer returning a malformed signature, the algorithms and DigestInfo
 * handed over, and a slow signer inside the event loop next to another
 * connection. The RSA cases skip themselves in the ECC-only profiles
 * (tlsc_profile_has_rsa).
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

#include "mbedtls/pk.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"
#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"

/* The test device: a PSA key and what it was asked. */
typedef struct device {
    psa_key_id_t key;
    bool rsa;
    int calls;
    int fail_from;        /* calls numbered >= this fail (0 = never) */
    bool short_signature; /* return one byte too few */
    unsigned delay_ms;    /* a slow bus */
    tlsc_sign_alg last_alg;
    size_t last_hash_len;
} device;

static void load_device(device *d, const char *key_file)
{
    memset(d, 0, sizeof *d);
    /* tlsc installs its allocator in mbedTLS at its first configuration:
     * before that, PSA's buffers would come from another heap. */
    tlsc_config *first = NULL;
    assert_int_equal(tlsc_config_new(&first), TLSC_OK);
    tlsc_config_free(first);
    /* From memory, not mbedtls_pk_parse_keyfile: the small profiles leave
     * out MBEDTLS_FS_IO. PEM is parsed with its terminating NUL. */
    size_t len;
    char *pem = pki_read(key_file, &len);
    assert_non_null(pem);
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    assert_int_equal(mbedtls_pk_parse_key(&pk, (const unsigned char *)pem, len + 1, NULL, 0,
                                          mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE),
                     0);
    free(pem);
    d->rsa = mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA;
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(mbedtls_pk_get_psa_attributes(&pk, PSA_KEY_USAGE_SIGN_HASH, &attr), 0);
    /* Raw PKCS#1 v1.5 over tlsc's DigestInfo, as PKCS#11 CKM_RSA_PKCS does. */
    psa_set_key_algorithm(&attr, d->rsa ? PSA_ALG_RSA_PKCS1V15_SIGN_RAW
                                        : PSA_ALG_ECDSA(PSA_ALG_ANY_HASH));
    assert_int_equal(mbedtls_pk_import_into_psa(&pk, &attr, &d->key), 0);
    mbedtls_pk_free(&pk);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static tlsc_sign_result device_sign(void *user, const tlsc_sign_request *req, uint8_t *sig,
                                    size_t sig_cap, size_t *sig_len, char *why,
                                    size_t why_cap)
{
    device *d = user;
    d->calls++;
    d->last_alg = req->alg;
    d->last_hash_len = req->hash_len;
    sleep_ms(d->delay_ms);
    if (d->fail_from != 0 && d->calls >= d->fail_from) {
        snprintf(why, why_cap, "I2C bus timeout (simulated)");
        return TLSC_SIGN_FAILED;
    }
    psa_algorithm_t sha = req->hash_len == 48 ? PSA_ALG_SHA_384 : PSA_ALG_SHA_256;
    psa_status_t st =
        d->rsa ? psa_sign_hash(d->key, PSA_ALG_RSA_PKCS1V15_SIGN_RAW, req->digest_info,
                               req->digest_info_len, sig, sig_cap, sig_len)
               : psa_sign_hash(d->key, PSA_ALG_ECDSA(sha), req->hash, req->hash_len, sig,
                               sig_cap, sig_len);
    if (st != PSA_SUCCESS) {
        snprintf(why, why_cap, "psa_sign_hash: %d", (int)st);
        return TLSC_SIGN_FAILED;
    }
    if (d->short_signature)
        (*sig_len)--;
    return TLSC_SIGN_OK;
}

static char *slurp(const char *file, size_t *len)
{
    char *data = pki_read(file, len);
    assert_non_null(data);
    return data;
}

/* A configuration trusting the test root, with cert_file + d as client
 * credential; returns the setter's result (cfg is kept either way). */
static tlsc_err signer_config(tlsc_config **cfg, const char *cert_file, device *d)
{
    assert_int_equal(tlsc_config_new(cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(*cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(*cfg, 5000, 5000, 5000), TLSC_OK);
    size_t len;
    char *cert = slurp(cert_file, &len);
    tlsc_err err = tlsc_config_set_client_signer(*cfg, cert, len, "test-se@0x60",
                                                 device_sign, d);
    free(cert);
    return err;
}

/* For a server that speaks TLS 1.3 only: a build whose input buffer is
 * below 16 KiB (small4k) offers TLS 1.2 only unless the application sets
 * the versions (tlsc_config_set_buffers); elsewhere this is the default. */
static void allow_tls13(tlsc_config *cfg, const char *version_flag)
{
    if (strcmp(version_flag, "-tls1_3") == 0)
        assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_2, TLSC_TLS1_3), TLSC_OK);
}

static int mtls_server(peer *p, const char *version_flag)
{
    /* path() rotates 8 buffers: 4 calls are safe together. */
    const char *args[] = {"-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                          "-cert_chain", path("int.pem"), "-CAfile", path("client-ca.pem"),
                          "-Verify", "1", "-verify_return_error", "-rev", version_flag, NULL};
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

/* Connect, send a line, expect it reversed (the server has accepted our
 * certificate: TLS 1.3 reports a rejection only after the handshake). */
static tlsc_err exchange(tlsc_config *cfg, int port, char *errmsg, size_t cap)
{
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err == TLSC_OK)
        err = tlsc_conn_write(c, "ping\n", 5);
    char buf[16] = "";
    size_t n = 0;
    while (err == TLSC_OK && n < 5) {
        size_t got = 0;
        err = tlsc_conn_read(c, buf + n, sizeof buf - 1 - n, &got);
        n += got;
    }
    if (err == TLSC_OK)
        assert_memory_equal(buf, "gnip\n", 5);
    snprintf(errmsg, cap, "%s", tlsc_conn_errmsg(c));
    tlsc_conn_free(c);
    return err;
}

/* ---- handshakes ---------------------------------------------------------------- */

static void run_ok(const char *cert, const char *key, const char *flag, tlsc_sign_alg want)
{
    device d;
    load_device(&d, key);
    tlsc_config *cfg;
    assert_int_equal(signer_config(&cfg, cert, &d), TLSC_OK);
    assert_int_equal(d.calls, 1); /* the configuration-time test signature */
    allow_tls13(cfg, flag);
    peer p = {0};
    int port = mtls_server(&p, flag);
    char msg[512];
    tlsc_err err = exchange(cfg, port, msg, sizeof msg);
    peer_stop(&p);
    if (err != TLSC_OK)
        fail_msg("%s", msg);
    assert_int_equal(d.calls, 2);
    assert_int_equal(d.last_alg, want);
    tlsc_config_free(cfg);
    psa_destroy_key(d.key);
}

static void ecdsa_tls12(void **state)
{
    (void)state;
    run_ok("client-ec.pem", "client-ec.key", "-tls1_2", TLSC_SIGN_ECDSA_SHA256);
}

static void ecdsa_tls13(void **state)
{
    (void)state;
    run_ok("client-ec.pem", "client-ec.key", "-tls1_3", TLSC_SIGN_ECDSA_SHA256);
}

static void rsa_tls12(void **state)
{
    (void)state;
    if (!tlsc_profile_has_rsa())
        skip(); /* an ECC-only profile: no RSA client key */
    run_ok("client-rsa.pem", "client-rsa.key", "-tls1_2", TLSC_SIGN_RSA_PKCS1_SHA256);
}

/* The RSA signer's configuration offers TLS 1.2 only, even to a 1.3 server. */
static void rsa_default_is_tls12(void **state)
{
    (void)state;
    if (!tlsc_profile_has_rsa())
        skip(); /* an ECC-only profile: no RSA client key */
    run_ok("client-rsa.pem", "client-rsa.key", "-no_tls1_1", TLSC_SIGN_RSA_PKCS1_SHA256);
}

static void rsa_tls13_only_refused(void **state)
{
    (void)state;
    if (!tlsc_profile_has_rsa())
        skip();
    device d;
    load_device(&d, "client-rsa.key");
    tlsc_config *cfg;
    assert_int_equal(signer_config(&cfg, "client-rsa.pem", &d), TLSC_OK);
    assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_3, TLSC_TLS1_3), TLSC_OK);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_ERR_CONFIG);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "RSA key allows TLS 1.2 only"));
    tlsc_config_free(cfg);
    psa_destroy_key(d.key);
}

/* Signs at configuration time, fails at the handshake: the connection's
 * error is the signer's, with its name and words, not a protocol error. */
static void fails_at_handshake(const char *flag)
{
    device d;
    load_device(&d, "client-ec.key");
    d.fail_from = 2;
    tlsc_config *cfg;
    assert_int_equal(signer_config(&cfg, "client-ec.pem", &d), TLSC_OK);
    allow_tls13(cfg, flag);
    peer p = {0};
    int port = mtls_server(&p, flag);
    char msg[512];
    tlsc_err err = exchange(cfg, port, msg, sizeof msg);
    peer_stop(&p);
    assert_int_equal(err, TLSC_ERR_SIGNER);
    assert_string_equal(msg, "client key signer 'test-se@0x60' failed: I2C bus timeout "
                             "(simulated)");
    tlsc_config_free(cfg);
    psa_destroy_key(d.key);
}

static void fails_at_handshake_tls12(void **state)
{
    (void)state;
    fails_at_handshake("-tls1_2");
}

static void fails_at_handshake_tls13(void **state)
{
    (void)state;
    fails_at_handshake("-tls1_3");
}

/* ---- configuration-time checks ----------------------------------------------- */

static void config_failures(void **state)
{
    (void)state;
    device d;
    load_device(&d, "client-ec.key");
    tlsc_config *cfg;

    d.fail_from = 1;
    assert_int_equal(signer_config(&cfg, "client-ec.pem", &d), TLSC_ERR_SIGNER);
    assert_string_equal(tlsc_config_errmsg(cfg), "client key signer 'test-se@0x60' failed: "
                                                 "I2C bus timeout (simulated)");
    tlsc_config_free(cfg);

    load_device(&d, "client-mismatch.key");
    assert_int_equal(signer_config(&cfg, "client-ec.pem", &d), TLSC_ERR_KEY_MISMATCH);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "signs with a key that does not match"));
    tlsc_config_free(cfg);
    psa_destroy_key(d.key);

    load_device(&d, "client-ec.key");
    d.short_signature = true;
    assert_int_equal(signer_config(&cfg, "client-ec.pem", &d), TLSC_ERR_KEY_MISMATCH);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "a 63-byte signature, expected 64"));
    tlsc_config_free(cfg);

    size_t len;
    char *cert = slurp("client-ec.pem", &len);
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_set_client_signer(cfg, cert, len, "x", NULL, &d),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_client_signer(cfg, cert, len, NULL, device_sign, &d),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_client_signer(cfg, "junk", 4, "x", device_sign, &d),
                     TLSC_ERR_CERT_PARSE);
    tlsc_config_free(cfg);
    free(cert);
    psa_destroy_key(d.key);
}

/* ---- the event loop ------------------------------------------------------------ */

typedef struct watcher {
    int connected;
    tlsc_err err;
} watcher;

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    watcher *w = ud;
    if (e->kind == TLSC_EV_CONNECTED) {
        w->connected++;
        (void)tlsc_ev_close(ev);
    }
    if (e->kind == TLSC_EV_DISCONNECTED && w->err == TLSC_OK)
        w->err = e->err;
}

/*
 * A slow signer (300 ms, an ATECC608 at a slow clock) on the event loop
 * next to a connection that needs no signature. The signer is synchronous
 * (see tlsc/signer.h: mbedTLS 3.6 cannot suspend a client's
 * CertificateVerify), so the loop waits during the call; what must hold is
 * that both connections complete, verified, with no error or timeout
 * caused by the stall.
 */
static void slow_signer_event_loop(void **state)
{
    (void)state;
    device d;
    load_device(&d, "client-ec.key");
    tlsc_config *mtls;
    assert_int_equal(signer_config(&mtls, "client-ec.pem", &d), TLSC_OK);
    allow_tls13(mtls, "-tls1_3");
    d.delay_ms = 300;
    tlsc_config *plain;
    assert_int_equal(tlsc_config_new(&plain), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(plain, path("root.pem")), TLSC_OK);
    peer p1 = {0}, p2 = {0};
    int port1 = mtls_server(&p1, "-tls1_3");
    const char *args[] = {"-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                          "-cert_chain", path("int.pem"), "-rev", NULL};
    int port2 = peer_start(&p2, args);
    assert_true(port2 > 0);

    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    watcher w1 = {0}, w2 = {0};
    tlsc_ev *e1 = NULL, *e2 = NULL;
    assert_int_equal(tlsc_ev_new(loop, mtls, on_event, &w1, &e1), TLSC_OK);
    assert_int_equal(tlsc_ev_new(loop, plain, on_event, &w2, &e2), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(e1, "localhost", (uint16_t)port1), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(e2, "localhost", (uint16_t)port2), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(w1.connected, 1);
    assert_int_equal(w2.connected, 1);
    assert_int_equal(w1.err, TLSC_OK);
    assert_int_equal(w2.err, TLSC_OK);
    assert_int_equal(d.calls, 2);
    tlsc_ev_free(e1);
    tlsc_ev_free(e2);
    tlsc_loop_free(loop);
    peer_stop(&p1);
    peer_stop(&p2);
    tlsc_config_free(mtls);
    tlsc_config_free(plain);
    psa_destroy_key(d.key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ecdsa_tls12),
        cmocka_unit_test(ecdsa_tls13),
        cmocka_unit_test(rsa_tls12),
        cmocka_unit_test(rsa_default_is_tls12),
        cmocka_unit_test(rsa_tls13_only_refused),
        cmocka_unit_test(fails_at_handshake_tls12),
        cmocka_unit_test(fails_at_handshake_tls13),
        cmocka_unit_test(config_failures),
        cmocka_unit_test(slow_signer_event_loop),
    };
    return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
