/*
 * The push decoder: bytes in any pieces, one tlsc_mqtt_packet per
 * callback. The fixed header is read byte by byte (it may be split
 * anywhere); a packet whose bytes arrived in one piece is decoded where
 * it lies (no copy), one split across pieces is gathered in an allocation
 * of exactly its size, freed once delivered, so an idle client holds no
 * buffer. A packet over the limit is refused from its header alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "mqtt/mqtt_internal.h"

struct tlsc_mqtt_decoder {
    tlsc_mqtt_version version;
    size_t max_packet;
    tlsc_mqtt_packet_fn fn;
    void *ud;
    uint8_t head[TLSC_MQTT_HEADER_MAX]; /* fixed header gathered so far */
    size_t head_len;
    size_t total;               /* whole packet size once the header is known */
    uint8_t *buf;               /* gathered packet (split ones only) */
    size_t have;
    tlsc_err err;
    char msg[128];
};

tlsc_err tlsc_mqtt_decoder_new(tlsc_mqtt_version version, size_t max_packet,
                               tlsc_mqtt_packet_fn fn, void *ud, tlsc_mqtt_decoder **out)
{
    if (out == NULL || fn == NULL || (version != TLSC_MQTT_V311 && version != TLSC_MQTT_V5))
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_mqtt_decoder *d = tlsc__calloc(1, sizeof *d);
    if (d == NULL)
        return TLSC_ERR_NO_MEMORY;
    d->version = version;
    d->max_packet = max_packet ? max_packet : (size_t)TLSC_MQTT_REMAINING_MAX + 5;
    d->fn = fn;
    d->ud = ud;
    *out = d;
    return TLSC_OK;
}

static void drop_packet(tlsc_mqtt_decoder *d)
{
    tlsc__free(d->buf);
    d->buf = NULL;
    d->have = d->total = d->head_len = 0;
}

void tlsc_mqtt_decoder_free(tlsc_mqtt_decoder *d)
{
    if (d == NULL)
        return;
    drop_packet(d);
    tlsc__free(d);
}

void tlsc_mqtt_decoder_reset(tlsc_mqtt_decoder *d)
{
    if (d == NULL)
        return;
    drop_packet(d);
    d->err = TLSC_OK;
    d->msg[0] = '\0';
}

bool tlsc_mqtt_decoder_partial(const tlsc_mqtt_decoder *d)
{
    return d != NULL && d->head_len > 0;
}

const char *tlsc_mqtt_decoder_errmsg(const tlsc_mqtt_decoder *d)
{
    return d != NULL ? d->msg : "";
}

static tlsc_err stop(tlsc_mqtt_decoder *d, tlsc_err err)
{
    d->err = err;
    drop_packet(d);
    return err;
}

/* Take one byte of the fixed header; sets d->total once it is complete. */
static tlsc_err header_byte(tlsc_mqtt_decoder *d, uint8_t b)
{
    d->head[d->head_len++] = b;
    if (d->head_len == 1 || (b & 0x80) != 0) {
        if (d->head_len < TLSC_MQTT_HEADER_MAX)
            return TLSC_OK;
        snprintf(d->msg, sizeof d->msg, "remaining length longer than 4 bytes");
        return stop(d, TLSC_ERR_MQTT_MALFORMED);
    }
    uint32_t rem = 0;
    for (size_t i = 1; i < d->head_len; i++)
        rem |= (uint32_t)(d->head[i] & 0x7f) << (7 * (i - 1));
    d->total = d->head_len + rem;
    if (d->total > d->max_packet) {
        snprintf(d->msg, sizeof d->msg, "%s of %lu bytes refused: the maximum is %lu",
                 tlsc_mqtt_type_name((tlsc_mqtt_type)(d->head[0] >> 4)), (unsigned long)d->total,
                 (unsigned long)d->max_packet);
        return stop(d, TLSC_ERR_MQTT_TOO_LARGE);
    }
    return TLSC_OK;
}

static tlsc_err deliver(tlsc_mqtt_decoder *d, const uint8_t *pkt)
{
    tlsc_mqtt_packet p;
    tlsc_err err = tlsc_mqtt_decode(d->version, pkt, d->total, &p, d->msg, sizeof d->msg);
    if (err == TLSC_OK)
        err = d->fn(d->ud, &p);
    if (err != TLSC_OK)
        return stop(d, err);
    drop_packet(d);
    return TLSC_OK;
}

/* The header is complete: decode in place when the whole packet is in
 * `in` (its header began at `start` of this feed, SIZE_MAX when it began
 * in an earlier one), else gather it. */
static tlsc_err body_bytes(tlsc_mqtt_decoder *d, const uint8_t *in, size_t len, size_t *off,
                           size_t start)
{
    size_t body = d->total - d->head_len;
    if (d->buf == NULL && start != SIZE_MAX && len - *off >= body) {
        *off += body;
        return deliver(d, in + start);
    }
    if (d->buf == NULL) {
        d->buf = tlsc__calloc(1, d->total);
        if (d->buf == NULL) {
            snprintf(d->msg, sizeof d->msg, "no memory for a packet of %lu bytes",
                     (unsigned long)d->total);
            return stop(d, TLSC_ERR_NO_MEMORY);
        }
        memcpy(d->buf, d->head, d->head_len);
        d->have = d->head_len;
    }
    size_t n = d->total - d->have < len - *off ? d->total - d->have : len - *off;
    memcpy(d->buf + d->have, in + *off, n);
    d->have += n;
    *off += n;
    return d->have == d->total ? deliver(d, d->buf) : TLSC_OK;
}

tlsc_err tlsc_mqtt_decoder_feed(tlsc_mqtt_decoder *d, const void *data, size_t len, size_t *used)
{
    size_t off = 0;
    if (used != NULL)
        *used = 0;
    if (d == NULL || (data == NULL && len > 0))
        return TLSC_ERR_INVALID_ARG;
    if (d->err != TLSC_OK)
        return d->err;
    const uint8_t *in = data;
    tlsc_err err = TLSC_OK;
    size_t start = SIZE_MAX; /* where the current packet began in `in` */
    while (err == TLSC_OK && (off < len || (d->total != 0 && d->total == d->head_len))) {
        if (d->total == 0) {
            if (d->head_len == 0)
                start = off;
            err = header_byte(d, in[off++]);
            continue;
        }
        err = body_bytes(d, in, len, &off, start);
        if (d->total == 0)
            start = SIZE_MAX;
    }
    if (used != NULL)
        *used = off;
    return err;
}
