/*
 * The MQTT client (tlsc_mqtt_*, tlsc/mqtt.h) on one tlsc_ev. Everything
 * MQTT lives here: the session (outbox of unacknowledged messages,
 * subscriptions, QoS 2 ids received), the keepalive, the reconnection
 * backoff; every byte goes through the codec, and TLS, the send queue,
 * sessions and timers are the event driver's.
 *
 * The event connection's own reconnection policy stays off: MQTT must
 * also reconnect after a clean close, a keepalive failure or a broker's
 * DISCONNECT, so the client decides, and calls tlsc_ev_connect again
 * (which offers the previous TLS session).
 *
 * One timer (tlsc_ev_set_timer) serves all deadlines: CONNACK, the next
 * PINGREQ, the PINGRESP deadline, the backoff; rearm() sets it to the
 * nearest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base/hostname.h"
#include "core/base/text.h"
#include "mqtt/mqtt_internal.h"

typedef enum mstate {
    M_IDLE = 0,     /* new, or ended (DISCONNECTED delivered) */
    M_TLS,          /* TCP + TLS handshake */
    M_CONNACK,      /* CONNECT sent, waiting for CONNACK */
    M_ONLINE,
    M_CLOSING,      /* tlsc_ev_close called (by us or the user) */
    M_BACKOFF,      /* waiting to reconnect */
    M_ENDING        /* DISCONNECTED due from the timer */
} mstate;

typedef enum msg_state { MS_QUEUED = 0, MS_WAIT_ACK, MS_WAIT_COMP } msg_state;

/* A message of the outbox: its serialized PUBLISH. */
typedef struct mmsg {
    struct mmsg *next;
    uint16_t id;
    uint8_t qos;
    uint8_t state;          /* msg_state */
    bool sent;              /* sent on some connection: resend with DUP */
    size_t len;
    uint8_t pkt[];
} mmsg;

/* A remembered subscription, for the session-lost resubscribe. */
typedef struct msub {
    struct msub *next;
    uint8_t qos;
    char filter[];
} msub;

/* A SUBSCRIBE / UNSUBSCRIBE awaiting its acknowledgement: the packet (sent
 * again after a reconnection) and its filters (for the event). */
typedef struct mreq {
    struct mreq *next;
    uint16_t id;
    uint8_t type;           /* TLSC_MQTT_SUBSCRIBE / _UNSUBSCRIBE */
    size_t count;
    uint8_t qos[TLSC_MQTT_FILTERS_MAX];
    const char *filters[TLSC_MQTT_FILTERS_MAX]; /* into text */
    size_t len;             /* of pkt */
    uint8_t *pkt;           /* into the same allocation */
    char text[];
} mreq;

struct tlsc_mqtt {
    tlsc_ev *ev;
    tlsc_mqtt_fn fn;
    void *ud;
    mstate state;
    tlsc_mqtt_version version;

    /* options (strings copied) */
    char *client_id, *username;
    uint8_t *password;
    size_t password_len;
    uint8_t *will_pkt;      /* the will, as tlsc_mqtt_will fields below */
    tlsc_mqtt_will will;
    bool has_will;
    tlsc_mqtt_options o;

    char host[TLSC_HOST_MAX + 1];
    uint16_t port;
    bool connected_once;    /* a CONNACK was accepted before */
    bool user_tp;           /* over the application's transport: tlsc
                               cannot open another, so no reconnection */
    bool user_close;

    tlsc_mqtt_decoder *dec;
    /* broker limits from CONNACK (5.0) */
    uint16_t srv_receive_max;
    uint32_t srv_max_packet;
    uint16_t keepalive_s;   /* in effect */

    /* session */
    mmsg *out_head, *out_tail;
    mmsg *out_next;         /* no queued message before it: flush_outbox
                               starts here (NULL: from out_head) */
    size_t out_count, out_bytes;
    size_t flying;          /* QoS > 0 messages sent and not acknowledged */
    msub *subs;
    mreq *reqs;
    uint16_t *rx_qos2;      /* QoS 2 ids received, awaiting PUBREL */
    size_t rx_qos2_n, rx_qos2_cap;
    char **aliases;         /* inbound topic aliases 1..topic_alias_max */
    uint16_t next_id;
    bool ids_wrapped;       /* next_id went past 65535 once: ids in use
                               must be looked for (new_id) */

    /* timers (tlsc_now_ms), 0 = none */
    uint64_t connack_at, ping_at, pong_deadline, retry_at;
    uint64_t last_tx;

    unsigned failures;      /* failed attempts in a row */
    uint8_t refusal_code;   /* of a refused CONNACK */
    uint32_t rng;
    tlsc_err cause;         /* why we are closing, first cause kept */
    char detail[TLSC_ERRMSG_MAX];

    int depth;              /* > 0 inside the user's callback */
    bool dead;              /* tlsc_mqtt_free inside a callback */
};

/* ---- small helpers ----------------------------------------------------------- */

static const char *const mqtt_event_names[] = {
    "?", "connected", "message", "published", "suback", "unsuback", "connection_lost",
    "disconnected",
};

const char *tlsc_mqtt_event_name(tlsc_mqtt_event_kind kind)
{
    size_t i = (size_t)kind;
    return i < sizeof mqtt_event_names / sizeof mqtt_event_names[0] ? mqtt_event_names[i] : "?";
}

void tlsc_mqtt_options_init(tlsc_mqtt_options *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof *o);
    o->version = TLSC_MQTT_V311;
    o->keepalive_s = 60;
    o->clean_start = true;
    o->max_incoming = 65536;
    o->topic_alias_max = 16;
    o->outbox_msgs = 64;
    o->outbox_bytes = 16384;
    o->reconnect_min_ms = 1000;
    o->reconnect_max_ms = 60000;
    o->connack_timeout_ms = 10000;
}

static tlsc_mqtt_event make_event(tlsc_mqtt_event_kind kind)
{
    tlsc_mqtt_event e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.detail = "";
    return e;
}

/* Deliver e; false when the client was freed meanwhile. */
static bool emit(tlsc_mqtt *m, const tlsc_mqtt_event *e)
{
    m->depth++;
    m->fn(m, e, m->ud);
    m->depth--;
    return !m->dead;
}

static bool v5(const tlsc_mqtt *m)
{
    return m->version == TLSC_MQTT_V5;
}

/* Queue one packet on the connection; the keepalive counts from here. */
static tlsc_err send_bytes(tlsc_mqtt *m, const uint8_t *p, size_t n)
{
    tlsc_err err = tlsc_ev_send(m->ev, p, n);
    if (err == TLSC_OK)
        m->last_tx = tlsc_now_ms();
    return err;
}

