/*
 * Secrets stay secret (issue 13, section 7), through the public API and
 * real openssl s_server peers:
 *  - tlsc_config_set_keylog hands over NSS key log lines that are exactly
 *    the lines the server writes with -keylogfile for the same connection
 *    (TLS 1.2 CLIENT_RANDOM; TLS 1.3 handshake and traffic secrets);
 *  - with mbedTLS's debug output at its highest level (4: every secret,
 *    key and IV mbedTLS dumps), none of those secrets appears in the log,
 *    for TLS 1.2, TLS 1.3 and a resumed TLS 1.3 handshake; the log still
 *    holds the dumps of public values (the client random: the control
 *    that the search would find a secret if one were there);
 *  - tlsc_global_free releases the crypto state and a later
 *    tlsc_config_new works again.
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
#include "peer.h"
#include "pki.h"

/* What one connection logged. */
typedef struct capture {
    char *hex;          /* every hex-dump byte of the log, concatenated */
    size_t hex_len, hex_cap;
    char keylog[4096];  /* the key log lines, '\n'-separated */
    unsigned notes;     /* "not shown" lines */
} capture;

static void add_hex(capture *c, const char *p, size_t n)
{
    if (c->hex_len + n + 1 > c->hex_cap) {
        c->hex_cap = (c->hex_len + n + 1) * 2;
        c->hex = realloc(c->hex, c->hex_cap);
        assert_non_null(c->hex);
    }
    memcpy(c->hex + c->hex_len, p, n);
    c->hex_len += n;
    c->hex[c->hex_len] = '\0';
}

/* mbedTLS dump lines: "...: 0010:  c8 7c 19 ...  ascii". */
static void on_log(void *ud, int level, const char *line)
{
    capture *c = ud;
    (void)level;
    if (strstr(line, "not shown (key material") != NULL)
        c->notes++;
    const char *p = line;
    while ((p = strstr(p, ": ")) != NULL) {
        p += 2;
        if (strlen(p) > 6 && p[4] == ':' && p[5] == ' ' && p[6] == ' ')
            break;
    }
    if (p == NULL)
        return;
    p += 6;
    for (int i = 0; i < 16 && p[0] == ' ' && p[1] != ' ' && p[1] != '\0'; i++, p += 3)
        add_hex(c, p + 1, 2);
}

static void on_keylog(void *ud, const char *line)
{
    capture *c = ud;
    size_t at = strlen(c->keylog);
    assert_true(at + strlen(line) + 2 < sizeof c->keylog);
    snprintf(c->keylog + at, sizeof c->keylog - at, "%s\n", line);
}

static tlsc_config *config(capture *c, tlsc_tls_version v)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 5000, 5000, 5000), TLSC_OK);
    assert_int_equal(tlsc_config_set_versions(cfg, v, v), TLSC_OK);
    assert_int_equal(tlsc_config_set_log(cfg, on_log, c, TLSC_LOG_VERBOSE, 4), TLSC_OK);
    assert_int_equal(tlsc_config_set_keylog(cfg, on_keylog, c), TLSC_OK);
    return cfg;
}

/* A server writing its key log to a fresh file named in keylog[64]. */
static int serve(peer *p, char *keylog, const char *naccept)
{
    snprintf(keylog, 64, "/tmp/tlsc-keylog-XXXXXX");
    int fd = mkstemp(keylog);
    assert_true(fd >= 0);
    close(fd);
    const char *args[] = {"-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                          "-cert_chain", path("int.pem"), "-keylogfile", keylog, "-rev",
                          "-naccept", naccept, NULL};
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

/* Connect, and with blob_out wait for a session and export it. */
static void run(tlsc_config *cfg, int port, const unsigned char *in, size_t in_len,
                unsigned char *out, size_t *out_len)
{
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    if (in != NULL)
        assert_int_equal(tlsc_conn_set_session(c, in, in_len), TLSC_OK);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err != TLSC_OK)
        fail_msg("connect: %s (%s)", tlsc_strerror(err), tlsc_conn_errmsg(c));
    assert_true(tlsc_conn_resumed(c) == (in != NULL));
    if (out != NULL) {
        assert_int_equal(tlsc_conn_await_session(c, 3000), TLSC_OK);
        assert_int_equal(tlsc_conn_export_session(c, out, 4096, out_len), TLSC_OK);
    }
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
}

