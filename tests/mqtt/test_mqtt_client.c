/*
 * The MQTT client (tlsc_mqtt_*) against a real mosquitto, started by
 * tests/mqtt/mqtt.sh on 127.0.0.1 with certificates and a configuration
 * made at test time. One scenario per run: test_mqtt_client SCENARIO
 * (the script runs each); the ports, files and PSK come from the
 * environment the script sets. A relay thread in this process (relay.c)
 * stands between client and broker where a scenario needs to freeze or
 * cut the path.
 *
 * Each scenario prints "ok NAME" or "FAIL NAME: why" and exits 0 / 1; the
 * build's ASan/LSan fails the run on any leak.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <poll.h>

extern char **environ;

#include "tlsc/tlsc.h"
#include "app_transport.h"
#include "relay.h"

static const char *scenario = "?";

/* The allocator of every scenario: the C library's, except that with
 * fail_in > 0 the fail_in-th allocation from now on fails (once). */
static long fail_in;

static void *test_calloc(void *ud, size_t n, size_t size)
{
    (void)ud;
    if (fail_in > 0 && --fail_in == 0)
        return NULL;
    return calloc(n, size);
}

static void test_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

TLSC_PRINTF(1, 2)
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s: ", scenario);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond))                                                                       \
            fail(__VA_ARGS__);                                                             \
    } while (0)

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0')
        fail("environment variable %s not set (run through tests/mqtt/mqtt.sh)", name);
    return v;
}

static uint16_t env_port(const char *name)
{
    return (uint16_t)atoi(env(name));
}

/* ---- what a client saw ---------------------------------------------------------- */

#define MAX_MSGS 4096

typedef struct rec {
    const char *name;
    int connected, lost, disconnected, published, suback, unsuback, messages;
    int resumed_tls;            /* CONNECTED with a resumed TLS session */
    bool session_present;
    char client_id[64];
    tlsc_err last_err;
    char last_detail[512];
    int qos_seen[3];
    int retained;
    char last_topic[256];
    char last_payload[256];
    uint8_t last_codes[16];
    size_t last_count;
    uint64_t lost_at;
    int count_by_id[MAX_MSGS];  /* payload "n=<i>" counted per i */
    char last_user[64];         /* "name=value" of the last message's first
                                   user property (5.0) */
    bool verbose;
} rec;

static void on_event(tlsc_mqtt *m, const tlsc_mqtt_event *e, void *ud)
{
    rec *r = ud;
    (void)m;
    if (r->verbose || getenv("MQTT_TEST_VERBOSE"))
        fprintf(stderr, "[%s] %s err=%d %s\n", r->name, tlsc_mqtt_event_name(e->kind), e->err,
                e->detail);
    if (e->err != TLSC_OK) {
        r->last_err = e->err;
        snprintf(r->last_detail, sizeof r->last_detail, "%s", e->detail);
    }
    switch (e->kind) {
    case TLSC_MQTT_EV_CONNECTED:
        r->connected++;
        r->resumed_tls += e->resumed;
        r->session_present = e->session_present;
        snprintf(r->client_id, sizeof r->client_id, "%s", e->client_id);
        break;
    case TLSC_MQTT_EV_MESSAGE:
        r->messages++;
        r->qos_seen[e->qos]++;
        r->retained += e->retain;
        snprintf(r->last_topic, sizeof r->last_topic, "%.*s", (int)e->topic.len, e->topic.ptr);
        snprintf(r->last_payload, sizeof r->last_payload, "%.*s", (int)e->payload_len,
                 (const char *)e->payload);
        size_t pos = 0;
        tlsc_mqtt_str un, uv;
        r->last_user[0] = '\0';
        if (tlsc_mqtt_user_prop_next(&e->packet->props, &pos, &un, &uv))
            snprintf(r->last_user, sizeof r->last_user, "%.*s=%.*s", (int)un.len, un.ptr,
                     (int)uv.len, uv.ptr);
        if (strncmp(r->last_payload, "n=", 2) == 0) {
            int i = atoi(r->last_payload + 2);
            if (i >= 0 && i < MAX_MSGS)
                r->count_by_id[i]++;
        }
        break;
    case TLSC_MQTT_EV_PUBLISHED: r->published++; break;
    case TLSC_MQTT_EV_SUBACK:
    case TLSC_MQTT_EV_UNSUBACK:
        *(e->kind == TLSC_MQTT_EV_SUBACK ? &r->suback : &r->unsuback) += 1;
        r->last_count = e->count;
        for (size_t i = 0; i < e->count && i < 16 && e->codes; i++)
            r->last_codes[i] = e->codes[i];
        break;
    case TLSC_MQTT_EV_CONNECTION_LOST:
        r->lost++;
        r->lost_at = tlsc_now_ms();
        break;
    case TLSC_MQTT_EV_DISCONNECTED: r->disconnected++; break;
    }
}

/* Run the loop until *counter >= want or timeout_ms passes. */
static bool wait_for(tlsc_loop *loop, const int *counter, int want, uint32_t timeout_ms)
{
    uint64_t end = tlsc_now_ms() + timeout_ms;
    while (*counter < want && tlsc_now_ms() < end) {
        tlsc_err err = tlsc_loop_run_once(loop, 50);
        CHECK(err == TLSC_OK, "loop: %s", tlsc_strerror(err));
    }
    return *counter >= want;
}

static void spin(tlsc_loop *loop, uint32_t ms)
{
    int never = 0;
    (void)wait_for(loop, &never, 1, ms);
}

/* ---- configurations --------------------------------------------------------------- */

static tlsc_config *ca_config(tlsc_tls_version v)
{
    tlsc_config *cfg = NULL;
    CHECK(tlsc_config_new(&cfg) == TLSC_OK, "config");
    CHECK(tlsc_config_add_ca_file(cfg, env("MQTT_CA")) == TLSC_OK, "CA: %s",
          tlsc_config_errmsg(cfg));
    CHECK(tlsc_config_set_versions(cfg, v, v) == TLSC_OK, "versions");
    return cfg;
}

