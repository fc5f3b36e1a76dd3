/*
 * API integration tests: the public C API against real `openssl s_server`
 * peers on 127.0.0.1, with a PKI generated at test time by
 * tests/pki/gen.sh. Covers what the CLI tests cannot reach: both drivers
 * (blocking and non-blocking), user transports, the verify callback, the
 * clock hook, configuration rules and heap accounting.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"


/* The certificate sent after the leaf: s_server's -cert sends only the
 * leaf, extra certificates go in -cert_chain. */
static const char *chain_of(const char *name)
{
    if (strcmp(name, "selfsigned") == 0)
        return NULL;
    return strcmp(name, "untrusted") == 0 ? "untrusted-root.pem" : "int.pem";
}

/* A server for NAME.pem/NAME.key that reverses lines (-rev) and serves
 * `accepts` connections. */
static int start_server_n(peer *p, const char *name, const char *accepts, const char *extra)
{
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    const char *chain = chain_of(name);
    const char *args[] = { "-cert", path(cert), "-key", path(key), "-rev", "-naccept", accepts,
                           chain ? "-cert_chain" : extra, chain ? path(chain) : NULL,
                           extra, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static int start_server(peer *p, const char *name, const char *extra)
{
    return start_server_n(p, name, "1", extra);
}

static tlsc_config *ca_config(void)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    return cfg;
}

/* Connect with cfg to host:port, return the error, and free everything. */
static tlsc_err try_connect(tlsc_config *cfg, const char *host, int port, char *detail,
                            size_t cap)
{
    tlsc_conn *c = NULL;
    tlsc_err err = tlsc_conn_new(cfg, &c);
    tlsc_config_free(cfg);
    if (err != TLSC_OK)
        return err;
    err = tlsc_conn_connect(c, host, (uint16_t)port);
    if (detail != NULL)
        snprintf(detail, cap, "%s", tlsc_conn_errmsg(c));
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    return err;
}

/* Send a line, expect it back reversed (s_server -rev). */
static void echo_line(tlsc_conn *c)
{
    assert_int_equal(tlsc_conn_write(c, "abc\n", 4), TLSC_OK);
    char buf[64] = "";
    size_t got = 0, total = 0;
    while (total < 4 && tlsc_conn_read(c, buf + total, sizeof buf - 1 - total, &got) == TLSC_OK)
        total += got;
    assert_int_equal(total, 4);
    assert_memory_equal(buf, "cba\n", 4);
}

/* ---- blocking driver ------------------------------------------------------ */

static void blocking_tls13_verified(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p256", "-tls1_3");
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.3");
    assert_string_equal(tlsc_conn_group(c), "secp256r1");
    assert_non_null(strstr(tlsc_conn_peer_subject(c), "CN="));
    assert_int_equal(tlsc_conn_verify_flags(c), 0);
    assert_true(tlsc_conn_handshake_heap_peak(c) > 0);
    echo_line(c);
    assert_int_equal(tlsc_conn_close(c), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void blocking_tls12_by_ip(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p384", "-tls1_2");
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    /* by IP: verified against SAN IP:127.0.0.1, no SNI */
    assert_int_equal(tlsc_conn_connect(c, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.2");
    assert_non_null(strstr(tlsc_conn_cipher(c), "_GCM_") ? "gcm" : strstr(tlsc_conn_cipher(c), "CHACHA"));
    echo_line(c);
    tlsc_conn_free(c); /* free without close is allowed */
    peer_stop(&p);
}

/* ---- non-blocking driver -------------------------------------------------- */

static tlsc_err nb_wait(tlsc_conn *c, tlsc_err want)
{
    int fd;
    bool r, w;
    uint64_t deadline;
    tlsc_conn_poll_info(c, &fd, &r, &w, &deadline);
    assert_true(fd >= 0);
    assert_true(r == (want == TLSC_WANT_READ) && w == (want == TLSC_WANT_WRITE));
    struct pollfd pf = { .fd = fd, .events = (short)((r ? POLLIN : 0) | (w ? POLLOUT : 0)) };
    poll(&pf, 1, 100);
    return TLSC_OK;
}

static void nonblocking_driver(void **state)
{
    (void)state;
    peer p = { 0 };
    /* RSA where the build has it (the ECC-only profiles: ECDSA) */
    int port = start_server(&p, tlsc_profile_has_rsa() ? "server-rsa2048" : "server-p256", NULL);
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_start(c, "localhost", (uint16_t)port), TLSC_OK);
    tlsc_err err;
    /* (how many WANTs happen depends on timing; nb_wait checks each one
     * matches what tlsc_conn_poll_info reports) */
    while ((err = tlsc_conn_step(c)) == TLSC_WANT_READ || err == TLSC_WANT_WRITE)
        nb_wait(c, err);
    assert_int_equal(err, TLSC_OK);
    size_t sent = 0;
    while ((err = tlsc_conn_send(c, "xyz\n", 4, &sent)) != TLSC_OK)
        nb_wait(c, err);
    assert_int_equal(sent, 4);
    char buf[16];
    size_t got = 0;
    while ((err = tlsc_conn_recv(c, buf, sizeof buf, &got)) == TLSC_WANT_READ)
        nb_wait(c, err);
    assert_int_equal(err, TLSC_OK);
    assert_memory_equal(buf, "zyx\n", 4);
    while ((err = tlsc_conn_shutdown(c)) == TLSC_WANT_WRITE)
        nb_wait(c, err);
    assert_int_equal(err, TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- user transport ------------------------------------------------------- */

typedef struct { int fd; int closed; } sock_tp;

static tlsc_err tp_send(void *ctx, const unsigned char *b, size_t n, size_t *sent)
{
    ssize_t r = send(((sock_tp *)ctx)->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r < 0)
        return errno == EAGAIN ? TLSC_WANT_WRITE : TLSC_ERR_NETWORK;
    *sent = (size_t)r;
    return TLSC_OK;
}

static tlsc_err tp_recv(void *ctx, unsigned char *b, size_t n, size_t *got)
{
    ssize_t r = recv(((sock_tp *)ctx)->fd, b, n, MSG_DONTWAIT);
    if (r < 0)
        return errno == EAGAIN ? TLSC_WANT_READ : TLSC_ERR_NETWORK;
    *got = (size_t)r;
    return TLSC_OK;
}

static void tp_close(void *ctx)
{
    sock_tp *t = ctx;
    close(t->fd);
    t->closed = 1;
}

static void user_transport(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p256", NULL);
    sock_tp t = { socket(AF_INET, SOCK_STREAM, 0), 0 };
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(connect(t.fd, (struct sockaddr *)&a, sizeof a), 0);
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    tlsc_transport ops = { .send = tp_send, .recv = tp_recv, .close = tp_close };
    assert_int_equal(tlsc_conn_set_transport(c, &ops, &t), TLSC_OK);
    /* no wait hook: the blocking driver must still work (it sleeps) */
    assert_int_equal(tlsc_conn_connect(c, "tlsc.test", 0), TLSC_OK);
    echo_line(c);
    tlsc_conn_free(c);
    assert_int_equal(t.closed, 1);
    peer_stop(&p);
}

static void server_name_differs_from_host(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p256", NULL);
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_set_server_name(c, "tlsc..test"), TLSC_ERR_HOSTNAME);
    assert_int_equal(tlsc_conn_set_server_name(c, "tlsc.test"), TLSC_OK);
    assert_int_equal(tlsc_conn_connect(c, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_conn_set_server_name(c, "x.test"), TLSC_ERR_STATE);
    tlsc_conn_free(c);
    peer_stop(&p);

    port = start_server(&p, "server-p256", NULL);
    cfg = ca_config();
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_set_server_name(c, "other.test"), TLSC_OK);
    assert_int_equal(tlsc_conn_connect(c, "127.0.0.1", (uint16_t)port), TLSC_ERR_HOSTNAME_MISMATCH);
    assert_non_null(strstr(tlsc_conn_errmsg(c), "wanted other.test, certificate has DNS:localhost"));
    assert_non_null(strstr(tlsc_conn_errmsg(c), "IP:0:0:0:0:0:0:0:1"));
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- configuration rules -------------------------------------------------- */

static void no_trust_is_an_error(void **state)
{
    (void)state;
    tlsc_config *cfg;
    tlsc_conn *c = (tlsc_conn *)&c;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_ERR_NO_TRUST);
    assert_null(c);
    assert_true(strlen(tlsc_config_errmsg(cfg)) > 10);
    tlsc_config_free(cfg);
}

static void frozen_after_use(void **state)
{
    (void)state;
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    assert_int_equal(tlsc_config_set_alpn(cfg, "h2"), TLSC_ERR_CONFIG_FROZEN);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_ERR_CONFIG_FROZEN);
    tlsc_config_free(cfg);
    tlsc_conn_free(c);
}

static void bad_inputs_are_config_errors(void **state)
{
    (void)state;
    tlsc_config *cfg;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca(cfg, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 60), TLSC_ERR_CERT_PARSE);
    assert_int_equal(tlsc_config_add_ca(cfg, "\x30\x03\x02\x01\x01", 5), TLSC_ERR_CERT_PARSE);
    /* the mbedTLS code and words, with or without MBEDTLS_ERROR_C */
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "mbedTLS -0x2"));
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "X509"));
    assert_int_equal(tlsc_config_add_ca_file(cfg, "/nonexistent/ca.pem"), TLSC_ERR_FILE);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "/nonexistent/ca.pem"));
    assert_int_equal(tlsc_config_add_pin(cfg, "sha1//abc"), TLSC_ERR_PIN);
    assert_int_equal(tlsc_config_add_pin(cfg, "sha256//not-base64!"), TLSC_ERR_PIN);
    assert_int_equal(tlsc_config_set_psk_hex(cfg, "id", "abc"), TLSC_ERR_PSK);
    assert_int_equal(tlsc_config_set_psk_hex(cfg, "", "abcd"), TLSC_ERR_PSK);
    assert_int_equal(tlsc_config_set_alpn(cfg, "h2,,x"), TLSC_ERR_ALPN);
    assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_3, TLSC_TLS1_2), TLSC_ERR_VERSION_RANGE);
    tlsc_config_free(cfg);
}

