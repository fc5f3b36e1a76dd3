/*
 * Decoding the packets a broker sends to a client (tlsc_mqtt_decode), as
 * a strict recipient: every length must add up exactly, every string is
 * checked for UTF-8, reserved flags and values are refused, a 5.0
 * property must be one the packet may carry and appear at most once
 * (except the repeatable ones). The reason in the message names the packet
 * and the field, so a broker bug can be told from a network one.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mqtt/mqtt_internal.h"

#define BIT(t) (1u << (t))

typedef enum pkind { P_BYTE, P_U16, P_U32, P_VARINT, P_UTF8, P_BIN, P_PAIR } pkind;

typedef struct prop_def {
    uint8_t id;
    uint8_t kind;           /* pkind */
    bool boolean;           /* value must be 0 or 1 */
    bool nonzero;           /* 0 is a protocol error */
    bool repeatable;
    uint16_t packets;       /* BIT(type) of the packets that may carry it */
    uint16_t present;       /* TLSC_MQTT_P_* for scalars (bits 0..13) */
    uint16_t off;           /* where it goes in tlsc_mqtt_props */
} prop_def;                 /* 12 bytes on 32-bit targets, not 16: the
                               table is 24 entries of flash */

#define ACKS (BIT(TLSC_MQTT_PUBACK) | BIT(TLSC_MQTT_PUBREC) | BIT(TLSC_MQTT_PUBREL) | \
              BIT(TLSC_MQTT_PUBCOMP))
#define CA BIT(TLSC_MQTT_CONNACK)
#define PB BIT(TLSC_MQTT_PUBLISH)
#define DC BIT(TLSC_MQTT_DISCONNECT)
#define AU BIT(TLSC_MQTT_AUTH)
#define ALL 0xfffeu
#define OFF(f) offsetof(tlsc_mqtt_props, f)

static const prop_def props_table[] = {
    {0x01, P_BYTE, true, false, false, PB, TLSC_MQTT_P_PAYLOAD_FORMAT, OFF(payload_format)},
    {0x02, P_U32, false, false, false, PB, TLSC_MQTT_P_MESSAGE_EXPIRY, OFF(message_expiry)},
    {0x03, P_UTF8, false, false, false, PB, 0, OFF(content_type)},
    {0x08, P_UTF8, false, false, false, PB, 0, OFF(response_topic)},
    {0x09, P_BIN, false, false, false, PB, 0, OFF(correlation_data)},
    {0x0B, P_VARINT, false, true, true, PB, TLSC_MQTT_P_SUBSCRIPTION_ID, OFF(subscription_id)},
    {0x11, P_U32, false, false, false, CA | DC, TLSC_MQTT_P_SESSION_EXPIRY, OFF(session_expiry)},
    {0x12, P_UTF8, false, false, false, CA, 0, OFF(assigned_client_id)},
    {0x13, P_U16, false, false, false, CA, TLSC_MQTT_P_SERVER_KEEPALIVE, OFF(server_keepalive)},
    {0x15, P_UTF8, false, false, false, CA | AU, 0, OFF(auth_method)},
    {0x16, P_BIN, false, false, false, CA | AU, 0, OFF(auth_data)},
    {0x1A, P_UTF8, false, false, false, CA, 0, OFF(response_info)},
    {0x1C, P_UTF8, false, false, false, CA | DC, 0, OFF(server_reference)},
    {0x1F, P_UTF8, false, false, false,
     CA | ACKS | BIT(TLSC_MQTT_SUBACK) | BIT(TLSC_MQTT_UNSUBACK) | DC | AU, 0, OFF(reason_string)},
    {0x21, P_U16, false, true, false, CA, TLSC_MQTT_P_RECEIVE_MAX, OFF(receive_max)},
    {0x22, P_U16, false, false, false, CA, TLSC_MQTT_P_TOPIC_ALIAS_MAX, OFF(topic_alias_max)},
    {0x23, P_U16, false, true, false, PB, TLSC_MQTT_P_TOPIC_ALIAS, OFF(topic_alias)},
    {0x24, P_BYTE, true, false, false, CA, TLSC_MQTT_P_MAX_QOS, OFF(max_qos)},
    {0x25, P_BYTE, true, false, false, CA, TLSC_MQTT_P_RETAIN_AVAILABLE, OFF(retain_available)},
    {0x26, P_PAIR, false, false, true, ALL, 0, 0},
    {0x27, P_U32, false, true, false, CA, TLSC_MQTT_P_MAX_PACKET_SIZE, OFF(max_packet_size)},
    {0x28, P_BYTE, true, false, false, CA, TLSC_MQTT_P_WILDCARD_SUB, OFF(wildcard_sub)},
    {0x29, P_BYTE, true, false, false, CA, TLSC_MQTT_P_SUB_ID_AVAILABLE, OFF(sub_id_available)},
    {0x2A, P_BYTE, true, false, false, CA, TLSC_MQTT_P_SHARED_SUB, OFF(shared_sub)},
};

