/*
 * Event driver tests (tlsc/event.h) against real peers on 127.0.0.1:
 * openssl s_server, and the misbehaving peers of tests/event/peers.py (a
 * relay that trickles or drops, a TLS server that floods or never reads).
 * Every test checks the events a connection delivers, in order, and runs
 * under ASan/LSan in `make check` (leaks fail the test).
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
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "app_transport.h"
#include "peer.h"
#include "pki.h"

#define MAX_EVENTS 256

/* What one connection saw. */
typedef struct rec {
    tlsc_event_kind kinds[MAX_EVENTS];
    size_t nkinds;
    int count[16];
    char rx[65536];
    size_t rxlen;           /* kept bytes (up to sizeof rx) */
    size_t rx_total;        /* all bytes received */
    size_t sent_total;
    tlsc_err err;           /* of the last RECONNECTION / DISCONNECTED */
    tlsc_close_how how;
    char detail[400];
    char address[64];
    size_t unsent;
    bool will_retry[16];
    bool resumed;           /* at CONNECTED */
    uint64_t t_end;         /* tlsc_now_ms at DISCONNECTED */
    /* behaviour */
    const char *expect;     /* close once rx holds this */
    size_t expect_bytes;    /* close once rx_total reaches it */
    bool hold_on_connect;
    bool free_on_end;       /* tlsc_ev_free at DISCONNECTED */
    bool stop_on_end;       /* tlsc_loop_stop at DISCONNECTED */
    void (*hook)(tlsc_ev *ev, const tlsc_event *e, struct rec *r);
    tlsc_loop *loop;
    void *ctx;
} rec;

static void record(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    rec *r = ud;
    if (r->nkinds < MAX_EVENTS)
        r->kinds[r->nkinds++] = e->kind;
    r->count[e->kind]++;
    assert_non_null(e->detail);
    assert_non_null(e->address);
    switch (e->kind) {
    case TLSC_EV_DNS:
        snprintf(r->address, sizeof r->address, "%s", e->address);
        break;
    case TLSC_EV_CONNECTED:
        r->resumed = tlsc_conn_resumed(tlsc_ev_conn(ev));
        if (r->hold_on_connect)
            tlsc_ev_hold(ev);
        break;
    case TLSC_EV_RECEIVE: {
        size_t room = sizeof r->rx - 1 - r->rxlen;
        size_t n = e->len < room ? e->len : room;
        memcpy(r->rx + r->rxlen, e->data, n);
        r->rxlen += n;
        r->rx[r->rxlen] = '\0';
        r->rx_total += e->len;
        bool done = (r->expect && strstr(r->rx, r->expect)) ||
                    (r->expect_bytes && r->rx_total >= r->expect_bytes);
        if (done)
            assert_int_equal(tlsc_ev_close(ev), TLSC_OK);
        break;
    }
    case TLSC_EV_SENT:
        r->sent_total += e->len;
        break;
    case TLSC_EV_RECONNECTION:
        r->err = e->err;
        snprintf(r->detail, sizeof r->detail, "%s", e->detail);
        if (e->attempt < 16)
            r->will_retry[e->attempt] = e->will_retry;
        break;
    case TLSC_EV_DISCONNECTED:
        r->err = e->err;
        r->how = e->how;
        r->unsent = e->len;
        r->t_end = tlsc_now_ms();
        if (e->detail[0] != '\0')
            snprintf(r->detail, sizeof r->detail, "%s", e->detail);
        break;
    default:
        break;
    }
    if (getenv("TLSC_TEST_VERBOSE") != NULL)
        fprintf(stderr, "event %s err %d %s\n", tlsc_event_name(e->kind), (int)e->err, e->detail);
    if (r->hook != NULL)
        r->hook(ev, e, r);
    if (e->kind == TLSC_EV_DISCONNECTED && r->stop_on_end && r->loop)
        tlsc_loop_stop(r->loop);
    if (e->kind == TLSC_EV_DISCONNECTED && r->free_on_end)
        tlsc_ev_free(ev);
}

static tlsc_config *ca_config(uint32_t connect_ms, uint32_t handshake_ms)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, connect_ms, handshake_ms, 3000), TLSC_OK);
    return cfg;
}