static void client_keys(void **state)
{
    (void)state;
    tlsc_config *cfg;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    char crt[512];
    snprintf(crt, sizeof crt, "%s", path("client-ec.pem"));
    assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.p8.pem"), NULL), TLSC_OK);
    assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.key"), NULL), TLSC_OK);
    assert_int_equal(tlsc_config_set_client_cert_file(cfg, path("client-ec.der"), path("client-ec.key.der"), NULL), TLSC_OK);
    assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-mismatch.key"), NULL), TLSC_ERR_KEY_MISMATCH);
    /* Encrypted keys and RSA: the full profile only (the ECC-only small
     * profiles have neither PKCS#5 nor RSA). */
    if (strcmp(tlsc_profile(), "full") == 0) {
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.enc.p8.pem"), "secret"), TLSC_OK);
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.enc.sec1.pem"), "secret"), TLSC_OK);
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.enc.p8.pem"), "wrong"), TLSC_ERR_KEY_PASSWORD);
        assert_non_null(strstr(tlsc_config_errmsg(cfg), "password"));
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.enc.sec1.pem"), "wrong"), TLSC_ERR_KEY_PASSWORD);
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("client-ec.enc.p8.pem"), NULL), TLSC_ERR_KEY_PASSWORD);
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, path("client-rsa.pem"), path("client-rsa.key"), NULL), TLSC_OK);
        assert_int_equal(tlsc_config_set_client_cert_file(cfg, path("client-rsa.pem"), path("client-rsa.enc.p8.pem"), "secret"), TLSC_OK);
    }
    assert_int_equal(tlsc_config_set_client_cert_file(cfg, crt, path("root.pem"), NULL), TLSC_ERR_KEY_PARSE);
    tlsc_config_free(cfg);
}

