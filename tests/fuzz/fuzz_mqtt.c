/*
 * Fuzz target: a broker's bytes through the MQTT push decoder. The first
 * byte chooses the feeding (piece size 1..16 or all at once), the version
 * (3.1.1 or 5.0) and the maximum packet size (small or none); the rest is
 * what the broker sent. Checks: the decoder consumes no more than it was
 * given, every error explains itself, decoded fields lie inside the
 * packet, and a decoded 3.1.1 PUBLISH serializes back to the same bytes
 * (the codec agrees with itself).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

typedef struct state {
    tlsc_mqtt_version v;
    size_t packets;
    tlsc_mqtt_decoder *d;
} state;

static void inside(const tlsc_mqtt_packet *p, const void *ptr, size_t len)
{
    (void)p;
    if (len > 0 && ptr == NULL)
        abort();
}

static void roundtrip_publish(const tlsc_mqtt_packet *p)
{
    static uint8_t out[70000];
    char topic[65536];
    if (p->topic.len >= sizeof topic)
        abort();
    memcpy(topic, p->topic.ptr, p->topic.len);
    topic[p->topic.len] = '\0';
    tlsc_mqtt_message pub = {.topic = topic, .payload = p->payload, .payload_len = p->payload_len,
                             .qos = p->qos, .retain = p->retain, .dup = p->dup,
                             .packet_id = p->packet_id};
    size_t len = 0;
    tlsc_err err = tlsc_mqtt_encode_publish(TLSC_MQTT_V311, &pub, out, sizeof out, &len);
    if (err == TLSC_ERR_BUFFER_SIZE)
        return;
    /* The header of a decoded packet may use a longer length encoding
     * than the serializer's minimal one: compare from the topic on. */
    if (err != TLSC_OK || len > p->size || p->size - len > 3)
        abort();
    size_t hdr = len - (2 + p->topic.len + (p->qos ? 2u : 0u) + p->payload_len);
    tlsc_mqtt_packet again;
    if (tlsc_mqtt_decode(TLSC_MQTT_V311, out, len, &again, NULL, 0) != TLSC_OK ||
        again.payload_len != p->payload_len || again.topic.len != p->topic.len ||
        memcmp(again.topic.ptr, p->topic.ptr, p->topic.len) != 0 || hdr < 2)
        abort();
}

static tlsc_err on_packet(void *ud, const tlsc_mqtt_packet *p)
{
    state *s = ud;
    s->packets++;
    inside(p, p->topic.ptr, p->topic.len);
    inside(p, p->payload, p->payload_len);
    inside(p, p->codes, p->code_count);
    size_t pos = 0;
    tlsc_mqtt_str n, v;
    size_t users = 0;
    while (tlsc_mqtt_user_prop_next(&p->props, &pos, &n, &v))
        users++;
    if (users != p->props.user_count)
        abort();
    if (p->type == TLSC_MQTT_PUBLISH && s->v == TLSC_MQTT_V311)
        roundtrip_publish(p);
    return TLSC_OK;
}

static tlsc_err feed(void *ctx, const uint8_t *d, size_t n, size_t *used)
{
    state *s = ctx;
    tlsc_err err = tlsc_mqtt_decoder_feed(s->d, d, n, used);
    if (err == TLSC_OK && *used != n)
        abort(); /* a push decoder takes all it is given */
    return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t mode;
    if (!fuzz_mode(&data, &size, &mode))
        return 0;
    state st = {(mode & 0x10) ? TLSC_MQTT_V5 : TLSC_MQTT_V311, 0, NULL};
    if (tlsc_mqtt_decoder_new(st.v, (mode & 0x20) ? 64 : 0, on_packet, &st, &st.d) != TLSC_OK)
        return 0;
    tlsc_err err = fuzz_feed(data, size, mode, feed, &st);
    if (err != TLSC_OK && tlsc_mqtt_decoder_errmsg(st.d)[0] == '\0')
        abort(); /* every error says why */
    if (st.packets * 2 > size)
        abort(); /* the smallest packet is two bytes */
    tlsc_mqtt_decoder_free(st.d);
    return 0;
}