/* Decoding context: the packet, its reader and where to explain. */
typedef struct dctx {
    tlsc_mqtt_version v;
    tlsc_mqtt_packet *pkt;
    tlsc__mrd r;
    char *msg;
    size_t cap;
} dctx;

static tlsc_err fail(dctx *c, tlsc_err err, const char *what)
{
    if (c->msg != NULL && c->cap > 0)
        snprintf(c->msg, c->cap, "%s: %s", tlsc_mqtt_type_name(c->pkt->type), what);
    return err;
}

static const prop_def *find_prop(uint8_t id)
{
    for (size_t i = 0; i < sizeof props_table / sizeof props_table[0]; i++) {
        if (props_table[i].id == id)
            return &props_table[i];
    }
    return NULL;
}

/* Read one scalar of kind k; false when out of bytes. */
static bool read_scalar(tlsc__mrd *r, pkind k, uint32_t *v)
{
    uint8_t b;
    uint16_t h;
    switch (k) {
    case P_BYTE: if (!tlsc__mrd_u8(r, &b)) return false; *v = b; return true;
    case P_U16: if (!tlsc__mrd_u16(r, &h)) return false; *v = h; return true;
    case P_U32: return tlsc__mrd_u32(r, v);
    default: return tlsc__mrd_varint(r, v);
    }
}

static void store_scalar(tlsc_mqtt_props *pr, const prop_def *d, uint32_t v)
{
    unsigned char *base = (unsigned char *)pr + d->off;
    if ((pr->present & d->present) != 0)
        return; /* a repeated Subscription Identifier: keep the first */
    pr->present |= d->present;
    if (d->kind == P_BYTE) {
        uint8_t b = (uint8_t)v;
        memcpy(base, &b, 1);
    } else if (d->kind == P_U16) {
        uint16_t h = (uint16_t)v;
        memcpy(base, &h, sizeof h);
    } else {
        memcpy(base, &v, sizeof v);
    }
}

static tlsc_err read_value(dctx *c, const prop_def *d, tlsc_mqtt_props *pr)
{
    tlsc_mqtt_str s, s2;
    uint32_t v = 0;
    if (d->kind == P_PAIR) {
        if (!tlsc__mrd_utf8(&c->r, &s) || !tlsc__mrd_utf8(&c->r, &s2))
            return fail(c, TLSC_ERR_MQTT_MALFORMED, "user property not two UTF-8 strings");
        pr->user_count++;
        return TLSC_OK;
    }
    if (d->kind == P_UTF8 || d->kind == P_BIN) {
        bool ok = d->kind == P_UTF8 ? tlsc__mrd_utf8(&c->r, &s) : tlsc__mrd_bin(&c->r, &s);
        if (!ok)
            return fail(c, TLSC_ERR_MQTT_MALFORMED, "property string truncated or not UTF-8");
        memcpy((unsigned char *)pr + d->off, &s, sizeof s);
        return TLSC_OK;
    }
    if (!read_scalar(&c->r, (pkind)d->kind, &v))
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "property value truncated");
    if ((d->boolean && v > 1) || (d->nonzero && v == 0))
        return fail(c, TLSC_ERR_MQTT_PROTOCOL, "property value out of range");
    store_scalar(pr, d, v);
    return TLSC_OK;
}

/* The property block of a 5.0 packet at the reader's position. */
static tlsc_err read_props(dctx *c)
{
    uint32_t n;
    if (!tlsc__mrd_varint(&c->r, &n) || c->r.len - c->r.off < n)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "property length exceeds the packet");
    tlsc_mqtt_props *pr = &c->pkt->props;
    size_t end = c->r.off + n;
    uint64_t seen = 0;
    tlsc__mrd outer = c->r;
    c->r.len = end;
    pr->user_raw = NULL;
    while (c->r.off < end) {
        size_t at = c->r.off;
        uint32_t id;
        if (!tlsc__mrd_varint(&c->r, &id))
            return fail(c, TLSC_ERR_MQTT_MALFORMED, "property identifier truncated");
        const prop_def *d = id < 64 ? find_prop((uint8_t)id) : NULL;
        if (d == NULL || (d->packets & BIT(c->pkt->type)) == 0)
            return fail(c, TLSC_ERR_MQTT_PROTOCOL, "property not allowed in this packet");
        if (!d->repeatable && (seen & (1ull << id)) != 0)
            return fail(c, TLSC_ERR_MQTT_PROTOCOL, "property repeated");
        seen |= 1ull << id;
        tlsc_err err = read_value(c, d, pr);
        if (err != TLSC_OK)
            return err;
        if (d->kind == P_PAIR && pr->user_raw == NULL)
            pr->user_raw = c->r.p + at;
        if (d->kind == P_PAIR)
            pr->user_raw_len = c->r.off - (size_t)(pr->user_raw - c->r.p);
    }
    outer.off = end;
    c->r = outer;
    return TLSC_OK;
}

