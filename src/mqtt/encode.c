/*
 * Serializing client packets into a caller's buffer. Each packet is a
 * body function run twice over a tlsc__mwr: once with no buffer to
 * measure (the fixed header needs the body's length first, and the
 * property block its own), once for real. The writer never writes past
 * its capacity, so a too-small buffer is reported, never overrun.
 */
#include <string.h>

#include "mqtt/mqtt_internal.h"

typedef void (*body_fn)(tlsc__mwr *w, const void *arg, tlsc_mqtt_version v);

/* Run fn over a measuring writer: the size it would write. */
static size_t measure(body_fn fn, const void *arg, tlsc_mqtt_version v, bool *bad)
{
    tlsc__mwr m = {NULL, 0, 0, false};
    fn(&m, arg, v);
    *bad = *bad || m.bad;
    return m.len;
}

static tlsc_err finish(uint8_t first, body_fn fn, const void *arg, tlsc_mqtt_version v,
                       uint8_t *buf, size_t cap, size_t *len)
{
    bool bad = false;
    size_t body = measure(fn, arg, v, &bad);
    if (bad || body > TLSC_MQTT_REMAINING_MAX)
        return TLSC_ERR_INVALID_ARG;
    size_t total = 1 + tlsc__mqtt_varint_size((uint32_t)body) + body;
    *len = total;
    if (buf == NULL || cap < total)
        return TLSC_ERR_BUFFER_SIZE;
    tlsc__mwr w = {buf, cap, 0, false};
    tlsc__mwr_u8(&w, first);
    tlsc__mwr_varint(&w, (uint32_t)body);
    fn(&w, arg, v);
    return TLSC_OK;
}

static void put_str(tlsc__mwr *w, const char *s)
{
    tlsc__mwr_bin(w, s, strlen(s));
}

/* ---- properties ------------------------------------------------------------ */

/* The properties a client sends, gathered from the packet's fields; a
 * zero / NULL field is left out. */
typedef struct out_props {
    uint32_t session_expiry, max_packet_size, message_expiry, will_delay;
    uint16_t receive_max, topic_alias_max;
    bool utf8_payload;
    const char *content_type, *response_topic;
    const tlsc_mqtt_user_prop *user;
    size_t user_count;
} out_props;

static void prop_u32(tlsc__mwr *w, uint8_t id, uint32_t v)
{
    if (v == 0)
        return;
    tlsc__mwr_u8(w, id);
    tlsc__mwr_u32(w, v);
}

static void prop_u16(tlsc__mwr *w, uint8_t id, uint16_t v)
{
    if (v == 0)
        return;
    tlsc__mwr_u8(w, id);
    tlsc__mwr_u16(w, v);
}

static void prop_str(tlsc__mwr *w, uint8_t id, const char *s)
{
    if (s == NULL)
        return;
    tlsc__mwr_u8(w, id);
    put_str(w, s);
}

static void props_body(tlsc__mwr *w, const void *arg, tlsc_mqtt_version v)
{
    const out_props *p = arg;
    (void)v;
    if (p->utf8_payload) {
        tlsc__mwr_u8(w, 0x01);
        tlsc__mwr_u8(w, 1);
    }
    prop_u32(w, 0x02, p->message_expiry);
    prop_str(w, 0x03, p->content_type);
    prop_str(w, 0x08, p->response_topic);
    prop_u32(w, 0x11, p->session_expiry);
    prop_u32(w, 0x18, p->will_delay);
    prop_u16(w, 0x21, p->receive_max);
    prop_u16(w, 0x22, p->topic_alias_max);
    prop_u32(w, 0x27, p->max_packet_size);
    if (p->user_count > TLSC_MQTT_USER_PROPS_MAX || (p->user_count > 0 && p->user == NULL)) {
        w->bad = true;
        return;
    }
    for (size_t i = 0; i < p->user_count; i++) {
        if (p->user[i].name == NULL || p->user[i].value == NULL) {
            w->bad = true;
            return;
        }
        tlsc__mwr_u8(w, 0x26);
        put_str(w, p->user[i].name);
        put_str(w, p->user[i].value);
    }
}