static tlsc_err send_ack(tlsc_mqtt *m, tlsc_mqtt_type type, uint16_t id)
{
    uint8_t b[8];
    size_t n = 0;
    tlsc_err err = tlsc_mqtt_encode_ack(m->version, type, id, 0, b, sizeof b, &n);
    return err == TLSC_OK ? send_bytes(m, b, n) : err;
}

/* ---- timers -------------------------------------------------------------------- */

/* The timer only fails for a NULL connection, which m never has. */
static void set_timer(tlsc_mqtt *m, uint32_t ms)
{
    tlsc_err err = tlsc_ev_set_timer(m->ev, ms);
    (void)err;
}

static void take_min(uint64_t *best, uint64_t t)
{
    if (t != 0 && (*best == 0 || t < *best))
        *best = t;
}

static void rearm(tlsc_mqtt *m)
{
    uint64_t next = 0;
    switch (m->state) {
    case M_CONNACK: take_min(&next, m->connack_at); break;
    case M_ONLINE:
        take_min(&next, m->pong_deadline);
        take_min(&next, m->pong_deadline ? 0 : m->ping_at);
        break;
    case M_BACKOFF: take_min(&next, m->retry_at); break;
    case M_ENDING: next = 1; break;
    default: break;
    }
    uint64_t now = tlsc_now_ms();
    uint32_t in = next == 0 ? 0 : next <= now ? 1 : (uint32_t)(next - now);
    set_timer(m, in);
}

/* The next PINGREQ is due keepalive after the last packet we sent. */
static void plan_ping(tlsc_mqtt *m)
{
    m->ping_at = m->keepalive_s ? m->last_tx + (uint64_t)m->keepalive_s * 1000u : 0;
}

/* ---- ending a connection ------------------------------------------------------- */

TLSC_PRINTF(3, 4)
static void set_cause(tlsc_mqtt *m, tlsc_err err, const char *fmt, ...)
{
    if (m->cause != TLSC_OK)
        return;
    m->cause = err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->detail, sizeof m->detail, fmt, ap);
    va_end(ap);
}

/* Close the connection because of err (5.0: tell the broker with reason
 * first); the DISCONNECTED event of the connection continues in lost(). */
static void abort_conn(tlsc_mqtt *m, tlsc_err err, uint8_t v5_reason)
{
    if (m->cause == TLSC_OK)
        m->cause = err;
    if (m->state == M_CLOSING)
        return;
    if (v5(m) && v5_reason != 0 && (m->state == M_ONLINE || m->state == M_CONNACK)) {
        uint8_t b[4];
        size_t n = 0;
        if (tlsc_mqtt_encode_disconnect(m->version, v5_reason, b, sizeof b, &n) == TLSC_OK)
            (void)send_bytes(m, b, n);
    }
    m->state = M_CLOSING;
    (void)tlsc_ev_close(m->ev);
}

static bool final_error(tlsc_err err, uint8_t refusal)
{
    tlsc_category cat = tlsc_err_category(err);
    if (err == TLSC_ERR_MQTT_REFUSED) /* server unavailable / busy may pass */
        return !(refusal == 3 || refusal == 0x88 || refusal == 0x89 || refusal == 0x9F);
    return cat == TLSC_CAT_CONFIG || cat == TLSC_CAT_VERIFY || cat == TLSC_CAT_ALERT ||
           cat == TLSC_CAT_MEMORY || err == TLSC_ERR_MQTT_TOPIC;
}

static uint32_t next_random(tlsc_mqtt *m)
{
    /* xorshift32: jitter only needs to spread clients apart, not secrecy */
    uint32_t x = m->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    m->rng = x;
    return x;
}

/* Equal jitter: a random delay in [base/2, base], base = min * 2^(n-1). */
static uint32_t backoff_ms(tlsc_mqtt *m)
{
    uint64_t base = m->o.reconnect_min_ms;
    for (unsigned i = 1; i < m->failures && base < m->o.reconnect_max_ms; i++)
        base *= 2;
    if (base > m->o.reconnect_max_ms)
        base = m->o.reconnect_max_ms;
    uint32_t half = (uint32_t)(base / 2);
    return half + (uint32_t)(next_random(m) % ((uint32_t)base - half + 1));
}

static void end_now(tlsc_mqtt *m, tlsc_err err, const char *detail)
{
    m->state = M_IDLE;
    set_timer(m, 0);
    tlsc_mqtt_event e = make_event(TLSC_MQTT_EV_DISCONNECTED);
    e.err = err;
    e.detail = detail;
    e.pending = m->out_count;
    (void)emit(m, &e);
}

/* The connection ended (err: why; TLSC_OK for our graceful close). */
static void lost(tlsc_mqtt *m, tlsc_err err, const char *detail, uint8_t refusal)
{
    if (m->user_close) {
        end_now(m, TLSC_OK, "");
        return;
    }
    m->failures++;
    bool retry = m->o.reconnect_min_ms != 0 && !m->user_tp && !final_error(err, refusal) &&
                 (m->o.reconnect_attempts == 0 || m->failures <= m->o.reconnect_attempts);
    tlsc_mqtt_event e = make_event(TLSC_MQTT_EV_CONNECTION_LOST);
    e.err = err;
    e.detail = detail;
    e.will_retry = retry;
    e.attempt = m->failures;
    e.retry_in_ms = retry ? backoff_ms(m) : 0;
    m->state = retry ? M_BACKOFF : M_IDLE;
    m->retry_at = tlsc_now_ms() + e.retry_in_ms;
    if (!emit(m, &e) || m->state != (retry ? M_BACKOFF : M_IDLE))
        return;
    if (retry)
        rearm(m);
    else
        end_now(m, err, detail);
}

/* ---- the session ---------------------------------------------------------------- */

static bool id_in_use(const tlsc_mqtt *m, uint16_t id)
{
    for (const mmsg *x = m->out_head; x != NULL; x = x->next) {
        if (x->qos > 0 && x->id == id)
            return true;
    }
    for (const mreq *r = m->reqs; r != NULL; r = r->next) {
        if (r->id == id)
            return true;
    }
    return false;
}

static uint16_t new_id(tlsc_mqtt *m)
{
    for (unsigned tries = 0; tries < 65536u; tries++) {
        m->next_id = (uint16_t)(m->next_id + 1);
        if (m->next_id == 0)
            m->ids_wrapped = true;
        /* Ids are handed out in increasing order: before the first wrap,
         * next_id was never handed out, so no walk of the outbox for
         * every publish (a bulk publisher would pay for the whole
         * outbox each time). */
        if (m->next_id != 0 && !(m->ids_wrapped && id_in_use(m, m->next_id)))
            return m->next_id;
    }
    return 0;
}

static void unlink_msg(tlsc_mqtt *m, mmsg *x)
{
    mmsg **pp = &m->out_head, *prev = NULL;
    while (*pp != x) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    *pp = x->next;
    if (m->out_tail == x)
        m->out_tail = prev;
    if (m->out_next == x)
        m->out_next = prev; /* not queued either (NULL: from the head) */
    m->flying -= x->state != MS_QUEUED;
    m->out_count--;
    m->out_bytes -= x->len;
    tlsc__free(x);
}