/* s_server for server-p256 that reverses lines, for `accepts` clients. */
static int rev_server(peer *p, const char *accepts, const char *extra)
{
    const char *args[] = { "-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", accepts,
                           extra, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static const char *peers_py(void)
{
    const char *py = getenv("TLSC_EVENT_PEERS");
    assert_non_null(py);
    return py;
}

/* peers.py MODE ARGS... */
static int py_peer(peer *p, const char *const *args)
{
    const char *argv[16] = { "/usr/bin/python3", peers_py() };
    size_t n = 2;
    for (size_t i = 0; args[i] != NULL && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int port = peer_spawn(p, argv);
    assert_true(port > 0);
    return port;
}

static tlsc_ev *new_ev(tlsc_loop *loop, tlsc_config *cfg, rec *r)
{
    tlsc_ev *ev = NULL;
    r->loop = loop;
    assert_int_equal(tlsc_ev_new(loop, cfg, record, r, &ev), TLSC_OK);
    return ev;
}

/* A loop with one connection (recorded into r) under ca_config(3000, hs_ms). */
static tlsc_ev *loop_with_ev(tlsc_loop **loop, rec *r, uint32_t hs_ms)
{
    tlsc_config *cfg = ca_config(3000, hs_ms);
    assert_int_equal(tlsc_loop_new(loop), TLSC_OK);
    tlsc_ev *ev = new_ev(*loop, cfg, r);
    tlsc_config_free(cfg);
    return ev;
}

static size_t count_kind(const rec *r, tlsc_event_kind k)
{
    return (size_t)r->count[k];
}

/* The index of the first event of kind k, or -1. */
static int first(const rec *r, tlsc_event_kind k)
{
    for (size_t i = 0; i < r->nkinds; i++) {
        if (r->kinds[i] == k)
            return (int)i;
    }
    return -1;
}

/* ---- events, in order, through async DNS and IP literals ------------------ */

static void send_two(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    (void)r;
    if (e->kind != TLSC_EV_CONNECTED)
        return;
    char addr[64];
    uint16_t port = 0;
    assert_int_equal(tlsc_ev_getpeer(ev, addr, sizeof addr, &port), TLSC_OK);
    assert_string_equal(addr, r->address);
    assert_int_equal(tlsc_ev_getpeer(ev, addr, 4, &port), TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(tlsc_ev_send(ev, "world\n", 6), TLSC_OK);
    assert_int_equal(tlsc_ev_send(ev, "again\n", 6), TLSC_OK);
}

static void events_in_order(const char *host)
{
    peer p = {0};
    int port = rev_server(&p, "1", NULL);
    rec r = { .expect = "niaga", .hook = send_two };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    char addr[64];
    uint16_t pport;
    assert_int_equal(tlsc_ev_getpeer(ev, addr, sizeof addr, &pport), TLSC_ERR_STATE);
    /* queued before the connection exists: sent after the handshake */
    assert_int_equal(tlsc_ev_send(ev, "hello\n", 6), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, host, (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);

    assert_int_equal(r.kinds[0], TLSC_EV_DNS);
    assert_string_equal(r.address, "127.0.0.1");
    assert_int_equal(r.kinds[1], TLSC_EV_CONNECTED);
    assert_non_null(strstr(r.rx, "olleh\ndlrow\nniaga\n"));
    assert_int_equal(r.sent_total, 18);
    assert_true(count_kind(&r, TLSC_EV_DRAINED) >= 1);
    assert_true(first(&r, TLSC_EV_DRAINED) > first(&r, TLSC_EV_SENT));
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 1);
    assert_int_equal(r.kinds[r.nkinds - 1], TLSC_EV_DISCONNECTED);
    assert_int_equal(r.how, TLSC_CLOSE_LOCAL);
    assert_int_equal(r.err, TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_RECONNECTION), 0);
    assert_int_equal(tlsc_loop_active(loop), 0);
    tlsc_loop_free(loop);
    peer_stop(&p);
}

/* ---- many small sends in one pass leave in a few TLS records -------------- */

#define SMALL_SENDS 200

static void send_many(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    (void)r;
    if (e->kind != TLSC_EV_CONNECTED)
        return;
    for (int i = 0; i < SMALL_SENDS; i++) {
        char line[16];
        int n = snprintf(line, sizeof line, "l%05d\n", i);
        assert_int_equal(tlsc_ev_send(ev, line, (size_t)n), TLSC_OK);
    }
}

static void test_small_sends_coalesce(void **state)
{
    (void)state;
    peer p = {0};
    int port = rev_server(&p, "1", NULL);
    char want[SMALL_SENDS * 7 + 1], *w = want;
    for (int i = 0; i < SMALL_SENDS; i++) {
        char line[16];
        snprintf(line, sizeof line, "l%05d", i);
        for (int k = 5; k >= 0; k--)
            *w++ = line[k];
        *w++ = '\n';
    }
    *w = '\0';
    rec r = { .expect = "991001l\n", .hook = send_many };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    /* every byte, in order */
    assert_string_equal(r.rx, want);
    assert_int_equal(r.sent_total, SMALL_SENDS * 7);
    /* 1,400 bytes queued in one callback go as one record (one SENT),
     * not one per tlsc_ev_send */
    assert_true(r.count[TLSC_EV_SENT] <= 2);
    assert_int_equal(r.err, TLSC_OK);
    tlsc_loop_free(loop);
    peer_stop(&p);
}

static void test_events_ip_literal(void **state)
{
    (void)state;
    events_in_order("127.0.0.1");
}

/* "localhost" may resolve to ::1 first: the next address is tried. */
static void test_events_async_dns(void **state)
{
    (void)state;
    events_in_order("localhost");
}

/* DISCONNECTED's detail stays valid when the callback connects again
 * (which replaces the connection underneath). */
static void reconnect_then_read(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    if (e->kind != TLSC_EV_DISCONNECTED || r->count[TLSC_EV_DISCONNECTED] != 2)
        return;
    char before[400];
    snprintf(before, sizeof before, "%s", e->detail);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)closed_port()), TLSC_OK);
    assert_string_equal(e->detail, before);
}

static void test_dns_failure(void **state)
{
    (void)state;
    rec r = {0};
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 3000);
    assert_int_equal(tlsc_ev_connect(ev, "no-such-host.invalid", 443), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(tlsc_err_category(r.err), TLSC_CAT_DNS);
    assert_non_null(strstr(r.detail, "no-such-host.invalid"));
    assert_int_equal(count_kind(&r, TLSC_EV_DNS), 0);
    assert_int_equal(r.how, TLSC_CLOSE_ERROR);
    assert_int_equal(tlsc_ev_connect(ev, "bad host!", 443), TLSC_ERR_HOSTNAME);
    /* connect again from inside DISCONNECTED: refused this time */
    r.hook = reconnect_then_read;
    assert_int_equal(tlsc_ev_connect(ev, "no-such-host.invalid", 443), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 3);
    assert_int_equal(r.err, TLSC_ERR_CONN_REFUSED);
    tlsc_loop_free(loop);
}

/* ---- the send queue ----------------------------------------------------------- */

static void test_queue_bound(void **state)
{
    (void)state;
    rec r = {0};
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 3000);
    char data[100] = {0};
    assert_int_equal(tlsc_ev_set_queue_limit(ev, 100), TLSC_OK);
    assert_int_equal(tlsc_ev_set_queue_limit(ev, 0), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_send(ev, data, 60), TLSC_OK);
    assert_int_equal(tlsc_ev_send(ev, data, 41), TLSC_ERR_QUEUE_FULL);
    assert_int_equal(tlsc_ev_queued(ev), 60);
    assert_int_equal(tlsc_ev_send(ev, data, 40), TLSC_OK);
    assert_int_equal(tlsc_ev_send(ev, data, 1), TLSC_ERR_QUEUE_FULL);
    assert_int_equal(tlsc_ev_send(ev, data, 0), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_queued(ev), 100);
    assert_string_equal(tlsc_strerror(TLSC_ERR_QUEUE_FULL),
                        "send queue full: the data would exceed the connection's queue bound "
                        "(nothing was queued)");
    /* arguments and states */
    tlsc_ev *none = NULL;
    assert_int_equal(tlsc_ev_new(loop, NULL, record, &r, &none), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_new(NULL, NULL, record, &r, &none), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 3, 0, 100), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 3, 200, 100), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 0, 0, 0), TLSC_OK);
    assert_int_equal(tlsc_ev_close(ev), TLSC_ERR_STATE); /* never connected */
    assert_int_equal(tlsc_ev_connect(ev, "", 443), TLSC_ERR_HOSTNAME);
    assert_ptr_equal(tlsc_ev_userdata(ev), &r);
    assert_string_equal(tlsc_event_name(TLSC_EV_DRAINED), "drained");
    assert_string_equal(tlsc_event_name((tlsc_event_kind)99), "?");
    assert_int_equal(tlsc_loop_watches(loop, NULL, 0), 0);
    assert_int_equal(tlsc_loop_deadline(loop), 0); /* idle: no timer */
    assert_int_equal(tlsc_loop_active(loop), 0);
    assert_int_equal(tlsc_loop_run(loop, 0), TLSC_OK); /* nothing to do: returns */
    tlsc_ev_free(ev);
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 0);
    tlsc_loop_free(loop);
}