/* The property block (length + properties); only in 5.0. */
static void put_props(tlsc__mwr *w, const out_props *p, tlsc_mqtt_version v)
{
    if (v != TLSC_MQTT_V5)
        return;
    bool bad = false;
    size_t n = measure(props_body, p, v, &bad);
    w->bad = w->bad || bad;
    tlsc__mwr_varint(w, (uint32_t)(n > TLSC_MQTT_REMAINING_MAX ? TLSC_MQTT_REMAINING_MAX + 1u : n));
    props_body(w, p, v);
}

static bool has_v5_fields(const out_props *p)
{
    return p->session_expiry || p->max_packet_size || p->message_expiry || p->will_delay ||
           p->receive_max || p->topic_alias_max || p->utf8_payload || p->content_type ||
           p->response_topic || p->user_count;
}

static bool version_ok(tlsc_mqtt_version v)
{
    return v == TLSC_MQTT_V311 || v == TLSC_MQTT_V5;
}

static bool topic_ok(const char *t, bool filter)
{
    return t != NULL && tlsc_mqtt_topic_valid(t, strlen(t), filter);
}

/* ---- CONNECT --------------------------------------------------------------- */

typedef struct connect_arg {
    const tlsc_mqtt_connect_fields *c;
    out_props props, will_props;
} connect_arg;

static void connect_body(tlsc__mwr *w, const void *arg, tlsc_mqtt_version v)
{
    const connect_arg *a = arg;
    const tlsc_mqtt_connect_fields *c = a->c;
    const tlsc_mqtt_will *will = c->will;
    uint8_t flags = (uint8_t)(c->clean_start ? 0x02 : 0);
    if (will != NULL)
        flags |= (uint8_t)(0x04 | will->qos << 3 | (will->retain ? 0x20 : 0));
    if (c->password != NULL)
        flags |= 0x40;
    if (c->username != NULL)
        flags |= 0x80;
    tlsc__mwr_bin(w, "MQTT", 4);
    tlsc__mwr_u8(w, (uint8_t)v);
    tlsc__mwr_u8(w, flags);
    tlsc__mwr_u16(w, c->keepalive_s);
    put_props(w, &a->props, v);
    put_str(w, c->client_id);
    if (will != NULL) {
        put_props(w, &a->will_props, v);
        put_str(w, will->topic);
        tlsc__mwr_bin(w, will->payload, will->payload_len);
    }
    if (c->username != NULL)
        put_str(w, c->username);
    if (c->password != NULL)
        tlsc__mwr_bin(w, c->password, c->password_len);
}

static bool utf8_or_null(const char *s)
{
    return s == NULL || tlsc__mqtt_utf8_ok((const uint8_t *)s, strlen(s));
}

static bool will_ok(const tlsc_mqtt_will *will)
{
    return will == NULL || (will->qos <= 2 && (will->payload != NULL || will->payload_len == 0));
}

tlsc_err tlsc_mqtt_encode_connect(tlsc_mqtt_version version, const tlsc_mqtt_connect_fields *c,
                                  uint8_t *buf, size_t cap, size_t *len)
{
    if (len == NULL || c == NULL || c->client_id == NULL || !version_ok(version) ||
        !will_ok(c->will) || !utf8_or_null(c->client_id) || !utf8_or_null(c->username))
        return TLSC_ERR_INVALID_ARG;
    *len = 0;
    if (c->will != NULL && !topic_ok(c->will->topic, false))
        return TLSC_ERR_MQTT_TOPIC;
    connect_arg a;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.props.session_expiry = c->session_expiry;
    a.props.receive_max = c->receive_max;
    a.props.max_packet_size = c->max_packet_size;
    a.props.topic_alias_max = c->topic_alias_max;
    a.props.user = c->user;
    a.props.user_count = c->user_count;
    a.will_props.will_delay = c->will != NULL ? c->will->delay_s : 0;
    if (version == TLSC_MQTT_V311 && (has_v5_fields(&a.props) || has_v5_fields(&a.will_props)))
        return TLSC_ERR_INVALID_ARG;
    return finish(0x10, connect_body, &a, version, buf, cap, len);
}