static tlsc_config *psk_config(tlsc_tls_version v, const char *identity, const char *hex)
{
    tlsc_config *cfg = NULL;
    CHECK(tlsc_config_new(&cfg) == TLSC_OK, "config");
    CHECK(tlsc_config_set_psk_hex(cfg, identity, hex) == TLSC_OK, "psk");
    CHECK(tlsc_config_set_versions(cfg, v, v) == TLSC_OK, "versions");
    return cfg;
}

static tlsc_mqtt *client(tlsc_loop *loop, tlsc_config *cfg, tlsc_mqtt_options *o, rec *r,
                         const char *name)
{
    tlsc_mqtt *m = NULL;
    r->name = name;
    tlsc_err err = tlsc_mqtt_new(loop, cfg, o, on_event, r, &m);
    CHECK(err == TLSC_OK, "tlsc_mqtt_new: %s", tlsc_strerror(err));
    return m;
}

static void opts(tlsc_mqtt_options *o, tlsc_mqtt_version v, const char *id)
{
    tlsc_mqtt_options_init(o);
    o->version = v;
    o->client_id = id;
}

static void sub1(tlsc_mqtt *m, const char *filter, uint8_t qos)
{
    tlsc_mqtt_sub s = {filter, qos, false, false, 0};
    tlsc_err err = tlsc_mqtt_subscribe(m, &s, 1, NULL);
    CHECK(err == TLSC_OK, "subscribe %s: %s", filter, tlsc_strerror(err));
}

static void pub(tlsc_mqtt *m, const char *topic, const char *payload, uint8_t qos, bool retain)
{
    tlsc_mqtt_message p = {.topic = topic, .payload = payload, .payload_len = strlen(payload),
                           .qos = qos, .retain = retain};
    tlsc_err err = tlsc_mqtt_publish(m, &p, NULL);
    CHECK(err == TLSC_OK, "publish %s: %s", topic, tlsc_strerror(err));
}

static void connect_to(tlsc_loop *loop, tlsc_mqtt *m, rec *r, uint16_t port)
{
    CHECK(tlsc_mqtt_connect(m, "localhost", port) == TLSC_OK, "connect");
    CHECK(wait_for(loop, &r->connected, r->connected + 1, 10000), "%s: no CONNECTED (%d %s)",
          r->name, r->last_err, r->last_detail);
}

static void bye(tlsc_loop *loop, tlsc_mqtt *m, rec *r)
{
    CHECK(tlsc_mqtt_disconnect(m, false) == TLSC_OK, "disconnect");
    CHECK(wait_for(loop, &r->disconnected, 1, 5000), "%s: no DISCONNECTED", r->name);
    CHECK(r->last_err == TLSC_OK, "%s: ended with %d %s", r->name, r->last_err, r->last_detail);
    tlsc_mqtt_free(m);
}

/* ---- scenarios ----------------------------------------------------------------------- */

/* QoS 0/1/2 to our own subscription, a retained message seen by a second
 * client, over TLS `tv` with MQTT `mv`. */