/* ---- verification --------------------------------------------------------- */

typedef struct { int calls; int depths[8]; uint32_t ret_at_leaf; uint32_t seen_leaf; } vcb_state;

static uint32_t vcb(void *ud, const tlsc_cert_view *cert, uint32_t flags)
{
    vcb_state *s = ud;
    if (s->calls < 8)
        s->depths[s->calls] = cert->depth;
    s->calls++;
    assert_non_null(cert->der);
    assert_true(cert->der_len > 100);
    assert_true(cert->not_after > cert->not_before);
    if (cert->depth == 0)
        s->seen_leaf = flags;
    return cert->depth == 0 ? s->ret_at_leaf : 0;
}

static void verify_callback_sees_chain_and_can_only_add(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p256", NULL);
    vcb_state s = { 0 };
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_set_verify_callback(cfg, vcb, &s), TLSC_OK);
    assert_int_equal(try_connect(cfg, "localhost", port, NULL, 0), TLSC_OK);
    assert_int_equal(s.calls, 3); /* root, intermediate, leaf: root first */
    assert_int_equal(s.depths[0], 2);
    assert_int_equal(s.depths[2], 0);
    peer_stop(&p);

    port = start_server(&p, "server-p256", NULL);
    vcb_state r = { .ret_at_leaf = TLSC_VERIFY_REJECTED };
    cfg = ca_config();
    assert_int_equal(tlsc_config_set_verify_callback(cfg, vcb, &r), TLSC_OK);
    char detail[400];
    assert_int_equal(try_connect(cfg, "localhost", port, detail, sizeof detail), TLSC_ERR_VERIFY_CALLBACK);
    assert_non_null(strstr(detail, "callback"));
    peer_stop(&p);

    /* an untrusted chain stays rejected although the callback adds nothing */
    port = start_server(&p, "untrusted", NULL);
    vcb_state u = { 0 };
    cfg = ca_config();
    assert_int_equal(tlsc_config_set_verify_callback(cfg, vcb, &u), TLSC_OK);
    assert_int_equal(try_connect(cfg, "localhost", port, detail, sizeof detail), TLSC_ERR_UNKNOWN_ISSUER);
    assert_true(u.calls >= 1);
    peer_stop(&p);
}