/* ---- PUBLISH --------------------------------------------------------------- */

typedef struct publish_arg {
    const tlsc_mqtt_message *p;
    out_props props;
} publish_arg;

static void publish_body(tlsc__mwr *w, const void *arg, tlsc_mqtt_version v)
{
    const publish_arg *a = arg;
    put_str(w, a->p->topic);
    if (a->p->qos > 0)
        tlsc__mwr_u16(w, a->p->packet_id);
    put_props(w, &a->props, v);
    tlsc__mwr_bytes(w, a->p->payload, a->p->payload_len);
}

tlsc_err tlsc_mqtt_encode_publish(tlsc_mqtt_version version, const tlsc_mqtt_message *p,
                                  uint8_t *buf, size_t cap, size_t *len)
{
    if (len == NULL || p == NULL || !version_ok(version) || p->qos > 2 ||
        (p->qos > 0 && p->packet_id == 0) || (p->qos == 0 && p->dup) ||
        (p->payload == NULL && p->payload_len > 0))
        return TLSC_ERR_INVALID_ARG;
    *len = 0;
    if (!topic_ok(p->topic, false))
        return TLSC_ERR_MQTT_TOPIC;
    publish_arg a;
    memset(&a, 0, sizeof a);
    a.p = p;
    a.props.message_expiry = p->message_expiry;
    a.props.utf8_payload = p->utf8_payload;
    a.props.content_type = p->content_type;
    a.props.response_topic = p->response_topic;
    a.props.user = p->user;
    a.props.user_count = p->user_count;
    if (version == TLSC_MQTT_V311 && has_v5_fields(&a.props))
        return TLSC_ERR_INVALID_ARG;
    if (p->response_topic != NULL && !topic_ok(p->response_topic, false))
        return TLSC_ERR_MQTT_TOPIC;
    uint8_t first = (uint8_t)(0x30 | (p->dup ? 8 : 0) | p->qos << 1 | (p->retain ? 1 : 0));
    return finish(first, publish_body, &a, version, buf, cap, len);
}

/* ---- acknowledgements, PINGREQ, DISCONNECT ----------------------------------- */

typedef struct ack_arg {
    uint16_t id;            /* 0: no packet id (DISCONNECT) */
    uint8_t reason;
} ack_arg;

static void ack_body(tlsc__mwr *w, const void *arg, tlsc_mqtt_version v)
{
    const ack_arg *a = arg;
    if (a->id != 0)
        tlsc__mwr_u16(w, a->id);
    if (v == TLSC_MQTT_V5 && a->reason != 0)
        tlsc__mwr_u8(w, a->reason);
}

tlsc_err tlsc_mqtt_encode_ack(tlsc_mqtt_version version, tlsc_mqtt_type type, uint16_t packet_id,
                              uint8_t reason, uint8_t *buf, size_t cap, size_t *len)
{
    if (len == NULL || !version_ok(version) || packet_id == 0 || type < TLSC_MQTT_PUBACK ||
        type > TLSC_MQTT_PUBCOMP || (version == TLSC_MQTT_V311 && reason != 0))
        return TLSC_ERR_INVALID_ARG;
    ack_arg a = {packet_id, reason};
    uint8_t first = (uint8_t)(type << 4 | (type == TLSC_MQTT_PUBREL ? 2 : 0));
    return finish(first, ack_body, &a, version, buf, cap, len);
}