/* The application timer (tlsc_ev_set_timer): fires once, after its delay,
 * on an idle connection too; keeps tlsc_loop_run going; replaced and
 * cancelled by setting it again. */
static void test_app_timer(void **state)
{
    (void)state;
    rec r = {0};
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 3000);
    assert_int_equal(tlsc_ev_set_timer(NULL, 10), TLSC_ERR_INVALID_ARG);
    uint64_t t0 = tlsc_now_ms();
    assert_int_equal(tlsc_ev_set_timer(ev, 80), TLSC_OK);
    assert_int_equal(tlsc_loop_active(loop), 1);
    assert_true(tlsc_loop_deadline(loop) >= t0 + 80);
    assert_int_equal(tlsc_loop_run(loop, 5000), TLSC_OK); /* returns once it fired */
    assert_true(tlsc_now_ms() - t0 >= 80);
    assert_int_equal(count_kind(&r, TLSC_EV_TIMER), 1);
    assert_int_equal(tlsc_loop_active(loop), 0);
    assert_string_equal(tlsc_event_name(TLSC_EV_TIMER), "timer");
    /* replaced: only the second one fires */
    assert_int_equal(tlsc_ev_set_timer(ev, 5000), TLSC_OK);
    assert_int_equal(tlsc_ev_set_timer(ev, 20), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 3000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_TIMER), 2);
    /* cancelled: nothing fires, nothing keeps the loop */
    assert_int_equal(tlsc_ev_set_timer(ev, 20), TLSC_OK);
    assert_int_equal(tlsc_ev_set_timer(ev, 0), TLSC_OK);
    assert_int_equal(tlsc_loop_active(loop), 0);
    assert_int_equal(tlsc_loop_run_once(loop, 60), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_TIMER), 2);
    tlsc_ev_free(ev);
    tlsc_loop_free(loop);
}

/* Keep the queue full: refill after every SENT until QUEUE_FULL. */
typedef struct filler {
    size_t full_hits;
    size_t accepted;
} filler;

static void refill(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    filler *f = r->ctx;
    if (e->kind != TLSC_EV_CONNECTED && e->kind != TLSC_EV_SENT &&
        e->kind != TLSC_EV_DRAINED)
        return;
    static char block[16384];
    for (;;) {
        tlsc_err err = tlsc_ev_send(ev, block, sizeof block);
        if (err == TLSC_ERR_QUEUE_FULL) {
            f->full_hits++;
            return;
        }
        assert_int_equal(err, TLSC_OK);
        f->accepted += sizeof block;
    }
}

/* A peer that stops reading: the transport fills, SENT stops, the queue
 * stays at its bound and refuses more (never drops), and the idle timer
 * ends the connection with the unsent bytes reported. */
static void test_peer_stops_reading(void **state)
{
    (void)state;
    peer p = {0};
    const char *args[] = { "sink", path("server-p256-chain.pem"), path("server-p256.key"), NULL };
    int port = py_peer(&p, args);
    filler f = {0};
    rec r = { .hook = refill, .ctx = &f };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    assert_int_equal(tlsc_ev_set_queue_limit(ev, 65536), TLSC_OK);
    assert_int_equal(tlsc_ev_set_idle_timeout(ev, 1500), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 60000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 1);
    assert_true(f.full_hits > 0);
    assert_true(r.sent_total > 65536);
    assert_int_equal(r.err, TLSC_ERR_TIMEOUT_WRITE);
    assert_int_equal(r.how, TLSC_CLOSE_ERROR);
    /* nothing silently dropped: accepted = sent + reported unsent */
    assert_int_equal(f.accepted, r.sent_total + r.unsent);
    assert_true(r.unsent > 0);
    tlsc_loop_free(loop);
    peer_stop(&p);
}

/* ---- hold / unhold ----------------------------------------------------------- */