bool tlsc_mqtt_user_prop_next(const tlsc_mqtt_props *props, size_t *pos, tlsc_mqtt_str *name,
                              tlsc_mqtt_str *value)
{
    if (props == NULL || pos == NULL || props->user_raw == NULL)
        return false;
    /* user_raw spans from the first user property to the end of the last;
     * other properties may sit between them: skip those. */
    tlsc__mrd r = {props->user_raw, props->user_raw_len, *pos, false};
    while (r.off < r.len) {
        uint32_t id, v;
        tlsc_mqtt_str s;
        if (!tlsc__mrd_varint(&r, &id))
            return false;
        const prop_def *d = id < 64 ? find_prop((uint8_t)id) : NULL;
        if (d == NULL)
            return false;
        if (d->kind == P_PAIR) {
            if (!tlsc__mrd_bin(&r, name) || !tlsc__mrd_bin(&r, value))
                return false;
            *pos = r.off;
            return true;
        }
        bool ok = d->kind == P_UTF8 || d->kind == P_BIN ? tlsc__mrd_bin(&r, &s)
                                                         : read_scalar(&r, (pkind)d->kind, &v);
        if (!ok)
            return false;
    }
    return false;
}

/* ---- packets --------------------------------------------------------------- */

static bool v5(const dctx *c)
{
    return c->v == TLSC_MQTT_V5;
}

static tlsc_err need_end(dctx *c)
{
    if (c->r.bad)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "shorter than its fields");
    if (c->r.off != c->r.len)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "longer than its fields");
    return TLSC_OK;
}

static tlsc_err d_connack(dctx *c)
{
    uint8_t flags = 0, code = 0;
    tlsc__mrd_u8(&c->r, &flags);
    tlsc__mrd_u8(&c->r, &code);
    if (c->r.bad)
        return need_end(c);
    if ((flags & 0xfe) != 0)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "reserved acknowledge flags set");
    c->pkt->session_present = (flags & 1) != 0;
    c->pkt->reason = code;
    if (!v5(c) && code > 5)
        return fail(c, TLSC_ERR_MQTT_PROTOCOL, "return code above 5");
    if (c->pkt->session_present && code != 0)
        return fail(c, TLSC_ERR_MQTT_PROTOCOL, "session present on a refusal");
    if (v5(c)) {
        tlsc_err err = read_props(c);
        if (err != TLSC_OK)
            return err;
    }
    return need_end(c);
}

static tlsc_err d_publish(dctx *c)
{
    tlsc_mqtt_packet *p = c->pkt;
    p->qos = (uint8_t)((p->flags >> 1) & 3);
    p->retain = (p->flags & 1) != 0;
    p->dup = (p->flags & 8) != 0;
    if (p->qos == 3)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "QoS 3");
    if (p->qos == 0 && p->dup)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "DUP set on QoS 0");
    if (!tlsc__mrd_utf8(&c->r, &p->topic))
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "topic truncated or not UTF-8");
    if (p->topic.len > 0 && !tlsc_mqtt_topic_valid(p->topic.ptr, p->topic.len, false))
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "topic name holds a wildcard");
    if (p->topic.len == 0 && !v5(c))
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "empty topic name");
    if (p->qos > 0 && (!tlsc__mrd_u16(&c->r, &p->packet_id) || p->packet_id == 0))
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "packet identifier missing or 0");
    if (v5(c)) {
        tlsc_err err = read_props(c);
        if (err != TLSC_OK)
            return err;
        if (p->topic.len == 0 && (p->props.present & TLSC_MQTT_P_TOPIC_ALIAS) == 0)
            return fail(c, TLSC_ERR_MQTT_PROTOCOL, "empty topic name without a topic alias");
    }
    p->payload = c->r.p + c->r.off;
    p->payload_len = c->r.len - c->r.off;
    c->r.off = c->r.len;
    return TLSC_OK;
}

/* PUBACK, PUBREC, PUBREL, PUBCOMP. */
static tlsc_err d_ack(dctx *c)
{
    if (!tlsc__mrd_u16(&c->r, &c->pkt->packet_id) || c->pkt->packet_id == 0)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "packet identifier missing or 0");
    if (v5(c) && c->r.off < c->r.len) {
        tlsc__mrd_u8(&c->r, &c->pkt->reason);
        if (c->r.off < c->r.len) {
            tlsc_err err = read_props(c);
            if (err != TLSC_OK)
                return err;
        }
    }
    return need_end(c);
}