static char *slurp(const char *file)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Whether every line of ours is in the server's file yet. */
static bool all_in(const char *ours, const char *theirs)
{
    char copy[4096], *save = NULL;
    snprintf(copy, sizeof copy, "%s", ours);
    for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
        if (strstr(theirs, l) == NULL)
            return false;
    }
    return true;
}

/* The server's key log once it holds our lines: it writes the last ones
 * after our side of the handshake is over (up to 5 s). */
static const char *server_lines(const char *file, const char *ours)
{
    const char *theirs = slurp(file);
    for (int i = 0; i < 100 && !all_in(ours, theirs); i++) {
        usleep(50 * 1000);
        theirs = slurp(file);
    }
    return theirs;
}

/* Every key log line of ours is a line of the server's file; its secret
 * (third field) is not in the log's dumps, its client random is. */
static void check(capture *c, const char *server_keylog, size_t want_lines)
{
    const char *theirs = server_lines(server_keylog, c->keylog);
    if (c->hex == NULL)
        fail_msg("no hex dump in the log at all");
    size_t lines = 0;
    char *save = NULL, copy[sizeof c->keylog];
    snprintf(copy, sizeof copy, "%s", c->keylog);
    for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
        lines++;
        if (strstr(theirs, l) == NULL)
            fail_msg("our key log line is not in the server's:\n%s\nserver:\n%s", l, theirs);
        const char *random = strchr(l, ' ') + 1, *secret = strchr(random, ' ') + 1;
        if (strstr(c->hex, secret) != NULL)
            fail_msg("secret of '%.32s...' found in the debug log", l);
        char rnd[65];
        snprintf(rnd, sizeof rnd, "%.64s", random);
        if (strstr(c->hex, rnd) == NULL)
            fail_msg("control: the client random %s is not in the log's dumps", rnd);
    }
    assert_int_equal(lines, want_lines);
    assert_true(c->notes > 0);
}

static void reset(capture *c)
{
    free(c->hex);
    memset(c, 0, sizeof *c);
}

static void tls12_keylog_matches_server_and_log_is_clean(void **state)
{
    (void)state;
    char kl[64];
    peer p = {0};
    int port = serve(&p, kl, "1");
    capture c = {0};
    tlsc_config *cfg = config(&c, TLSC_TLS1_2);
    run(cfg, port, NULL, 0, NULL, NULL);
    tlsc_config_free(cfg);
    assert_non_null(strstr(c.keylog, "CLIENT_RANDOM "));
    check(&c, kl, 1);
    peer_stop(&p);
    reset(&c);
    unlink(kl);
}

static void tls13_and_resumption_keylog_matches_server_and_log_is_clean(void **state)
{
    (void)state;
    char kl[64];
    peer p = {0};
    int port = serve(&p, kl, "2");
    capture c = {0};
    tlsc_config *cfg = config(&c, TLSC_TLS1_3);
    unsigned char blob[4096];
    size_t len = 0;
    run(cfg, port, NULL, 0, blob, &len);
    check(&c, kl, 4);
    reset(&c);
    /* the resumed handshake: ticket PSK, binders, resumption secrets */
    run(cfg, port, blob, len, NULL, NULL);
    tlsc_config_free(cfg);
    check(&c, kl, 4); /* before the server stops: it may not have written all yet */
    peer_stop(&p);
    reset(&c);
    unlink(kl);
}

static void keylog_setter_refuses_a_frozen_config(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_insecure_skip_verify(cfg), TLSC_OK);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    assert_int_equal(tlsc_config_set_keylog(cfg, on_keylog, NULL), TLSC_ERR_CONFIG_FROZEN);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
}

static void global_free_then_new_works(void **state)
{
    (void)state;
    tlsc_global_free();
    peer p = {0};
    const char *args[] = {"-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                          "-cert_chain", path("int.pem"), "-rev", "-naccept", "1", NULL};
    int port = peer_start(&p, args);
    assert_true(port > 0);
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    run(cfg, port, NULL, 0, NULL, NULL);
    tlsc_config_free(cfg);
    peer_stop(&p);
    tlsc_global_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls12_keylog_matches_server_and_log_is_clean),
        cmocka_unit_test(tls13_and_resumption_keylog_matches_server_and_log_is_clean),
        cmocka_unit_test(keylog_setter_refuses_a_frozen_config),
        cmocka_unit_test(global_free_then_new_works),
    };
    return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