static bool line_from(int fd, const char *what, int timeout_ms)
{
    char buf[256];
    struct pollfd pf = { .fd = fd, .events = POLLIN };
    if (poll(&pf, 1, timeout_ms) <= 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return strstr(buf, what) != NULL;
}

static int ev_fd(tlsc_ev *ev)
{
    int fd = -1;
    tlsc_conn_poll_info(tlsc_ev_conn(ev), &fd, NULL, NULL, NULL);
    return fd;
}

#define FLOOD_BYTES (24u << 20)

static void test_hold_stops_reading(void **state)
{
    (void)state;
    peer p = {0};
    char total[32];
    snprintf(total, sizeof total, "%u", FLOOD_BYTES);
    const char *args[] = { "flood", path("server-p256-chain.pem"), path("server-p256.key"),
                           total, NULL };
    int port = py_peer(&p, args);
    rec r = { .hold_on_connect = true, .expect_bytes = FLOOD_BYTES };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    while (count_kind(&r, TLSC_EV_CONNECTED) == 0 && count_kind(&r, TLSC_EV_DISCONNECTED) == 0)
        assert_int_equal(tlsc_loop_run_once(loop, 1000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 1);

    /* Held: the socket is not watched for reading ... */
    tlsc_watch w[4];
    size_t nw = tlsc_loop_watches(loop, w, 4);
    for (size_t i = 0; i < nw; i++)
        assert_false(w[i].fd == ev_fd(ev) && w[i].read);
    assert_int_equal(tlsc_loop_run(loop, 1500), TLSC_OK);
    /* ... nor read: no data delivered, the kernel buffer holds it, and the
     * server is blocked (it has not managed to send everything). */
    assert_int_equal(r.rx_total, 0);
    int pending = 0;
    assert_int_equal(ioctl(ev_fd(ev), FIONREAD, &pending), 0);
    assert_true(pending > 0);
    assert_false(line_from(p.out, "DONE", 0));

    tlsc_ev_unhold(ev);
    assert_int_equal(tlsc_loop_run(loop, 60000), TLSC_OK);
    assert_int_equal(r.rx_total, FLOOD_BYTES);
    assert_true(line_from(p.out, "DONE", 5000));
    assert_int_equal(r.how, TLSC_CLOSE_LOCAL);
    tlsc_loop_free(loop);
    peer_stop(&p);
}

/* ---- misbehaving servers ------------------------------------------------------- */

static void test_drop_mid_handshake(void **state)
{
    (void)state;
    peer s = {0}, relay = {0};
    char target[16];
    snprintf(target, sizeof target, "%d", rev_server(&s, "4", NULL));
    const char *args[] = { "relay", target, "--drop-after", "300", "--drop-first", "3", NULL };
    int port = py_peer(&relay, args);
    tlsc_config *cfg = ca_config(3000, 5000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);

    /* Without reconnection: one failure, told apart from a clean close. */
    rec a = {0};
    tlsc_ev *ev = new_ev(loop, cfg, &a);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&a, TLSC_EV_CONNECTED), 0);
    assert_int_equal(count_kind(&a, TLSC_EV_RECONNECTION), 1);
    assert_false(a.will_retry[1]);
    assert_int_equal(count_kind(&a, TLSC_EV_DISCONNECTED), 1);
    assert_true(a.how == TLSC_CLOSE_TRUNCATED || a.how == TLSC_CLOSE_ERROR);
    assert_true(a.err != TLSC_OK);
    assert_true(a.detail[0] != '\0');
    tlsc_ev_free(ev);

    /* With reconnection: two more drops, then a verified connection. */
    rec b = { .expect = "olleh" };
    ev = new_ev(loop, cfg, &b);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 3, 50, 200), TLSC_OK);
    assert_int_equal(tlsc_ev_send(ev, "hello\n", 6), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&b, TLSC_EV_RECONNECTION), 2);
    assert_true(b.will_retry[1] && b.will_retry[2]);
    assert_int_equal(count_kind(&b, TLSC_EV_DNS), 3);
    assert_int_equal(count_kind(&b, TLSC_EV_CONNECTED), 1);
    assert_non_null(strstr(b.rx, "olleh"));
    assert_int_equal(b.how, TLSC_CLOSE_LOCAL);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
    peer_stop(&relay);
    peer_stop(&s);
}

static void test_trickle(void **state)
{
    (void)state;
    peer s = {0}, relay = {0};
    char target[16];
    snprintf(target, sizeof target, "%d", rev_server(&s, "1", NULL));
    const char *args[] = { "relay", target, "--trickle", NULL };
    int port = py_peer(&relay, args);
    rec r = { .expect = "olleh\n" };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 20000);
    assert_int_equal(tlsc_ev_send(ev, "hello\n", 6), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 40000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 1);
    assert_int_equal(tlsc_conn_verify_flags(tlsc_ev_conn(ev)), 0);
    assert_string_equal(r.rx, "olleh\n");
    /* one byte at a time: many RECEIVE-free passes, yet one chunk here */
    assert_int_equal(r.how, TLSC_CLOSE_LOCAL);
    tlsc_loop_free(loop);
    peer_stop(&relay);
    peer_stop(&s);
}

static void test_verify_failure_not_retried(void **state)
{
    (void)state;
    peer s = {0};
    const char *args[] = { "-cert", path("wronghost.pem"), "-key", path("wronghost.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", "1", NULL };
    int port = peer_start(&s, args);
    assert_true(port > 0);
    rec r = {0};
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 5, 10, 100), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    if (r.err != TLSC_ERR_HOSTNAME_MISMATCH)
        fail_msg("error %d: %s (%d events)", (int)r.err, r.detail, (int)r.nkinds);
    assert_int_equal(count_kind(&r, TLSC_EV_RECONNECTION), 1);
    assert_false(r.will_retry[1]);
    assert_non_null(strstr(r.detail, "other.test"));
    assert_int_equal(r.how, TLSC_CLOSE_ERROR);
    tlsc_loop_free(loop);
    peer_stop(&s);
}

/* ---- timers ----------------------------------------------------------------------- */

/* Three connections on one loop: A (handshake timeout 1000 ms) and C
 * (3000 ms) to a listener that never answers, B open to a real server.
 * A's timer fails A only; B keeps working; C fails later on its own. */
typedef struct three {
    rec a, b, c;
    tlsc_ev *bev;
} three;

static void a_ended(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    (void)ev;
    three *t = r->ctx;
    if (e->kind != TLSC_EV_DISCONNECTED)
        return;
    assert_int_equal(count_kind(&t->c, TLSC_EV_DISCONNECTED), 0);
    assert_int_equal(count_kind(&t->b, TLSC_EV_DISCONNECTED), 0);
    /* B is open (or, on a very busy machine, still in its handshake: the
     * data is queued until it is up) */
    assert_int_equal(tlsc_ev_send(t->bev, "ping\n", 5), TLSC_OK);
}