static void roundtrip(tlsc_tls_version tv, tlsc_mqtt_version mv, uint16_t port)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(tv);
    tlsc_mqtt_options o;
    char id[32], topic[128];
    snprintf(id, sizeof id, "rt-%d-%d", (int)tv, (int)mv);
    opts(&o, mv, id);
    rec a = {0}, b = {0};
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "a");
    connect_to(loop, m, &a, port);
    CHECK(strcmp(tlsc_conn_protocol(tlsc_ev_conn(tlsc_mqtt_ev(m))),
                 tv == TLSC_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0,
          "protocol %s", tlsc_conn_protocol(tlsc_ev_conn(tlsc_mqtt_ev(m))));
    snprintf(topic, sizeof topic, "rt/%s/#", id);
    sub1(m, topic, 2);
    CHECK(wait_for(loop, &a.suback, 1, 5000), "no SUBACK");
    CHECK(a.last_count == 1 && a.last_codes[0] == 2, "SUBACK code %u", a.last_codes[0]);
    for (uint8_t q = 0; q < 3; q++) {
        snprintf(topic, sizeof topic, "rt/%s/q%u", id, q);
        pub(m, topic, "hello", q, false);
    }
    CHECK(wait_for(loop, &a.messages, 3, 5000), "messages: %d", a.messages);
    CHECK(wait_for(loop, &a.published, 2, 5000), "PUBLISHED: %d", a.published);
    CHECK(a.qos_seen[0] == 1 && a.qos_seen[1] == 1 && a.qos_seen[2] == 1, "QoS seen %d %d %d",
          a.qos_seen[0], a.qos_seen[1], a.qos_seen[2]);
    CHECK(strcmp(a.last_payload, "hello") == 0, "payload %s", a.last_payload);
    if (mv == TLSC_MQTT_V5) { /* user properties travel with the message */
        tlsc_mqtt_user_prop up = {"unit", "celsius"};
        snprintf(topic, sizeof topic, "rt/%s/props", id);
        tlsc_mqtt_message pm = {.topic = topic, .payload = "21.5", .payload_len = 4, .qos = 1,
                                .user = &up, .user_count = 1, .utf8_payload = true,
                                .message_expiry = 60};
        CHECK(tlsc_mqtt_publish(m, &pm, NULL) == TLSC_OK, "publish with properties");
        CHECK(wait_for(loop, &a.messages, 4, 5000), "message with properties not delivered");
        CHECK(strcmp(a.last_user, "unit=celsius") == 0, "user property '%s'", a.last_user);
    }
    /* retained: a later subscriber gets it with retain set */
    snprintf(topic, sizeof topic, "rt/%s/retained", id);
    int acked = a.published;
    pub(m, topic, "kept", 1, true);
    CHECK(wait_for(loop, &a.published, acked + 1, 5000), "retained not acknowledged");
    snprintf(id, sizeof id, "rt-%d-%d-b", (int)tv, (int)mv);
    opts(&o, mv, id);
    tlsc_mqtt *m2 = client(loop, cfg, &o, &b, "b");
    connect_to(loop, m2, &b, port);
    sub1(m2, topic, 1);
    CHECK(wait_for(loop, &b.messages, 1, 5000), "retained message not delivered");
    CHECK(b.retained == 1 && strcmp(b.last_payload, "kept") == 0, "retained %d %s", b.retained,
          b.last_payload);
    pub(m2, topic, "", 1, true); /* clear it */
    CHECK(wait_for(loop, &b.published, 1, 5000), "clear not acknowledged");
    bye(loop, m2, &b);
    bye(loop, m, &a);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* The will is published when the client vanishes (no DISCONNECT). */
static void will(void)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    uint16_t port = env_port("MQTT_PORT_TLS13");
    rec w = {0}, s = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "will-watcher");
    tlsc_mqtt *watcher = client(loop, cfg, &o, &s, "watcher");
    connect_to(loop, watcher, &s, port);
    sub1(watcher, "will/#", 1);
    CHECK(wait_for(loop, &s.suback, 1, 5000), "no SUBACK");
    tlsc_mqtt_will wl = {"will/dev", "gone", 4, 1, false, 0};
    opts(&o, TLSC_MQTT_V311, "will-dev");
    o.will = &wl;
    tlsc_mqtt *dev = client(loop, cfg, &o, &w, "dev");
    connect_to(loop, dev, &w, port);
    tlsc_mqtt_free(dev); /* vanish: socket closed, no DISCONNECT */
    CHECK(wait_for(loop, &s.messages, 1, 5000), "will not delivered");
    CHECK(strcmp(s.last_topic, "will/dev") == 0 && strcmp(s.last_payload, "gone") == 0,
          "will %s %s", s.last_topic, s.last_payload);
    /* 5.0: a will delay of 2 s (the session outlives it) holds it back. */
    tlsc_mqtt_will wd = {"will/delayed", "late", 4, 1, false, 2};
    opts(&o, TLSC_MQTT_V5, "will-delayed");
    o.will = &wd;
    o.session_expiry = 10;
    rec w5 = {0};
    dev = client(loop, cfg, &o, &w5, "dev5");
    connect_to(loop, dev, &w5, port);
    uint64_t gone = tlsc_now_ms();
    tlsc_mqtt_free(dev);
    spin(loop, 1000);
    CHECK(s.messages == 1, "delayed will came at once");
    CHECK(wait_for(loop, &s.messages, 2, 5000), "delayed will not delivered");
    uint64_t after = tlsc_now_ms() - gone;
    CHECK(strcmp(s.last_topic, "will/delayed") == 0 && after >= 1900, "will %s after %llu ms",
          s.last_topic, (unsigned long long)after);
    printf("5.0 will with a 2 s delay arrived after %llu ms\n", (unsigned long long)after);
    /* A graceful disconnect does not publish it. */
    rec w2 = {0};
    dev = client(loop, cfg, &o, &w2, "dev2");
    connect_to(loop, dev, &w2, port);
    bye(loop, dev, &w2);
    spin(loop, 500);
    CHECK(s.messages == 2, "will after a graceful DISCONNECT");
    bye(loop, watcher, &s);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* mTLS listener: identity is the user name; the ACL allows ok/# only. */
static void mtls_acl(tlsc_mqtt_version mv)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_2);
    CHECK(tlsc_config_set_client_cert_file(cfg, env("MQTT_CLIENT_CERT"), env("MQTT_CLIENT_KEY"),
                                           NULL) == TLSC_OK,
          "client cert: %s", tlsc_config_errmsg(cfg));
    rec a = {0};
    tlsc_mqtt_options o;
    opts(&o, mv, mv == TLSC_MQTT_V5 ? "mtls5" : "mtls3");
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "mtls");
    connect_to(loop, m, &a, env_port("MQTT_PORT_MTLS"));
    tlsc_mqtt_sub subs[2] = {{"ok/x", 1, false, false, 0}, {"forbidden/x", 1, false, false, 0}};
    CHECK(tlsc_mqtt_subscribe(m, subs, 2, NULL) == TLSC_OK, "subscribe");
    CHECK(wait_for(loop, &a.suback, 1, 5000), "no SUBACK");
    printf("mqtt %d: SUBACK codes %u %u\n", (int)mv, a.last_codes[0], a.last_codes[1]);
    CHECK(a.last_count == 2 && a.last_codes[0] == 1 && a.last_codes[1] >= 0x80,
          "per-topic results %u %u", a.last_codes[0], a.last_codes[1]);
    CHECK(a.last_err == TLSC_ERR_MQTT_SUBSCRIBE &&
              strstr(a.last_detail, "subscription to forbidden/x refused") != NULL,
          "refusal detail: %d %s", a.last_err, a.last_detail);
    a.last_err = TLSC_OK;
    pub(m, "ok/x", "fine", 1, false);
    CHECK(wait_for(loop, &a.messages, 1, 5000), "allowed topic not delivered");
    bye(loop, m, &a);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* Without a client certificate the mTLS listener refuses: the exact error. */
