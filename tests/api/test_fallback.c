/*
 * Address fallback (issue 17, section 3): a name with two addresses, ::1
 * first and 127.0.0.1 second, where only 127.0.0.1 listens (openssl
 * s_server). Both drivers must connect through the second address, with
 * one connection, through the platform's TCP transport, the one place that
 * iterates addresses. The name's addresses come from the resolver's test
 * hook (tlsc__resolve_set_hook), not from /etc/hosts, so the order is
 * fixed. Also the tap on a connection's bytes (tlsc_conn_set_tap) and the
 * public tlsc_tcp_connect over the same fallback. Links the static library
 * for the internal hook. Also what an event reconnection says when it
 * cannot make its new connection (an allocation failed, alloc_inject.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform/platform.h"
#include "tlsc/tlsc.h"
#include "alloc_inject.h"
#include "client.h"
#include "peer.h"
#include "pki.h"

/* ---- the resolver's answer ------------------------------------------------ */

static const char *g_answer[TLSC__RESOLVE_MAX];
static size_t g_lookups;

/* Failures the system resolver can give, by name: a name that resolves to
 * nothing usable, and system errors (EAI_SYSTEM) with their errno. */
static const struct {
    const char *host;
    int rc, sys_errno;
} g_failures[] = {
    { "no-address.test", 0, 0 },
    { "no-memory.test", EAI_SYSTEM, ENOMEM },
    { "no-descriptor.test", EAI_SYSTEM, EMFILE },
};

static int hook(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX], size_t *count)
{
    g_lookups++;
    for (size_t i = 0; i < sizeof g_failures / sizeof g_failures[0]; i++) {
        if (strcmp(host, g_failures[i].host) == 0) {
            errno = g_failures[i].sys_errno;
            return g_failures[i].rc;
        }
    }
    if (strcmp(host, "localhost") != 0)
        return EAI_NONAME;
    for (*count = 0; *count < TLSC__RESOLVE_MAX && g_answer[*count] != NULL; (*count)++)
        snprintf(addrs[*count], sizeof addrs[*count], "%s", g_answer[*count]);
    return 0;
}

static void answer(const char *first, const char *second)
{
    g_answer[0] = first;
    g_answer[1] = second;
    g_lookups = 0;
    tlsc__resolve_set_hook(hook);
}

/* ---- peers and configuration ---------------------------------------------- */

/* s_server on `accept` (default 127.0.0.1:0, IPv4 only: nothing listens
 * on ::1). */
static int serve_at(peer *p, const char *accept)
{
    const char *args[] = { "-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", "1", NULL };
    p->accept = accept;
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static int serve(peer *p)
{
    return serve_at(p, "127.0.0.1:0");
}

/* 127.0.0.1:port where a connect neither succeeds nor fails: a listener
 * with a backlog of 0, whose queue the first connects fill, so the kernel
 * drops the next SYNs. fds[0] is the listener. */
static void blackhole(int fds[4], int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fds[0] >= 0);
    assert_int_equal(bind(fds[0], (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fds[0], 0), 0);
    for (int i = 1; i < 4; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        (void)connect(fds[i], (struct sockaddr *)&a, sizeof a);
    }
    usleep(100 * 1000);
}

static void close_all(int fds[4])
{
    for (int i = 0; i < 4; i++)
        close(fds[i]);
}

/* Log lines that tell of a move to the next address. */
static int g_moves;

static void on_log(void *ud, int level, const char *line)
{
    (void)ud;
    (void)level;
    if (strstr(line, "trying the next address of localhost") != NULL)
        g_moves++;
}

static tlsc_config *config_connect_ms(uint32_t connect_ms)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, connect_ms, 5000, 5000), TLSC_OK);
    assert_int_equal(tlsc_config_set_log(cfg, on_log, NULL, TLSC_LOG_INFO, 0), TLSC_OK);
    g_moves = 0;
    return cfg;
}

static tlsc_config *config(void)
{
    return config_connect_ms(5000);
}

/* ---- blocking driver -------------------------------------------------------- */

typedef struct tap_seen {
    size_t sent, received;
    unsigned char first_sent, first_received;
} tap_seen;

static void tap(void *ud, bool sent, const unsigned char *bytes, size_t len)
{
    tap_seen *t = ud;
    if (sent && t->sent == 0)
        t->first_sent = bytes[0];
    if (!sent && t->received == 0)
        t->first_received = bytes[0];
    *(sent ? &t->sent : &t->received) += len;
}

