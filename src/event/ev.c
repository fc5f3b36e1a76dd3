/*
 * The event connection: a state machine over one tlsc_conn at a time,
 * driven by the loop (loop.c) and reporting through the user's callback.
 * It adds no protocol logic: every byte goes through the non-blocking core
 * (tlsc_conn_start/step/recv/send/shutdown), exactly as the blocking
 * driver's do.
 *
 * Reentrancy: every callback may free, close or reconnect any connection.
 * So after each emit() the machine re-checks that ev is alive and still in
 * the state it was in, and stops otherwise; freeing during a pass only
 * marks ev dead (loop.c releases it after the pass).
 */
#include <stdio.h>
#include <string.h>

#include "event/ev_internal.h"

#include "core/alloc.h"
#include "core/base/ip.h"
#include "core/tls/conn_access.h"
#include "core/tls/freeze.h"
#include "tlsc/session.h"

/* ---- the state machine's shape ------------------------------------------------- */

/*
 * What each state does, one row per state of tlsc__ev_state in ev_states
 * (the table at the end of this file), so that a new state is one row plus
 * its functions: its step in a pass, what tlsc_ev_close does in it (NULL:
 * TLSC_ERR_STATE), when it must be stepped without I/O (NULL: never), and
 * the descriptor it waits on (NULL: none).
 */
struct ev_state {
    void (*step)(tlsc_ev *ev);
    tlsc_err (*close)(tlsc_ev *ev);
    uint64_t (*deadline)(const tlsc_ev *ev);
    bool (*watch)(const tlsc_ev *ev, tlsc_watch *w);
};

static const struct ev_state *state_of(const tlsc_ev *ev);

/* ---- events ---------------------------------------------------------------- */

static const char *const event_names[] = {
    "?", "dns", "connected", "reconnection", "disconnected", "receive", "sent", "drained",
    "session", "timer",
};

const char *tlsc_event_name(tlsc_event_kind kind)
{
    size_t i = (size_t)kind;
    return i < sizeof event_names / sizeof event_names[0] ? event_names[i] : "?";
}

static tlsc_event make_event(tlsc_event_kind kind)
{
    tlsc_event e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.detail = "";
    e.address = "";
    return e;
}

/* Deliver e; true when ev is still alive and in state `was` afterwards. */
static bool emit(tlsc_ev *ev, const tlsc_event *e)
{
    tlsc__ev_state was = ev->state;
    ev->fn(ev, e, ev->ud);
    return !ev->dead && ev->state == was;
}

/* ---- send queue ------------------------------------------------------------ */

static void drop_queue(tlsc_ev *ev)
{
    while (ev->qhead != NULL) {
        tlsc__chunk *c = ev->qhead;
        ev->qhead = c->next;
        tlsc__free_secret(c, sizeof *c + c->len); /* plaintext may be secret */
    }
    ev->qtail = NULL;
    ev->queued = 0;
}

static void pop_chunk(tlsc_ev *ev)
{
    tlsc__chunk *c = ev->qhead;
    ev->qhead = c->next;
    if (ev->qhead == NULL)
        ev->qtail = NULL;
    tlsc__free_secret(c, sizeof *c + c->len);
}