static void mtls_missing_cert(void)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_2);
    rec a = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "nocert");
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "nocert");
    CHECK(tlsc_mqtt_connect(m, "localhost", env_port("MQTT_PORT_MTLS")) == TLSC_OK, "connect");
    CHECK(wait_for(loop, &a.disconnected, 1, 10000), "no DISCONNECTED");
    CHECK(a.connected == 0 && a.lost == 1, "connected %d lost %d", a.connected, a.lost);
    /* TLS 1.2 has no certificate_required alert: OpenSSL sends
     * handshake_failure, and tlsc names the CertificateRequest it got. */
    CHECK(a.last_err == TLSC_ERR_PEER_CERT_REQUIRED &&
              strstr(a.last_detail, "handshake_failure (40)") != NULL &&
              strstr(a.last_detail, "CertificateRequest") != NULL,
          "error %d (%s) %s", a.last_err, tlsc_strerror(a.last_err), a.last_detail);
    printf("missing client certificate: %s: %s\n", tlsc_strerror(a.last_err), a.last_detail);
    tlsc_mqtt_free(m);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

static void psk(tlsc_tls_version tv, const char *id, const char *key, tlsc_err want,
                const char *words)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = psk_config(tv, id, key);
    rec a = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "psk-client");
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "psk");
    CHECK(tlsc_mqtt_connect(m, "localhost", env_port(tv == TLSC_TLS1_3 ? "MQTT_PORT_PSK13"
                                                                        : "MQTT_PORT_PSK12")) ==
              TLSC_OK,
          "connect");
    if (want == TLSC_OK) {
        CHECK(wait_for(loop, &a.connected, 1, 10000), "no CONNECTED: %d %s", a.last_err,
              a.last_detail);
        sub1(m, "psk/t", 1);
        CHECK(wait_for(loop, &a.suback, 1, 5000), "no SUBACK");
        pub(m, "psk/t", "x", 1, false);
        CHECK(wait_for(loop, &a.messages, 1, 5000), "no message");
        bye(loop, m, &a);
    } else {
        CHECK(wait_for(loop, &a.disconnected, 1, 10000), "no DISCONNECTED");
        CHECK(a.connected == 0 && a.last_err == want && strstr(a.last_detail, words) != NULL,
              "error %d (%s) %s, want %d with \"%s\"", a.last_err, tlsc_strerror(a.last_err),
              a.last_detail, want, words);
        printf("%s: %s: %s\n", id, tlsc_strerror(a.last_err), a.last_detail);
        tlsc_mqtt_free(m);
    }
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* Through a relay that freezes both directions: the keepalive finds the
 * half-open link within 1.5 x keepalive; after the relay resumes the
 * client is connected again. */
static void half_open(void)
{
    relay *rl = relay_start(env_port("MQTT_PORT_TLS13"));
    CHECK(rl != NULL, "relay");
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    /* attempts made while the path is frozen fail in 1 s, not 15 */
    CHECK(tlsc_config_set_timeouts(cfg, 1000, 1000, 1000) == TLSC_OK, "timeouts");
    rec a = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "halfopen");
    o.keepalive_s = 1;
    o.reconnect_min_ms = 200;
    o.reconnect_max_ms = 400;
    o.connack_timeout_ms = 1000;
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "halfopen");
    connect_to(loop, m, &a, relay_port(rl));
    spin(loop, 1500); /* keepalive pings pass while the relay forwards */
    CHECK(a.lost == 0, "lost while the path was fine: %s", a.last_detail);
    uint64_t frozen = tlsc_now_ms();
    relay_freeze(rl, true);
    CHECK(wait_for(loop, &a.lost, 1, 4000), "half-open link not detected");
    uint64_t took = a.lost_at - frozen;
    CHECK(a.last_err == TLSC_ERR_MQTT_KEEPALIVE, "error %d %s", a.last_err, a.last_detail);
    CHECK(took <= 1500 + 100, "detected after %llu ms (> 1.5 x 1 s)", (unsigned long long)took);
    printf("half-open detected %llu ms after the freeze: %s\n", (unsigned long long)took,
           a.last_detail);
    spin(loop, 1000); /* attempts fail or hang while frozen */
    relay_freeze(rl, false);
    CHECK(wait_for(loop, &a.connected, 2, 20000), "not reconnected after the relay resumed");
    a.last_err = TLSC_OK;
    bye(loop, m, &a);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
    relay_stop(rl);
}

/* The path is cut (RST) right after each CONNACK, N times: the client
 * reconnects each time, resumes TLS on all but the first, and the heap is
 * back at its baseline between and after. */
static void reconnects(void)
{
    int n = atoi(env("MQTT_RECONNECTS"));
    relay *rl = relay_start(env_port("MQTT_PORT_TLS13"));
    CHECK(rl != NULL, "relay");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    /* One whole client first: the configuration and mbedTLS keep state
     * from their first connection (about 1 KB), which is not the client's. */
    rec w = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "warmup");
    tlsc_mqtt *m = client(loop, cfg, &o, &w, "warmup");
    connect_to(loop, m, &w, relay_port(rl));
    bye(loop, m, &w);
    size_t before = tlsc_heap_current();
    rec a = {0};
    opts(&o, TLSC_MQTT_V311, "reconnector");
    o.clean_start = false;
    o.reconnect_min_ms = 1;
    o.reconnect_max_ms = 2;
    m = client(loop, cfg, &o, &a, "reconnector");
    connect_to(loop, m, &a, relay_port(rl));
    sub1(m, "rc/t", 1);
    CHECK(wait_for(loop, &a.suback, 1, 5000), "no SUBACK");
    spin(loop, 100);
    /* The baseline is the highest heap over the first reconnections: the
     * connection keeps the newest TLS session from its first end on (one
     * block of TLSC_SESSION_MAX bytes), which is not growth, and the heap
     * of a connection just up is one of two states 488 bytes apart (seen
     * with and without send coalescing, and before it; it goes back down,
     * it does not accumulate). Growth is then any sample above that
     * baseline in the rest of the run, and at its end. */
    int window = n >= 20 ? 10 : (n + 1) / 2;
    size_t base = 0, highest = 0;
    for (int i = 1; i <= n; i++) {
        relay_cut(rl);
        CHECK(wait_for(loop, &a.connected, i + 1, 10000), "reconnection %d missing (%d %s)", i,
              a.last_err, a.last_detail);
        spin(loop, 5);
        size_t now = tlsc_heap_current();
        if (i <= window && now > base)
            base = now;
        if (i > window && now > highest)
            highest = now;
    }
    spin(loop, 100);
    size_t after = tlsc_heap_current();
    printf("%d reconnects: heap baseline %zu, after %zu, highest between %zu; TLS resumed %d of "
           "%d; session present on the last: %d\n",
           n, base, after, highest, a.resumed_tls, a.connected - 1, a.session_present);
    CHECK(a.lost == n, "lost %d", a.lost);
    CHECK(a.resumed_tls == n, "TLS resumed on %d of %d reconnections", a.resumed_tls, n);
    CHECK(after <= base, "heap grew from %zu to %zu", base, after);
    CHECK(highest <= base, "heap grew from %zu to %zu between reconnections", base, highest);
    CHECK(a.session_present, "session not present after reconnecting");
    a.last_err = TLSC_OK;
    bye(loop, m, &a);
    size_t end = tlsc_heap_current();
    tlsc_loop_free(loop);
    relay_stop(rl);
    CHECK(end == before, "heap %zu after freeing the client, %zu before it", end, before);
    tlsc_config_free(cfg);
}