static void test_timeout_isolation(void **state)
{
    (void)state;
    peer s = {0};
    int bport = rev_server(&s, "1", NULL);
    int lfd;
    int silent = listener_start(&lfd, AF_INET);
    assert_true(silent > 0);
    tlsc_config *fast = ca_config(3000, 1000);
    tlsc_config *slow = ca_config(3000, 3000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    three t = { .a = { .hook = a_ended }, .b = { .expect = "gnip\n" } };
    t.a.ctx = &t;
    tlsc_ev *a = new_ev(loop, fast, &t.a);
    t.bev = new_ev(loop, slow, &t.b);
    tlsc_ev *c = new_ev(loop, slow, &t.c);
    tlsc_config_free(fast);
    tlsc_config_free(slow);
    uint64_t t0 = tlsc_now_ms();
    assert_int_equal(tlsc_ev_connect(t.bev, "127.0.0.1", (uint16_t)bport), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(a, "127.0.0.1", (uint16_t)silent), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(c, "127.0.0.1", (uint16_t)silent), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);

    assert_int_equal(t.a.err, TLSC_ERR_TIMEOUT_HANDSHAKE);
    assert_int_equal(t.c.err, TLSC_ERR_TIMEOUT_HANDSHAKE);
    assert_true(t.a.t_end - t0 >= 1000 && t.a.t_end - t0 < 2900);
    assert_true(t.c.t_end - t0 >= 3000);
    assert_non_null(strstr(t.b.rx, "gnip\n"));
    assert_int_equal(t.b.how, TLSC_CLOSE_LOCAL);
    assert_int_equal(t.b.err, TLSC_OK);
    tlsc_loop_free(loop);
    close(lfd);
    peer_stop(&s);
}

/* The idle timer ends only the idle connection. */
static void test_idle_timeout(void **state)
{
    (void)state;
    peer s = {0}, s2 = {0};
    int port = rev_server(&s, "1", NULL);
    int port2 = rev_server(&s2, "1", NULL); /* s_server serves one at a time */
    tlsc_config *cfg = ca_config(3000, 5000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    rec idle = {0}, busy = {0};
    tlsc_ev *a = new_ev(loop, cfg, &idle);
    tlsc_ev *b = new_ev(loop, cfg, &busy);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_ev_set_idle_timeout(a, 300), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(a, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(b, "127.0.0.1", (uint16_t)port2), TLSC_OK);
    uint64_t end = tlsc_now_ms() + 20000;
    while ((count_kind(&idle, TLSC_EV_DISCONNECTED) == 0 ||
            count_kind(&busy, TLSC_EV_CONNECTED) == 0) && tlsc_now_ms() < end)
        assert_int_equal(tlsc_loop_run_once(loop, 1000), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 500), TLSC_OK); /* b stays */
    assert_int_equal(idle.err, TLSC_ERR_TIMEOUT_READ);
    assert_int_equal(idle.how, TLSC_CLOSE_ERROR);
    assert_int_equal(count_kind(&busy, TLSC_EV_CONNECTED), 1);
    assert_int_equal(count_kind(&busy, TLSC_EV_DISCONNECTED), 0);
    assert_int_equal(tlsc_loop_active(loop), 1);
    tlsc_loop_free(loop); /* frees b without events */
    assert_int_equal(count_kind(&busy, TLSC_EV_DISCONNECTED), 0);
    peer_stop(&s);
    peer_stop(&s2);
}

/* ---- callbacks that close, free and open ------------------------------------------ */

typedef struct chain {
    tlsc_config *cfg;
    int port;
    rec second;
    tlsc_ev *victim;        /* freed by the first connection's callback */
    bool freed_self;
} chain;

static void second_hook(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    (void)r;
    if (e->kind == TLSC_EV_CONNECTED)
        assert_int_equal(tlsc_ev_send(ev, "abc\n", 4), TLSC_OK);
}

/* On CONNECTED: the loop refuses reentry, the callback frees another
 * connection, opens a new one and frees itself; no event follows. */
static void first_hook(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    chain *ch = r->ctx;
    assert_false(ch->freed_self);
    if (e->kind != TLSC_EV_CONNECTED)
        return;
    assert_int_equal(tlsc_loop_process(r->loop), TLSC_ERR_STATE);
    assert_int_equal(tlsc_loop_run(r->loop, 10), TLSC_ERR_STATE);
    assert_int_equal(tlsc_loop_run_once(r->loop, 0), TLSC_ERR_STATE);
    tlsc_ev_free(ch->victim);
    ch->second = (rec){ .expect = "cba\n", .free_on_end = true, .hook = second_hook,
                        .loop = r->loop };
    tlsc_ev *next = NULL;
    assert_int_equal(tlsc_ev_new(r->loop, ch->cfg, record, &ch->second, &next), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(next, "127.0.0.1", (uint16_t)ch->port), TLSC_OK);
    assert_int_equal(tlsc_ev_send(ev, "lost?\n", 6), TLSC_OK); /* freed with ev */
    tlsc_ev_free(ev);
    ch->freed_self = true;
}

static void test_callbacks_close_free_open(void **state)
{
    (void)state;
    peer s = {0};
    chain ch = {0};
    ch.port = rev_server(&s, "2", NULL);
    ch.cfg = ca_config(3000, 5000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    rec r1 = { .hook = first_hook, .ctx = &ch }, rv = {0};
    tlsc_ev *one = new_ev(loop, ch.cfg, &r1);
    ch.victim = new_ev(loop, ch.cfg, &rv);
    int lfd; /* the victim stays in its handshake with a silent listener */
    int silent = listener_start(&lfd, AF_INET);
    assert_int_equal(tlsc_ev_connect(ch.victim, "127.0.0.1", (uint16_t)silent), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(one, "127.0.0.1", (uint16_t)ch.port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_true(ch.freed_self);
    assert_int_equal(count_kind(&r1, TLSC_EV_DISCONNECTED), 0);
    assert_int_equal(count_kind(&rv, TLSC_EV_DISCONNECTED), 0);
    assert_int_equal(count_kind(&ch.second, TLSC_EV_CONNECTED), 1);
    assert_string_equal(ch.second.rx, "cba\n");
    assert_int_equal(ch.second.how, TLSC_CLOSE_LOCAL);
    assert_int_equal(tlsc_loop_active(loop), 0);
    tlsc_config_free(ch.cfg);
    tlsc_loop_free(loop);
    close(lfd);
    peer_stop(&s);
}

/* Free from inside RECEIVE with more data pending, and close before the
 * connection is up (DISCONNECTED local, from the loop). */
static void free_on_receive(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    (void)r;
    if (e->kind == TLSC_EV_RECEIVE)
        tlsc_ev_free(ev);
}

static void test_free_in_receive_and_early_close(void **state)
{
    (void)state;
    peer p = {0};
    const char *args[] = { "flood", path("server-p256-chain.pem"), path("server-p256.key"),
                           "1000000", NULL };
    int port = py_peer(&p, args);
    tlsc_config *cfg = ca_config(3000, 5000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    rec r = { .hook = free_on_receive }, early = {0};
    tlsc_ev *ev = new_ev(loop, cfg, &r);
    tlsc_ev *e2 = new_ev(loop, cfg, &early);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(e2, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_ev_close(e2), TLSC_OK);
    assert_int_equal(tlsc_ev_close(e2), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_RECEIVE), 1);
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 0);
    assert_int_equal(count_kind(&early, TLSC_EV_DISCONNECTED), 1);
    assert_int_equal(count_kind(&early, TLSC_EV_CONNECTED), 0);
    assert_int_equal(early.how, TLSC_CLOSE_LOCAL);
    assert_int_equal(tlsc_ev_close(e2), TLSC_ERR_STATE);
    tlsc_loop_free(loop);
    peer_stop(&p);
}

/* ---- sessions through the event driver --------------------------------------------- */

typedef struct saver {
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len;
} saver;

static void save_and_close(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    saver *s = r->ctx;
    if (e->kind != TLSC_EV_SESSION)
        return;
    assert_int_equal(tlsc_conn_export_session(tlsc_ev_conn(ev), s->blob, sizeof s->blob,
                                              &s->len), TLSC_OK);
    assert_int_equal(tlsc_ev_close(ev), TLSC_OK);
}

static void resume_through_events(const char *version)
{
    peer s = {0};
    int port = rev_server(&s, "3", version);
    tlsc_config *cfg = ca_config(3000, 5000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);

    /* 1. full handshake; SESSION tells when the blob can be exported */
    saver sv = {0};
    rec r1 = { .hook = save_and_close, .ctx = &sv };
    tlsc_ev *ev = new_ev(loop, cfg, &r1);
    assert_int_equal(tlsc_ev_connect(ev, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&r1, TLSC_EV_SESSION), 1);
    assert_false(r1.resumed);
    assert_true(sv.len > 0);

    /* 2. the same ev connects again: it offers its newest session */
    memset(&r1, 0, sizeof r1);
    r1.loop = loop;
    r1.hook = save_and_close;
    r1.ctx = &sv;
    assert_int_equal(tlsc_ev_connect(ev, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&r1, TLSC_EV_CONNECTED), 1);
    assert_true(r1.resumed);

    /* 3. an exported blob imported into a new connection (deep sleep) */
    rec r2 = { .expect = "olleh" };
    tlsc_ev *ev2 = new_ev(loop, cfg, &r2);
    assert_int_equal(tlsc_conn_set_session(tlsc_ev_conn(ev2), sv.blob, sv.len), TLSC_OK);
    assert_int_equal(tlsc_ev_send(ev2, "hello\n", 6), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev2, "localhost", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_true(r2.resumed);
    assert_non_null(strstr(r2.rx, "olleh"));
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
    peer_stop(&s);
}

static void test_resume_tls13(void **state)
{
    (void)state;
    resume_through_events("-tls1_3");
}

static void test_resume_tls12(void **state)
{
    (void)state;
    resume_through_events("-tls1_2");
}

/* Automatic reconnection after a cut connection resumes the session. */
static void test_reconnect_resumes(void **state)
{
    (void)state;
    peer s = {0}, relay = {0};
    char target[16];
    snprintf(target, sizeof target, "%d", rev_server(&s, "2", NULL));
    const char *args[] = { "relay", target, "--cut-ms", "2000", "--drop-first", "1", NULL };
    int port = py_peer(&relay, args);
    rec r = { .expect = "olleh" };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 2, 50, 100), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(ev, "localhost", (uint16_t)port), TLSC_OK);
    /* first connection: up, gets its ticket, then cut without close_notify */
    while (count_kind(&r, TLSC_EV_RECONNECTION) == 0)
        assert_int_equal(tlsc_loop_run_once(loop, 2000), TLSC_OK);
    assert_int_equal(r.err, TLSC_ERR_TRUNCATED);
    assert_true(r.will_retry[1]);
    assert_false(r.resumed);
    assert_int_equal(count_kind(&r, TLSC_EV_SESSION), 1);
    assert_int_equal(tlsc_ev_send(ev, "hello\n", 6), TLSC_OK);
    assert_int_equal(tlsc_loop_run(loop, 20000), TLSC_OK);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 2);
    assert_true(r.resumed);
    assert_non_null(strstr(r.rx, "olleh"));
    assert_int_equal(r.how, TLSC_CLOSE_LOCAL);
    tlsc_loop_free(loop);
    peer_stop(&relay);
    peer_stop(&s);
}

/* ---- a foreign loop ---------------------------------------------------------------- */

static void test_foreign_loop(void **state)
{
    (void)state;
    peer s = {0};
    int port = rev_server(&s, "2", NULL);
    tlsc_config *cfg = ca_config(3000, 5000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    rec r1 = { .expect = "1olleh" }, r2 = { .expect = "2olleh" };
    tlsc_ev *a = new_ev(loop, cfg, &r1);
    tlsc_ev *b = new_ev(loop, cfg, &r2);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_ev_send(a, "hello1\n", 7), TLSC_OK);
    assert_int_equal(tlsc_ev_send(b, "hello2\n", 7), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(a, "127.0.0.1", (uint16_t)port), TLSC_OK);
    assert_int_equal(tlsc_ev_connect(b, "localhost", (uint16_t)port), TLSC_OK);
    /* The application's own poll loop, plus an unrelated descriptor. */
    int other[2];
    assert_int_equal(pipe(other), 0);
    uint64_t end = tlsc_now_ms() + 20000;
    while (tlsc_loop_active(loop) > 0 && tlsc_now_ms() < end) {
        tlsc_watch w[8];
        size_t n = tlsc_loop_watches(loop, w, 8);
        assert_true(n <= 8);
        struct pollfd pf[9];
        for (size_t i = 0; i < n; i++)
            pf[i] = (struct pollfd){ .fd = w[i].fd,
                                     .events = (short)((w[i].read ? POLLIN : 0) |
                                                       (w[i].write ? POLLOUT : 0)) };
        pf[n] = (struct pollfd){ .fd = other[0], .events = POLLIN };
        uint64_t d = tlsc_loop_deadline(loop), now = tlsc_now_ms();
        int ms = d == 0 ? 1000 : d <= now ? 0 : (int)(d - now);
        assert_true(poll(pf, n + 1, ms) >= 0);
        for (size_t i = 0; i < n; i++) {
            if (pf[i].revents != 0)
                tlsc_loop_fd_ready(loop, pf[i].fd, pf[i].revents & ~POLLOUT,
                                   pf[i].revents & ~POLLIN);
        }
        assert_int_equal(tlsc_loop_process(loop), TLSC_OK);
    }
    close(other[0]);
    close(other[1]);
    assert_non_null(strstr(r1.rx, "1olleh"));
    assert_non_null(strstr(r2.rx, "2olleh"));
    assert_int_equal(r1.how, TLSC_CLOSE_LOCAL);
    assert_int_equal(r2.how, TLSC_CLOSE_LOCAL);
    tlsc_loop_free(loop);
    peer_stop(&s);
}

/* ---- user transports (tlsc_ev_connect_transport) ---------------------------------- */

/* The application's loop over its own transports (tests/common/
 * app_transport.c: non-blocking TCP sockets the test opened itself and
 * polls itself, reporting readiness with tlsc_ev_transport_ready as an
 * lwIP application would): poll, report, run a pass; tlsc_loop_deadline
 * bounds the wait (timers). Until no connection is active or (with until)
 * r received it. */
static void tp_drive_until(tlsc_loop *loop, app_tp *t, size_t n, uint32_t ms, const rec *r,
                           const char *until)
{
    uint64_t end = tlsc_now_ms() + ms;
    while (tlsc_loop_active(loop) > 0 && tlsc_now_ms() < end &&
           (until == NULL || strstr(r->rx, until) == NULL)) {
        assert_int_equal(tlsc_loop_watches(loop, NULL, 0), 0); /* no fd of tlsc's */
        assert_true(app_tp_poll(t, n, app_tp_wait_ms(loop, 200)) >= 0);
        assert_int_equal(tlsc_loop_process(loop), TLSC_OK);
    }
}

/* Connect t to 127.0.0.1:port for connections of ev. */
static void tp_open(app_tp *t, int port, tlsc_ev *ev)
{
    assert_int_equal(app_tp_open(t, port), 0);
    t->ev = ev;
}

static void tp_drive(tlsc_loop *loop, app_tp *t, size_t n, uint32_t ms)
{
    tp_drive_until(loop, t, n, ms, NULL, NULL);
}

/* Ten verified connections at once over user transports, each echoing a
 * line queued before the transport was ever reported ready. */
static void test_transport_many(void **state)
{
    (void)state;
    enum { N = 10 };
    peer s = {0};
    int port = rev_server(&s, "10", NULL);
    tlsc_config *cfg = ca_config(3000, 15000);
    tlsc_loop *loop = NULL;
    assert_int_equal(tlsc_loop_new(&loop), TLSC_OK);
    static app_tp t[N];
    static rec r[N];
    static char expect[N][16];
    for (size_t i = 0; i < N; i++) {
        memset(&r[i], 0, sizeof r[i]);
        snprintf(expect[i], sizeof expect[i], "%zuolleh\n", i);
        r[i].expect = expect[i];
        tlsc_ev *ev = new_ev(loop, cfg, &r[i]);
        char line[16];
        snprintf(line, sizeof line, "hello%zu\n", i);
        assert_int_equal(tlsc_ev_send(ev, line, strlen(line)), TLSC_OK);
        tp_open(&t[i], port, ev);
        assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &t[i]),
                         TLSC_OK);
        assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &t[i]),
                         TLSC_ERR_STATE);
        assert_int_equal(tlsc_ev_connect(ev, "127.0.0.1", (uint16_t)port), TLSC_ERR_STATE);
    }
    tlsc_config_free(cfg);
    tp_drive(loop, t, N, 60000);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(count_kind(&r[i], TLSC_EV_DNS), 0);
        assert_int_equal(r[i].kinds[0], TLSC_EV_CONNECTED);
        assert_int_equal(count_kind(&r[i], TLSC_EV_CONNECTED), 1);
        assert_string_equal(r[i].rx, expect[i]);
        assert_int_equal(r[i].sent_total, strlen(expect[i]));
        assert_true(count_kind(&r[i], TLSC_EV_DRAINED) >= 1);
        assert_int_equal(count_kind(&r[i], TLSC_EV_DISCONNECTED), 1);
        assert_int_equal(r[i].how, TLSC_CLOSE_LOCAL);
        assert_int_equal(r[i].err, TLSC_OK);
        assert_int_equal(t[i].closes, 1); /* closed once, when it ended */
    }
    tlsc_loop_free(loop);
    peer_stop(&s);
}