tlsc_err tlsc_mqtt_encode_pingreq(uint8_t *buf, size_t cap, size_t *len)
{
    if (len == NULL)
        return TLSC_ERR_INVALID_ARG;
    ack_arg a = {0, 0};
    return finish(0xc0, ack_body, &a, TLSC_MQTT_V311, buf, cap, len);
}

tlsc_err tlsc_mqtt_encode_disconnect(tlsc_mqtt_version version, uint8_t reason, uint8_t *buf,
                                     size_t cap, size_t *len)
{
    if (len == NULL || !version_ok(version) || (version == TLSC_MQTT_V311 && reason != 0))
        return TLSC_ERR_INVALID_ARG;
    ack_arg a = {0, reason};
    return finish(0xe0, ack_body, &a, version, buf, cap, len);
}

/* ---- SUBSCRIBE, UNSUBSCRIBE ------------------------------------------------ */

typedef struct sub_arg {
    uint16_t id;
    const tlsc_mqtt_sub *subs;      /* SUBSCRIBE */
    const char *const *filters;     /* UNSUBSCRIBE */
    size_t count;
} sub_arg;

static uint8_t sub_options(const tlsc_mqtt_sub *s, tlsc_mqtt_version v)
{
    if (v != TLSC_MQTT_V5)
        return s->qos;
    return (uint8_t)(s->qos | (s->no_local ? 4 : 0) | (s->retain_as_published ? 8 : 0) |
                     s->retain_handling << 4);
}

static void sub_body(tlsc__mwr *w, const void *arg, tlsc_mqtt_version v)
{
    const sub_arg *a = arg;
    out_props none;
    memset(&none, 0, sizeof none);
    tlsc__mwr_u16(w, a->id);
    put_props(w, &none, v);
    for (size_t i = 0; i < a->count; i++) {
        if (a->subs != NULL) {
            put_str(w, a->subs[i].filter);
            tlsc__mwr_u8(w, sub_options(&a->subs[i], v));
        } else {
            put_str(w, a->filters[i]);
        }
    }
}

static tlsc_err check_sub(const tlsc_mqtt_sub *s, tlsc_mqtt_version v)
{
    if (s->qos > 2 || s->retain_handling > 2 ||
        (v == TLSC_MQTT_V311 && (s->no_local || s->retain_as_published || s->retain_handling)))
        return TLSC_ERR_INVALID_ARG;
    return topic_ok(s->filter, true) ? TLSC_OK : TLSC_ERR_MQTT_TOPIC;
}

tlsc_err tlsc_mqtt_encode_subscribe(tlsc_mqtt_version version, uint16_t packet_id,
                                    const tlsc_mqtt_sub *subs, size_t count, uint8_t *buf,
                                    size_t cap, size_t *len)
{
    if (len == NULL || subs == NULL || count == 0 || packet_id == 0 || !version_ok(version))
        return TLSC_ERR_INVALID_ARG;
    *len = 0;
    for (size_t i = 0; i < count; i++) {
        tlsc_err err = check_sub(&subs[i], version);
        if (err != TLSC_OK)
            return err;
    }
    sub_arg a = {packet_id, subs, NULL, count};
    return finish(0x82, sub_body, &a, version, buf, cap, len);
}

tlsc_err tlsc_mqtt_encode_unsubscribe(tlsc_mqtt_version version, uint16_t packet_id,
                                      const char *const *filters, size_t count, uint8_t *buf,
                                      size_t cap, size_t *len)
{
    if (len == NULL || filters == NULL || count == 0 || packet_id == 0 || !version_ok(version))
        return TLSC_ERR_INVALID_ARG;
    *len = 0;
    for (size_t i = 0; i < count; i++) {
        if (!topic_ok(filters[i], true))
            return TLSC_ERR_MQTT_TOPIC;
    }
    sub_arg a = {packet_id, NULL, filters, count};
    return finish(0xa2, sub_body, &a, version, buf, cap, len);
}