/* x goes back to the queue: flush_outbox must look from the start again. */
static void requeue(tlsc_mqtt *m, mmsg *x)
{
    m->flying -= x->state != MS_QUEUED;
    x->state = MS_QUEUED;
    m->out_next = NULL;
}

/* Send what the outbox may send now: queued messages (in order, up to the
 * broker's Receive Maximum in flight), while the send queue takes them. */
static void flush_outbox(tlsc_mqtt *m)
{
    /* Messages before out_next are all in flight: a long outbox is not
     * walked again for every publish and acknowledgement. */
    mmsg *x = m->out_next != NULL ? m->out_next : m->out_head;
    while (x != NULL && m->state == M_ONLINE) {
        mmsg *next = x->next;
        m->out_next = x;
        if (x->state == MS_QUEUED) {
            if (x->qos > 0 && m->flying >= m->srv_receive_max)
                return;
            if (x->qos > 0 && m->o.max_inflight != 0 && m->flying >= m->o.max_inflight)
                return;
            if (x->sent)
                x->pkt[0] |= 0x08; /* DUP: the broker may have it */
            if (send_bytes(m, x->pkt, x->len) != TLSC_OK)
                return; /* the send queue is full: DRAINED resumes */
            x->sent = true;
            if (x->qos == 0) {
                unlink_msg(m, x);
            } else {
                x->state = MS_WAIT_ACK;
                m->flying++;
            }
        }
        x = next;
    }
    m->out_next = m->out_tail; /* nothing queued: the next one is appended */
}

/* ---- incoming packets ------------------------------------------------------------ */

static tlsc_err protocol(tlsc_mqtt *m, tlsc_err err, const char *what, const tlsc_mqtt_packet *p)
{
    set_cause(m, err, "%s %s", tlsc_mqtt_type_name(p->type), what);
    return err;
}

static void subs_forget(tlsc_mqtt *m, const char *filter)
{
    for (msub **pp = &m->subs; *pp != NULL; pp = &(*pp)->next) {
        if (strcmp((*pp)->filter, filter) == 0) {
            msub *s = *pp;
            *pp = s->next;
            tlsc__free(s);
            return;
        }
    }
}

static tlsc_err subs_remember(tlsc_mqtt *m, const char *filter, uint8_t qos)
{
    subs_forget(m, filter);
    size_t n = strlen(filter);
    msub *s = tlsc__calloc(1, sizeof *s + n + 1);
    if (s == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(s->filter, filter, n + 1);
    s->qos = qos;
    s->next = m->subs;
    m->subs = s;
    return TLSC_OK;
}

static void on_connack_props(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    const tlsc_mqtt_props *pr = &p->props;
    m->srv_receive_max = (pr->present & TLSC_MQTT_P_RECEIVE_MAX) ? pr->receive_max : 65535;
    m->srv_max_packet = (pr->present & TLSC_MQTT_P_MAX_PACKET_SIZE) ? pr->max_packet_size : 0;
    if (pr->present & TLSC_MQTT_P_SERVER_KEEPALIVE)
        m->keepalive_s = pr->server_keepalive;
    if (pr->assigned_client_id.len > 0) {
        char *id = tlsc__calloc(1, pr->assigned_client_id.len + 1);
        if (id != NULL) {
            memcpy(id, pr->assigned_client_id.ptr, pr->assigned_client_id.len);
            tlsc__free(m->client_id);
            m->client_id = id; /* the next CONNECT resumes this session */
        }
    }
}

static void drop_rx_qos2(tlsc_mqtt *m)
{
    m->rx_qos2_n = 0;
}

/* Session lost: QoS 2 messages the broker has (PUBREC) count as delivered;
 * the others go again as new messages. */
static void session_lost(tlsc_mqtt *m)
{
    drop_rx_qos2(m);
    mmsg *x = m->out_head;
    while (x != NULL) {
        mmsg *next = x->next;
        if (x->state == MS_WAIT_COMP) {
            uint16_t id = x->id;
            unlink_msg(m, x);
            tlsc_mqtt_event e = make_event(TLSC_MQTT_EV_PUBLISHED);
            e.packet_id = id;
            if (!emit(m, &e))
                return;
        } else {
            requeue(m, x);
            x->sent = false;
            x->pkt[0] &= (uint8_t)~0x08;
        }
        x = next;
    }
}

/* Session present: resend in order, PUBLISH with DUP, PUBREL again. */
static void session_resume(tlsc_mqtt *m)
{
    for (mmsg *x = m->out_head; x != NULL; x = x->next) {
        if (x->state == MS_WAIT_COMP)
            (void)send_ack(m, TLSC_MQTT_PUBREL, x->id);
        else if (x->state == MS_WAIT_ACK)
            requeue(m, x); /* flush_outbox sends it with DUP */
    }
}

static tlsc_err queue_request(tlsc_mqtt *m, uint8_t type, const tlsc_mqtt_sub *subs,
                              const char *const *filters, size_t count, uint16_t *out_id);

static void resubscribe(tlsc_mqtt *m)
{
    tlsc_mqtt_sub batch[TLSC_MQTT_FILTERS_MAX];
    size_t n = 0;
    for (msub *s = m->subs; s != NULL; s = s->next) {
        memset(&batch[n], 0, sizeof batch[n]);
        batch[n].filter = s->filter;
        batch[n].qos = s->qos;
        if (++n == TLSC_MQTT_FILTERS_MAX || s->next == NULL) {
            (void)queue_request(m, TLSC_MQTT_SUBSCRIBE, batch, NULL, n, NULL);
            n = 0;
        }
    }
}

static void resend_requests(tlsc_mqtt *m)
{
    for (mreq *r = m->reqs; r != NULL; r = r->next)
        (void)send_bytes(m, r->pkt, r->len);
}

static tlsc_err on_connack(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    if (m->state != M_CONNACK)
        return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "a second time", p);
    if (p->reason != 0) {
        m->cause = TLSC_ERR_MQTT_REFUSED;
        m->refusal_code = p->reason;
        snprintf(m->detail, sizeof m->detail, "broker refused the connection: %s (code %u)%s%.*s",
                 tlsc_mqtt_reason_text(m->version, TLSC_MQTT_CONNACK, p->reason), p->reason,
                 p->props.reason_string.len ? ": " : "", (int)p->props.reason_string.len,
                 p->props.reason_string.ptr ? p->props.reason_string.ptr : "");
        return TLSC_ERR_MQTT_REFUSED;
    }
    m->state = M_ONLINE;
    m->failures = 0;
    m->srv_receive_max = 65535;
    if (v5(m))
        on_connack_props(m, p);
    bool resumed_session = p->session_present;
    if (resumed_session)
        session_resume(m);
    else
        session_lost(m);
    if (m->dead || m->state != M_ONLINE)
        return TLSC_OK;
    resend_requests(m);
    if (!resumed_session && m->connected_once)
        resubscribe(m);
    m->connected_once = true;
    /* What waited goes out first, so a callback that disconnects at once
     * (publish one reading and leave) sends DISCONNECT after it. */
    flush_outbox(m);
    plan_ping(m);
    tlsc_mqtt_event e = make_event(TLSC_MQTT_EV_CONNECTED);
    e.session_present = p->session_present;
    e.client_id = m->client_id ? m->client_id : "";
    e.resumed = tlsc_conn_resumed(tlsc_ev_conn(m->ev));
    (void)emit(m, &e);
    return TLSC_OK;
}

