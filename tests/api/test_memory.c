/*
 * Small-memory mode through the public API, against real openssl s_server
 * peers: record buffer sizes and the policy they imply (max_fragment_length
 * in TLS 1.2, TLS 1.2 by default below a full record), the error when a
 * record does not fit, record limits (and record_size_limit, against
 * gnutls-serv too), and heap accounting. Runs in every
 * profile; cases that need RSA skip themselves where the build has none.
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
#include "peer.h"
#include "pki.h"

/* An ECDSA P-256 leaf with its intermediate, -rev echo; extra args. */
static int start_p256(peer *p, const char *a, const char *b)
{
    const char *args[] = { "-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", "1", a, b, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static tlsc_config *config(size_t in, size_t out)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    assert_int_equal(tlsc_config_set_buffers(cfg, in, out), TLSC_OK);
    return cfg;
}

static tlsc_conn *connect_to(tlsc_config *cfg, int port)
{
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err != TLSC_OK)
        fail_msg("connect: %s: %s", tlsc_strerror(err), tlsc_conn_errmsg(c));
    return c;
}

/* Send a line of n bytes ('a'..'z' repeated) and read it back reversed. */
static tlsc_err echo_big_line(tlsc_conn *c, size_t n)
{
    char *line = malloc(n + 1), *back = malloc(n + 1);
    assert_non_null(line);
    assert_non_null(back);
    for (size_t i = 0; i < n; i++)
        line[i] = (char)('a' + i % 26);
    line[n] = '\n';
    tlsc_err err = tlsc_conn_write(c, line, n + 1);
    size_t total = 0, got = 0;
    while (err == TLSC_OK && total < n + 1 &&
           (err = tlsc_conn_read(c, back + total, n + 1 - total, &got)) == TLSC_OK)
        total += got;
    if (err == TLSC_OK) {
        for (size_t i = 0; i < n; i++)
            assert_int_equal(back[i], line[n - 1 - i]);
    }
    free(line);
    free(back);
    return err;
}

/* ---- configuration ----------------------------------------------------------- */

static void buffer_sizes_are_checked_and_rounded(void **state)
{
    (void)state;
    size_t max_in, max_out, in, out;
    tlsc_record_max(&max_in, &max_out);
    assert_true(max_in >= 4096 && max_in <= 16384);
    assert_true(max_out >= 1024 && max_out <= 16384);
    assert_non_null(tlsc_profile());
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    tlsc_config_get_buffers(cfg, &in, &out);
    assert_int_equal(in, max_in);
    assert_int_equal(out, max_out);
    assert_int_equal(tlsc_config_set_buffers(cfg, 100, 0), TLSC_ERR_INVALID_ARG);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "512"));
    assert_int_equal(tlsc_config_set_buffers(cfg, 0, max_out + 1), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_config_set_buffers(cfg, max_in + 1, 0), TLSC_ERR_INVALID_ARG);
    /* below a full record: rounded down to a max_fragment_length value */
    assert_int_equal(tlsc_config_set_buffers(cfg, 3000, 700), TLSC_OK);
    tlsc_config_get_buffers(cfg, &in, &out);
    assert_int_equal(in, 2048);
    assert_int_equal(out, 700);
    assert_int_equal(tlsc_config_set_buffers(cfg, 0, 0), TLSC_OK);
    tlsc_config_get_buffers(cfg, &in, &out);
    assert_int_equal(in, max_in >= 16384 ? 16384 : 4096);
    assert_int_equal(tlsc_config_set_buffers(NULL, 0, 0), TLSC_ERR_INVALID_ARG);
    tlsc_config_free(cfg);
}

/* ---- TLS 1.2 with max_fragment_length ---------------------------------------- */

