/*
 * tlsc_mqtt_publish_once: the blocking convenience, a private loop around
 * one client — connect, publish, wait for the acknowledgement (QoS 1/2) or
 * for the send queue to drain (QoS 0), disconnect.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/mqtt.h"

typedef struct once {
    const tlsc_mqtt_message *msg;
    uint16_t id;
    bool sent, done;
    tlsc_err err;
    char detail[256];
} once;

static void note_error(once *s, tlsc_err err, const char *detail)
{
    if (s->err != TLSC_OK || err == TLSC_OK)
        return;
    s->err = err;
    snprintf(s->detail, sizeof s->detail, "%s", detail);
}

static void finish_once(tlsc_mqtt *m, once *s)
{
    s->sent = true;
    if (tlsc_mqtt_disconnect(m, false) != TLSC_OK)
        s->done = true;
}

static void on_event(tlsc_mqtt *m, const tlsc_mqtt_event *e, void *ud)
{
    once *s = ud;
    switch (e->kind) {
    case TLSC_MQTT_EV_CONNECTED: {
        tlsc_err err = tlsc_mqtt_publish(m, s->msg, &s->id);
        note_error(s, err, tlsc_strerror(err));
        /* QoS 0 is queued behind nothing: DISCONNECT follows it out. */
        if (err != TLSC_OK || s->msg->qos == 0)
            finish_once(m, s);
        break;
    }
    case TLSC_MQTT_EV_PUBLISHED:
        if (e->packet_id == s->id) {
            note_error(s, e->err, e->detail);
            finish_once(m, s);
        }
        break;
    case TLSC_MQTT_EV_CONNECTION_LOST:
    case TLSC_MQTT_EV_DISCONNECTED:
        note_error(s, e->err, e->detail);
        if (e->kind == TLSC_MQTT_EV_DISCONNECTED)
            s->done = true;
        break;
    default: break;
    }
}

static tlsc_err run(tlsc_loop *loop, tlsc_mqtt *m, once *s, const char *host, uint16_t port,
                    uint32_t timeout_ms)
{
    tlsc_err err = tlsc_mqtt_connect(m, host, port);
    if (err != TLSC_OK)
        return err;
    uint64_t end = tlsc_now_ms() + timeout_ms;
    while (!s->done && tlsc_now_ms() < end) {
        err = tlsc_loop_run_once(loop, 100);
        if (err != TLSC_OK)
            return err;
    }
    if (!s->done && s->err == TLSC_OK) {
        s->err = TLSC_ERR_TIMEOUT_READ;
        snprintf(s->detail, sizeof s->detail, "%s within %lu ms",
                 s->sent ? "no end of the connection" : "no acknowledgement of the message",
                 (unsigned long)timeout_ms);
    }
    if (s->err == TLSC_OK && !s->sent) {
        s->err = TLSC_ERR_MQTT;
        snprintf(s->detail, sizeof s->detail, "the connection ended before the message went out");
    }
    return s->err;
}

tlsc_err tlsc_mqtt_publish_once(tlsc_config *cfg, const char *host, uint16_t port,
                                const tlsc_mqtt_options *o, const tlsc_mqtt_message *p,
                                uint32_t timeout_ms, char *detail, size_t cap)
{
    if (detail != NULL && cap > 0)
        detail[0] = '\0';
    if (cfg == NULL || host == NULL || p == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_mqtt_options opts;
    if (o != NULL)
        opts = *o;
    else
        tlsc_mqtt_options_init(&opts);
    opts.reconnect_min_ms = 0; /* one attempt: the caller decides */
    once s;
    memset(&s, 0, sizeof s);
    s.msg = p;
    tlsc_loop *loop = NULL;
    tlsc_mqtt *m = NULL;
    tlsc_err err = tlsc_loop_new(&loop);
    if (err == TLSC_OK)
        err = tlsc_mqtt_new(loop, cfg, &opts, on_event, &s, &m);
    if (err == TLSC_OK)
        err = run(loop, m, &s, host, port, timeout_ms ? timeout_ms : 30000);
    if (err != TLSC_OK && detail != NULL && cap > 0)
        snprintf(detail, cap, "%s", s.detail[0] ? s.detail : tlsc_strerror(err));
    tlsc_mqtt_free(m);
    tlsc_loop_free(loop);
    return err;
}