/* 5.0 inbound topic alias: learn it or resolve it. */
static tlsc_err resolve_alias(tlsc_mqtt *m, const tlsc_mqtt_packet *p, tlsc_mqtt_str *topic)
{
    *topic = p->topic;
    if (!(p->props.present & TLSC_MQTT_P_TOPIC_ALIAS))
        return TLSC_OK;
    uint16_t a = p->props.topic_alias;
    if (a > m->o.topic_alias_max || m->aliases == NULL)
        return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "topic alias above our maximum", p);
    if (p->topic.len == 0) {
        if (m->aliases[a - 1] == NULL)
            return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "unknown topic alias", p);
        topic->ptr = m->aliases[a - 1];
        topic->len = strlen(m->aliases[a - 1]);
        return TLSC_OK;
    }
    char *copy = tlsc__calloc(1, p->topic.len + 1);
    if (copy == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(copy, p->topic.ptr, p->topic.len);
    tlsc__free(m->aliases[a - 1]);
    m->aliases[a - 1] = copy;
    return TLSC_OK;
}

static bool rx_qos2_has(const tlsc_mqtt *m, uint16_t id, size_t *at)
{
    for (size_t i = 0; i < m->rx_qos2_n; i++) {
        if (m->rx_qos2[i] == id) {
            *at = i;
            return true;
        }
    }
    return false;
}

static tlsc_err rx_qos2_add(tlsc_mqtt *m, uint16_t id)
{
    if (m->rx_qos2_n == m->rx_qos2_cap) {
        size_t cap = m->rx_qos2_cap ? m->rx_qos2_cap * 2 : 8;
        uint16_t *n = tlsc__calloc(cap, sizeof *n);
        if (n == NULL)
            return TLSC_ERR_NO_MEMORY;
        if (m->rx_qos2_n)
            memcpy(n, m->rx_qos2, m->rx_qos2_n * sizeof *n);
        tlsc__free(m->rx_qos2);
        m->rx_qos2 = n;
        m->rx_qos2_cap = cap;
    }
    m->rx_qos2[m->rx_qos2_n++] = id;
    return TLSC_OK;
}

static tlsc_err on_publish(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    tlsc_mqtt_str topic;
    tlsc_err err = resolve_alias(m, p, &topic);
    if (err != TLSC_OK)
        return err;
    size_t at;
    bool dup2 = p->qos == 2 && rx_qos2_has(m, p->packet_id, &at);
    if (p->qos == 2 && !dup2 && (err = rx_qos2_add(m, p->packet_id)) != TLSC_OK)
        return err;
    if (!dup2) { /* a QoS 2 message is delivered once, at its first PUBLISH */
        tlsc_mqtt_event e = make_event(TLSC_MQTT_EV_MESSAGE);
        e.topic = topic;
        e.payload = p->payload;
        e.payload_len = p->payload_len;
        e.qos = p->qos;
        e.retain = p->retain;
        e.dup = p->dup;
        e.packet = p;
        e.packet_id = p->packet_id;
        if (!emit(m, &e))
            return TLSC_ERR_STATE;
        if (m->state != M_ONLINE)
            return TLSC_OK;
    }
    if (p->qos == 1)
        return send_ack(m, TLSC_MQTT_PUBACK, p->packet_id);
    return p->qos == 2 ? send_ack(m, TLSC_MQTT_PUBREC, p->packet_id) : TLSC_OK;
}

static tlsc_err on_pubrel(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    size_t at;
    if (rx_qos2_has(m, p->packet_id, &at))
        m->rx_qos2[at] = m->rx_qos2[--m->rx_qos2_n];
    /* An unknown id was released before (a resent PUBREL): complete it. */
    return send_ack(m, TLSC_MQTT_PUBCOMP, p->packet_id);
}

static mmsg *find_msg(tlsc_mqtt *m, uint16_t id, uint8_t qos)
{
    for (mmsg *x = m->out_head; x != NULL; x = x->next) {
        if (x->qos == qos && x->id == id && x->state != MS_QUEUED)
            return x;
    }
    return NULL;
}

static tlsc_err published(tlsc_mqtt *m, mmsg *x, uint8_t reason)
{
    uint16_t id = x->id;
    unlink_msg(m, x);
    tlsc_mqtt_event e = make_event(TLSC_MQTT_EV_PUBLISHED);
    e.packet_id = id;
    e.reason = reason;
    if (reason >= 0x80) {
        e.err = TLSC_ERR_MQTT;
        e.detail = tlsc_mqtt_reason_text(m->version, TLSC_MQTT_PUBACK, reason);
    }
    if (!emit(m, &e))
        return TLSC_ERR_STATE;
    flush_outbox(m); /* room under Receive Maximum */
    return TLSC_OK;
}

static tlsc_err on_pub_ack(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    mmsg *x = find_msg(m, p->packet_id, p->type == TLSC_MQTT_PUBACK ? 1 : 2);
    if (x == NULL || (p->type == TLSC_MQTT_PUBCOMP) != (x->state == MS_WAIT_COMP)) {
        if (p->type == TLSC_MQTT_PUBREC && x != NULL) /* PUBREC again: PUBREL again */
            return send_ack(m, TLSC_MQTT_PUBREL, p->packet_id);
        return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "for a packet identifier not in flight", p);
    }
    if (p->type == TLSC_MQTT_PUBREC && p->reason < 0x80) {
        x->state = MS_WAIT_COMP;
        return send_ack(m, TLSC_MQTT_PUBREL, p->packet_id);
    }
    return published(m, x, p->reason);
}

static mreq *take_req(tlsc_mqtt *m, uint16_t id, uint8_t type)
{
    for (mreq **pp = &m->reqs; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->id == id && (*pp)->type == type) {
            mreq *r = *pp;
            *pp = r->next;
            return r;
        }
    }
    return NULL;
}