/* The blocking convenience: one reading, acknowledged, seen by a
 * subscriber; and its errors (nobody listening, refused credentials). */
static void once(void)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    uint16_t port = env_port("MQTT_PORT_TLS13");
    rec s = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "once-watcher");
    tlsc_mqtt *watcher = client(loop, cfg, &o, &s, "watcher");
    connect_to(loop, watcher, &s, port);
    sub1(watcher, "once/#", 1);
    CHECK(wait_for(loop, &s.suback, 1, 5000), "no SUBACK");
    char detail[256];
    for (uint8_t q = 0; q < 3; q++) {
        tlsc_mqtt_message p = {.topic = "once/reading", .payload = "21.5", .payload_len = 4,
                               .qos = q};
        opts(&o, TLSC_MQTT_V311, "once-dev");
        tlsc_err err = tlsc_mqtt_publish_once(cfg, "localhost", port, &o, &p, 10000, detail,
                                              sizeof detail);
        CHECK(err == TLSC_OK, "publish_once QoS %u: %s (%s)", q, tlsc_strerror(err), detail);
        CHECK(wait_for(loop, &s.messages, q + 1, 5000), "reading %u not delivered", q);
    }
    tlsc_mqtt_message p = {.topic = "once/reading", .payload = "x", .payload_len = 1, .qos = 1};
    /* The mTLS listener without a certificate: the TLS error comes back,
     * naming the certificate the server asked for. */
    tlsc_config *cfg12 = ca_config(TLSC_TLS1_2);
    tlsc_err err = tlsc_mqtt_publish_once(cfg12, "localhost", env_port("MQTT_PORT_MTLS"), NULL,
                                          &p, 10000, detail, sizeof detail);
    CHECK(err == TLSC_ERR_PEER_CERT_REQUIRED && strstr(detail, "CertificateRequest") != NULL,
          "publish_once to mTLS without cert: %d %s", err, detail);
    tlsc_config_free(cfg12);
    bye(loop, watcher, &s);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* A scripted broker (badbroker.py) breaks the protocol in one way per
 * connection: each ends with its exact error and words, and the heap is
 * back where it was. */
static void malformed(void)
{
    static const struct {
        const char *script;
        tlsc_err err;
        const char *words;
        int v;                  /* 0: 3.1.1 */
        int messages;           /* delivered before the error */
    } cases[] = {
        {"badlen", TLSC_ERR_MQTT_MALFORMED, "remaining length longer than 4 bytes", 0, 0},
        {"wrongid", TLSC_ERR_MQTT_PROTOCOL, "PUBACK for a packet identifier not in flight", 0, 0},
        {"twice", TLSC_ERR_MQTT_PROTOCOL, "CONNACK a second time", 0, 0},
        {"before", TLSC_ERR_MQTT_PROTOCOL, "SUBACK before CONNACK", 0, 0},
        {"refuse", TLSC_ERR_MQTT_REFUSED, "not authorized (code 5)", 0, 0},
        {"toolarge", TLSC_ERR_MQTT_TOO_LARGE, "PUBLISH of 100004 bytes refused: the maximum is 1024", 0, 0},
        {"badutf8", TLSC_ERR_MQTT_MALFORMED, "PUBLISH: topic truncated or not UTF-8", 0, 0},
        {"badflags", TLSC_ERR_MQTT_MALFORMED, "PINGRESP: reserved header flags", 0, 0},
        {"silent", TLSC_ERR_TIMEOUT_READ, "no CONNACK within 500 ms", 0, 0},
        {"alias5", TLSC_ERR_MQTT_PROTOCOL, "PUBLISH unknown topic alias", TLSC_MQTT_V5, 2},
        {"refuse5", TLSC_ERR_MQTT_REFUSED, "not authorized (code 135): device blocked",
         TLSC_MQTT_V5, 0},
        {"disc5", TLSC_ERR_MQTT_DISCONNECTED, "server shutting down (code 0x8b): bye now",
         TLSC_MQTT_V5, 0},
    };
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    uint16_t port = env_port("MQTT_PORT_BAD");
    size_t before = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rec a = {0};
        tlsc_mqtt_options o;
        opts(&o, cases[i].v != 0 ? (tlsc_mqtt_version)cases[i].v : TLSC_MQTT_V311, "");
        o.reconnect_min_ms = 0;
        o.max_incoming = 1024;
        o.connack_timeout_ms = 500;
        tlsc_mqtt *m = client(loop, cfg, &o, &a, cases[i].script);
        CHECK(tlsc_mqtt_connect(m, "localhost", port) == TLSC_OK, "connect");
        CHECK(wait_for(loop, &a.disconnected, 1, 10000), "%s: no DISCONNECTED", cases[i].script);
        CHECK(a.last_err == cases[i].err && strstr(a.last_detail, cases[i].words) != NULL,
              "%s: error %d %s; want %d with \"%s\"", cases[i].script, a.last_err, a.last_detail,
              cases[i].err, cases[i].words);
        printf("%s: %s: %s\n", cases[i].script, tlsc_strerror(a.last_err), a.last_detail);
        CHECK(a.messages == cases[i].messages, "%s: %d messages", cases[i].script, a.messages);
        if (strcmp(cases[i].script, "alias5") == 0)
            CHECK(strcmp(a.last_topic, "a/b") == 0 && strcmp(a.last_payload, "y") == 0 &&
                      strcmp(a.client_id, "dev42") == 0,
                  "alias: topic %s payload %s client id %s", a.last_topic, a.last_payload,
                  a.client_id);
        tlsc_mqtt_free(m);
        spin(loop, 20);
        if (i == 0)
            before = tlsc_heap_current();
        CHECK(tlsc_heap_current() == before, "%s: heap %zu, %zu after the first", cases[i].script,
              tlsc_heap_current(), before);
    }
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* The outbox bound, offline: messages past it are refused with
 * TLSC_ERR_QUEUE_FULL and nothing is kept of them; once connected, every
 * kept message goes out and is acknowledged. */