/* Checks at CONNECTED over a transport: verified, no address, no fd. */
static void tp_connected(tlsc_ev *ev, const tlsc_event *e, rec *r)
{
    (void)r;
    if (e->kind != TLSC_EV_CONNECTED)
        return;
    assert_int_equal(tlsc_conn_verify_flags(tlsc_ev_conn(ev)), 0);
    char addr[64];
    uint16_t port = 0;
    assert_int_equal(tlsc_ev_getpeer(ev, addr, sizeof addr, &port), TLSC_ERR_STATE);
    assert_int_equal(tlsc_loop_watches(r->loop, NULL, 0), 0);
}

/* The server ends the connection: DISCONNECTED says how; the policy does
 * not reconnect a user transport; a new transport can follow. */
static void test_transport_server_close(void **state)
{
    (void)state;
    peer s = {0}, relay = {0};
    char target[16];
    snprintf(target, sizeof target, "%d", rev_server(&s, "3", NULL));
    /* the relay cuts TCP (no close_notify) 1 s after the first accept */
    const char *args[] = { "relay", target, "--cut-ms", "1000", "--drop-first", "1", NULL };
    int port = py_peer(&relay, args);
    rec r = { .hook = tp_connected };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 3, 50, 200), TLSC_OK);
    app_tp t;
    tp_open(&t, port, ev);
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &t), TLSC_OK);
    tp_drive(loop, &t, 1, 20000);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 1);
    assert_int_equal(count_kind(&r, TLSC_EV_RECONNECTION), 1);
    assert_false(r.will_retry[1]); /* tlsc cannot open a user transport */
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 1);
    assert_int_equal(r.how, TLSC_CLOSE_TRUNCATED);
    assert_int_equal(r.err, TLSC_ERR_TRUNCATED);
    assert_int_equal(t.closes, 1);

    /* Again over a new transport to the same name: the session of the
     * first connection is offered. */
    memset(&r, 0, sizeof r);
    r.loop = loop;
    r.hook = tp_connected;
    tp_open(&t, port, ev);
    assert_int_equal(tlsc_ev_send(ev, "hi\n", 3), TLSC_OK);
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &t), TLSC_OK);
    tp_drive_until(loop, &t, 1, 20000, &r, "ih\n");
    assert_string_equal(r.rx, "ih\n");
    assert_true(r.resumed);
    /* The built-in loop does not sleep while readiness is pending (the
     * connection is idle: no timer, no descriptor, so it would otherwise
     * wait the whole 5 s). */
    assert_int_equal(tlsc_loop_deadline(loop), 0);
    uint64_t t0 = tlsc_now_ms();
    tlsc_ev_transport_ready(ev, true, false);
    assert_true(tlsc_loop_deadline(loop) != 0);
    assert_int_equal(tlsc_loop_run_once(loop, 5000), TLSC_OK);
    assert_true(tlsc_now_ms() - t0 < 1000);
    /* Queued on an idle open connection, it goes out in the next pass
     * with no readiness reported. */
    size_t before = r.sent_total;
    assert_int_equal(tlsc_ev_send(ev, "CLOSE\n", 6), TLSC_OK);
    assert_int_equal(tlsc_loop_process(loop), TLSC_OK);
    assert_int_equal(r.sent_total, before + 6);
    assert_int_equal(tlsc_ev_queued(ev), 0);
    /* s_server answers "CLOSE" by closing with close_notify */
    tp_drive(loop, &t, 1, 20000);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 1);
    assert_int_equal(count_kind(&r, TLSC_EV_RECONNECTION), 0);
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 1);
    assert_int_equal(r.how, TLSC_CLOSE_CLEAN);
    assert_int_equal(r.err, TLSC_ERR_CLOSED);
    assert_string_equal(r.detail, "peer sent close_notify");
    assert_int_equal(t.closes, 1);
    tlsc_loop_free(loop);
    peer_stop(&relay);
    peer_stop(&s);
}