/* The refused filters in words, for the SUBACK event's detail. */
static void refused_detail(tlsc_mqtt *m, const mreq *r, const tlsc_mqtt_packet *p, char *out,
                           size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->count; i++) {
        if (p->codes[i] < 0x80)
            continue;
        size_t o = strlen(out);
        snprintf(out + o, cap - o, "%ssubscription to %s refused: %s", o ? "; " : "",
                 r->filters[i], tlsc_mqtt_reason_text(m->version, TLSC_MQTT_SUBACK, p->codes[i]));
    }
}

static tlsc_err on_suback(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    uint8_t type = p->type == TLSC_MQTT_SUBACK ? TLSC_MQTT_SUBSCRIBE : TLSC_MQTT_UNSUBSCRIBE;
    mreq *r = take_req(m, p->packet_id, type);
    if (r == NULL)
        return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "for a packet identifier not in flight", p);
    bool codes = p->codes != NULL;
    if (codes && p->code_count != r->count) {
        tlsc__free(r);
        return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "with a result count unlike the request", p);
    }
    for (size_t i = 0; i < r->count && codes; i++) {
        if (type == TLSC_MQTT_SUBSCRIBE && p->codes[i] >= 0x80)
            subs_forget(m, r->filters[i]);
    }
    char detail[TLSC_ERRMSG_MAX] = "";
    tlsc_mqtt_event e = make_event(type == TLSC_MQTT_SUBSCRIBE ? TLSC_MQTT_EV_SUBACK
                                                               : TLSC_MQTT_EV_UNSUBACK);
    e.packet_id = r->id;
    e.count = r->count;
    e.filters = r->filters;
    e.codes = codes ? p->codes : NULL;
    if (type == TLSC_MQTT_SUBSCRIBE)
        refused_detail(m, r, p, detail, sizeof detail);
    e.err = detail[0] ? TLSC_ERR_MQTT_SUBSCRIBE : TLSC_OK;
    e.detail = detail;
    bool alive = emit(m, &e);
    tlsc__free(r);
    return alive ? TLSC_OK : TLSC_ERR_STATE;
}

static tlsc_err on_broker_disconnect(tlsc_mqtt *m, const tlsc_mqtt_packet *p)
{
    set_cause(m, TLSC_ERR_MQTT_DISCONNECTED, "broker sent DISCONNECT: %s (code 0x%02x)%s%.*s",
              tlsc_mqtt_reason_text(m->version, TLSC_MQTT_DISCONNECT, p->reason), p->reason,
              p->props.reason_string.len ? ": " : "", (int)p->props.reason_string.len,
              p->props.reason_string.ptr ? p->props.reason_string.ptr : "");
    return TLSC_ERR_MQTT_DISCONNECTED;
}

static tlsc_err on_packet(void *ud, const tlsc_mqtt_packet *p)
{
    tlsc_mqtt *m = ud;
    /* After tlsc_mqtt_disconnect (or our own abort) in a callback, the
     * rest of what arrived is not delivered: "-C 1" means one message. */
    if (m->state != M_CONNACK && m->state != M_ONLINE)
        return TLSC_OK;
    if (m->state == M_CONNACK && p->type != TLSC_MQTT_CONNACK)
        return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "before CONNACK", p);
    switch (p->type) {
    case TLSC_MQTT_CONNACK: return on_connack(m, p);
    case TLSC_MQTT_PUBLISH: return on_publish(m, p);
    case TLSC_MQTT_PUBACK:
    case TLSC_MQTT_PUBREC:
    case TLSC_MQTT_PUBCOMP: return on_pub_ack(m, p);
    case TLSC_MQTT_PUBREL: return on_pubrel(m, p);
    case TLSC_MQTT_SUBACK:
    case TLSC_MQTT_UNSUBACK: return on_suback(m, p);
    case TLSC_MQTT_PINGRESP: m->pong_deadline = 0; return TLSC_OK;
    case TLSC_MQTT_DISCONNECT: return on_broker_disconnect(m, p);
    default: return protocol(m, TLSC_ERR_MQTT_PROTOCOL, "not supported (no AUTH method)", p);
    }
}

/* The 5.0 reason we tell the broker before closing for err. */
static uint8_t reason_for(tlsc_err err)
{
    switch (err) {
    case TLSC_ERR_MQTT_MALFORMED: return 0x81;
    case TLSC_ERR_MQTT_PROTOCOL: return 0x82;
    case TLSC_ERR_MQTT_TOO_LARGE: return 0x95;
    case TLSC_ERR_MQTT_KEEPALIVE: return 0x8D;
    default: return 0;
    }
}

static void on_receive(tlsc_mqtt *m, const tlsc_event *e)
{
    if (m->state != M_CONNACK && m->state != M_ONLINE)
        return;
    tlsc_err err = tlsc_mqtt_decoder_feed(m->dec, e->data, e->len, NULL);
    if (err == TLSC_OK || m->dead)
        return;
    if (err == TLSC_ERR_STATE && m->state != M_CONNACK && m->state != M_ONLINE)
        return; /* the user closed or reconnected from a callback */
    if (m->cause == TLSC_OK && tlsc_mqtt_decoder_errmsg(m->dec)[0] != '\0')
        set_cause(m, err, "from the broker: %s", tlsc_mqtt_decoder_errmsg(m->dec));
    abort_conn(m, err, reason_for(err));
}

/* ---- connection events ------------------------------------------------------------ */

static tlsc_err send_connect(tlsc_mqtt *m)
{
    tlsc_mqtt_connect_fields c;
    memset(&c, 0, sizeof c);
    c.client_id = m->client_id ? m->client_id : "";
    c.username = m->username;
    c.password = m->password;
    c.password_len = m->password_len;
    c.keepalive_s = m->o.keepalive_s;
    /* 3.1.1 "clean session" means a session for this connection only, so
     * it stays as asked; a 5.0 reconnection resumes (expiry decides). */
    c.clean_start = m->o.clean_start && (!v5(m) || !m->connected_once);
    c.will = m->has_will ? &m->will : NULL;
    if (v5(m)) {
        c.session_expiry = m->o.session_expiry;
        c.receive_max = m->o.receive_max;
        c.max_packet_size = (uint32_t)m->o.max_incoming;
        c.topic_alias_max = m->o.topic_alias_max;
    }
    size_t n = 0;
    tlsc_err err = tlsc_mqtt_encode_connect(m->version, &c, NULL, 0, &n);
    if (err != TLSC_ERR_BUFFER_SIZE)
        return err;
    uint8_t *b = tlsc__calloc(1, n);
    if (b == NULL)
        return TLSC_ERR_NO_MEMORY;
    err = tlsc_mqtt_encode_connect(m->version, &c, b, n, &n);
    if (err == TLSC_OK)
        err = send_bytes(m, b, n);
    tlsc__free_secret(b, n); /* holds the password */
    return err;
}