static void outbox(void)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    rec a = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "outbox");
    o.outbox_msgs = 5;
    o.outbox_bytes = 1000;
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "outbox");
    tlsc_mqtt_message p = {.topic = "ob/t", .payload = "0123456789", .payload_len = 10,
                           .qos = 1};
    for (int i = 0; i < 5; i++)
        CHECK(tlsc_mqtt_publish(m, &p, NULL) == TLSC_OK, "publish %d", i);
    CHECK(tlsc_mqtt_publish(m, &p, NULL) == TLSC_ERR_QUEUE_FULL, "6th message not refused");
    CHECK(tlsc_mqtt_pending(m) == 5, "pending %zu", tlsc_mqtt_pending(m));
    static char big[2000];
    memset(big, 'b', sizeof big);
    tlsc_mqtt_message b = {.topic = "ob/t", .payload = big, .payload_len = sizeof big};
    tlsc_mqtt *m2 = client(loop, cfg, &o, &a, "outbox2");
    CHECK(tlsc_mqtt_publish(m2, &b, NULL) == TLSC_ERR_QUEUE_FULL, "over the byte bound");
    CHECK(tlsc_mqtt_pending(m2) == 0, "kept a refused message");
    tlsc_mqtt_free(m2);
    connect_to(loop, m, &a, env_port("MQTT_PORT_TLS13"));
    CHECK(wait_for(loop, &a.published, 5, 5000), "acknowledged %d of 5", a.published);
    CHECK(tlsc_mqtt_pending(m) == 0, "pending %zu after the acknowledgements",
          tlsc_mqtt_pending(m));
    bye(loop, m, &a);

    /* Out of memory at each allocation of a SUBSCRIBE in turn (offline):
     * each refused one leaves nothing queued, so once connected exactly one
     * SUBSCRIBE goes out and is acknowledged. */
    rec c = {0};
    tlsc_mqtt *m3 = client(loop, cfg, &o, &c, "outbox3");
    tlsc_mqtt_sub subs[2] = {{.filter = "ob/a", .qos = 1}, {.filter = "ob/b/#", .qos = 0}};
    tlsc_err serr = TLSC_ERR_NO_MEMORY;
    long k = 1;
    for (; serr == TLSC_ERR_NO_MEMORY && k < 50; k++) {
        fail_in = k;
        serr = tlsc_mqtt_subscribe(m3, subs, 2, NULL);
    }
    fail_in = 0;
    CHECK(serr == TLSC_OK && k > 2, "SUBSCRIBE after %ld allocation failures: %s", k - 2,
          tlsc_strerror(serr));
    connect_to(loop, m3, &c, env_port("MQTT_PORT_TLS13"));
    CHECK(wait_for(loop, &c.suback, 1, 5000), "no SUBACK");
    spin(loop, 300);
    CHECK(c.suback == 1, "%d SUBACKs for one SUBSCRIBE after %ld refused", c.suback, k - 2);
    bye(loop, m3, &c);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* The broker lost the session (3.1.1 clean session: a new one at each
 * connection): after the path is cut, the client reconnects and makes its
 * subscriptions again by itself, so messages keep arriving. */
static void resubscribe_after_loss(void)
{
    relay *rl = relay_start(env_port("MQTT_PORT_TLS13"));
    CHECK(rl != NULL, "relay");
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    rec a = {0}, p = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "resub");
    o.clean_start = true;
    o.reconnect_min_ms = 50;
    o.reconnect_max_ms = 100;
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "resub");
    connect_to(loop, m, &a, relay_port(rl));
    tlsc_mqtt_sub subs[2] = {{"rs/a", 1, false, false, 0}, {"rs/b/#", 2, false, false, 0}};
    CHECK(tlsc_mqtt_subscribe(m, subs, 2, NULL) == TLSC_OK, "subscribe");
    CHECK(wait_for(loop, &a.suback, 1, 5000), "no SUBACK");
    relay_cut(rl);
    CHECK(wait_for(loop, &a.connected, 2, 10000), "not reconnected");
    CHECK(!a.session_present, "session present with clean session");
    CHECK(wait_for(loop, &a.suback, 2, 5000), "subscriptions not made again");
    CHECK(a.last_count == 2, "resubscribed %zu filters", a.last_count);
    opts(&o, TLSC_MQTT_V311, "resub-pub");
    tlsc_mqtt *pb = client(loop, cfg, &o, &p, "pub");
    connect_to(loop, pb, &p, env_port("MQTT_PORT_TLS13"));
    pub(pb, "rs/a", "after", 1, false);
    pub(pb, "rs/b/c", "after", 2, false);
    CHECK(wait_for(loop, &a.messages, 2, 5000), "messages after the reconnection: %d",
          a.messages);
    bye(loop, pb, &p);
    a.last_err = TLSC_OK;
    bye(loop, m, &a);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
    relay_stop(rl);
}