static int64_t clock_unknown(void *ud) { (void)ud; return -1; }
static int64_t clock_2100(void *ud) { (void)ud; return 4102444800; }

static void clock_not_set(void **state)
{
    (void)state;
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_set_clock(cfg, clock_unknown, NULL), TLSC_OK);
    char detail[400];
    /* fails before any network I/O: nothing listens on that port */
    assert_int_equal(try_connect(cfg, "localhost", closed_port(), detail, sizeof detail), TLSC_ERR_CLOCK_NOT_SET);
    assert_non_null(strstr(detail, "clock"));

    /* explicitly allowed: dates are skipped, so an expired leaf passes */
    peer p = { 0 };
    int port = start_server(&p, "expired", NULL);
    cfg = ca_config();
    assert_int_equal(tlsc_config_set_clock(cfg, clock_unknown, NULL), TLSC_OK);
    assert_int_equal(tlsc_config_allow_unknown_time(cfg, true), TLSC_OK);
    assert_int_equal(try_connect(cfg, "localhost", port, NULL, 0), TLSC_OK);
    peer_stop(&p);
}

static void clock_hook_is_used(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p256", NULL);
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_set_clock(cfg, clock_2100, NULL), TLSC_OK);
    char detail[400];
    tlsc_err err = try_connect(cfg, "localhost", port, detail, sizeof detail);
    assert_int_equal(tlsc_err_category(err), TLSC_CAT_VERIFY);
    assert_non_null(strstr(detail, "expired on"));
    peer_stop(&p);
}

