/*
 * The MQTT codec (src/mqtt/): serializers against bytes worked out by
 * hand from the MQTT 3.1.1 and 5.0 specifications, the decoder's
 * strictness on every packet a broker sends, 5.0 properties, the push
 * decoder fed in every split, the size limit, topic rules and names.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "tlsc/mqtt.h"

#define V3 TLSC_MQTT_V311
#define V5 TLSC_MQTT_V5

static void expect_bytes(const uint8_t *got, size_t got_len, const char *want, size_t want_len)
{
    if (got_len != want_len || memcmp(got, want, want_len) != 0) {
        for (size_t i = 0; i < got_len; i++)
            print_error("%02x ", got[i]);
        print_error("\n");
    }
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
}

#define EXPECT(buf, len, lit) expect_bytes(buf, len, lit, sizeof(lit) - 1)

/* ---- serializers ----------------------------------------------------------- */

static void test_connect_311(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t len = 0;
    tlsc_mqtt_will will = {"w/t", "bye", 3, 1, true, 0};
    tlsc_mqtt_connect_fields c = {.client_id = "dev1", .username = "u", .password = "pw",
                           .password_len = 2, .keepalive_s = 60, .clean_start = true,
                           .will = &will};
    assert_int_equal(tlsc_mqtt_encode_connect(V3, &c, buf, sizeof buf, &len), TLSC_OK);
    /* flags: user 0x80 | password 0x40 | will retain 0x20 | will QoS 1 0x08
     * | will 0x04 | clean 0x02 = 0xee */
    EXPECT(buf, len,
           "\x10\x21\x00\x04MQTT\x04\xee\x00\x3c"
           "\x00\x04"
           "dev1"
           "\x00\x03w/t\x00\x03"
           "bye"
           "\x00\x01u\x00\x02pw");
    /* Measuring: no buffer, the size comes back. */
    size_t need = 0;
    assert_int_equal(tlsc_mqtt_encode_connect(V3, &c, NULL, 0, &need), TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(need, len);
    memset(buf, 0xaa, sizeof buf);
    assert_int_equal(tlsc_mqtt_encode_connect(V3, &c, buf, len - 1, &need), TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(buf[0], 0xaa); /* nothing written */
    /* 5.0 fields are refused in 3.1.1. */
    c.session_expiry = 10;
    assert_int_equal(tlsc_mqtt_encode_connect(V3, &c, buf, sizeof buf, &len), TLSC_ERR_INVALID_ARG);
    c.session_expiry = 0;
    will.topic = "w/#";
    assert_int_equal(tlsc_mqtt_encode_connect(V3, &c, buf, sizeof buf, &len), TLSC_ERR_MQTT_TOPIC);
    will.topic = "w/t";
    will.qos = 3;
    assert_int_equal(tlsc_mqtt_encode_connect(V3, &c, buf, sizeof buf, &len), TLSC_ERR_INVALID_ARG);
}

static void test_connect_v5(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t len = 0;
    tlsc_mqtt_user_prop up = {"k", "v"};
    tlsc_mqtt_will will = {"w", "x", 1, 0, false, 30};
    tlsc_mqtt_connect_fields c = {.client_id = "", .keepalive_s = 10, .will = &will,
                           .session_expiry = 3600, .receive_max = 20, .max_packet_size = 4096,
                           .topic_alias_max = 8, .user = &up, .user_count = 1};
    assert_int_equal(tlsc_mqtt_encode_connect(V5, &c, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len,
           "\x10\x30\x00\x04MQTT\x05\x04\x00\x0a"
           /* properties: 5 + 3 + 3 + 5 + 7 = 23 */
           "\x17\x11\x00\x00\x0e\x10\x21\x00\x14\x22\x00\x08\x27\x00\x00\x10\x00"
           "\x26\x00\x01k\x00\x01v"
           "\x00\x00"                   /* empty client id */
           "\x05\x18\x00\x00\x00\x1e"   /* will properties: delay 30 */
           "\x00\x01w\x00\x01x");
}

static void test_publish(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t len = 0;
    tlsc_mqtt_message p = {.topic = "a/b", .payload = "hi", .payload_len = 2};
    assert_int_equal(tlsc_mqtt_encode_publish(V3, &p, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x30\x07\x00\x03"
                     "a/bhi");
    p.qos = 2;
    p.dup = true;
    p.retain = true;
    p.packet_id = 0x1234;
    assert_int_equal(tlsc_mqtt_encode_publish(V3, &p, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x3d\x09\x00\x03"
                     "a/b\x12\x34hi");
    tlsc_mqtt_user_prop up = {"n", "1"};
    p.user = &up;
    p.user_count = 1;
    p.utf8_payload = true;
    assert_int_equal(tlsc_mqtt_encode_publish(V3, &p, buf, sizeof buf, &len), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_mqtt_encode_publish(V5, &p, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x3d\x13\x00\x03"
                     "a/b\x12\x34\x09\x01\x01\x26\x00\x01n\x00\x01"
                     "1hi");
    /* Refusals. */
    p.packet_id = 0;
    assert_int_equal(tlsc_mqtt_encode_publish(V5, &p, buf, sizeof buf, &len), TLSC_ERR_INVALID_ARG);
    p.packet_id = 1;
    p.topic = "a/+";
    assert_int_equal(tlsc_mqtt_encode_publish(V5, &p, buf, sizeof buf, &len), TLSC_ERR_MQTT_TOPIC);
    p.topic = "";
    assert_int_equal(tlsc_mqtt_encode_publish(V5, &p, buf, sizeof buf, &len), TLSC_ERR_MQTT_TOPIC);
    p.topic = "a\xff";
    assert_int_equal(tlsc_mqtt_encode_publish(V5, &p, buf, sizeof buf, &len), TLSC_ERR_MQTT_TOPIC);
}

static void test_publish_large_length(void **state)
{
    (void)state;
    /* A 200-byte payload needs a two-byte remaining length. */
    static uint8_t payload[200], buf[256];
    size_t len = 0;
    tlsc_mqtt_message p = {.topic = "t", .payload = payload, .payload_len = sizeof payload};
    assert_int_equal(tlsc_mqtt_encode_publish(V3, &p, buf, sizeof buf, &len), TLSC_OK);
    assert_int_equal(len, 1 + 2 + 3 + 200);
    assert_int_equal(buf[1], (203 & 0x7f) | 0x80);
    assert_int_equal(buf[2], 203 >> 7);
}

static void test_acks_ping_disconnect(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t len = 0;
    assert_int_equal(tlsc_mqtt_encode_ack(V3, TLSC_MQTT_PUBACK, 7, 0, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x40\x02\x00\x07");
    assert_int_equal(tlsc_mqtt_encode_ack(V3, TLSC_MQTT_PUBREL, 7, 0, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x62\x02\x00\x07");
    assert_int_equal(tlsc_mqtt_encode_ack(V5, TLSC_MQTT_PUBREC, 7, 0x92, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x50\x03\x00\x07\x92");
    assert_int_equal(tlsc_mqtt_encode_ack(V3, TLSC_MQTT_PUBREC, 7, 0x92, buf, sizeof buf, &len),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_mqtt_encode_ack(V3, TLSC_MQTT_PUBACK, 0, 0, buf, sizeof buf, &len),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_mqtt_encode_ack(V3, TLSC_MQTT_SUBACK, 1, 0, buf, sizeof buf, &len),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_mqtt_encode_pingreq(buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\xc0\x00");
    assert_int_equal(tlsc_mqtt_encode_disconnect(V3, 0, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\xe0\x00");
    assert_int_equal(tlsc_mqtt_encode_disconnect(V5, 4, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\xe0\x01\x04");
}

static void test_subscribe(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t len = 0;
    tlsc_mqtt_sub subs[2] = {{"a/+", 1, false, false, 0}, {"#", 2, false, false, 0}};
    assert_int_equal(tlsc_mqtt_encode_subscribe(V3, 10, subs, 2, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x82\x0c\x00\x0a\x00\x03"
                     "a/+\x01\x00\x01#\x02");
    subs[0].no_local = true;
    subs[0].retain_handling = 2;
    assert_int_equal(tlsc_mqtt_encode_subscribe(V3, 10, subs, 2, buf, sizeof buf, &len),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_mqtt_encode_subscribe(V5, 10, subs, 2, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\x82\x0d\x00\x0a\x00\x00\x03"
                     "a/+\x25\x00\x01#\x02");
    subs[1].filter = "a/#/b";
    assert_int_equal(tlsc_mqtt_encode_subscribe(V5, 10, subs, 2, buf, sizeof buf, &len),
                     TLSC_ERR_MQTT_TOPIC);
    const char *const f[] = {"a/+", "x"};
    assert_int_equal(tlsc_mqtt_encode_unsubscribe(V3, 11, f, 2, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\xa2\x0a\x00\x0b\x00\x03"
                     "a/+\x00\x01x");
    assert_int_equal(tlsc_mqtt_encode_unsubscribe(V5, 11, f, 1, buf, sizeof buf, &len), TLSC_OK);
    EXPECT(buf, len, "\xa2\x08\x00\x0b\x00\x00\x03"
                     "a/+");
    assert_int_equal(tlsc_mqtt_encode_unsubscribe(V5, 0, f, 1, buf, sizeof buf, &len),
                     TLSC_ERR_INVALID_ARG);
}

/* ---- decoding -------------------------------------------------------------- */

typedef struct dcase {
    tlsc_mqtt_version v;
    const char *bytes;
    size_t len;
    tlsc_err want;
    const char *why; /* a piece of the error message */
} dcase;

#define D(v, lit, want, why) {v, lit, sizeof(lit) - 1, want, why}

static void test_decode_table(void **state)
{
    (void)state;
    static const dcase cases[] = {
        /* CONNACK */
        D(V3, "\x20\x02\x00\x00", TLSC_OK, ""),
        D(V3, "\x20\x02\x01\x00", TLSC_OK, ""),
        D(V3, "\x20\x02\x00\x05", TLSC_OK, ""),
        D(V3, "\x20\x02\x00\x06", TLSC_ERR_MQTT_PROTOCOL, "return code"),
        D(V3, "\x20\x02\x02\x00", TLSC_ERR_MQTT_MALFORMED, "reserved"),
        D(V3, "\x20\x02\x01\x05", TLSC_ERR_MQTT_PROTOCOL, "session present"),
        D(V3, "\x20\x03\x00\x00\x00", TLSC_ERR_MQTT_MALFORMED, "longer"),
        D(V3, "\x20\x01\x00", TLSC_ERR_MQTT_MALFORMED, "shorter"),
        D(V3, "\x21\x02\x00\x00", TLSC_ERR_MQTT_MALFORMED, "header flags"),
        D(V3, "\x20\x02\x00", TLSC_ERR_MQTT_MALFORMED, "remaining length"),
        D(V5, "\x20\x03\x00\x00\x00", TLSC_OK, ""),
        D(V5, "\x20\x02\x00\x00", TLSC_ERR_MQTT_MALFORMED, "property length"),
        D(V5, "\x20\x06\x00\x00\x03\x21\x00\x00", TLSC_ERR_MQTT_PROTOCOL, "out of range"),
        D(V5, "\x20\x06\x00\x00\x03\x23\x00\x01", TLSC_ERR_MQTT_PROTOCOL, "not allowed"),
        D(V5, "\x20\x09\x00\x00\x06\x21\x00\x01\x21\x00\x01", TLSC_ERR_MQTT_PROTOCOL, "repeated"),
        D(V5, "\x20\x05\x00\x00\x02\x24\x02", TLSC_ERR_MQTT_PROTOCOL, "out of range"),
        D(V5, "\x20\x05\x00\x00\x02\x7f\x00", TLSC_ERR_MQTT_PROTOCOL, "not allowed"),
        D(V5, "\x20\x06\x00\x00\x03\x1f\x00\x05", TLSC_ERR_MQTT_MALFORMED, "string"),
        D(V5, "\x20\x07\x00\x00\x04\x1f\x00\x01\xc0", TLSC_ERR_MQTT_MALFORMED, "UTF-8"),
        D(V5, "\x20\x03\x00\x87\x00", TLSC_OK, ""),
        /* PUBLISH */
        D(V3, "\x30\x04\x00\x01t!", TLSC_OK, ""),
        D(V3, "\x32\x06\x00\x01t\x00\x01!", TLSC_OK, ""),
        D(V3, "\x32\x05\x00\x01t\x00\x00", TLSC_ERR_MQTT_MALFORMED, "packet identifier"),
        D(V3, "\x36\x05\x00\x01t\x00\x01", TLSC_ERR_MQTT_MALFORMED, "QoS 3"),
        D(V3, "\x38\x03\x00\x01t", TLSC_ERR_MQTT_MALFORMED, "DUP"),
        D(V3, "\x30\x03\x00\x01+", TLSC_ERR_MQTT_MALFORMED, "wildcard"),
        D(V3, "\x30\x02\x00\x00", TLSC_ERR_MQTT_MALFORMED, "empty topic"),
        D(V3, "\x30\x04\x00\x02t\x00", TLSC_ERR_MQTT_MALFORMED, "UTF-8"),
        D(V3, "\x30\x03\x00\x05t", TLSC_ERR_MQTT_MALFORMED, "topic"),
        D(V5, "\x30\x03\x00\x00\x00", TLSC_ERR_MQTT_PROTOCOL, "alias"),
        D(V5, "\x30\x06\x00\x00\x03\x23\x00\x02", TLSC_OK, ""),
        D(V5, "\x30\x06\x00\x00\x03\x23\x00\x00", TLSC_ERR_MQTT_PROTOCOL, "out of range"),
        D(V5, "\x30\x06\x00\x01t\x02\x21\x00", TLSC_ERR_MQTT_PROTOCOL, "not allowed"),
        /* acknowledgements */
        D(V3, "\x40\x02\x00\x01", TLSC_OK, ""),
        D(V3, "\x40\x02\x00\x00", TLSC_ERR_MQTT_MALFORMED, "packet identifier"),
        D(V3, "\x40\x03\x00\x01\x00", TLSC_ERR_MQTT_MALFORMED, "longer"),
        D(V5, "\x40\x03\x00\x01\x10", TLSC_OK, ""),
        D(V5, "\x40\x04\x00\x01\x10\x00", TLSC_OK, ""),
        D(V3, "\x62\x02\x00\x01", TLSC_OK, ""),
        D(V3, "\x60\x02\x00\x01", TLSC_ERR_MQTT_MALFORMED, "header flags"),
        D(V3, "\x50\x02\x00\x01", TLSC_OK, ""),
        D(V3, "\x70\x02\x00\x01", TLSC_OK, ""),
        /* SUBACK / UNSUBACK */
        D(V3, "\x90\x04\x00\x01\x01\x80", TLSC_OK, ""),
        D(V3, "\x90\x03\x00\x01\x03", TLSC_ERR_MQTT_PROTOCOL, "result code"),
        D(V3, "\x90\x02\x00\x01", TLSC_ERR_MQTT_MALFORMED, "no result"),
        D(V5, "\x90\x04\x00\x01\x00\x87", TLSC_OK, ""),
        D(V3, "\xb0\x02\x00\x01", TLSC_OK, ""),
        D(V3, "\xb0\x03\x00\x01\x00", TLSC_ERR_MQTT_MALFORMED, "longer"),
        D(V5, "\xb0\x05\x00\x01\x00\x00\x11", TLSC_OK, ""),
        D(V5, "\xb0\x04\x00\x01\x00\x01", TLSC_ERR_MQTT_PROTOCOL, "result code"),
        /* PINGRESP, DISCONNECT, AUTH, client-only packets */
        D(V3, "\xd0\x00", TLSC_OK, ""),
        D(V3, "\xd0\x01\x00", TLSC_ERR_MQTT_MALFORMED, "longer"),
        D(V3, "\xe0\x00", TLSC_ERR_MQTT_PROTOCOL, "3.1.1"),
        D(V5, "\xe0\x00", TLSC_OK, ""),
        D(V5, "\xe0\x01\x8b", TLSC_OK, ""),
        D(V5, "\xf0\x00", TLSC_OK, ""),
        D(V3, "\x10\x00", TLSC_ERR_MQTT_PROTOCOL, "never sends"),
        D(V3, "\x82\x00", TLSC_ERR_MQTT_PROTOCOL, "never sends"),
        D(V3, "\xc0\x00", TLSC_ERR_MQTT_PROTOCOL, "never sends"),
        D(V3, "\x00\x00", TLSC_ERR_MQTT_PROTOCOL, "never sends"),
        D(V3, "\xd0\x80\x80\x80\x80\x01", TLSC_ERR_MQTT_MALFORMED, "remaining length"),
    };
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
        const dcase *c = &cases[i];
        tlsc_mqtt_packet p;
        char msg[128];
        tlsc_err err = tlsc_mqtt_decode(c->v, (const uint8_t *)c->bytes, c->len, &p, msg, sizeof msg);
        UNIT_CHECK(failures, err == c->want, "case %zu: got %d want %d (%s)", i, err, c->want, msg);
        UNIT_CHECK(failures, err == TLSC_OK || strstr(msg, c->why) != NULL,
                   "case %zu: message \"%s\" lacks \"%s\"", i, msg, c->why);
    }
    UNIT_DONE(failures);
}

static void test_decode_fields(void **state)
{
    (void)state;
    tlsc_mqtt_packet p;
    static const uint8_t connack[] =
        "\x20\x2d\x01\x00\x2a"
        "\x11\x00\x00\x00\x3c"          /* session expiry 60 */
        "\x21\x00\x0a"                  /* receive max 10 */
        "\x27\x00\x00\x04\x00"          /* max packet 1024 */
        "\x22\x00\x05"                  /* topic alias max 5 */
        "\x12\x00\x03id9"               /* assigned client id */
        "\x1f\x00\x02ok"                /* reason string */
        "\x26\x00\x01"
        "a\x00\x01"
        "b"
        "\x24\x01"                      /* max QoS 1 */
        "\x26\x00\x01"
        "c\x00\x00";
    assert_int_equal(tlsc_mqtt_decode(V5, connack, sizeof connack - 1, &p, NULL, 0), TLSC_OK);
    assert_int_equal(p.type, TLSC_MQTT_CONNACK);
    assert_true(p.session_present);
    assert_int_equal(p.props.session_expiry, 60);
    assert_int_equal(p.props.receive_max, 10);
    assert_int_equal(p.props.max_packet_size, 1024);
    assert_int_equal(p.props.topic_alias_max, 5);
    assert_int_equal(p.props.max_qos, 1);
    assert_true(p.props.present & TLSC_MQTT_P_MAX_QOS);
    assert_false(p.props.present & TLSC_MQTT_P_RETAIN_AVAILABLE);
    assert_int_equal(p.props.assigned_client_id.len, 3);
    assert_memory_equal(p.props.assigned_client_id.ptr, "id9", 3);
    assert_memory_equal(p.props.reason_string.ptr, "ok", 2);
    assert_int_equal(p.props.user_count, 2);
    size_t pos = 0;
    tlsc_mqtt_str n, v;
    assert_true(tlsc_mqtt_user_prop_next(&p.props, &pos, &n, &v));
    assert_int_equal(n.len, 1);
    assert_memory_equal(n.ptr, "a", 1);
    assert_memory_equal(v.ptr, "b", 1);
    assert_true(tlsc_mqtt_user_prop_next(&p.props, &pos, &n, &v)); /* skips max QoS */
    assert_memory_equal(n.ptr, "c", 1);
    assert_int_equal(v.len, 0);
    assert_false(tlsc_mqtt_user_prop_next(&p.props, &pos, &n, &v));

    static const uint8_t pub[] = "\x3b\x0d\x00\x03"
                                 "a/b\x00\x2a\x03\x23\x00\x07xy";
    assert_int_equal(tlsc_mqtt_decode(V5, pub, sizeof pub - 1, &p, NULL, 0), TLSC_OK);
    assert_int_equal(p.qos, 1);
    assert_true(p.dup);
    assert_true(p.retain);
    assert_int_equal(p.packet_id, 42);
    assert_int_equal(p.props.topic_alias, 7);
    assert_int_equal(p.payload_len, 2);
    assert_memory_equal(p.payload, "xy", 2);
    assert_int_equal(p.topic.len, 3);

    static const uint8_t suback[] = "\x90\x05\x00\x09\x00\x01\x87";
    assert_int_equal(tlsc_mqtt_decode(V5, suback, sizeof suback - 1, &p, NULL, 0), TLSC_OK);
    assert_int_equal(p.packet_id, 9);
    assert_int_equal(p.code_count, 2);
    assert_int_equal(p.codes[1], 0x87);
}

/* ---- push decoder ---------------------------------------------------------- */

typedef struct got {
    int count;
    char log[512];
    tlsc_err fail_at; /* returned by the callback from the 2nd packet on */
} got;

static tlsc_err on_packet(void *ud, const tlsc_mqtt_packet *p)
{
    got *g = ud;
    size_t o = strlen(g->log);
    g->count++;
    snprintf(g->log + o, sizeof g->log - o, "%s", tlsc_mqtt_type_name(p->type));
    o = strlen(g->log);
    if (p->type == TLSC_MQTT_PUBLISH)
        snprintf(g->log + o, sizeof g->log - o, "(%.*s=%.*s)", (int)p->topic.len, p->topic.ptr,
                 (int)p->payload_len, (const char *)p->payload);
    o = strlen(g->log);
    snprintf(g->log + o, sizeof g->log - o, ";");
    return g->count >= 2 && g->fail_at != TLSC_OK ? g->fail_at : TLSC_OK;
}

static const char stream[] = "\x20\x02\x00\x00"
                             "\x30\x05\x00\x01t"
                             "ab"
                             "\xd0\x00"
                             "\x32\x07\x00\x01"
                             "q\x00\x05zz"
                             "\x90\x03\x00\x01\x01";

static void test_push_every_split(void **state)
{
    (void)state;
    size_t n = sizeof stream - 1;
    /* Every piece size, and every single cut point with two pieces. */
    for (size_t step = 1; step <= n; step++) {
        got g = {0};
        tlsc_mqtt_decoder *d = NULL;
        assert_int_equal(tlsc_mqtt_decoder_new(V3, 0, on_packet, &g, &d), TLSC_OK);
        for (size_t off = 0; off < n; off += step) {
            size_t used = 0, k = n - off < step ? n - off : step;
            assert_int_equal(tlsc_mqtt_decoder_feed(d, stream + off, k, &used), TLSC_OK);
            assert_int_equal(used, k);
        }
        assert_false(tlsc_mqtt_decoder_partial(d));
        assert_string_equal(g.log, "CONNACK;PUBLISH(t=ab);PINGRESP;PUBLISH(q=zz);SUBACK;");
        tlsc_mqtt_decoder_free(d);
    }
    for (size_t cut = 0; cut <= n; cut++) {
        got g = {0};
        tlsc_mqtt_decoder *d = NULL;
        assert_int_equal(tlsc_mqtt_decoder_new(V3, 0, on_packet, &g, &d), TLSC_OK);
        assert_int_equal(tlsc_mqtt_decoder_feed(d, stream, cut, NULL), TLSC_OK);
        assert_int_equal(tlsc_mqtt_decoder_feed(d, stream + cut, n - cut, NULL), TLSC_OK);
        assert_int_equal(g.count, 5);
        tlsc_mqtt_decoder_free(d);
    }
}

static void test_push_limits_and_errors(void **state)
{
    (void)state;
    got g = {0};
    tlsc_mqtt_decoder *d = NULL;
    /* A packet over the maximum is refused from its header. */
    assert_int_equal(tlsc_mqtt_decoder_new(V3, 8, on_packet, &g, &d), TLSC_OK);
    size_t used = 0;
    assert_int_equal(tlsc_mqtt_decoder_feed(d, "\x20\x02\x00\x00\x30\x07", 6, &used),
                     TLSC_ERR_MQTT_TOO_LARGE);
    assert_int_equal(used, 6);
    assert_int_equal(g.count, 1);
    assert_non_null(strstr(tlsc_mqtt_decoder_errmsg(d), "PUBLISH of 9 bytes refused"));
    /* Sticky until reset. */
    assert_int_equal(tlsc_mqtt_decoder_feed(d, "\xd0\x00", 2, &used), TLSC_ERR_MQTT_TOO_LARGE);
    tlsc_mqtt_decoder_reset(d);
    assert_string_equal(tlsc_mqtt_decoder_errmsg(d), "");
    assert_int_equal(tlsc_mqtt_decoder_feed(d, "\xd0\x00", 2, &used), TLSC_OK);
    assert_int_equal(g.count, 2);
    /* A malformed packet stops decoding at its end, with the reason. */
    tlsc_mqtt_decoder_reset(d);
    assert_int_equal(tlsc_mqtt_decoder_feed(d, "\x40\x02\x00\x00\xd0\x00", 6, &used),
                     TLSC_ERR_MQTT_MALFORMED);
    assert_int_equal(used, 4);
    assert_non_null(strstr(tlsc_mqtt_decoder_errmsg(d), "PUBACK: packet identifier"));
    tlsc_mqtt_decoder_free(d);
    /* The callback's error stops decoding. */
    got g2 = {.fail_at = TLSC_ERR_MQTT_PROTOCOL};
    assert_int_equal(tlsc_mqtt_decoder_new(V3, 0, on_packet, &g2, &d), TLSC_OK);
    assert_int_equal(tlsc_mqtt_decoder_feed(d, stream, sizeof stream - 1, &used),
                     TLSC_ERR_MQTT_PROTOCOL);
    assert_int_equal(g2.count, 2);
    assert_int_equal(used, 4 + 7);
    /* A split packet left partial is freed with the decoder (no leak under
     * ASan). */
    tlsc_mqtt_decoder_reset(d);
    assert_int_equal(tlsc_mqtt_decoder_feed(d, "\x30\x05\x00", 3, &used), TLSC_OK);
    assert_true(tlsc_mqtt_decoder_partial(d));
    tlsc_mqtt_decoder_free(d);
    assert_int_equal(tlsc_mqtt_decoder_new(V3, 0, NULL, NULL, &d), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_mqtt_decoder_new((tlsc_mqtt_version)3, 0, on_packet, NULL, &d),
                     TLSC_ERR_INVALID_ARG);
}

/* ---- topics and names ------------------------------------------------------ */

static void test_topics(void **state)
{
    (void)state;
    static const struct {
        const char *t;
        bool name_ok, filter_ok;
    } cases[] = {
        {"a/b", true, true},      {"a/+", false, true},   {"a/#", false, true},
        {"#", false, true},       {"+", false, true},     {"a/#/b", false, false},
        {"a/b#", false, false},   {"a+/b", false, false}, {"/", true, true},
        {"", false, false},       {"a\xc3\xa9", true, true}, {"a\xc3", false, false},
        {"\xed\xa0\x80", false, false}, {"\xc0\xaf", false, false},
    };
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
        size_t n = strlen(cases[i].t);
        UNIT_CHECK(failures, tlsc_mqtt_topic_valid(cases[i].t, n, false) == cases[i].name_ok,
                   "name %s", cases[i].t);
        UNIT_CHECK(failures, tlsc_mqtt_topic_valid(cases[i].t, n, true) == cases[i].filter_ok,
                   "filter %s", cases[i].t);
    }
    static const struct {
        const char *f, *t;
        bool match;
    } m[] = {
        {"a/b", "a/b", true},     {"a/+", "a/b", true},      {"a/+", "a/b/c", false},
        {"a/#", "a/b/c", true},   {"a/#", "a", true},        {"#", "a/b", true},
        {"+/+", "a/b", true},     {"+", "a/b", false},       {"a/b", "a/c", false},
        {"#", "$SYS/x", false},   {"+/x", "$SYS/x", false},  {"$SYS/#", "$SYS/x", true},
        {"a/+/c", "a//c", true},  {"a", "a/", false},        {"a/", "a/", true},
    };
    for (size_t i = 0; i < UNIT_ARRAY_LEN(m); i++) {
        bool hit = tlsc_mqtt_topic_matches(m[i].f, strlen(m[i].f), m[i].t, strlen(m[i].t));
        UNIT_CHECK(failures, hit == m[i].match, "%s ~ %s", m[i].f, m[i].t);
    }
    UNIT_DONE(failures);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tlsc_mqtt_reason_text(V3, TLSC_MQTT_CONNACK, 5), "not authorized");
    assert_string_equal(tlsc_mqtt_reason_text(V3, TLSC_MQTT_CONNACK, 4), "bad user name or password");
    assert_string_equal(tlsc_mqtt_reason_text(V3, TLSC_MQTT_CONNACK, 9), "unknown reason code");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_CONNACK, 0x87), "not authorized");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_SUBACK, 1), "granted QoS 1");
    assert_string_equal(tlsc_mqtt_reason_text(V3, TLSC_MQTT_SUBACK, 0x80), "failure");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_DISCONNECT, 0x8e), "session taken over");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_DISCONNECT, 0x7f), "unknown reason code");
    assert_string_equal(tlsc_mqtt_type_name(TLSC_MQTT_PINGRESP), "PINGRESP");
    /* the ends of each list of words (names.c walks NUL-separated lists) */
    assert_string_equal(tlsc_mqtt_reason_text(V3, TLSC_MQTT_CONNACK, 0), "connection accepted");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_SUBACK, 2), "granted QoS 2");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_PUBACK, 0x00), "success");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_UNSUBACK, 0x11), "no subscription existed");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_DISCONNECT, 0x19), "re-authenticate");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_PUBACK, 0x80), "unspecified error");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_CONNACK, 0x9F), "connection rate exceeded");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_SUBACK, 0xA2),
                        "wildcard subscriptions not supported");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_SUBACK, 0xA3), "unknown reason code");
    assert_string_equal(tlsc_mqtt_reason_text(V5, TLSC_MQTT_PUBACK, 0x05), "unknown reason code");
    assert_string_equal(tlsc_mqtt_type_name(TLSC_MQTT_CONNECT), "CONNECT");
    assert_string_equal(tlsc_mqtt_type_name(TLSC_MQTT_AUTH), "AUTH");
    assert_string_equal(tlsc_mqtt_type_name((tlsc_mqtt_type)16), "?");
    assert_string_equal(tlsc_mqtt_type_name((tlsc_mqtt_type)16), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_311),
        cmocka_unit_test(test_connect_v5),
        cmocka_unit_test(test_publish),
        cmocka_unit_test(test_publish_large_length),
        cmocka_unit_test(test_acks_ping_disconnect),
        cmocka_unit_test(test_subscribe),
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_decode_fields),
        cmocka_unit_test(test_push_every_split),
        cmocka_unit_test(test_push_limits_and_errors),
        cmocka_unit_test(test_topics),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("mqtt_codec", tests, NULL, NULL);
}