/* ---- over the application's transport -------------------------------------------------- */

/* The application's transport (tests/common/app_transport.c): a
 * non-blocking TCP socket the test opened and polls itself, reporting
 * readiness with tlsc_ev_transport_ready, as an lwIP application would. */
static void app_open(app_tp *t, uint16_t port)
{
    CHECK(app_tp_open(t, port) == 0, "tcp connect: %s", strerror(errno));
}

/* The application's loop until *counter >= want. */
static bool app_wait_for(tlsc_loop *loop, tlsc_mqtt *m, app_tp *t, const int *counter, int want,
                         uint32_t ms)
{
    uint64_t end = tlsc_now_ms() + ms;
    while (*counter < want && tlsc_now_ms() < end) {
        t->ev = tlsc_mqtt_ev(m);
        if (t->fd >= 0)
            app_tp_poll(t, 1, app_tp_wait_ms(loop, 50));
        else
            usleep(1000);
        CHECK(tlsc_loop_process(loop) == TLSC_OK, "loop");
    }
    return *counter >= want;
}

/* The client over the application's transport: QoS 1 round trip; a lost
 * connection is not retried (tlsc cannot open a transport), and a new
 * transport carries the session on. */
static void transport(void)
{
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    uint16_t port = env_port("MQTT_PORT_TLS13");
    rec a = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "over-transport");
    o.clean_start = false;
    tlsc_mqtt *m = client(loop, cfg, &o, &a, "transport");
    app_tp t;
    app_open(&t, port);
    CHECK(tlsc_mqtt_connect_transport(m, "localhost", &app_tp_transport, &t) == TLSC_OK,
          "connect_transport");
    CHECK(tlsc_mqtt_connect_transport(m, "localhost", &app_tp_transport, &t) == TLSC_ERR_STATE,
          "second connect not refused");
    CHECK(app_wait_for(loop, m, &t, &a.connected, 1, 10000), "no CONNECTED (%d %s)", a.last_err,
          a.last_detail);
    sub1(m, "tp/#", 1);
    CHECK(app_wait_for(loop, m, &t, &a.suback, 1, 5000), "no SUBACK");
    pub(m, "tp/x", "over lwIP", 1, false);
    CHECK(app_wait_for(loop, m, &t, &a.messages, 1, 5000), "no message");
    CHECK(app_wait_for(loop, m, &t, &a.published, 1, 5000), "no PUBACK");
    /* The path dies: no retry, DISCONNECTED, the transport closed once. */
    shutdown(t.fd, SHUT_RDWR);
    CHECK(app_wait_for(loop, m, &t, &a.disconnected, 1, 5000), "no DISCONNECTED");
    CHECK(a.lost == 1 && t.closes == 1, "lost %d closes %d", a.lost, t.closes);
    /* A new transport: the session and the TLS session carry over. */
    pub(m, "tp/x", "queued offline", 1, false);
    app_open(&t, port);
    CHECK(tlsc_mqtt_connect_transport(m, "localhost", &app_tp_transport, &t) == TLSC_OK,
          "connect_transport again");
    CHECK(app_wait_for(loop, m, &t, &a.messages, 2, 10000), "offline message not delivered");
    CHECK(a.session_present && a.resumed_tls == 1, "session present %d, TLS resumed %d",
          a.session_present, a.resumed_tls);
    a.last_err = TLSC_OK;
    CHECK(tlsc_mqtt_disconnect(m, false) == TLSC_OK, "disconnect");
    CHECK(app_wait_for(loop, m, &t, &a.disconnected, 2, 5000), "no final DISCONNECTED");
    CHECK(t.closes == 1, "transport closes %d", t.closes);
    tlsc_mqtt_free(m);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

/* ---- broker restart ----------------------------------------------------------------- */

static pid_t broker_pid(void)
{
    FILE *f = fopen(env("MQTT_PID_FILE"), "r");
    long pid = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

static bool port_open(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Stop mosquitto (SIGTERM: it saves its persistence database) and start
 * it again with the same configuration, keeping the loop turning. */
static void broker_restart(tlsc_loop *loop)
{
    pid_t old = broker_pid();
    CHECK(old > 0 && kill(old, SIGTERM) == 0, "cannot stop mosquitto (pid %ld)", (long)old);
    for (int i = 0; i < 200 && kill(old, 0) == 0; i++) {
        waitpid(old, NULL, WNOHANG); /* our child after an earlier restart */
        usleep(10000);
    }
    spin(loop, 300);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, env("MQTT_LOG"), O_WRONLY | O_APPEND, 0);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {(char *)env("MOSQUITTO"), "-c", (char *)env("MQTT_CONF"), NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0, "cannot start mosquitto");
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 200 && !port_open(env_port("MQTT_PORT_TLS13")); i++)
        usleep(10000);
    printf("broker restarted\n");
}

/* A QoS 1 stream and a QoS 2 stream, persistent sessions on both ends, the
 * broker restarted in the middle of each: every QoS 1 message arrives at
 * least once, every QoS 2 message exactly once. */