/* A transport that never becomes ready: the handshake timeout fires in
 * the built-in loop (which has no descriptor to wait for), without a
 * retry; argument errors leave tp_ctx to the caller. */
static void test_transport_handshake_timeout(void **state)
{
    (void)state;
    int lfd = -1;
    int port = listener_start(&lfd, AF_INET); /* never accepts */
    rec r = {0};
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 400);
    assert_int_equal(tlsc_ev_set_reconnect(ev, 3, 50, 200), TLSC_OK);
    app_tp t;
    tp_open(&t, port, ev);
    t.silent = true;
    tlsc_transport no_recv = { app_tp_send, NULL, NULL, app_tp_close };
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", NULL, &t), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &no_recv, &t),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_ev_connect_transport(ev, "bad host!", &app_tp_transport, &t),
                     TLSC_ERR_HOSTNAME);
    assert_int_equal(tlsc_ev_connect_transport(NULL, "tlsc.test", &app_tp_transport, &t),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(t.closes, 0);
    tlsc_ev_transport_ready(NULL, true, true); /* ignored */
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &t), TLSC_OK);
    uint64_t t0 = tlsc_now_ms();
    assert_int_equal(tlsc_loop_run(loop, 10000), TLSC_OK);
    uint64_t took = tlsc_now_ms() - t0;
    assert_true(took >= 350 && took < 5000);
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 0);
    assert_int_equal(count_kind(&r, TLSC_EV_RECONNECTION), 1);
    assert_false(r.will_retry[1]);
    assert_int_equal(r.err, TLSC_ERR_TIMEOUT_HANDSHAKE);
    assert_int_equal(r.how, TLSC_CLOSE_ERROR);
    assert_non_null(strstr(r.detail, "tlsc.test"));
    assert_int_equal(t.closes, 1);

    /* tlsc_ev_free of a connection in its handshake closes the transport. */
    app_tp u;
    tp_open(&u, port, ev);
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &u), TLSC_OK);
    assert_int_equal(tlsc_loop_run_once(loop, 0), TLSC_OK);
    tlsc_ev_free(ev);
    assert_int_equal(u.closes, 1);
    tlsc_loop_free(loop);
    close(lfd);
}