static char *spki_pin(const char *cert)
{
    static char pin[128];
    char cmd[768];
    snprintf(cmd, sizeof cmd,
             "openssl x509 -in '%s' -pubkey -noout | openssl pkey -pubin -outform der | "
             "openssl dgst -sha256 -binary | base64", cert);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    strcpy(pin, "sha256//");
    assert_non_null(fgets(pin + 8, sizeof pin - 8, f));
    pclose(f);
    pin[strcspn(pin, "\n")] = '\0';
    return pin;
}

static void pins(void **state)
{
    (void)state;
    peer p = { 0 };
    char detail[400];
    /* pin on top of CA validation */
    int port = start_server(&p, "server-p256", NULL);
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_add_pin(cfg, spki_pin(path("server-p256.pem"))), TLSC_OK);
    assert_int_equal(try_connect(cfg, "localhost", port, NULL, 0), TLSC_OK);
    peer_stop(&p);
    /* wrong pin fails even though the chain is valid */
    port = start_server(&p, "server-p256", NULL);
    cfg = ca_config();
    assert_int_equal(tlsc_config_add_pin(cfg, spki_pin(path("server-p384.pem"))), TLSC_OK);
    assert_int_equal(try_connect(cfg, "localhost", port, detail, sizeof detail), TLSC_ERR_PIN_MISMATCH);
    assert_non_null(strstr(detail, "pin mismatch"));
    peer_stop(&p);
    /* pin-only trust: a self-signed server, like ESP8266's setKnownKey */
    port = start_server(&p, "selfsigned", NULL);
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_pin(cfg, spki_pin(path("selfsigned.pem"))), TLSC_OK);
    assert_int_equal(try_connect(cfg, "localhost", port, detail, sizeof detail), TLSC_OK);
    peer_stop(&p);
    /* pin-only still checks the host name */
    port = start_server(&p, "selfsigned", NULL);
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_pin(cfg, spki_pin(path("selfsigned.pem"))), TLSC_OK);
    assert_int_equal(try_connect(cfg, "other.invalid.name.test", port, detail, sizeof detail) != TLSC_OK, 1);
    peer_stop(&p);
}

static void insecure_mode(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "selfsigned", NULL);
    tlsc_config *cfg;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_insecure_skip_verify(cfg), TLSC_OK);
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    assert_true(tlsc_conn_verify_flags(c) & TLSC_VERIFY_UNTRUSTED); /* seen, forgiven */
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- network errors and timeouts ----------------------------------------- */

static void refused_dns_and_timeouts(void **state)
{
    (void)state;
    char detail[400];
    assert_int_equal(try_connect(ca_config(), "localhost", closed_port(), detail, sizeof detail), TLSC_ERR_CONN_REFUSED);
    assert_non_null(strstr(detail, "port"));
    assert_int_equal(tlsc_err_category(try_connect(ca_config(), "no-such-host.invalid", 443, detail, sizeof detail)), TLSC_CAT_DNS);
    assert_non_null(strstr(detail, "no-such-host.invalid"));

    int lfd;
    int port = listener_start(&lfd, AF_INET);   /* accepts (backlog), never speaks */
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_set_timeouts(cfg, 1000, 400, 1000), TLSC_OK);
    uint64_t t0 = tlsc_now_ms();
    assert_int_equal(try_connect(cfg, "127.0.0.1", port, detail, sizeof detail), TLSC_ERR_TIMEOUT_HANDSHAKE);
    uint64_t took = tlsc_now_ms() - t0;
    assert_true(took >= 400 && took < 2000);
    close(lfd);
}