static bool suback_code_ok(const dctx *c, uint8_t code, bool unsub)
{
    if (!v5(c))
        return code <= 2 || code == 0x80;
    if (unsub)
        return code == 0 || code == 0x11 || code >= 0x80;
    return code <= 2 || code >= 0x80;
}

/* SUBACK, UNSUBACK: packet id, (5.0) properties, one code per filter. */
static tlsc_err d_suback(dctx *c)
{
    bool unsub = c->pkt->type == TLSC_MQTT_UNSUBACK;
    if (!tlsc__mrd_u16(&c->r, &c->pkt->packet_id) || c->pkt->packet_id == 0)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "packet identifier missing or 0");
    if (unsub && !v5(c))
        return need_end(c); /* 3.1.1 UNSUBACK carries no codes */
    if (v5(c)) {
        tlsc_err err = read_props(c);
        if (err != TLSC_OK)
            return err;
    }
    c->pkt->codes = c->r.p + c->r.off;
    c->pkt->code_count = c->r.len - c->r.off;
    if (c->pkt->code_count == 0)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "no result code");
    for (size_t i = 0; i < c->pkt->code_count; i++) {
        if (!suback_code_ok(c, c->pkt->codes[i], unsub))
            return fail(c, TLSC_ERR_MQTT_PROTOCOL, "invalid result code");
    }
    c->r.off = c->r.len;
    return TLSC_OK;
}

/* 5.0 DISCONNECT and AUTH: optional reason code, optional properties. */
static tlsc_err d_reason_only(dctx *c)
{
    if (c->r.off < c->r.len)
        tlsc__mrd_u8(&c->r, &c->pkt->reason);
    if (c->r.off < c->r.len) {
        tlsc_err err = read_props(c);
        if (err != TLSC_OK)
            return err;
    }
    return need_end(c);
}

static tlsc_err d_body(dctx *c)
{
    switch (c->pkt->type) {
    case TLSC_MQTT_CONNACK: return d_connack(c);
    case TLSC_MQTT_PUBLISH: return d_publish(c);
    case TLSC_MQTT_PUBACK:
    case TLSC_MQTT_PUBREC:
    case TLSC_MQTT_PUBREL:
    case TLSC_MQTT_PUBCOMP: return d_ack(c);
    case TLSC_MQTT_SUBACK:
    case TLSC_MQTT_UNSUBACK: return d_suback(c);
    case TLSC_MQTT_PINGRESP: return need_end(c);
    case TLSC_MQTT_DISCONNECT:
    case TLSC_MQTT_AUTH:
        if (!v5(c))
            return fail(c, TLSC_ERR_MQTT_PROTOCOL, "not sent by an MQTT 3.1.1 broker");
        return d_reason_only(c);
    default: return fail(c, TLSC_ERR_MQTT_PROTOCOL, "a broker never sends this packet");
    }
}

/* The fixed header's low bits: PUBREL 0010, PUBLISH free, others 0000.
 * Packets a broker never sends are refused as such by d_body instead. */
static tlsc_err check_flags(dctx *c)
{
    if ((BIT(c->pkt->type) & (BIT(0) | BIT(TLSC_MQTT_CONNECT) | BIT(TLSC_MQTT_SUBSCRIBE) |
                               BIT(TLSC_MQTT_UNSUBSCRIBE) | BIT(TLSC_MQTT_PINGREQ))) != 0)
        return TLSC_OK;
    uint8_t want = c->pkt->type == TLSC_MQTT_PUBREL ? 2 : 0;
    if (c->pkt->type != TLSC_MQTT_PUBLISH && c->pkt->flags != want)
        return fail(c, TLSC_ERR_MQTT_MALFORMED, "reserved header flags");
    return TLSC_OK;
}

tlsc_err tlsc_mqtt_decode(tlsc_mqtt_version version, const uint8_t *buf, size_t len,
                          tlsc_mqtt_packet *out, char *errmsg, size_t cap)
{
    if (out == NULL || (buf == NULL && len > 0) ||
        (version != TLSC_MQTT_V311 && version != TLSC_MQTT_V5))
        return TLSC_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    dctx c = {version, out, {buf, len, 0, false}, errmsg, cap};
    if (errmsg != NULL && cap > 0)
        errmsg[0] = '\0';
    uint8_t first = 0;
    uint32_t rem = 0;
    if (!tlsc__mrd_u8(&c.r, &first) || !tlsc__mrd_varint(&c.r, &rem) ||
        rem != c.r.len - c.r.off) {
        out->type = (tlsc_mqtt_type)(first >> 4);
        return fail(&c, TLSC_ERR_MQTT_MALFORMED, "remaining length does not match");
    }
    out->type = (tlsc_mqtt_type)(first >> 4);
    out->flags = first & 0x0f;
    out->size = len;
    tlsc_err err = check_flags(&c);
    return err != TLSC_OK ? err : d_body(&c);
}