static void restart(void)
{
    enum { N = 100, BATCH = 10 };
    tlsc_loop *loop = NULL;
    CHECK(tlsc_loop_new(&loop) == TLSC_OK, "loop");
    tlsc_config *cfg = ca_config(TLSC_TLS1_3);
    uint16_t port = env_port("MQTT_PORT_TLS13");
    rec p = {0}, s = {0};
    tlsc_mqtt_options o;
    opts(&o, TLSC_MQTT_V311, "pers-sub");
    o.clean_start = false;
    o.reconnect_min_ms = 100;
    o.reconnect_max_ms = 400;
    tlsc_mqtt *sub = client(loop, cfg, &o, &s, "sub");
    connect_to(loop, sub, &s, port);
    sub1(sub, "pers/#", 2);
    CHECK(wait_for(loop, &s.suback, 1, 5000), "no SUBACK");
    opts(&o, TLSC_MQTT_V311, "pers-pub");
    o.clean_start = false;
    o.reconnect_min_ms = 100;
    o.reconnect_max_ms = 400;
    o.outbox_msgs = 2 * N;
    o.outbox_bytes = 65536;
    tlsc_mqtt *pb = client(loop, cfg, &o, &p, "pub");
    connect_to(loop, pb, &p, port);
    for (int i = 0; i < 2 * N; i += BATCH) {
        for (int k = i; k < i + BATCH; k++) {
            char payload[16];
            snprintf(payload, sizeof payload, "n=%d", k);
            pub(pb, k < N ? "pers/q1" : "pers/q2", payload, k < N ? 1 : 2, false);
        }
        if (i == N / 2 || i == N + N / 2) {
            spin(loop, 2); /* some of the batch on the wire, none acknowledged */
            broker_restart(loop);
        }
        CHECK(wait_for(loop, &p.published, i + BATCH, 20000), "acknowledged %d of %d (%d %s)",
              p.published, i + BATCH, p.last_err, p.last_detail);
    }
    uint64_t end = tlsc_now_ms() + 20000;
    int missing = 2 * N;
    while (missing > 0 && tlsc_now_ms() < end) {
        spin(loop, 100);
        missing = 0;
        for (int i = 0; i < 2 * N; i++)
            missing += s.count_by_id[i] == 0;
    }
    int dup1 = 0, dup2 = 0;
    for (int i = 0; i < 2 * N; i++) {
        CHECK(s.count_by_id[i] >= 1, "message %d never arrived", i);
        if (i < N)
            dup1 += s.count_by_id[i] - 1;
        else
            dup2 += s.count_by_id[i] - 1;
    }
    printf("QoS 1: %d messages, %d duplicates; QoS 2: %d messages, %d duplicates; reconnections "
           "publisher %d subscriber %d\n", N, dup1, N, dup2, p.connected - 1, s.connected - 1);
    CHECK(dup2 == 0, "QoS 2 delivered %d duplicates", dup2);
    CHECK(p.connected >= 3 && s.connected >= 3, "restarts not seen (%d %d)", p.connected,
          s.connected);
    p.last_err = s.last_err = TLSC_OK;
    bye(loop, pb, &p);
    bye(loop, sub, &s);
    tlsc_config_free(cfg);
    tlsc_loop_free(loop);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_mqtt_client SCENARIO\n");
        return 2;
    }
    scenario = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (tlsc_set_allocator(test_calloc, test_free, NULL) != TLSC_OK)
        fail("allocator");
    if (strcmp(scenario, "tls13") == 0) {
        roundtrip(TLSC_TLS1_3, TLSC_MQTT_V311, env_port("MQTT_PORT_TLS13"));
        roundtrip(TLSC_TLS1_3, TLSC_MQTT_V5, env_port("MQTT_PORT_TLS13"));
    } else if (strcmp(scenario, "tls12") == 0) {
        roundtrip(TLSC_TLS1_2, TLSC_MQTT_V311, env_port("MQTT_PORT_TLS12"));
        roundtrip(TLSC_TLS1_2, TLSC_MQTT_V5, env_port("MQTT_PORT_TLS12"));
    } else if (strcmp(scenario, "will") == 0) {
        will();
    } else if (strcmp(scenario, "mtls") == 0) {
        mtls_acl(TLSC_MQTT_V5);
        mtls_acl(TLSC_MQTT_V311);
        mtls_missing_cert();
    } else if (strcmp(scenario, "psk") == 0) {
        const char *id = env("MQTT_PSK_ID"), *key = env("MQTT_PSK_KEY");
        const char *wrong = "00112233445566778899aabbccddeeff";
        psk(TLSC_TLS1_2, id, key, TLSC_OK, "");
        psk(TLSC_TLS1_3, id, key, TLSC_OK, "");
        psk(TLSC_TLS1_2, id, wrong, TLSC_ERR_PEER_DECRYPT, "bad_record_mac (20)");
        psk(TLSC_TLS1_2, "nobody", key, TLSC_ERR_PEER_UNKNOWN_PSK, "unknown_psk_identity (115)");
        /* TLS 1.3: OpenSSL answers a binder that does not verify with
         * illegal_parameter, an unknown identity with missing_extension
         * (it falls back to a certificate handshake the client's PSK-only
         * hello cannot have). */
        psk(TLSC_TLS1_3, id, wrong, TLSC_ERR_PEER_ALERT, "illegal_parameter (47)");
        psk(TLSC_TLS1_3, "nobody", key, TLSC_ERR_PEER_ALERT, "missing_extension (109)");
    } else if (strcmp(scenario, "resubscribe") == 0) {
        resubscribe_after_loss();
    } else if (strcmp(scenario, "transport") == 0) {
        transport();
    } else if (strcmp(scenario, "outbox") == 0) {
        outbox();
    } else if (strcmp(scenario, "malformed") == 0) {
        malformed();
    } else if (strcmp(scenario, "restart") == 0) {
        restart();
    } else if (strcmp(scenario, "once") == 0) {
        once();
    } else if (strcmp(scenario, "halfopen") == 0) {
        half_open();
    } else if (strcmp(scenario, "reconnects") == 0) {
        reconnects();
    } else {
        fail("unknown scenario");
    }
    printf("ok %s\n", scenario);
    return 0;
}