static void read_timeout_is_not_sticky(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p, "server-p256", NULL);
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_set_timeouts(cfg, 2000, 2000, 300), TLSC_OK);
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    char buf[8];
    size_t got;
    assert_int_equal(tlsc_conn_read(c, buf, sizeof buf, &got), TLSC_ERR_TIMEOUT_READ);
    assert_int_equal(tlsc_conn_error(c), TLSC_OK);
    echo_line(c); /* still usable */
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void ipv6_literal(void **state)
{
    (void)state;
    int fd;
    if (listener_start(&fd, AF_INET6) < 0)
        skip(); /* the machine has no IPv6 loopback */
    close(fd);
    peer p = { .accept = "[::1]:0" };
    const char *args[] = { "-cert", path("server-p256.pem"), "-cert_chain", path("int.pem"),
                           "-key", path("server-p256.key"), "-rev", "-naccept", "1", NULL };
    int port = peer_start(&p, args);
    assert_true(port > 0);
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    /* bracketed literal, verified against SAN IP:::1 */
    assert_int_equal(tlsc_conn_connect(c, "[::1]", (uint16_t)port), TLSC_OK);
    echo_line(c);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- sessions ------------------------------------------------------------ */

static int64_t clock_in_3h(void *ud) { (void)ud; return (int64_t)time(NULL) + 3 * 3600; }

static char session_log[2048];

static void keep_log(void *ud, int level, const char *line)
{
    (void)ud;
    (void)level;
    size_t n = strlen(session_log);
    snprintf(session_log + n, sizeof session_log - n, "%s\n", line);
}

/* Connect with cfg (consumed) offering blob (if any); returns resumed. The
 * debug log of the connection is left in session_log. */
static bool connect_with_session(tlsc_config *cfg, int port, const unsigned char *blob,
                                 size_t len)
{
    tlsc_conn *c;
    session_log[0] = '\0';
    assert_int_equal(tlsc_config_set_log(cfg, keep_log, NULL, TLSC_LOG_DEBUG, 0), TLSC_OK);
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    if (blob != NULL)
        assert_int_equal(tlsc_conn_set_session(c, blob, len), TLSC_OK);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_conn_verify_flags(c), 0);
    assert_non_null(strstr(tlsc_conn_peer_subject(c), "CN=localhost"));
    bool resumed = tlsc_conn_resumed(c);
    tlsc_conn_free(c);
    return resumed;
}