static void small_input_buffer_offers_mfl_and_tls12(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL); /* the server offers 1.2 and 1.3 */
    tlsc_conn *c = connect_to(config(4096, 1024), port);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.2"); /* the default rule */
    size_t in, out;
    tlsc_conn_record_limit(c, &in, &out);
    assert_int_equal(in, 4096);
    assert_int_equal(out, 1024);
    /* 3000 bytes out: split into records of 1 KiB; 3001 back in one record
     * (s_server honours max_fragment_length: 4096) */
    assert_int_equal(echo_big_line(c, 3000), TLSC_OK);
    assert_int_equal(tlsc_conn_close(c), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

static void tiny_buffers_still_work_where_the_server_cooperates(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    tlsc_conn *c = connect_to(config(2048, 512), port);
    size_t in, out;
    tlsc_conn_record_limit(c, &in, &out);
    assert_int_equal(in, 2048);
    assert_int_equal(out, 512);
    assert_int_equal(echo_big_line(c, 1500), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* The certificate message (~1 KB) cannot be reassembled in 512 bytes. */
static void handshake_message_too_large_says_so(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    tlsc_config *cfg = config(512, 0);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_ERR_RECORD_TOO_LARGE);
    const char *m = tlsc_conn_errmsg(c);
    assert_non_null(strstr(m, "handshake message of"));
    assert_non_null(strstr(m, "input buffer of 512 bytes"));
    assert_non_null(strstr(m, "at least"));
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- TLS 1.3 ----------------------------------------------------------------- */

/* TLS 1.3 chosen explicitly with a small input buffer: OpenSSL ignores
 * record_size_limit and sends a 6001-byte record. */
static void tls13_record_too_large_says_so(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_p256(&p, "-tls1_3", NULL);
    tlsc_config *cfg = config(4096, 0);
    assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_2, TLSC_TLS1_3), TLSC_OK);
    tlsc_conn *c = connect_to(cfg, port);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.3");
    size_t in;
    tlsc_conn_record_limit(c, &in, NULL);
    assert_int_equal(in, 16384); /* OpenSSL sent no record_size_limit */
    assert_int_equal(echo_big_line(c, 6000), TLSC_ERR_RECORD_TOO_LARGE);
    const char *m = tlsc_conn_errmsg(c);
    assert_non_null(strstr(m, "record of 60")); /* 6001 + type + tag */
    assert_non_null(strstr(m, "in=4096"));
    assert_non_null(strstr(m, "record_size_limit"));
    assert_int_equal(tlsc_err_category(tlsc_conn_error(c)), TLSC_CAT_PROTOCOL);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* A full input buffer receives a 16 KiB record after a TLS 1.3 handshake,
 * with a small output buffer (mbedTLS resizes the input buffer at the end
 * of the handshake; tlsc gives it its size back). */
static void tls13_full_record_with_small_output(void **state)
{
    (void)state;
    size_t max_in;
    tlsc_record_max(&max_in, NULL);
    if (max_in < 16384)
        skip(); /* small4k: no 16 KiB input buffer in this build */
    peer p = { 0 };
    int port = start_p256(&p, "-tls1_3", NULL);
    tlsc_conn *c = connect_to(config(16384, 512), port);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.3");
    size_t out;
    tlsc_conn_record_limit(c, NULL, &out);
    assert_int_equal(out, 512);
    assert_int_equal(echo_big_line(c, 16000), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* record_size_limit (RFC 8449): the small profiles offer it in TLS 1.3
 * with their input record size, the full one does not. OpenSSL 3.0
 * ignores it (no answer); GnuTLS answers with its own. */
static tlsc_conn *connect_tls13(int port)
{
    tlsc_config *cfg = config(0, 0);
    /* small4k: a 4 KiB input buffer offers TLS 1.2 only unless asked */
    assert_int_equal(tlsc_config_set_versions(cfg, TLSC_TLS1_3, TLSC_TLS1_3), TLSC_OK);
    tlsc_conn *c = connect_to(cfg, port);
    assert_string_equal(tlsc_conn_protocol(c), "TLSv1.3");
    return c;
}

static void record_size_limit_offered_and_answered(void **state)
{
    (void)state;
    size_t max_in, offered = tlsc_record_size_limit_offered();
    tlsc_record_max(&max_in, NULL);
    if (strcmp(tlsc_profile(), "full") == 0)
        assert_int_equal(offered, 0);
    else if (strncmp(tlsc_profile(), "small", 5) == 0)
        assert_int_equal(offered, max_in);
    assert_int_equal(tlsc_conn_peer_record_size_limit(NULL), 0);

    peer p = { 0 };
    int port = start_p256(&p, "-tls1_3", NULL);
    tlsc_conn *c = connect_tls13(port);
    assert_int_equal(tlsc_conn_peer_record_size_limit(c), 0);
    tlsc_conn_free(c);
    peer_stop(&p);

    const char *args[] = { "--echo", "--x509certfile", path("server-p256-chain.pem"),
                           "--x509keyfile", path("server-p256.key"), NULL };
    port = peer_start_gnutls(&p, args);
    assert_true(port > 0);
    c = connect_tls13(port);
    size_t rsl = tlsc_conn_peer_record_size_limit(c), in;
    tlsc_conn_record_limit(c, &in, NULL);
    if (offered == 0) {
        assert_int_equal(rsl, 0);
    } else {
        assert_true(rsl >= 64 && rsl <= 16385); /* RFC 8449's range in TLS 1.3 */
        assert_int_equal(in, max_in);           /* it honours ours */
    }
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- profiles ------------------------------------------------------------------ */

static void rsa_servers_need_an_rsa_profile(void **state)
{
    (void)state;
    peer p = { 0 };
    const char *args[] = { "-cert", path("server-rsa2048.pem"), "-key", path("server-rsa2048.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", "1", NULL };
    int port = peer_start(&p, args);
    assert_true(port > 0);
    tlsc_config *cfg = config(0, 0);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (tlsc_profile_has_rsa())
        assert_int_equal(err, TLSC_OK);
    else
        assert_true(err == TLSC_ERR_NO_COMMON_PARAMS || err == TLSC_ERR_PEER_HANDSHAKE_FAILURE);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* ---- heap ---------------------------------------------------------------------- */

/* Nothing buffered, nothing sent by the server: a non-blocking read waits
 * (and the elastic input buffer goes back to its idle size). */
static void go_idle(tlsc_conn *c)
{
    char b[16];
    size_t got = 0;
    assert_int_equal(tlsc_conn_recv(c, b, sizeof b, &got), TLSC_WANT_READ);
}

/* The idle connection holds its output buffer, a 512-byte input buffer
 * (elastic, the default) and small state, and everything goes back when
 * it is freed. */
static void idle_connection_heap_and_baseline(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    tlsc_config *cfg = config(4096, 1024);
    size_t before = tlsc_heap_current();
    tlsc_conn *c = connect_to(cfg, port);
    assert_int_equal(echo_big_line(c, 3000), TLSC_OK); /* a 3001-byte record */
    go_idle(c);
    size_t held = tlsc_heap_current() - before;
    /* 1024 + 512 of buffers and their overhead, the connection object,
     * session and keys; the peer certificate is dropped */
    assert_true(held > 1536);
    assert_true(held < 12 * 1024);
    tlsc_conn_free(c);
    assert_true(tlsc_heap_current() < before); /* the configuration went too */
    peer_stop(&p);
}

/* The elastic input buffer grows to a full 16 KiB record and back. */
static void elastic_input_buffer_grows_and_shrinks(void **state)
{
    (void)state;
    size_t max_in;
    tlsc_record_max(&max_in, NULL);
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    /* no session to capture: a TLS 1.3 ticket arriving late would add one */
    tlsc_config *cfg = config(max_in, 1024);
    assert_int_equal(tlsc_config_set_resumption(cfg, TLSC_RESUMPTION_OFF), TLSC_OK);
    size_t before = tlsc_heap_current();
    tlsc_conn *c = connect_to(cfg, port);
    go_idle(c);
    size_t idle = tlsc_heap_current() - before;
    tlsc_heap_reset_peak();
    size_t peak_before = tlsc_heap_peak();
    assert_int_equal(echo_big_line(c, max_in - 100), TLSC_OK); /* one large record */
    assert_true(tlsc_heap_peak() >= peak_before + max_in - 512);
    go_idle(c);
    assert_int_equal(tlsc_heap_current() - before, idle);
    assert_int_equal(echo_big_line(c, 10), TLSC_OK);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* The heap an idle connection holds after a 3001-byte record, elastic or
 * fixed input buffer. */
static size_t idle_heap(bool elastic)
{
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    tlsc_config *cfg = config(4096, 1024);
    assert_int_equal(tlsc_config_set_buffers_elastic(cfg, elastic), TLSC_OK);
    assert_int_equal(tlsc_config_set_resumption(cfg, TLSC_RESUMPTION_OFF), TLSC_OK);
    size_t before = tlsc_heap_current();
    tlsc_conn *c = connect_to(cfg, port);
    assert_int_equal(echo_big_line(c, 3000), TLSC_OK);
    go_idle(c);
    size_t held = tlsc_heap_current() - before;
    tlsc_conn_free(c);
    peer_stop(&p);
    return held;
}

/* Fixed buffers: allocated once at their size, never resized. */
static void fixed_input_buffer_keeps_its_size(void **state)
{
    (void)state;
    /* the fixed one holds 4096 + overhead where the elastic one has 512 */
    assert_true(idle_heap(false) >= idle_heap(true) + 4096 - 512);
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    tlsc_config *cfg = config(4096, 1024);
    assert_int_equal(tlsc_config_set_buffers_elastic(cfg, false), TLSC_OK);
    assert_int_equal(tlsc_config_set_buffers_elastic(NULL, false), TLSC_ERR_INVALID_ARG);
    size_t before = tlsc_heap_current();
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    assert_int_equal(tlsc_config_set_buffers_elastic(cfg, true), TLSC_ERR_CONFIG_FROZEN);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(echo_big_line(c, 3000), TLSC_OK);
    go_idle(c);
    size_t held = tlsc_heap_current() - before;
    assert_true(held > 4096 + 1024);
    tlsc_conn_free(c);
    peer_stop(&p);
}

/* No memory to grow the input buffer for a record: a clean error, and
 * every byte comes back. */
static void no_memory_to_grow_fails_cleanly(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_p256(&p, NULL, NULL);
    size_t before = tlsc_heap_current();
    tlsc_conn *c = connect_to(config(4096, 1024), port);
    go_idle(c);
    static char line[3001], back[3001];
    memset(line, 'x', 3000);
    line[3000] = '\n';
    assert_int_equal(tlsc_conn_write(c, line, sizeof line), TLSC_OK);
    /* room for decryption's small blocks, not for a 3001-byte record */
    tlsc_heap_set_limit(tlsc_heap_current() + 1024);
    size_t got = 0;
    assert_int_equal(tlsc_conn_read(c, back, sizeof back, &got), TLSC_ERR_NO_MEMORY);
    tlsc_heap_set_limit(0);
    if (strstr(tlsc_conn_errmsg(c), "input buffer could not grow from") == NULL)
        fail_msg("detail: %s", tlsc_conn_errmsg(c));
    tlsc_conn_free(c);
    assert_true(tlsc_heap_current() <= before);
    peer_stop(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buffer_sizes_are_checked_and_rounded),
        cmocka_unit_test(small_input_buffer_offers_mfl_and_tls12),
        cmocka_unit_test(tiny_buffers_still_work_where_the_server_cooperates),
        cmocka_unit_test(handshake_message_too_large_says_so),
        cmocka_unit_test(tls13_record_too_large_says_so),
        cmocka_unit_test(tls13_full_record_with_small_output),
        cmocka_unit_test(record_size_limit_offered_and_answered),
        cmocka_unit_test(rsa_servers_need_an_rsa_profile),
        cmocka_unit_test(idle_connection_heap_and_baseline),
        cmocka_unit_test(elastic_input_buffer_grows_and_shrinks),
        cmocka_unit_test(fixed_input_buffer_keeps_its_size),
        cmocka_unit_test(no_memory_to_grow_fails_cleanly),
    };
    return cmocka_run_group_tests_name("api_memory", tests, make_pki, drop_pki);
}