tlsc_err tlsc_ev_send(tlsc_ev *ev, const void *buf, size_t len)
{
    if (ev == NULL || ev->dead || buf == NULL || len == 0)
        return TLSC_ERR_INVALID_ARG;
    if (ev->state == EV_CLOSING || ev->state == EV_ABORTING)
        return TLSC_ERR_STATE;
    if (len > ev->qlimit || ev->queued > ev->qlimit - len)
        return TLSC_ERR_QUEUE_FULL;
    tlsc__chunk *c = tlsc__calloc(1, sizeof *c + len);
    if (c == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(c->data, buf, len);
    c->len = len;
    if (ev->qtail != NULL)
        ev->qtail->next = c;
    else
        ev->qhead = c;
    ev->qtail = c;
    ev->queued += len;
    ev->kick = true;
    return TLSC_OK;
}

size_t tlsc_ev_queued(const tlsc_ev *ev)
{
    return ev ? ev->queued : 0;
}

tlsc_err tlsc_ev_set_queue_limit(tlsc_ev *ev, size_t bytes)
{
    if (ev == NULL || bytes == 0)
        return TLSC_ERR_INVALID_ARG;
    ev->qlimit = bytes;
    return TLSC_OK;
}

/* ---- lifetime -------------------------------------------------------------- */

static void retire_conn_io(tlsc_ev *ev);

tlsc_err tlsc_ev_new(tlsc_loop *loop, tlsc_config *cfg, tlsc_ev_fn fn, void *ud,
                     tlsc_ev **out)
{
    if (loop == NULL || cfg == NULL || fn == NULL || out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_ev *ev = tlsc__calloc(1, sizeof *ev);
    if (ev == NULL)
        return TLSC_ERR_NO_MEMORY;
    tlsc_err err = tlsc__conn_new_parked(cfg, &ev->conn);
    if (err != TLSC_OK) {
        tlsc__free(ev);
        return err;
    }
    ev->cfg = cfg;
    tlsc__config_ref(cfg);
    ev->loop = loop;
    ev->fn = fn;
    ev->ud = ud;
    ev->qlimit = TLSC_EV_QUEUE_DEFAULT;
    ev->watch_fd = -1;
    ev->next = loop->head;
    if (loop->head != NULL)
        loop->head->prev = ev;
    loop->head = ev;
    *out = ev;
    return TLSC_OK;
}

/* Free everything ev owns and ev itself (already unlinked). */
void tlsc__ev_release(tlsc_ev *ev)
{
    tlsc__resolve_free(ev->res);
    drop_queue(ev);
    tlsc_conn_free(ev->conn);
    tlsc_config_free(ev->cfg);
    tlsc__next_forget(&ev->own_next);
    tlsc__free(ev);
}

void tlsc_ev_free(tlsc_ev *ev)
{
    if (ev == NULL || ev->dead)
        return;
    tlsc_loop *loop = ev->loop;
    tlsc__loop_unmap(loop, ev);
    if (loop->depth == 0) {
        tlsc__loop_unlink(loop, ev);
        if (ev->state == EV_CONNECTING)
            tlsc__loop_wake_queued(loop);
        tlsc__ev_release(ev);
        return;
    }
    /* During a pass: the socket and the TLS state (its key slots and
     * buffers, which the next handshake of this pass may need) go now, the
     * rest after the pass (the pass still holds ev and its neighbours). */
    ev->dead = true;
    retire_conn_io(ev);
    tlsc__conn_drop_tls(ev->conn);
}

void *tlsc_ev_userdata(const tlsc_ev *ev)
{
    return ev ? ev->ud : NULL;
}

tlsc_conn *tlsc_ev_conn(tlsc_ev *ev)
{
    return ev ? ev->conn : NULL;
}

tlsc_err tlsc_ev_set_idle_timeout(tlsc_ev *ev, uint32_t ms)
{
    if (ev == NULL)
        return TLSC_ERR_INVALID_ARG;
    ev->idle_ms = ms;
    return TLSC_OK;
}

tlsc_err tlsc_ev_set_reconnect(tlsc_ev *ev, unsigned max_attempts, uint32_t first_ms,
                               uint32_t max_ms)
{
    if (ev == NULL || (max_attempts > 0 && (first_ms == 0 || first_ms > max_ms)))
        return TLSC_ERR_INVALID_ARG;
    ev->rc_max = max_attempts;
    ev->rc_first_ms = first_ms;
    ev->rc_max_ms = max_ms;
    return TLSC_OK;
}

void tlsc_ev_hold(tlsc_ev *ev)
{
    if (ev != NULL)
        ev->held = true;
}

void tlsc_ev_unhold(tlsc_ev *ev)
{
    if (ev == NULL || !ev->held)
        return;
    ev->held = false;
    ev->last_activity = tlsc_now_ms(); /* the idle timer restarts */
    /* mbedTLS may already hold decrypted bytes the socket will not signal. */
    ev->kick = true;
}

tlsc_err tlsc_ev_getpeer(const tlsc_ev *ev, char *addr, size_t cap, uint16_t *port)
{
    if (ev == NULL || addr == NULL || port == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (ev->addr[0] == '\0')
        return TLSC_ERR_STATE;
    if (strlen(ev->addr) >= cap)
        return TLSC_ERR_BUFFER_SIZE;
    memcpy(addr, ev->addr, strlen(ev->addr) + 1);
    *port = ev->port;
    return TLSC_OK;
}

bool tlsc__ev_active(const tlsc_ev *ev)
{
    return !ev->dead && (ev->state != EV_IDLE || ev->timer_at != 0);
}

tlsc_err tlsc_ev_set_timer(tlsc_ev *ev, uint32_t ms)
{
    if (ev == NULL)
        return TLSC_ERR_INVALID_ARG;
    ev->timer_at = ms ? tlsc_now_ms() + ms : 0;
    return TLSC_OK;
}

/* The application's timer, after the connection's own work. */
static void fire_timer(tlsc_ev *ev)
{
    if (ev->dead || ev->timer_at == 0 || tlsc_now_ms() < ev->timer_at)
        return;
    ev->timer_at = 0;
    tlsc_event e = make_event(TLSC_EV_TIMER);
    (void)emit(ev, &e);
}

/* ---- sessions -------------------------------------------------------------- */

/* The saved session: ev's own, or its owner's (tlsc__ev_share_next: one
 * copy for an HTTP client's successive connections). */
static tlsc__next_conn *next_of(tlsc_ev *ev)
{
    return ev->shared_next != NULL ? ev->shared_next : &ev->own_next;
}

void tlsc__ev_share_next(tlsc_ev *ev, tlsc__next_conn *shared)
{
    ev->shared_next = shared;
}

/* Keep the connection's newest session for the next attempt. */
static void keep_session(tlsc_ev *ev)
{
    tlsc__next_keep(next_of(ev), ev->conn);
}

/* A fresh tlsc_conn for the next attempt (next_conn.c): the same server
 * name and the newest session when the host is the same, else a plain one. */
static tlsc_err renew_conn(tlsc_ev *ev, bool same_host)
{
    tlsc_conn *fresh = NULL;
    tlsc_err err = same_host ? tlsc__next_conn_like(next_of(ev), ev->conn, true, &fresh)
                             : tlsc__next_conn_new(next_of(ev), ev->cfg, NULL, NULL, 0, true,
                                                   &fresh);
    if (err != TLSC_OK)
        return err;
    tlsc_conn_free(ev->conn);
    ev->conn = fresh;
    ev->session_told = false;
    return TLSC_OK;
}

/* ---- ending ---------------------------------------------------------------- */

/* Close the socket and stop any lookup; the tlsc_conn stays for its getters. */
static void retire_conn_io(tlsc_ev *ev)
{
    tlsc__resolve_free(ev->res);
    ev->res = NULL;
    if (ev->conn != NULL) {
        keep_session(ev);
        tlsc__conn_close_transport(ev->conn);
    }
    tlsc__loop_unmap(ev->loop, ev);
    ev->io_want = TLSC_OK;
}

/* DISCONNECTED with ev->detail as its words, already written. */
static void finish_told(tlsc_ev *ev, tlsc_close_how how, tlsc_err err)
{
    retire_conn_io(ev);
    tlsc_event e = make_event(TLSC_EV_DISCONNECTED);
    e.how = how;
    e.err = err;
    e.len = ev->queued; /* never sent: reported, then discarded */
    e.detail = ev->detail;
    ev->state = EV_IDLE;
    /* Dropped before the event, so data the callback queues for its next
     * connection stays. */
    drop_queue(ev);
    (void)emit(ev, &e);
}

static void finish(tlsc_ev *ev, tlsc_close_how how, tlsc_err err)
{
    /* A copy: the callback may tlsc_ev_connect again, which replaces the
     * tlsc_conn that holds the detail. */
    snprintf(ev->detail, sizeof ev->detail, "%s",
             how == TLSC_CLOSE_CLEAN ? "peer sent close_notify"
             : err != TLSC_OK        ? tlsc_conn_errmsg(ev->conn)
                                     : "");
    finish_told(ev, how, err);
}

static bool retryable(tlsc_err err)
{
    switch (tlsc_err_category(err)) {
    case TLSC_CAT_NETWORK:
    case TLSC_CAT_DNS:
    case TLSC_CAT_TIMEOUT:
    case TLSC_CAT_CLOSED:
        return true;
    default:
        return false;
    }
}

static uint32_t backoff_ms(const tlsc_ev *ev)
{
    uint64_t ms = ev->rc_first_ms;
    for (unsigned i = 1; i < ev->rc_failed && ms < ev->rc_max_ms; i++)
        ms *= 2;
    return ms > ev->rc_max_ms ? ev->rc_max_ms : (uint32_t)ms;
}

/* An attempt failed or an open connection broke: RECONNECTION, then a new
 * attempt after the backoff or DISCONNECTED. The error is the conn's
 * sticky one (set with its detail by the core or by tlsc__conn_fail). */
static void failed(tlsc_ev *ev, tlsc_err err)
{
    retire_conn_io(ev);
    ev->rc_failed++;
    tlsc_event e = make_event(TLSC_EV_RECONNECTION);
    e.err = err;
    e.detail = tlsc_conn_errmsg(ev->conn);
    e.attempt = ev->rc_failed;
    /* A user transport was opened by the application: tlsc cannot open
     * another one, so the reconnection policy does not apply. */
    e.will_retry = !ev->user_tp && ev->rc_failed <= ev->rc_max && retryable(err);
    e.retry_in_ms = e.will_retry ? backoff_ms(ev) : 0;
    if (!emit(ev, &e))
        return;
    if (e.will_retry) {
        ev->state = EV_RETRY_WAIT;
        ev->retry_at = tlsc_now_ms() + e.retry_in_ms;
        return;
    }
    finish(ev, err == TLSC_ERR_TRUNCATED ? TLSC_CLOSE_TRUNCATED : TLSC_CLOSE_ERROR, err);
}

/* A failure found outside the core: record it on the conn, then fail. */
static void fail_with(tlsc_ev *ev, tlsc_err err, const char *detail)
{
    failed(ev, tlsc__conn_fail(ev->conn, err, "%s", detail));
}

/* ---- connecting ------------------------------------------------------------ */

/* Too many handshakes in flight on the loop (or too few key slots free):
 * wait for one to end (tlsc__loop_wake_queued), or look again after
 * TLSC__EV_QUEUE_POLL_MS. The connect and handshake timers start when the
 * turn comes (tlsc_conn_start). */
static void wait_turn(tlsc_ev *ev)
{
    ev->state = EV_QUEUED;
    ev->retry_at = tlsc_now_ms() + TLSC__EV_QUEUE_POLL_MS;
}

/* Start the tlsc_conn: over the application's transport, or over the
 * platform's TCP with the addresses the lookup found (it moves to the next
 * one when a connect fails: one tlsc_conn per connection). */
static tlsc_err conn_start(tlsc_ev *ev)
{
    if (ev->user_tp)
        return tlsc_conn_start(ev->conn, ev->host, 0);
    return tlsc__conn_start_at(ev->conn, ev->host, ev->port, ev->addrs, ev->naddr);
}

/* tlsc_conn_start, with the heap sampled around it: the connection then
 * connects and shakes hands; or, past the loop's cap on handshakes in
 * flight, it waits its turn. */
static void start_conn(tlsc_ev *ev)
{
    if (!tlsc__loop_may_start(ev->loop)) {
        wait_turn(ev);
        return;
    }
    tlsc__loop_sample_heap(ev->loop);
    tlsc_err err = conn_start(ev);
    tlsc__loop_sample_heap(ev->loop);
    if (err != TLSC_OK) {
        failed(ev, err);
        return;
    }
    ev->state = EV_CONNECTING;
    ev->io_want = TLSC_WANT_WRITE;
}

static void step_queued(tlsc_ev *ev)
{
    if (!tlsc__loop_may_start(ev->loop)) {
        ev->retry_at = tlsc_now_ms() + TLSC__EV_QUEUE_POLL_MS;
        return;
    }
    start_conn(ev);
}

/* The name is resolved (ev->addrs): announce the first address, connect. */
static void resolved(tlsc_ev *ev)
{
    memcpy(ev->addr, ev->addrs[0], sizeof ev->addr);
    tlsc_event e = make_event(TLSC_EV_DNS);
    e.address = ev->addr;
    e.port = ev->port;
    if (!emit(ev, &e))
        return;
    start_conn(ev);
}

static void start_attempt(tlsc_ev *ev)
{
    unsigned char ip[16];
    size_t ip_len;
    ev->addr[0] = '\0';
    if (tlsc__parse_ip(ev->host, ip, &ip_len)) {
        memcpy(ev->addrs[0], ev->host, strlen(ev->host) + 1);
        ev->naddr = 1;
        resolved(ev);
        return;
    }
    char detail[TLSC_ERRMSG_MAX];
    tlsc_err err = tlsc__resolve_start(&ev->res, ev->host, detail, sizeof detail);
    if (err != TLSC_OK) {
        fail_with(ev, err, detail);
        return;
    }
    ev->state = EV_RESOLVING;
}

static void step_resolving(tlsc_ev *ev)
{
    char detail[TLSC_ERRMSG_MAX];
    tlsc_err err = tlsc__resolve_result(ev->res, ev->addrs, &ev->naddr, detail, sizeof detail);
    if (err == TLSC_WANT_READ)
        return;
    tlsc__resolve_free(ev->res);
    ev->res = NULL;
    tlsc__loop_unmap(ev->loop, ev);
    if (err != TLSC_OK) {
        fail_with(ev, err, detail);
        return;
    }
    resolved(ev);
}

/* The address the connection tries or uses now (the TCP moves on when one
 * fails), for tlsc_ev_getpeer. */
static void note_address(tlsc_ev *ev)
{
    const char *a = tlsc__conn_address(ev->conn);
    if (a[0] != '\0')
        snprintf(ev->addr, sizeof ev->addr, "%s", a);
}

static void connected(tlsc_ev *ev)
{
    ev->state = EV_OPEN;
    ev->rc_failed = 0;
    ev->io_want = TLSC_OK;
    ev->last_activity = tlsc_now_ms();
    ev->kick = true; /* flush what was queued before the handshake */
    tlsc_event e = make_event(TLSC_EV_CONNECTED);
    (void)emit(ev, &e);
}

static void step_connecting(tlsc_ev *ev)
{
    tlsc__loop_sample_heap(ev->loop);
    tlsc_err err = tlsc_conn_step(ev->conn);
    tlsc__loop_sample_heap(ev->loop);
    if (!ev->user_tp)
        note_address(ev);
    if (tlsc__is_want(err)) {
        ev->io_want = err;
        return;
    }
    if (err != TLSC_OK) {
        failed(ev, err);
        return;
    }
    connected(ev);
}

/* Validate host and copy it into name without IPv6 brackets, as the core
 * does ("[::1]" -> "::1"). */
static tlsc_err take_host(char name[TLSC_HOST_MAX + 1], const char *host)
{
    if (strlen(host) > TLSC_HOST_MAX || !tlsc__host_valid(host))
        return TLSC_ERR_HOSTNAME;
    size_t len = strlen(host);
    bool bracketed = host[0] == '[' && len > 2 && host[len - 1] == ']';
    memcpy(name, host + bracketed, len - 2 * bracketed);
    name[len - 2 * bracketed] = '\0';
    return TLSC_OK;
}

/* A fresh tlsc_conn unless the current one was never started. */
static tlsc_err fresh_conn_for(tlsc_ev *ev, const char *name)
{
    if (tlsc__conn_is_new(ev->conn))
        return TLSC_OK;
    return renew_conn(ev, strcmp(name, ev->host) == 0);
}

/* The first attempt starts on the next pass. */
static void arm_first_attempt(tlsc_ev *ev, const char *name, uint16_t port)
{
    memcpy(ev->host, name, strlen(name) + 1);
    ev->port = port;
    ev->rc_failed = 0;
    ev->state = EV_RETRY_WAIT;
    ev->retry_at = tlsc_now_ms();
    ev->kick = true;
}

/* Both connects: an idle ev, a valid name (copied to name), a fresh
 * tlsc_conn for it. */
static tlsc_err prepare_connect(tlsc_ev *ev, const char *host, char name[TLSC_HOST_MAX + 1])
{
    if (ev->state != EV_IDLE || tlsc__conn_has_user_transport(ev->conn))
        return TLSC_ERR_STATE;
    tlsc_err err = take_host(name, host);
    return err == TLSC_OK ? fresh_conn_for(ev, name) : err;
}

tlsc_err tlsc_ev_connect(tlsc_ev *ev, const char *host, uint16_t port)
{
    if (ev == NULL || ev->dead || host == NULL)
        return TLSC_ERR_INVALID_ARG;
    char name[TLSC_HOST_MAX + 1];
    tlsc_err err = prepare_connect(ev, host, name);
    if (err != TLSC_OK)
        return err;
    ev->user_tp = false;
    arm_first_attempt(ev, name, port);
    return TLSC_OK;
}

tlsc_err tlsc_ev_connect_transport(tlsc_ev *ev, const char *server_name,
                                   const tlsc_transport *tp, void *tp_ctx)
{
    if (ev == NULL || ev->dead || server_name == NULL || tp == NULL || tp->send == NULL ||
        tp->recv == NULL)
        return TLSC_ERR_INVALID_ARG;
    char name[TLSC_HOST_MAX + 1];
    tlsc_err err = prepare_connect(ev, server_name, name);
    /* Last, so that on any error tp_ctx stays the caller's. */
    if (err == TLSC_OK)
        err = tlsc_conn_set_transport(ev->conn, tp, tp_ctx);
    if (err != TLSC_OK)
        return err;
    ev->user_tp = true;
    ev->naddr = 0;
    ev->addr[0] = '\0'; /* no address: tlsc_ev_getpeer says TLSC_ERR_STATE */
    arm_first_attempt(ev, name, 0);
    return TLSC_OK;
}

void tlsc_ev_transport_ready(tlsc_ev *ev, bool readable, bool writable)
{
    if (ev == NULL || ev->dead || !ev->user_tp)
        return;
    ev->rd_ready |= readable;
    ev->wr_ready |= writable;
}

static void step_retry(tlsc_ev *ev)
{
    if (tlsc_now_ms() < ev->retry_at)
        return;
    if (ev->user_tp) {
        /* No lookup, no TCP connect (the transport is connected already),
         * no DNS event; never retried: the conn is the new one. */
        start_conn(ev);
        return;
    }
    if (!tlsc__conn_is_new(ev->conn)) {
        tlsc_err err = renew_conn(ev, true);
        if (err != TLSC_OK) {
            ev->state = EV_IDLE;
            /* The old conn keeps its own error and detail (first one
             * wins): the words of this failure go in the event. */
            snprintf(ev->detail, sizeof ev->detail,
                     "reconnecting to %s port %u: the new connection could not be made: %s",
                     ev->host, (unsigned)ev->port, tlsc_strerror(err));
            finish_told(ev, TLSC_CLOSE_ERROR, err);
            return;
        }
    }
    start_attempt(ev);
}

/* ---- open ------------------------------------------------------------------ */

static void tell_drained(tlsc_ev *ev)
{
    tlsc_event e = make_event(TLSC_EV_DRAINED);
    (void)emit(ev, &e);
}

/* Merge the small chunks queued behind the head into the head, up to
 * TLSC__EV_COALESCE bytes, so that they leave in one TLS record and one
 * write: many small messages (MQTT publishes and acknowledgements) would
 * otherwise cost a record, an AEAD call and a syscall each. Only a chunk
 * never handed to TLS may change (after WANT_WRITE mbedTLS expects the
 * same bytes again); without memory the chunks simply go one by one. */
static void coalesce(tlsc_ev *ev)
{
    tlsc__chunk *h = ev->qhead;
    if (h->tried || h->next == NULL || h->len >= TLSC__EV_COALESCE)
        return;
    size_t total = h->len;
    tlsc__chunk *end = h->next;
    while (end != NULL && total + end->len <= TLSC__EV_COALESCE) {
        total += end->len;
        end = end->next;
    }
    if (end == h->next)
        return;
    tlsc__chunk *m = tlsc__calloc(1, sizeof *m + total);
    if (m == NULL)
        return;
    while (ev->qhead != end) {
        tlsc__chunk *c = ev->qhead;
        memcpy(m->data + m->len, c->data, c->len);
        m->len += c->len;
        pop_chunk(ev);
    }
    m->next = end;
    ev->qhead = m;
    if (end == NULL)
        ev->qtail = m;
}

/* Send from the queue until it is empty or the transport is full.
 * False when ev must not be touched further in this pass. */
static bool flush(tlsc_ev *ev)
{
    bool moved = false;
    while (ev->qhead != NULL) {
        coalesce(ev);
        tlsc__chunk *c = ev->qhead;
        size_t n = 0;
        tlsc_err err = tlsc_conn_send(ev->conn, c->data + c->off, c->len - c->off, &n);
        c->tried = true;
        if (tlsc__is_want(err)) {
            ev->io_want = err;
            return true;
        }
        if (err != TLSC_OK) {
            failed(ev, err);
            return false;
        }
        moved = true;
        c->off += n;
        ev->queued -= n;
        ev->last_activity = tlsc_now_ms();
        if (c->off == c->len)
            pop_chunk(ev);
        tlsc_event e = make_event(TLSC_EV_SENT);
        e.len = n;
        if (!emit(ev, &e))
            return false;
    }
    ev->io_want = TLSC_OK;
    if (moved)
        tell_drained(ev);
    return !ev->dead;
}

static bool tell_session(tlsc_ev *ev);

/* Tickets that came in the same read as the peer's close are told first:
 * a server that sends its tickets and closes right away (openssl s_server
 * with stdin at its end) would otherwise end before TLSC_EV_SESSION. */
static void ended_by_peer(tlsc_ev *ev, tlsc_err err)
{
    /* A callback that closes on the session (as --summary --sess-out does)
     * still learns how the peer ended. */
    if (!tell_session(ev) && (ev->dead || ev->state != EV_CLOSING))
        return;
    if (err == TLSC_ERR_CLOSED)
        finish(ev, TLSC_CLOSE_CLEAN, err);
    else
        failed(ev, err);
}

/* Deliver decrypted data while not held. False when ev must be left. */
static bool read_some(tlsc_ev *ev)
{
    tlsc_loop *loop = ev->loop;
    for (int i = 0; i < TLSC__EV_READS_PER_PASS; i++) {
        if (ev->held)
            return true;
        size_t got = 0;
        tlsc_err err = tlsc_conn_recv(ev->conn, loop->buf, sizeof loop->buf, &got);
        if (tlsc__is_want(err)) {
            if (ev->io_want == TLSC_OK)
                ev->io_want = err;
            return true;
        }
        if (err != TLSC_OK) {
            ended_by_peer(ev, err);
            return false;
        }
        ev->last_activity = tlsc_now_ms();
        tlsc_event e = make_event(TLSC_EV_RECEIVE);
        e.data = loop->buf;
        e.len = got;
        if (!emit(ev, &e))
            return false;
    }
    ev->kick = true; /* more may be waiting: next pass */
    return true;
}

static bool tell_session(tlsc_ev *ev)
{
    size_t len = 0;
    if (ev->session_told || tlsc_conn_export_session(ev->conn, NULL, 0, &len) != TLSC_OK)
        return true;
    ev->session_told = true;
    tlsc_event e = make_event(TLSC_EV_SESSION);
    return emit(ev, &e);
}

static void check_idle(tlsc_ev *ev)
{
    if (ev->idle_ms == 0 || ev->held || tlsc_now_ms() - ev->last_activity < ev->idle_ms)
        return;
    if (ev->queued > 0)
        failed(ev, tlsc__conn_fail(ev->conn, TLSC_ERR_TIMEOUT_WRITE,
                                   "%lu queued bytes could not be sent to %s for %lu ms",
                                   (unsigned long)ev->queued, ev->host,
                                   (unsigned long)ev->idle_ms));
    else
        failed(ev, tlsc__conn_fail(ev->conn, TLSC_ERR_TIMEOUT_READ,
                                   "nothing received from or sent to %s for %lu ms", ev->host,
                                   (unsigned long)ev->idle_ms));
}

static void step_open(tlsc_ev *ev)
{
    ev->io_want = TLSC_OK;
    if (!flush(ev) || !read_some(ev) || !tell_session(ev))
        return;
    check_idle(ev);
}

/* ---- closing --------------------------------------------------------------- */

/* tlsc_ev_close on an open connection: flush the queue, then close_notify,
 * bounded by the io timeout. */
static tlsc_err close_open(tlsc_ev *ev)
{
    uint32_t io = tlsc__config_io_ms(ev->cfg);
    ev->state = EV_CLOSING;
    ev->close_deadline = io ? tlsc_now_ms() + io : 0;
    return TLSC_OK;
}

/* ... before it is open: stop, DISCONNECTED on the next pass. */
static tlsc_err close_early(tlsc_ev *ev)
{
    retire_conn_io(ev);
    ev->state = EV_ABORTING;
    return TLSC_OK;
}

/* ... while it closes already. */
static tlsc_err close_again(tlsc_ev *ev)
{
    (void)ev;
    return TLSC_OK;
}

tlsc_err tlsc_ev_close(tlsc_ev *ev)
{
    if (ev == NULL || ev->dead)
        return TLSC_ERR_INVALID_ARG;
    if (state_of(ev)->close == NULL)
        return TLSC_ERR_STATE;
    tlsc_err err = state_of(ev)->close(ev);
    ev->kick = true;
    return err;
}

static void step_closing(tlsc_ev *ev)
{
    if (ev->close_deadline != 0 && tlsc_now_ms() >= ev->close_deadline) {
        finish(ev, TLSC_CLOSE_LOCAL,
               tlsc__conn_fail(ev->conn, TLSC_ERR_TIMEOUT_WRITE,
                               "close: could not send %lu queued bytes and close_notify "
                               "to %s within %lu ms",
                               (unsigned long)ev->queued, ev->host,
                               (unsigned long)tlsc__config_io_ms(ev->cfg)));
        return;
    }
    ev->io_want = TLSC_OK;
    if (!flush(ev) || ev->qhead != NULL)
        return;
    tlsc_err err = tlsc_conn_shutdown(ev->conn);
    if (tlsc__is_want(err)) {
        ev->io_want = err;
        return;
    }
    /* The peer's close_notify came first and was answered: a clean end. */
    finish(ev, err == TLSC_ERR_CLOSED ? TLSC_CLOSE_CLEAN : TLSC_CLOSE_LOCAL, err);
}

/* ---- the loop's view ------------------------------------------------------- */

static void step_aborting(tlsc_ev *ev)
{
    finish(ev, TLSC_CLOSE_LOCAL, TLSC_OK);
}

static void step_once(tlsc_ev *ev)
{
    if (state_of(ev)->step != NULL)
        state_of(ev)->step(ev);
}

void tlsc__ev_set_deadline(tlsc_ev *ev, uint64_t at)
{
    ev->total_deadline = at;
}

static bool expired(const tlsc_ev *ev)
{
    return ev->total_deadline != 0 && ev->state != EV_IDLE && ev->state != EV_ABORTING &&
           tlsc_now_ms() >= ev->total_deadline;
}

static void expire(tlsc_ev *ev)
{
    ev->total_deadline = 0;
    finish(ev, TLSC_CLOSE_ERROR,
           tlsc__conn_fail(ev->conn, TLSC_ERR_TIMEOUT_TOTAL,
                           "the total time limit of the request to %s passed", ev->host));
}

/* Run the machine until it stops changing state (a few steps at most:
 * resolved -> connecting -> open -> reading). */
void tlsc__ev_advance(tlsc_ev *ev)
{
    bool was_connecting = ev->state == EV_CONNECTING;
    ev->kick = ev->rd_ready = ev->wr_ready = false;
    if (expired(ev))
        expire(ev);
    for (int i = 0; i < 6 && !ev->dead; i++) {
        tlsc__ev_state was = ev->state;
        step_once(ev);
        if (ev->state == was)
            break;
    }
    if (was_connecting && (ev->dead || ev->state != EV_CONNECTING))
        tlsc__loop_wake_queued(ev->loop);
    fire_timer(ev);
}

/* The nearer of the connection's own deadline d and the application's
 * timer. */
static uint64_t with_timer(const tlsc_ev *ev, uint64_t d)
{
    return ev->timer_at != 0 && (d == 0 || ev->timer_at < d) ? ev->timer_at : d;
}

static uint64_t own_deadline(const tlsc_ev *ev);

uint64_t tlsc__ev_deadline(const tlsc_ev *ev)
{
    return ev->dead ? 0 : with_timer(ev, own_deadline(ev));
}

static uint64_t own_deadline(const tlsc_ev *ev)
{
    if (ev->state == EV_IDLE)
        return 0; /* data queued before connecting waits for the connect */
    if (ev->kick || ev->rd_ready || ev->wr_ready)
        return 1;
    uint64_t d = state_of(ev)->deadline != NULL ? state_of(ev)->deadline(ev) : 0;
    if (ev->total_deadline != 0 && (d == 0 || ev->total_deadline < d))
        d = ev->total_deadline;
    return d;
}

bool tlsc__ev_watch(const tlsc_ev *ev, tlsc_watch *w)
{
    /* A user transport has no descriptor: its readiness comes from
     * tlsc_ev_transport_ready. */
    if (ev->dead || ev->user_tp || state_of(ev)->watch == NULL)
        return false;
    w->read = w->write = false;
    return state_of(ev)->watch(ev, w);
}

/* ---- each state's deadline and descriptor -------------------------------------- */

static uint64_t due_now(const tlsc_ev *ev)
{
    (void)ev;
    return 1;
}

static uint64_t connecting_deadline(const tlsc_ev *ev)
{
    uint64_t d = 0;
    tlsc_conn_poll_info(ev->conn, NULL, NULL, NULL, &d);
    return d;
}

static uint64_t open_deadline(const tlsc_ev *ev)
{
    return ev->idle_ms && !ev->held ? ev->last_activity + ev->idle_ms : 0;
}

static uint64_t closing_deadline(const tlsc_ev *ev)
{
    return ev->close_deadline;
}

static uint64_t retry_deadline(const tlsc_ev *ev)
{
    return ev->retry_at ? ev->retry_at : 1;
}

static uint64_t queued_deadline(const tlsc_ev *ev)
{
    return ev->retry_at;
}

static bool watch_resolver(const tlsc_ev *ev, tlsc_watch *w)
{
    w->fd = tlsc__resolve_fd(ev->res);
    w->read = true;
    return w->fd >= 0;
}

static bool watch_connecting(const tlsc_ev *ev, tlsc_watch *w)
{
    tlsc_conn_poll_info(ev->conn, &w->fd, &w->read, &w->write, NULL);
    return w->fd >= 0;
}

/* Open or closing: read unless held, and what the core last wanted. */
static bool watch_open(const tlsc_ev *ev, tlsc_watch *w)
{
    tlsc_conn_poll_info(ev->conn, &w->fd, NULL, NULL, NULL);
    w->read = (ev->state == EV_OPEN && !ev->held) || ev->io_want == TLSC_WANT_READ;
    w->write = ev->io_want == TLSC_WANT_WRITE;
    return w->fd >= 0 && (w->read || w->write);
}

/* ---- the state table -------------------------------------------------------- */

/* The rows of ev_states: see struct ev_state at the top. */
static const struct ev_state ev_states[] = {
    /*                 step             close         deadline             watch */
    [EV_IDLE]       = { NULL,            NULL,         NULL,                NULL },
    [EV_RESOLVING]  = { step_resolving,  close_early,  NULL,                watch_resolver },
    [EV_CONNECTING] = { step_connecting, close_early,  connecting_deadline, watch_connecting },
    [EV_OPEN]       = { step_open,       close_open,   open_deadline,       watch_open },
    [EV_CLOSING]    = { step_closing,    close_again,  closing_deadline,    watch_open },
    [EV_ABORTING]   = { step_aborting,   close_again,  due_now,             NULL },
    [EV_RETRY_WAIT] = { step_retry,      close_early,  retry_deadline,      NULL },
    [EV_QUEUED]     = { step_queued,     close_early,  queued_deadline,     NULL },
};

_Static_assert(sizeof ev_states / sizeof ev_states[0] == EV__STATES,
               "one row of ev_states per state");

static const struct ev_state *state_of(const tlsc_ev *ev)
{
    return &ev_states[ev->state];
}