static void blocking_falls_back_to_the_second_address(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p);
    answer("::1", "127.0.0.1");
    tlsc_config *cfg = config();
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tap_seen seen = { 0 };
    assert_int_equal(tlsc_conn_set_tap(c, tap, &seen), TLSC_OK);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err != TLSC_OK)
        fail_msg("connect: %s (%s)", tlsc_strerror(err), tlsc_conn_errmsg(c));
    assert_int_equal(g_lookups, 1);
    assert_int_equal(g_moves, 1); /* ::1 refused, then 127.0.0.1 */
    /* The tap saw the records: a handshake record each way first. */
    assert_int_equal(seen.first_sent, 22);
    assert_int_equal(seen.first_received, 22);
    assert_true(seen.sent > 100 && seen.received > 500);
    assert_int_equal(tlsc_conn_set_tap(c, NULL, NULL), TLSC_ERR_STATE);
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    peer_stop(&p);
}

/* The hook is what the connection used: with ::1 alone it is refused. */
static void blocking_fails_with_the_first_address_alone(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p);
    answer("::1", NULL);
    tlsc_config *cfg = config();
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_ERR_CONN_REFUSED);
    assert_non_null(strstr(tlsc_conn_errmsg(c), "[::1]"));
    assert_int_equal(g_moves, 0);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    peer_stop(&p);
}

/* The first address neither answers nor refuses: after the connect
 * timeout the second one gets its own. */
static void blocking_moves_on_after_a_connect_timeout(void **state)
{
    (void)state;
    int fds[4];
    peer p = { 0 };
    int port = serve_at(&p, "127.0.0.2:0");
    blackhole(fds, port);
    answer("127.0.0.1", "127.0.0.2");
    tlsc_config *cfg = config_connect_ms(400);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err != TLSC_OK)
        fail_msg("connect: %s (%s)", tlsc_strerror(err), tlsc_conn_errmsg(c));
    assert_int_equal(g_moves, 1);
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    /* Alone, the silent address is a connect timeout. */
    answer("127.0.0.1", NULL);
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    assert_int_equal(tlsc_conn_connect(c, "localhost", (uint16_t)port), TLSC_ERR_TIMEOUT_CONNECT);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    peer_stop(&p);
    close_all(fds);
}

/* ---- event driver ------------------------------------------------------------ */


static void run_event_ms(const char *first, const char *second, int port, uint32_t connect_ms,
                         client_ev_seen *s, char peer_addr[48])
{
    answer(first, second);
    tlsc_config *cfg = config_connect_ms(connect_ms);
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    assert_int_equal(tlsc_ev_new(loop, cfg, client_ev_record, s, &ev), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    uint16_t p = 0;
    assert_int_equal(tlsc_ev_getpeer(ev, peer_addr, 48, &p), TLSC_OK);
    assert_int_equal(p, port);
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
}

static void run_event(const char *first, const char *second, int port, client_ev_seen *s,
                      char peer_addr[48])
{
    run_event_ms(first, second, port, 5000, s, peer_addr);
}

static void event_falls_back_to_the_second_address(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p);
    client_ev_seen s = { 0 };
    char addr[48];
    run_event("::1", "127.0.0.1", port, &s, addr);
    assert_int_equal(g_lookups, 1);
    assert_string_equal(s.dns, "::1"); /* the DNS event names the first */
    assert_true(s.connected);
    assert_int_equal(s.disconnected, 1);
    assert_int_equal(g_moves, 1);
    assert_string_equal(addr, "127.0.0.1"); /* getpeer: the one in use */
    peer_stop(&p);
}

static void event_fails_with_the_first_address_alone(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p);
    client_ev_seen s = { 0 };
    char addr[48];
    run_event("::1", NULL, port, &s, addr);
    assert_false(s.connected);
    assert_int_equal(s.err, TLSC_ERR_CONN_REFUSED);
    assert_string_equal(addr, "::1");
    peer_stop(&p);
}

static void event_moves_on_after_a_connect_timeout(void **state)
{
    (void)state;
    int fds[4];
    peer p = { 0 };
    int port = serve_at(&p, "127.0.0.2:0");
    blackhole(fds, port);
    client_ev_seen s = { 0 };
    char addr[48];
    run_event_ms("127.0.0.1", "127.0.0.2", port, 400, &s, addr);
    assert_true(s.connected);
    assert_int_equal(g_moves, 1);
    assert_string_equal(addr, "127.0.0.2");
    peer_stop(&p);
    close_all(fds);
}

/* ---- tlsc_tcp_connect ---------------------------------------------------- */