static void reset_connection_state(tlsc_mqtt *m)
{
    tlsc_mqtt_decoder_reset(m->dec);
    for (size_t i = 0; m->aliases != NULL && i < m->o.topic_alias_max; i++) {
        tlsc__free(m->aliases[i]);
        m->aliases[i] = NULL;
    }
    m->cause = TLSC_OK;
    m->refusal_code = 0;
    m->detail[0] = '\0';
    m->pong_deadline = m->ping_at = 0;
    m->keepalive_s = m->o.keepalive_s;
    m->srv_max_packet = 0;
}

static void on_tls_up(tlsc_mqtt *m)
{
    reset_connection_state(m);
    tlsc_err err = send_connect(m);
    if (err != TLSC_OK) {
        set_cause(m, err, "CONNECT could not be sent: %s", tlsc_strerror(err));
        abort_conn(m, err, 0);
        return;
    }
    m->state = M_CONNACK;
    m->connack_at = tlsc_now_ms() + m->o.connack_timeout_ms;
    rearm(m);
}

static void on_ev_disconnected(tlsc_mqtt *m, const tlsc_event *e)
{
    tlsc_err err = m->cause;
    const char *detail = m->detail;
    uint8_t refusal = 0;
    if (err == TLSC_OK) {
        err = e->how == TLSC_CLOSE_CLEAN ? TLSC_ERR_CLOSED
              : e->how == TLSC_CLOSE_TRUNCATED ? TLSC_ERR_TRUNCATED : e->err;
        detail = e->how == TLSC_CLOSE_CLEAN ? "the broker closed the connection" : e->detail;
        if (err == TLSC_OK)
            err = TLSC_ERR_CLOSED;
    }
    if (err == TLSC_ERR_MQTT_REFUSED)
        refusal = m->refusal_code;
    char copy[TLSC_ERRMSG_MAX];
    snprintf(copy, sizeof copy, "%s", detail);
    lost(m, err, copy, refusal);
}

static void on_keepalive(tlsc_mqtt *m, uint64_t now)
{
    if (m->pong_deadline != 0 && now >= m->pong_deadline) {
        m->cause = TLSC_ERR_MQTT_KEEPALIVE;
        snprintf(m->detail, sizeof m->detail,
                 "no PINGRESP within %u ms of PINGREQ (keepalive %u s): the connection is "
                 "half-open",
                 (unsigned)m->keepalive_s * 500u, (unsigned)m->keepalive_s);
        abort_conn(m, TLSC_ERR_MQTT_KEEPALIVE, 0x8D);
        return;
    }
    plan_ping(m);
    if (m->pong_deadline != 0 || m->ping_at == 0 || now < m->ping_at)
        return;
    uint8_t b[2];
    size_t n = 0;
    if (tlsc_mqtt_encode_pingreq(b, sizeof b, &n) != TLSC_OK || send_bytes(m, b, n) != TLSC_OK) {
        m->ping_at = now + 1000; /* the send queue is full: try again in a second */
        return;
    }
    m->pong_deadline = now + (uint64_t)m->keepalive_s * 500u;
    plan_ping(m);
}

static void start_attempt(tlsc_mqtt *m)
{
    m->state = M_TLS;
    tlsc_err err = tlsc_ev_connect(m->ev, m->host, m->port);
    if (err != TLSC_OK)
        lost(m, err, tlsc_strerror(err), 0);
}

/* The one timer: CONNACK deadline, keepalive, backoff, a pending end. */
static void on_timer(tlsc_mqtt *m)
{
    uint64_t now = tlsc_now_ms();
    switch (m->state) {
    case M_CONNACK:
        if (now >= m->connack_at && m->cause == TLSC_OK) {
            m->cause = TLSC_ERR_TIMEOUT_READ;
            snprintf(m->detail, sizeof m->detail, "no CONNACK within %lu ms of CONNECT",
                     (unsigned long)m->o.connack_timeout_ms);
            abort_conn(m, TLSC_ERR_TIMEOUT_READ, 0);
        }
        break;
    case M_ONLINE: on_keepalive(m, now); break;
    case M_BACKOFF:
        if (now >= m->retry_at)
            start_attempt(m);
        break;
    case M_ENDING: end_now(m, TLSC_OK, ""); return;
    default: break;
    }
    if (!m->dead)
        rearm(m);
}

static void really_free(tlsc_mqtt *m);

static void on_ev(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    tlsc_mqtt *m = ud;
    (void)ev;
    m->depth++;
    switch (e->kind) {
    case TLSC_EV_CONNECTED: on_tls_up(m); break;
    case TLSC_EV_RECEIVE: on_receive(m, e); break;
    case TLSC_EV_DRAINED: flush_outbox(m); break;
    case TLSC_EV_DISCONNECTED: on_ev_disconnected(m, e); break;
    case TLSC_EV_TIMER: on_timer(m); break;
    default: break;
    }
    if (!m->dead && m->state == M_ONLINE)
        rearm(m); /* a packet sent moved the next PINGREQ */
    m->depth--;
    if (m->dead && m->depth == 0)
        really_free(m);
}

/* ---- API ---------------------------------------------------------------------- */

static tlsc_err copy_str(char **dst, const char *s)
{
    *dst = NULL;
    if (s == NULL)
        return TLSC_OK;
    *dst = tlsc__strdup(s);
    return *dst ? TLSC_OK : TLSC_ERR_NO_MEMORY;
}

static tlsc_err copy_bytes(uint8_t **dst, const void *p, size_t n)
{
    *dst = NULL;
    if (p == NULL)
        return TLSC_OK;
    *dst = tlsc__calloc(1, n ? n : 1);
    if (*dst == NULL)
        return TLSC_ERR_NO_MEMORY;
    if (n)
        memcpy(*dst, p, n);
    return TLSC_OK;
}