/* Over a user transport too: hold stops reading (the bytes wait in the
 * socket although the application keeps reporting it readable), unhold
 * delivers them, and the idle timer ends the connection. */
static void test_transport_hold_and_idle(void **state)
{
    (void)state;
    peer s = {0};
    int port = rev_server(&s, "1", NULL);
    rec r = { .hold_on_connect = true, .hook = tp_connected };
    tlsc_loop *loop = NULL;
    tlsc_ev *ev = loop_with_ev(&loop, &r, 5000);
    r.loop = loop;
    app_tp t;
    tp_open(&t, port, ev);
    assert_int_equal(tlsc_ev_send(ev, "hello\n", 6), TLSC_OK);
    assert_int_equal(tlsc_ev_connect_transport(ev, "tlsc.test", &app_tp_transport, &t), TLSC_OK);
    /* connects, sends, holds; then the echo arrives and stays unread */
    int pending = 0;
    uint64_t end = tlsc_now_ms() + 20000;
    while ((count_kind(&r, TLSC_EV_CONNECTED) == 0 || pending == 0) && tlsc_now_ms() < end) {
        tp_drive(loop, &t, 1, 100);
        assert_int_equal(ioctl(t.fd, FIONREAD, &pending), 0);
    }
    assert_int_equal(count_kind(&r, TLSC_EV_CONNECTED), 1);
    assert_true(pending > 0);
    tp_drive(loop, &t, 1, 300); /* reported readable all along, still not read */
    assert_int_equal(r.rx_total, 0);

    tlsc_ev_unhold(ev);
    tp_drive_until(loop, &t, 1, 10000, &r, "olleh\n");
    assert_string_equal(r.rx, "olleh\n");

    assert_int_equal(tlsc_ev_set_idle_timeout(ev, 300), TLSC_OK);
    uint64_t t0 = tlsc_now_ms();
    tp_drive(loop, &t, 1, 10000);
    uint64_t took = tlsc_now_ms() - t0;
    assert_true(took >= 250 && took < 5000);
    assert_int_equal(count_kind(&r, TLSC_EV_DISCONNECTED), 1);
    assert_int_equal(r.how, TLSC_CLOSE_ERROR);
    assert_int_equal(r.err, TLSC_ERR_TIMEOUT_READ);
    assert_int_equal(t.closes, 1);
    tlsc_loop_free(loop);
    peer_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_ip_literal),
        cmocka_unit_test(test_small_sends_coalesce),
        cmocka_unit_test(test_events_async_dns),
        cmocka_unit_test(test_dns_failure),
        cmocka_unit_test(test_queue_bound),
        cmocka_unit_test(test_app_timer),
        cmocka_unit_test(test_peer_stops_reading),
        cmocka_unit_test(test_hold_stops_reading),
        cmocka_unit_test(test_drop_mid_handshake),
        cmocka_unit_test(test_trickle),
        cmocka_unit_test(test_verify_failure_not_retried),
        cmocka_unit_test(test_timeout_isolation),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_callbacks_close_free_open),
        cmocka_unit_test(test_free_in_receive_and_early_close),
        cmocka_unit_test(test_resume_tls13),
        cmocka_unit_test(test_resume_tls12),
        cmocka_unit_test(test_reconnect_resumes),
        cmocka_unit_test(test_foreign_loop),
        cmocka_unit_test(test_transport_many),
        cmocka_unit_test(test_transport_server_close),
        cmocka_unit_test(test_transport_handshake_timeout),
        cmocka_unit_test(test_transport_hold_and_idle),
    };
    return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