static void tcp_connect_falls_back_too(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p);
    answer("::1", "127.0.0.1");
    tlsc_tcp *t = NULL;
    char detail[256] = "";
    tlsc_err err = tlsc_tcp_connect(&t, "localhost", (uint16_t)port, 5000, detail,
                                    sizeof detail);
    if (err != TLSC_OK)
        fail_msg("tlsc_tcp_connect: %s (%s)", tlsc_strerror(err), detail);
    /* A byte stream: s_server answers garbage with an alert or a close. */
    size_t n = 0;
    assert_int_equal(tlsc_tcp_transport()->send(t, (const unsigned char *)"hello\r\n", 7, &n),
                     TLSC_OK);
    assert_int_equal(n, 7);
    tlsc_tcp_transport()->close(t);
    answer("::1", NULL);
    assert_int_equal(tlsc_tcp_connect(&t, "localhost", (uint16_t)port, 5000, detail,
                                      sizeof detail),
                     TLSC_ERR_CONN_REFUSED);
    assert_null(t);
    assert_non_null(strstr(detail, "[::1]"));
    assert_int_equal(tlsc_tcp_connect(NULL, "localhost", 1, 0, NULL, 0), TLSC_ERR_INVALID_ARG);
    peer_stop(&p);
}

/* ---- resolver failures ------------------------------------------------------ */

/* What each failure of the hook must read as, from both drivers. */
static const struct {
    const char *host;
    tlsc_err err;
    const char *words;
} g_said[] = {
    { "no-address.test", TLSC_ERR_DNS, "has no IPv4 or IPv6 address" },
    { "no-memory.test", TLSC_ERR_NO_MEMORY, "Cannot allocate memory" },
    { "no-descriptor.test", TLSC_ERR_DNS_TEMPORARY, "Too many open files" },
    { "unknown.test", TLSC_ERR_DNS, "Name or service not known" },
};

static void check_said(size_t i, tlsc_err err, const char *detail)
{
    if (err != g_said[i].err || strstr(detail, g_said[i].words) == NULL ||
        strstr(detail, g_said[i].host) == NULL)
        fail_msg("%s: %s (%s), expected %s (... %s)", g_said[i].host, tlsc_strerror(err),
                 detail, tlsc_strerror(g_said[i].err), g_said[i].words);
    /* getaddrinfo's stand-ins for "no address" and "System error" are gone */
    assert_null(strstr(detail, "System error"));
    assert_null(strstr(detail, "non-recoverable"));
}

static void blocking_resolver_failures_name_their_cause(void **state)
{
    (void)state;
    answer("127.0.0.1", NULL);
    for (size_t i = 0; i < sizeof g_said / sizeof g_said[0]; i++) {
        tlsc_tcp *t = NULL;
        char detail[256] = "";
        tlsc_err err = tlsc_tcp_connect(&t, g_said[i].host, 443, 1000, detail, sizeof detail);
        assert_null(t);
        check_said(i, err, detail);
    }
}

static void event_resolver_failures_name_their_cause(void **state)
{
    (void)state;
    answer("127.0.0.1", NULL);
    tlsc_config *cfg = config();
    for (size_t i = 0; i < sizeof g_said / sizeof g_said[0]; i++) {
        tlsc_loop *loop = NULL;
        tlsc_ev *ev = NULL;
        client_ev_seen s = { 0 };
        assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
        assert_int_equal(tlsc_ev_new(loop, cfg, client_ev_record, &s, &ev), TLSC_OK);
        assert_int_equal(tlsc_ev_connect(ev, g_said[i].host, 443), TLSC_OK);
        assert_int_equal(tlsc_loop_run(loop, 5000), TLSC_OK);
        assert_int_equal(s.disconnected, 1);
        check_said(i, s.err, s.detail);
        tlsc_loop_free(loop);
    }
    tlsc_config_free(cfg);
}

/* ---- a reconnection that cannot make its connection --------------------- */

/* The first RECONNECTION arms the failure of the next allocation: the
 * reconnection's new tlsc_conn. */
static void on_retry(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    if (e->kind == TLSC_EV_RECONNECTION && e->will_retry) {
        alloc_fail_once = true;
        alloc_injected = 0;
        alloc_countdown = 0;
    }
    client_ev_record(ev, e, ud);
}

/* DISCONNECTED tells the reconnection's own failure, not the refused
 * connect before it. */