/* The will: topic and payload in one allocation. */
static tlsc_err copy_will(tlsc_mqtt *m, const tlsc_mqtt_will *w)
{
    if (w == NULL)
        return TLSC_OK;
    size_t tl = strlen(w->topic);
    m->will_pkt = tlsc__calloc(1, tl + 1 + w->payload_len);
    if (m->will_pkt == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(m->will_pkt, w->topic, tl);
    if (w->payload_len)
        memcpy(m->will_pkt + tl + 1, w->payload, w->payload_len);
    m->will = *w;
    m->will.topic = (const char *)m->will_pkt;
    m->will.payload = m->will_pkt + tl + 1;
    m->has_will = true;
    return TLSC_OK;
}

/* Options a CONNECT can carry: checked by serializing one. */
static tlsc_err check_options(const tlsc_mqtt_options *o)
{
    if ((o->version != TLSC_MQTT_V311 && o->version != TLSC_MQTT_V5) ||
        o->reconnect_min_ms > o->reconnect_max_ms || o->outbox_msgs == 0 ||
        o->outbox_bytes == 0 || o->max_incoming < 16 || o->connack_timeout_ms == 0)
        return TLSC_ERR_INVALID_ARG;
    if (o->will != NULL && (o->will->topic == NULL ||
                            (o->will->payload == NULL && o->will->payload_len > 0)))
        return TLSC_ERR_INVALID_ARG;
    tlsc_mqtt_connect_fields c = {.client_id = o->client_id ? o->client_id : "",
                           .username = o->username, .password = o->password,
                           .password_len = o->password_len, .will = o->will};
    if (o->version == TLSC_MQTT_V5)
        c.session_expiry = o->session_expiry;
    else if (o->session_expiry || (o->will && o->will->delay_s) || o->receive_max)
        return TLSC_ERR_INVALID_ARG;
    size_t n = 0;
    tlsc_err err = tlsc_mqtt_encode_connect(o->version, &c, NULL, 0, &n);
    return err == TLSC_ERR_BUFFER_SIZE ? TLSC_OK : err;
}

static tlsc_err setup(tlsc_mqtt *m, const tlsc_mqtt_options *o)
{
    tlsc_err err = copy_str(&m->client_id, o->client_id && o->client_id[0] ? o->client_id : NULL);
    if (err == TLSC_OK)
        err = copy_str(&m->username, o->username);
    if (err == TLSC_OK)
        err = copy_bytes(&m->password, o->password, o->password_len);
    if (err == TLSC_OK)
        err = copy_will(m, o->will);
    if (err == TLSC_OK && o->version == TLSC_MQTT_V5 && o->topic_alias_max > 0) {
        m->aliases = tlsc__calloc(o->topic_alias_max, sizeof *m->aliases);
        err = m->aliases ? TLSC_OK : TLSC_ERR_NO_MEMORY;
    }
    if (err == TLSC_OK)
        err = tlsc_mqtt_decoder_new(o->version, o->max_incoming, on_packet, m, &m->dec);
    /* The send queue takes a whole outbox plus the protocol's own packets. */
    if (err == TLSC_OK)
        err = tlsc_ev_set_queue_limit(m->ev, o->outbox_bytes + 4096);
    return err;
}

tlsc_err tlsc_mqtt_new(tlsc_loop *loop, tlsc_config *cfg, const tlsc_mqtt_options *o,
                       tlsc_mqtt_fn fn, void *ud, tlsc_mqtt **out)
{
    tlsc_mqtt_options defaults;
    if (o == NULL) {
        tlsc_mqtt_options_init(&defaults);
        o = &defaults;
    }
    if (loop == NULL || cfg == NULL || fn == NULL || out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_err err = check_options(o);
    if (err != TLSC_OK)
        return err;
    tlsc_mqtt *m = tlsc__calloc(1, sizeof *m);
    if (m == NULL)
        return TLSC_ERR_NO_MEMORY;
    m->fn = fn;
    m->ud = ud;
    m->o = *o;
    m->o.client_id = m->o.username = NULL;
    m->o.password = NULL;
    m->o.will = NULL;
    m->version = o->version;
    m->rng = (uint32_t)tlsc_now_ms() ^ (uint32_t)(uintptr_t)m ^ 0x9e3779b9u;
    if (m->rng == 0)
        m->rng = 1;
    err = tlsc_ev_new(loop, cfg, on_ev, m, &m->ev);
    if (err == TLSC_OK)
        err = setup(m, o);
    if (err != TLSC_OK) {
        really_free(m);
        return err;
    }
    *out = m;
    return TLSC_OK;
}

static void really_free(tlsc_mqtt *m)
{
    tlsc_ev_free(m->ev);
    tlsc_mqtt_decoder_free(m->dec);
    while (m->out_head != NULL)
        unlink_msg(m, m->out_head);
    while (m->subs != NULL) {
        msub *s = m->subs;
        m->subs = s->next;
        tlsc__free(s);
    }
    while (m->reqs != NULL) {
        mreq *r = m->reqs;
        m->reqs = r->next;
        tlsc__free(r);
    }
    for (size_t i = 0; m->aliases != NULL && i < m->o.topic_alias_max; i++)
        tlsc__free(m->aliases[i]);
    tlsc__free(m->aliases);
    tlsc__free(m->rx_qos2);
    tlsc__free(m->client_id);
    tlsc__free(m->username);
    if (m->password != NULL)
        tlsc__free_secret(m->password, m->password_len ? m->password_len : 1);
    tlsc__free(m->will_pkt);
    tlsc__free(m);
}

void tlsc_mqtt_free(tlsc_mqtt *m)
{
    if (m == NULL || m->dead)
        return;
    if (m->depth > 0) {
        m->dead = true; /* on_ev frees it when the callback has returned */
        set_timer(m, 0);
        return;
    }
    really_free(m);
}

tlsc_err tlsc_mqtt_connect(tlsc_mqtt *m, const char *host, uint16_t port)
{
    if (m == NULL || host == NULL || port == 0)
        return TLSC_ERR_INVALID_ARG;
    if (m->state != M_IDLE || m->dead)
        return TLSC_ERR_STATE;
    size_t n = strlen(host);
    if (n == 0 || n > TLSC_HOST_MAX)
        return TLSC_ERR_HOSTNAME;
    memcpy(m->host, host, n + 1);
    m->port = port;
    m->user_close = false;
    m->user_tp = false;
    m->failures = 0;
    tlsc_err err = tlsc_ev_connect(m->ev, host, port);
    if (err == TLSC_OK)
        m->state = M_TLS;
    return err;
}

tlsc_err tlsc_mqtt_connect_transport(tlsc_mqtt *m, const char *server_name,
                                     const tlsc_transport *tp, void *tp_ctx)
{
    if (m == NULL || server_name == NULL || tp == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (m->state != M_IDLE || m->dead)
        return TLSC_ERR_STATE;
    tlsc_err err = tlsc_ev_connect_transport(m->ev, server_name, tp, tp_ctx);
    if (err != TLSC_OK)
        return err;
    m->host[0] = '\0';
    m->user_close = false;
    m->user_tp = true;
    m->failures = 0;
    m->state = M_TLS;
    return TLSC_OK;
}

static tlsc_err add_msg(tlsc_mqtt *m, const tlsc_mqtt_message *p, uint16_t id, mmsg **out)
{
    tlsc_mqtt_message q = *p;
    q.packet_id = id;
    q.dup = false;
    size_t n = 0;
    tlsc_err err = tlsc_mqtt_encode_publish(m->version, &q, NULL, 0, &n);
    if (err != TLSC_ERR_BUFFER_SIZE)
        return err;
    if (m->srv_max_packet != 0 && n > m->srv_max_packet)
        return TLSC_ERR_MQTT_TOO_LARGE;
    if (m->out_count + 1 > m->o.outbox_msgs || m->out_bytes + n > m->o.outbox_bytes)
        return TLSC_ERR_QUEUE_FULL;
    mmsg *x = tlsc__calloc(1, sizeof *x + n);
    if (x == NULL)
        return TLSC_ERR_NO_MEMORY;
    err = tlsc_mqtt_encode_publish(m->version, &q, x->pkt, n, &x->len);
    if (err != TLSC_OK) {
        tlsc__free(x);
        return err;
    }
    x->id = id;
    x->qos = p->qos;
    if (m->out_tail != NULL)
        m->out_tail->next = x;
    else
        m->out_head = x;
    m->out_tail = x;
    m->out_count++;
    m->out_bytes += x->len;
    *out = x;
    return TLSC_OK;
}

tlsc_err tlsc_mqtt_publish(tlsc_mqtt *m, const tlsc_mqtt_message *p, uint16_t *packet_id)
{
    if (packet_id != NULL)
        *packet_id = 0;
    if (m == NULL || p == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (m->dead || m->user_close)
        return TLSC_ERR_STATE;
    uint16_t id = p->qos > 0 ? new_id(m) : 0;
    if (p->qos > 0 && id == 0)
        return TLSC_ERR_QUEUE_FULL;
    mmsg *x = NULL;
    tlsc_err err = add_msg(m, p, id, &x);
    if (err != TLSC_OK)
        return err;
    if (m->state == M_ONLINE && p->qos == 0) {
        /* straight to the send queue: the outbox is for what waits */
        err = send_bytes(m, x->pkt, x->len);
        unlink_msg(m, x);
        if (err != TLSC_OK)
            return err;
        rearm(m);
    } else {
        flush_outbox(m);
    }
    if (packet_id != NULL)
        *packet_id = id;
    return TLSC_OK;
}

/* Store a SUBSCRIBE / UNSUBSCRIBE request and send it when online. */
static tlsc_err queue_request(tlsc_mqtt *m, uint8_t type, const tlsc_mqtt_sub *subs,
                              const char *const *filters, size_t count, uint16_t *out_id)
{
    uint16_t id = new_id(m);
    if (id == 0)
        return TLSC_ERR_QUEUE_FULL;
    size_t n = 0, text = 0;
    tlsc_err err = type == TLSC_MQTT_SUBSCRIBE
                       ? tlsc_mqtt_encode_subscribe(m->version, id, subs, count, NULL, 0, &n)
                       : tlsc_mqtt_encode_unsubscribe(m->version, id, filters, count, NULL, 0, &n);
    if (err != TLSC_ERR_BUFFER_SIZE)
        return err;
    for (size_t i = 0; i < count; i++)
        text += strlen(subs ? subs[i].filter : filters[i]) + 1;
    mreq *r = tlsc__calloc(1, sizeof *r + text + n);
    if (r == NULL)
        return TLSC_ERR_NO_MEMORY;
    r->id = id;
    r->type = type;
    r->count = count;
    r->pkt = (uint8_t *)r->text + text;
    char *t = r->text;
    for (size_t i = 0; i < count; i++) {
        const char *f = subs ? subs[i].filter : filters[i];
        size_t fl = strlen(f) + 1;
        memcpy(t, f, fl);
        r->filters[i] = t;
        r->qos[i] = subs ? subs[i].qos : 0;
        t += fl;
    }
    err = type == TLSC_MQTT_SUBSCRIBE
              ? tlsc_mqtt_encode_subscribe(m->version, id, subs, count, r->pkt, n, &r->len)
              : tlsc_mqtt_encode_unsubscribe(m->version, id, filters, count, r->pkt, n, &r->len);
    if (err == TLSC_OK && m->state == M_ONLINE)
        err = send_bytes(m, r->pkt, r->len);
    if (err != TLSC_OK) {
        tlsc__free(r);
        return err;
    }
    r->next = m->reqs;
    m->reqs = r;
    if (out_id != NULL)
        *out_id = id;
    return TLSC_OK;
}

tlsc_err tlsc_mqtt_subscribe(tlsc_mqtt *m, const tlsc_mqtt_sub *subs, size_t count,
                             uint16_t *packet_id)
{
    if (m == NULL || subs == NULL || count == 0 || count > TLSC_MQTT_FILTERS_MAX)
        return TLSC_ERR_INVALID_ARG;
    if (m->dead || m->user_close)
        return TLSC_ERR_STATE;
    tlsc_err err = queue_request(m, TLSC_MQTT_SUBSCRIBE, subs, NULL, count, packet_id);
    for (size_t i = 0; i < count && err == TLSC_OK; i++)
        err = subs_remember(m, subs[i].filter, subs[i].qos);
    return err;
}

tlsc_err tlsc_mqtt_unsubscribe(tlsc_mqtt *m, const char *const *filters, size_t count,
                               uint16_t *packet_id)
{
    if (m == NULL || filters == NULL || count == 0 || count > TLSC_MQTT_FILTERS_MAX)
        return TLSC_ERR_INVALID_ARG;
    if (m->dead || m->user_close)
        return TLSC_ERR_STATE;
    tlsc_err err = queue_request(m, TLSC_MQTT_UNSUBSCRIBE, NULL, filters, count, packet_id);
    for (size_t i = 0; i < count && err == TLSC_OK; i++)
        subs_forget(m, filters[i]);
    return err;
}

tlsc_err tlsc_mqtt_disconnect(tlsc_mqtt *m, bool with_will)
{
    if (m == NULL || m->dead)
        return TLSC_ERR_INVALID_ARG;
    if (m->state == M_IDLE || m->state == M_ENDING || m->user_close)
        return TLSC_ERR_STATE;
    m->user_close = true;
    if (m->state == M_BACKOFF) {
        m->state = M_ENDING;
        rearm(m);
        return TLSC_OK;
    }
    if (m->state == M_ONLINE) {
        uint8_t b[4];
        size_t n = 0;
        uint8_t reason = v5(m) && with_will ? 0x04 : 0;
        if (tlsc_mqtt_encode_disconnect(m->version, reason, b, sizeof b, &n) == TLSC_OK)
            (void)send_bytes(m, b, n);
    }
    if (m->state != M_CLOSING) {
        m->state = M_CLOSING;
        set_timer(m, 0);
        (void)tlsc_ev_close(m->ev);
    }
    return TLSC_OK;
}

size_t tlsc_mqtt_pending(const tlsc_mqtt *m)
{
    return m ? m->out_count : 0;
}

bool tlsc_mqtt_online(const tlsc_mqtt *m)
{
    return m != NULL && m->state == M_ONLINE;
}

tlsc_ev *tlsc_mqtt_ev(tlsc_mqtt *m)
{
    return m ? m->ev : NULL;
}

void *tlsc_mqtt_userdata(const tlsc_mqtt *m)
{
    return m ? m->ud : NULL;
}