static size_t fresh_session(int port, unsigned char *blob, size_t cap)
{
    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    size_t len = 0;
    assert_int_equal(tlsc_conn_export_session(c, blob, cap, &len), TLSC_ERR_NO_SESSION);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    assert_false(tlsc_conn_resumed(c));
    assert_int_equal(tlsc_conn_await_session(c, 3000), TLSC_OK); /* TLS 1.3 ticket */
    assert_int_equal(tlsc_conn_export_session(c, NULL, 0, &len), TLSC_OK);
    assert_true(len > 100 && len <= cap);
    size_t need = len;
    assert_int_equal(tlsc_conn_export_session(c, blob, need - 1, &len), TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(len, need);
    assert_int_equal(tlsc_conn_export_session(c, blob, cap, &len), TLSC_OK);
    echo_line(c); /* application data still flows after awaiting the ticket */
    tlsc_conn_free(c);
    return len;
}

static void session_blob_is_checked_byte_by_byte(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server_n(&p, "server-p256", "2", NULL);
    unsigned char blob[TLSC_SESSION_MAX], bad[TLSC_SESSION_MAX];
    size_t len = fresh_session(port, blob, sizeof blob);

    tlsc_config *cfg = ca_config();
    tlsc_conn *c;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    for (size_t i = 0; i < len; i++) {         /* every byte flipped */
        memcpy(bad, blob, len);
        bad[i] ^= 0x20;
        assert_int_equal(tlsc_conn_set_session(c, bad, len), TLSC_ERR_SESSION);
    }
    for (size_t n = 0; n < len; n++)           /* every truncation */
        assert_int_equal(tlsc_conn_set_session(c, blob, n), TLSC_ERR_SESSION);
    memcpy(bad, blob, len);
    bad[len] = 0;                              /* one byte too many */
    assert_int_equal(tlsc_conn_set_session(c, bad, len + 1), TLSC_ERR_SESSION);
    tlsc_conn_free(c);

    /* the intact blob resumes */
    assert_true(connect_with_session(ca_config(), port, blob, len));
    peer_stop(&p);
}

static void session_offered_only_where_it_belongs(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server_n(&p, "server-p256", "5", NULL);
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len = fresh_session(port, blob, sizeof blob);

    /* another trust configuration: same CA plus a pin */
    tlsc_config *cfg = ca_config();
    assert_int_equal(tlsc_config_add_pin(cfg, spki_pin(path("server-p256.pem"))), TLSC_OK);
    assert_false(connect_with_session(cfg, port, blob, len));
    assert_non_null(strstr(session_log, "different trust or credential configuration"));

    /* expired: the clock says 3 hours later (openssl's tickets live 2 h) */
    cfg = ca_config();
    assert_int_equal(tlsc_config_set_clock(cfg, clock_in_3h, NULL), TLSC_OK);
    assert_false(connect_with_session(cfg, port, blob, len));
    assert_non_null(strstr(session_log, "it has expired"));

    /* resumption off: never offered */
    cfg = ca_config();
    assert_int_equal(tlsc_config_set_resumption(cfg, TLSC_RESUMPTION_OFF), TLSC_OK);
    assert_false(connect_with_session(cfg, port, blob, len));
    assert_non_null(strstr(session_log, "resumption is off"));

    /* and the same configuration still resumes */
    assert_true(connect_with_session(ca_config(), port, blob, len));
    assert_non_null(strstr(session_log, "offering saved session"));
    peer_stop(&p);
}

/* ---- memory ----------------------------------------------------------------- */

static void heap_returns_to_baseline_and_limit_fails_cleanly(void **state)
{
    (void)state;
    peer p = { 0 };
    tlsc_config *warm = ca_config(); /* global crypto state allocated once */
    tlsc_config_free(warm);
    size_t base = tlsc_heap_current();
    int port = start_server(&p, "server-p256", NULL);
    assert_int_equal(try_connect(ca_config(), "localhost", port, NULL, 0), TLSC_OK);
    assert_int_equal(tlsc_heap_current(), base);
    peer_stop(&p);

    port = start_server(&p, "server-p256", NULL);
    tlsc_config *cfg = ca_config();
    /* too small for a handshake in any profile (small4k needs ~19 KB) */
    tlsc_heap_set_limit(tlsc_heap_current() + 8000);
    char detail[400];
    tlsc_err err = try_connect(cfg, "localhost", port, detail, sizeof detail);
    tlsc_heap_set_limit(0);
    assert_int_equal(err, TLSC_ERR_NO_MEMORY);
    assert_int_equal(tlsc_heap_current(), base);
    peer_stop(&p);
}

/* ---- the peers themselves ------------------------------------------------------------ */

/* Whether pid runs (a zombie does not: nothing reaps a server whose
 * parent died when the reaper is not init). */
static bool process_runs(pid_t pid)
{
    char name[64], stat[512];
    snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(name, "r");
    if (f == NULL)
        return false;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *end = strrchr(stat, ')'); /* "pid (comm) state ..." */
    return end != NULL && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

/* A test that dies without peer_stop (a crash) takes its server with it
 * (peer.c: PR_SET_PDEATHSIG): here a child process starts one and exits. */
static void a_server_ends_with_its_test(void **state)
{
    (void)state;
    int link[2];
    assert_int_equal(pipe(link), 0);
    pid_t test = fork();
    assert_true(test >= 0);
    if (test == 0) {
        peer p = { 0 };
        const char *args[] = { "-cert", path("server-p256.pem"), "-key",
                               path("server-p256.key"), NULL };
        pid_t server = peer_start(&p, args) > 0 ? p.pid : 0;
        _exit(write(link[1], &server, sizeof server) == sizeof server ? 0 : 1);
    }
    close(link[1]);
    pid_t server = 0;
    assert_int_equal(read(link[0], &server, sizeof server), sizeof server);
    close(link[0]);
    assert_int_equal(waitpid(test, NULL, 0), test);
    assert_true(server > 0);
    bool runs = true;
    for (int i = 0; i < 100 && (runs = process_runs(server)); i++)
        usleep(50 * 1000);
    if (runs) {
        kill(server, SIGTERM);
        fail_msg("s_server %d still runs 5 s after its test died", (int)server);
    }
}

/* ---- the HTTP client's server name -------------------------------------------------- */

static void expect_words(tlsc_http *h, tlsc_err got, tlsc_err want, const char *words)
{
    if (got != want || strstr(tlsc_http_errmsg(h), words) == NULL)
        fail_msg("%s (\"%s\"), expected %s with \"%s\"", tlsc_strerror(got),
                 tlsc_http_errmsg(h), tlsc_strerror(want), words);
}

/* A refused server name says why in tlsc_http_errmsg; the client keeps
 * working. */
static void http_server_name_refusals_say_why(void **state)
{
    (void)state;
    tlsc_config *cfg = ca_config();
    tlsc_http *h = NULL;
    assert_int_equal(tlsc_http_new(cfg, &h), TLSC_OK);
    assert_int_equal(tlsc_http_set_server_name(NULL, "localhost"), TLSC_ERR_INVALID_ARG);
    expect_words(h, tlsc_http_set_server_name(h, "bad name!"), TLSC_ERR_HOSTNAME,
                 "not a host name of at most 253 characters: bad name!");
    char longest[256];
    memset(longest, 'a', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    expect_words(h, tlsc_http_set_server_name(h, longest), TLSC_ERR_HOSTNAME, "aaaa...");
    tlsc_heap_set_limit(tlsc_heap_current()); /* no heap for the name's copy */
    tlsc_err err = tlsc_http_set_server_name(h, "localhost");
    tlsc_heap_set_limit(0);
    expect_words(h, err, TLSC_ERR_NO_MEMORY, "no memory for the server name");
    assert_int_equal(tlsc_http_set_server_name(h, "localhost"), TLSC_OK);
    assert_int_equal(tlsc_http_set_server_name(h, NULL), TLSC_OK);
    tlsc_http_free(h);
    tlsc_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocking_tls13_verified),
        cmocka_unit_test(blocking_tls12_by_ip),
        cmocka_unit_test(nonblocking_driver),
        cmocka_unit_test(user_transport),
        cmocka_unit_test(server_name_differs_from_host),
        cmocka_unit_test(no_trust_is_an_error),
        cmocka_unit_test(frozen_after_use),
        cmocka_unit_test(bad_inputs_are_config_errors),
        cmocka_unit_test(client_keys),
        cmocka_unit_test(verify_callback_sees_chain_and_can_only_add),
        cmocka_unit_test(clock_not_set),
        cmocka_unit_test(clock_hook_is_used),
        cmocka_unit_test(pins),
        cmocka_unit_test(insecure_mode),
        cmocka_unit_test(refused_dns_and_timeouts),
        cmocka_unit_test(read_timeout_is_not_sticky),
        cmocka_unit_test(ipv6_literal),
        cmocka_unit_test(session_blob_is_checked_byte_by_byte),
        cmocka_unit_test(session_offered_only_where_it_belongs),
        cmocka_unit_test(heap_returns_to_baseline_and_limit_fails_cleanly),
        cmocka_unit_test(http_server_name_refusals_say_why),
        cmocka_unit_test(a_server_ends_with_its_test),
    };
    return cmocka_run_group_tests_name("api", tests, make_pki, drop_pki);
}