static void event_reconnection_without_memory_says_so(void **state)
{
    (void)state;
    answer("127.0.0.1", NULL);
    int port = closed_port();
    tlsc_config *cfg = config();
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = NULL;
    client_ev_seen s = { 0 };
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    assert_int_equal(tlsc_ev_new(loop, cfg, on_retry, &s, &ev), TLSC_OK);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 3, 10, 10), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 5000), TLSC_OK);
    alloc_countdown = -1;
    alloc_fail_once = false;
    assert_int_equal(alloc_injected, 1);
    assert_int_equal(s.disconnected, 1);
    assert_int_equal(s.err, TLSC_ERR_NO_MEMORY);
    char want[64];
    snprintf(want, sizeof want, "reconnecting to localhost port %d: ", port);
    if (strstr(s.detail, want) == NULL || strstr(s.detail, "memory") == NULL)
        fail_msg("DISCONNECTED said: %s", s.detail);
    assert_null(strstr(s.detail, "refused"));
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
}

/* Bad arguments fail at once, without a lookup or a socket. */
static void tap_and_tcp_connect_refuse_bad_arguments(void **state)
{
    (void)state;
    tap_seen seen = { 0 };
    assert_int_equal(tlsc_conn_set_tap(NULL, tap, &seen), TLSC_ERR_INVALID_ARG);
    tlsc_config *cfg = config();
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    assert_int_equal(tlsc_conn_set_tap(c, tap, &seen), TLSC_OK);
    assert_int_equal(tlsc_conn_set_tap(c, NULL, NULL), TLSC_OK); /* removed before start */
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    assert_int_equal(seen.sent + seen.received, 0);

    size_t lookups = g_lookups;
    tlsc_tcp *t = (tlsc_tcp *)&seen; /* overwritten with NULL on every failure */
    char detail[128] = "untouched";
    assert_int_equal(tlsc_tcp_connect(&t, NULL, 443, 0, detail, sizeof detail),
                     TLSC_ERR_INVALID_ARG);
    assert_null(t);
    assert_string_equal(detail, "untouched");
    assert_int_equal(tlsc_tcp_connect(&t, "localhost", 0, 0, detail, sizeof detail),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_tcp_connect(&t, "localhost", 443, 0, NULL, 8),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_tcp_connect(&t, "", 443, 0, detail, sizeof detail),
                     TLSC_ERR_HOSTNAME);
    assert_non_null(strstr(detail, "not a host name"));
    assert_int_equal(tlsc_tcp_connect(&t, "bad host!", 443, 0, detail, sizeof detail),
                     TLSC_ERR_HOSTNAME);
    assert_non_null(strstr(detail, "bad host!"));
    char longest[256];
    memset(longest, 'a', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    assert_int_equal(tlsc_tcp_connect(&t, longest, 443, 0, detail, sizeof detail),
                     TLSC_ERR_HOSTNAME); /* 255 characters: more than 253 */
    assert_non_null(strstr(detail, "..."));
    char tiny[6];
    assert_int_equal(tlsc_tcp_connect(&t, longest, 443, 0, tiny, sizeof tiny),
                     TLSC_ERR_HOSTNAME);
    assert_int_equal(strlen(tiny), sizeof tiny - 1); /* cut, still a string */
    assert_int_equal(tlsc_tcp_connect(&t, longest, 443, 0, NULL, 0), TLSC_ERR_HOSTNAME);
    assert_null(t);
    assert_int_equal(g_lookups, lookups); /* none of these reached the resolver */
    const tlsc_transport *tp = tlsc_tcp_transport();
    assert_non_null(tp);
    assert_true(tp->send != NULL && tp->recv != NULL && tp->wait != NULL && tp->close != NULL);
}

int main(void)
{
    /* Before any allocation; no failure until a test arms one. */
    if (tlsc_set_allocator(alloc_inject_calloc, alloc_inject_free, NULL) != TLSC_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocking_falls_back_to_the_second_address),
        cmocka_unit_test(tap_and_tcp_connect_refuse_bad_arguments),
        cmocka_unit_test(blocking_fails_with_the_first_address_alone),
        cmocka_unit_test(blocking_moves_on_after_a_connect_timeout),
        cmocka_unit_test(event_falls_back_to_the_second_address),
        cmocka_unit_test(event_fails_with_the_first_address_alone),
        cmocka_unit_test(event_moves_on_after_a_connect_timeout),
        cmocka_unit_test(tcp_connect_falls_back_too),
        cmocka_unit_test(blocking_resolver_failures_name_their_cause),
        cmocka_unit_test(event_resolver_failures_name_their_cause),
        cmocka_unit_test(event_reconnection_without_memory_says_so),
    };
    return cmocka_run_group_tests_name("api_fallback", tests, make_pki, drop_pki);
}
