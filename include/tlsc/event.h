/*
 * tlsc/event.h — event-driven connections: many TLS connections on one
 * loop, in one thread, NodeMCU-style events.
 *
 * The event driver is a second driver of the same non-blocking core as the
 * blocking calls of tlsc/conn.h: a tlsc_ev wraps a tlsc_conn and a tlsc_loop
 * runs any number of them. Two ways to run a loop:
 *
 *   - the BUILT-IN loop: tlsc_loop_run / tlsc_loop_run_once wait with
 *     poll() on every socket and timer of the loop;
 *   - a FOREIGN loop (an application's own poll/epoll/libuv loop, an RTOS
 *     task): ask tlsc_loop_watches which descriptors to watch and for what,
 *     tlsc_loop_deadline for the next timer, report readiness with
 *     tlsc_loop_fd_ready and then call tlsc_loop_process. The built-in loop
 *     is exactly this sequence around poll().
 *
 * DESIGN: one callback per connection, receiving a tlsc_event whose `kind`
 * says what happened (rather than one callback per kind): one function to
 * register, one switch to read, and new kinds can be added without new
 * setters. The callback runs on the loop's thread, inside
 * tlsc_loop_process (or run/run_once), never inside any other call.
 *
 * Life of a connection and its events, in order:
 *
 *   tlsc_ev_connect -> DNS (the address)           [once per attempt;
 *                                                   none over a user
 *                                                   transport]
 *                   -> CONNECTED (handshake done and verified)
 *                   -> RECEIVE* / SENT* / DRAINED* / SESSION (once, when
 *                      a session can be exported)
 *                   -> DISCONNECTED (exactly once per tlsc_ev_connect)
 *   a failed attempt -> RECONNECTION (error + detail; says whether a new
 *                       attempt follows and when), then either the next
 *                       attempt (DNS, CONNECTED, ...) or DISCONNECTED.
 *
 * DISCONNECTED tells apart how the connection ended (tlsc_close_how):
 * the peer's clean close_notify, a truncation (the peer closed TCP without
 * close_notify: data may be missing), an error (err + detail), or a local
 * close (tlsc_ev_close finished). After DISCONNECTED the tlsc_ev may be
 * connected again (a fresh TLS connection; to the same host it keeps the
 * server name and offers the previous session) or freed.
 *
 * SENDING: tlsc_ev_send may be called any number of times, also before the
 * connection is up; the data is copied into a per-connection queue bounded
 * by tlsc_ev_set_queue_limit (default TLSC_EV_QUEUE_DEFAULT). A send that
 * would exceed the bound fails with TLSC_ERR_QUEUE_FULL and queues nothing:
 * no byte is ever dropped silently. SENT reports bytes handed to the
 * transport (encrypted into records the socket accepted); DRAINED reports
 * that the queue became empty. Wait for DRAINED (or SENT) before sending
 * more when the bound is reached. Small pieces queued together (up to 4 KB
 * at a time) leave in one TLS record and one write, so many small
 * messages cost one record, not one each; the bytes and their order are
 * unchanged, and SENT then reports them together. The merge copies the
 * waiting pieces into one (up to 4 KB more heap for a moment); without
 * that memory they simply go one record each.
 *
 * BACKPRESSURE: tlsc_ev_hold stops reading the socket for real — the loop
 * stops watching it for input and never calls recv on it — so the kernel's
 * receive window fills and TCP flow control stops the server. RECEIVE
 * events stop at once (at most the rest of the record already decrypted
 * stays inside tlsc). tlsc_ev_unhold resumes, delivering what was kept.
 * While held, a close by the peer is noticed only after tlsc_ev_unhold.
 *
 * REENTRANCY RULES (what a callback may do):
 *   - call any tlsc_ev_* function on its own or any other connection,
 *     including tlsc_ev_close and tlsc_ev_free of the connection whose
 *     event is running: after tlsc_ev_free no further event is delivered
 *     for it and the memory is released when the callback has returned
 *     (the `ev` pointer must not be used after tlsc_ev_free returns);
 *   - create and connect new connections on the same loop (they start
 *     working on the next pass of the loop, never inside the callback);
 *   - NOT call tlsc_loop_free, tlsc_loop_run or tlsc_loop_process (they
 *     return TLSC_ERR_STATE when called from a callback), nor the blocking
 *     tlsc_conn_* calls on the connection of tlsc_ev_conn.
 *   Event data (event->data, event->detail, event->address) is valid only
 *   during the callback; copy what you keep.
 *
 * TIMERS: the configuration's connect and handshake timeouts (see
 * tlsc_config_set_timeouts) bound each attempt; an application timer per
 * connection (tlsc_ev_set_timer) serves protocols on top; an optional idle timeout
 * (tlsc_ev_set_idle_timeout) closes an open connection where nothing moved
 * for that long; a local close is bounded by the configuration's io
 * timeout. Each timer belongs to its connection and fails only it.
 *
 * DNS: host names are resolved without blocking the loop: on POSIX by a
 * short-lived worker thread per lookup (the system resolver has no
 * non-blocking form) that signals the loop through a socket pair, which
 * the loop watches like a connection's socket. IP literals are used at once. On an RTOS the same
 * platform hook (src/platform/platform.h: tlsc__resolve_*) maps to lwIP's
 * dns_gethostbyname() callback. Up to 4 addresses are tried in the
 * resolver's order while the TCP connect fails, by the platform's TCP
 * transport itself, as for the blocking driver (one tlsc_conn per
 * connection); the DNS event reports the first, tlsc_ev_getpeer the one in
 * use.
 *
 * RECONNECTION is opt-in (tlsc_ev_set_reconnect): after a failed attempt,
 * or after an open connection broke (not after a clean close or a local
 * one), tlsc waits with exponential backoff and connects again, offering
 * the session of the previous connection for resumption (see
 * tlsc/session.h: only to the same name and configuration). Only network,
 * DNS, timeout and truncation failures are retried; verification, alert,
 * protocol, configuration and memory errors are final. Without the policy
 * a failure still delivers RECONNECTION (will_retry false), then
 * DISCONNECTED.
 *
 * SESSIONS: tlsc_ev_conn gives the current tlsc_conn, so
 * tlsc_conn_set_session (before tlsc_ev_connect) and
 * tlsc_conn_export_session work as with the blocking driver; the
 * SESSION event reports when a session can be exported (after a TLS 1.2
 * handshake, or when a TLS 1.3 ticket arrived).
 *
 * USER TRANSPORTS (lwIP raw API, RTOS sockets without descriptors, the
 * "none" platform): tlsc_ev_connect_transport runs the TLS connection over
 * a tlsc_transport (tlsc/transport.h) that the application has already
 * connected. Such a connection has no descriptor, so tlsc cannot wait for
 * it; the application reports readiness instead:
 *   - call tlsc_ev_transport_ready(ev, readable, writable) whenever the
 *     transport got data, room to send, or an error/close (report an
 *     error or close as readable and writable), e.g. from lwIP's recv,
 *     sent and err callbacks, on the loop's thread (it only sets flags;
 *     extra calls are harmless, a missed one stalls the connection until
 *     the next report or timer);
 *   - then run a pass: tlsc_loop_process, or tlsc_loop_run_once, which
 *     does not sleep while a connection has readiness pending.
 * Without a report, a pass also processes the connection when it has new
 * work (data queued with tlsc_ev_send, unhold, close) or a timer is due
 * (connect/handshake, idle, close), so writes start on their own and the
 * timeouts fire as for sockets. tlsc_loop_watches never lists these
 * connections; tlsc_loop_deadline covers their timers. The built-in loop
 * cannot be woken by a transport: with user-transport connections, give
 * tlsc_loop_run / tlsc_loop_run_once a bounded timeout or drive the loop
 * from the application's (report readiness, then tlsc_loop_process).
 * What differs from sockets: there is no DNS event and no address
 * (tlsc_ev_getpeer returns TLSC_ERR_STATE); the connect timeout does not
 * apply (the handshake timeout does); the reconnection policy does not
 * apply, since tlsc cannot open a new transport: a failure delivers
 * RECONNECTION with will_retry false, then DISCONNECTED, and the
 * application may open a new transport and call
 * tlsc_ev_connect_transport again (the previous session is offered when
 * the server name is the same). The transport is closed (tp->close,
 * once) when the connection ends, before DISCONNECTED, or by tlsc_ev_free
 * / tlsc_loop_free. On the bare-metal platform ("none", docs/footprint.md)
 * user transports are the only way: there is no resolver and no TCP
 * (a tlsc_ev_connect ends in DISCONNECTED with TLSC_ERR_CONFIG), and
 * tlsc_loop_run_once only busy-waits until the next timer.
 *
 * Threads: a loop and its connections belong to one thread at a time.
 * Different loops may run in different threads.
 */
#ifndef TLSC_EVENT_H
#define TLSC_EVENT_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"
#include "tlsc/conn.h"
#include "tlsc/transport.h"

TLSC_BEGIN_DECLS

typedef struct tlsc_loop tlsc_loop;
typedef struct tlsc_ev tlsc_ev;

/* Default bound of a connection's send queue, in bytes. */
#define TLSC_EV_QUEUE_DEFAULT 16384u

typedef enum tlsc_event_kind {
    TLSC_EV_DNS = 1,        /* host resolved: address, port */
    TLSC_EV_CONNECTED,      /* handshake done and verified; use the
                               tlsc_conn_* getters on tlsc_ev_conn(ev).
                               A TLS 1.3 server judges a client
                               certificate after this: a refusal comes as
                               RECONNECTION/DISCONNECTED with its alert,
                               acceptance shows as SESSION or RECEIVE
                               (tlsc_conn_client_cert_status) */
    TLSC_EV_RECONNECTION,   /* an attempt failed or the connection broke:
                               err, detail, will_retry, retry_in_ms,
                               attempt */
    TLSC_EV_DISCONNECTED,   /* the end: how, err, detail */
    TLSC_EV_RECEIVE,        /* plaintext: data, len (one decrypted chunk) */
    TLSC_EV_SENT,           /* len bytes of the queue went to the transport */
    TLSC_EV_DRAINED,        /* the send queue is empty */
    TLSC_EV_SESSION,        /* a session can now be exported (told before
                               DISCONNECTED when the ticket came with the
                               peer's close) */
    TLSC_EV_TIMER           /* the timer of tlsc_ev_set_timer expired */
} tlsc_event_kind;

typedef enum tlsc_close_how {
    TLSC_CLOSE_CLEAN = 1,   /* the peer sent close_notify */
    TLSC_CLOSE_TRUNCATED,   /* the peer closed without close_notify */
    TLSC_CLOSE_ERROR,       /* failed: err and detail say why */
    TLSC_CLOSE_LOCAL        /* tlsc_ev_close completed (err may say why
                               close_notify could not be sent) */
} tlsc_close_how;

typedef struct tlsc_event {
    tlsc_event_kind kind;
    tlsc_err err;           /* RECONNECTION, DISCONNECTED (else TLSC_OK) */
    const char *detail;     /* words for err; "" when none; never NULL */
    const void *data;       /* RECEIVE: the plaintext */
    size_t len;             /* RECEIVE, SENT: bytes; DISCONNECTED: queued
                               bytes never sent (discarded) */
    const char *address;    /* DNS: numeric address ("192.0.2.1", "::1");
                               "" otherwise; never NULL */
    uint16_t port;          /* DNS: the port */
    tlsc_close_how how;     /* DISCONNECTED */
    bool will_retry;        /* RECONNECTION: another attempt follows */
    uint32_t retry_in_ms;   /* RECONNECTION: ... after this delay */
    unsigned attempt;       /* RECONNECTION: attempts failed in a row */
} tlsc_event;

/* The callback of a connection; ud is the pointer given to tlsc_ev_new. */
typedef void (*tlsc_ev_fn)(tlsc_ev *ev, const tlsc_event *event, void *ud);

/* ---- the loop --------------------------------------------------------- */

/* Create an empty loop. Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_loop_new(tlsc_loop **out);

/* Free the loop and every connection still on it, without events (as
 * tlsc_ev_free). NULL allowed. Not from inside a callback. */
TLSC_API void tlsc_loop_free(tlsc_loop *loop);

/*
 * Run the built-in poll() loop until no connection has work left (every
 * one is idle, disconnected or freed), tlsc_loop_stop is called, or
 * timeout_ms passes (0 = no limit). Returns TLSC_OK, TLSC_ERR_STATE (called
 * from a callback), TLSC_ERR_INVALID_ARG, a poll() failure as
 * TLSC_ERR_INTERNAL, or TLSC_ERR_NO_MEMORY: the arrays the loop waits with
 * (allocated at the first pass and when more descriptors are watched than
 * ever before; with poll(), at each pass that watches more than 32) could
 * not be allocated; that pass did nothing, every connection is as it was:
 * call again when memory is back. Errors of connections are reported by
 * their events, never here.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_loop_run(tlsc_loop *loop,
                                               uint32_t timeout_ms);

/* One pass: wait at most timeout_ms (-1 = until the next timer or
 * descriptor) and process what became ready. Errors as tlsc_loop_run. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_loop_run_once(tlsc_loop *loop,
                                                    int timeout_ms);

/* Make tlsc_loop_run return after the current pass (callable from a
 * callback). */
TLSC_API void tlsc_loop_stop(tlsc_loop *loop);

/* Number of connections on the loop that have work left (resolving,
 * connecting, open, closing or waiting to reconnect). */
TLSC_API size_t tlsc_loop_active(const tlsc_loop *loop);

/* ---- foreign-loop integration ------------------------------------------ */

/* One descriptor to watch and for what. */
typedef struct tlsc_watch {
    int fd;
    bool read;
    bool write;
} tlsc_watch;

/*
 * Fill out[0..cap) with the descriptors to watch now; returns how many
 * there are in total (when it is more than cap, call again with a larger
 * array). The set changes after every tlsc_loop_process: ask again each
 * time round. A connection whose data is held (tlsc_ev_hold) is not
 * watched for reading.
 */
TLSC_API size_t tlsc_loop_watches(tlsc_loop *loop, tlsc_watch *out,
                                  size_t cap);

/*
 * The monotonic time (tlsc_now_ms) by which tlsc_loop_process must be
 * called even if no descriptor is ready: the nearest timer. Returns
 * tlsc_now_ms() or earlier when work is already pending (call at once),
 * 0 when there is no timer.
 */
TLSC_API uint64_t tlsc_loop_deadline(const tlsc_loop *loop);

/* Report that fd became readable and/or writable (or has an error or
 * hang-up: report it as readable and writable). Unknown descriptors are
 * ignored. The work happens in the next tlsc_loop_process. */
TLSC_API void tlsc_loop_fd_ready(tlsc_loop *loop, int fd, bool readable,
                                 bool writable);

/*
 * Do the work: for each connection whose descriptor was reported ready,
 * whose timer has passed, or which has pending work (new data queued,
 * unhold, a new connection), advance it and deliver its events. Never
 * waits. Returns TLSC_OK, TLSC_ERR_INVALID_ARG or TLSC_ERR_STATE (called
 * from a callback).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_loop_process(tlsc_loop *loop);

/* The process-wide heap peak (tlsc_heap_peak) observed while this loop
 * worked, in bytes. tlsc_heap_peak alone is reset whenever a handshake
 * starts; the loop samples it around every handshake start, so this is
 * the true peak of many concurrent handshakes. */
TLSC_API size_t tlsc_loop_heap_peak(const tlsc_loop *loop);

/* The most PSA key slots in use (tlsc_key_slots_in_use) seen while this
 * loop worked, sampled like tlsc_loop_heap_peak. */
TLSC_API size_t tlsc_loop_key_slots_peak(const tlsc_loop *loop);

/*
 * Handshakes in flight. At most n connections of this loop connect (TCP
 * connect and TLS handshake) at once; 0 = no limit. A connection beyond the
 * cap waits its turn instead of failing: after its address is known (DNS
 * event delivered), it is queued until a connection of the loop finishes
 * connecting (CONNECTED, or a failure), then starts in turn. Its connect
 * and handshake timeouts (tlsc_config_set_timeouts) start when it leaves
 * the queue, so time spent queued is bounded only by the other handshakes'
 * timeouts. With a fixed PSA key-slot table (small profiles), a queued
 * connection also waits while fewer slots are free than one handshake needs
 * and another handshake is in flight (open connections hold slots too).
 * Default: derived from the build, tlsc_key_slots_capacity() / (slots of
 * one handshake + slots of one open connection), 6 with the small
 * profiles (56 / (5 + 4)); 0 (no limit) when the key store grows on the heap (full
 * profile). See docs/footprint.md, Capacity. A smaller cap also bounds the
 * loop's peak heap (each handshake in flight costs its record buffers and
 * handshake state).
 * Errors: TLSC_ERR_INVALID_ARG (loop NULL).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_loop_set_max_handshakes(tlsc_loop *loop, unsigned n);
/* The current cap (0 = none). */
TLSC_API unsigned tlsc_loop_max_handshakes(const tlsc_loop *loop);

/* ---- connections ------------------------------------------------------- */

/*
 * Create a connection on loop, with cfg (referenced and frozen, as
 * tlsc_conn_new) and the callback fn(ev, event, ud). It does nothing until
 * tlsc_ev_connect. Its connection's mbedTLS context and record buffers are
 * allocated only when it starts connecting (after DNS, and after waiting
 * its turn, see tlsc_loop_set_max_handshakes), so a connection that waits
 * holds only tlsc's own structures (about 2.5 KB); a lack of memory then
 * ends that attempt with TLSC_ERR_NO_MEMORY. Errors: TLSC_ERR_INVALID_ARG,
 * TLSC_ERR_NO_MEMORY and those of tlsc_conn_new (TLSC_ERR_NO_TRUST, ...).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_new(tlsc_loop *loop,
                                             tlsc_config *cfg, tlsc_ev_fn fn,
                                             void *ud, tlsc_ev **out);

/*
 * Close at once (no close_notify, no DISCONNECTED event), drop the queue
 * and free. Safe from any callback, including ev's own (see the rules
 * above). NULL allowed.
 */
TLSC_API void tlsc_ev_free(tlsc_ev *ev);

/*
 * Start connecting to host:port (a DNS name or an IP literal; see
 * tlsc_conn_connect for verification). Events follow from the loop.
 * Allowed on a new connection or after DISCONNECTED.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_HOSTNAME, TLSC_ERR_STATE (already
 * connecting, or a transport was set with tlsc_conn_set_transport on
 * tlsc_ev_conn: use tlsc_ev_connect_transport), TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_connect(tlsc_ev *ev,
                                                 const char *host,
                                                 uint16_t port);

/*
 * Start a TLS connection over tp/tp_ctx, a transport the application has
 * already connected (see USER TRANSPORTS above): no DNS, no TCP connect;
 * the handshake starts on the next pass. server_name (a DNS name or an IP
 * literal, as for tlsc_ev_connect) is sent as SNI and verified against the
 * certificate, as tlsc_conn_set_server_name. tp is copied. On TLSC_OK,
 * tp_ctx belongs to the connection: tp->close (if set) is called exactly
 * once, when the connection ends (before DISCONNECTED) or at tlsc_ev_free
 * / tlsc_loop_free; on any error nothing is taken and tp->close is not
 * called. Allowed on a new connection or after DISCONNECTED; then call
 * tlsc_ev_transport_ready as the transport becomes ready.
 * Errors: TLSC_ERR_INVALID_ARG (tp, tp->send or tp->recv missing),
 * TLSC_ERR_HOSTNAME, TLSC_ERR_STATE (already connecting, or a transport was
 * set on tlsc_ev_conn directly), TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_connect_transport(
    tlsc_ev *ev, const char *server_name, const tlsc_transport *tp,
    void *tp_ctx);

/*
 * Report that the user transport of ev (tlsc_ev_connect_transport) can
 * receive (readable: data, end of stream or an error is waiting) and/or
 * send (writable). Only sets flags: the work happens in the next
 * tlsc_loop_process / tlsc_loop_run_once, on the loop's thread (also
 * allowed from a callback). Ignored for NULL, for a connection over a
 * socket, and before tlsc_ev_connect_transport.
 */
TLSC_API void tlsc_ev_transport_ready(tlsc_ev *ev, bool readable,
                                      bool writable);

/*
 * Queue len bytes of buf (copied) to be sent once the connection is open
 * (before tlsc_ev_connect or after DISCONNECTED: for the next connection;
 * DISCONNECTED reports in `len` the queued bytes that were never sent).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_QUEUE_FULL (the queue would exceed
 * its bound; nothing queued), TLSC_ERR_STATE (closing), TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_send(tlsc_ev *ev, const void *buf,
                                              size_t len);

/* Bytes waiting in the send queue. */
TLSC_API size_t tlsc_ev_queued(const tlsc_ev *ev);

/* Bound of the send queue in bytes (>= 1; default TLSC_EV_QUEUE_DEFAULT).
 * Lowering it below what is queued only refuses further sends.
 * Errors: TLSC_ERR_INVALID_ARG. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_set_queue_limit(tlsc_ev *ev,
                                                         size_t bytes);

/* Stop / resume reading the socket (see BACKPRESSURE above). Idempotent. */
TLSC_API void tlsc_ev_hold(tlsc_ev *ev);
TLSC_API void tlsc_ev_unhold(tlsc_ev *ev);

/*
 * Graceful close: send what is queued, then close_notify, then close the
 * socket and deliver DISCONNECTED (how TLSC_CLOSE_LOCAL). Bounded by the
 * configuration's io timeout. Before the connection is open (or while
 * waiting to reconnect) it stops at once, with DISCONNECTED from the loop.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_STATE (not connecting or open).
 */
TLSC_API tlsc_err tlsc_ev_close(tlsc_ev *ev);

/*
 * The peer's numeric address (the one tried or in use: the DNS event's
 * first address, or a later one after a failed TCP connect) into addr
 * (capacity cap, 46 bytes hold any IPv6 address) and its port into *port.
 * Known from the DNS event on. Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_STATE (not
 * resolved yet), TLSC_ERR_BUFFER_SIZE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_getpeer(const tlsc_ev *ev,
                                                 char *addr, size_t cap,
                                                 uint16_t *port);

/*
 * The connection underneath, for tlsc_conn_set_server_name and
 * tlsc_conn_set_session (before tlsc_ev_connect), the tlsc_conn_* getters,
 * tlsc_conn_error/errmsg and tlsc_conn_export_session. Owned by ev; a
 * reconnection replaces it, so do not keep it across events. Never call
 * the blocking or non-blocking I/O functions on it.
 */
TLSC_API tlsc_conn *tlsc_ev_conn(tlsc_ev *ev);

/* The user pointer given to tlsc_ev_new. */
TLSC_API void *tlsc_ev_userdata(const tlsc_ev *ev);

/*
 * Close an open connection where nothing was received or sent for ms
 * milliseconds (0 = never, the default; the timer stops while the
 * connection is held and restarts at tlsc_ev_unhold). It fails like a
 * broken connection: RECONNECTION with TLSC_ERR_TIMEOUT_READ (nothing
 * queued) or TLSC_ERR_TIMEOUT_WRITE (queued data could not be sent), then
 * a new attempt under the reconnection policy, or DISCONNECTED.
 * Errors: TLSC_ERR_INVALID_ARG.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_set_idle_timeout(tlsc_ev *ev,
                                                          uint32_t ms);

/*
 * Opt-in automatic reconnection: after a failed attempt or a broken
 * connection, up to max_attempts new attempts (0 = reconnection off, the
 * default) with a delay of first_ms, doubled after each failure up to
 * max_ms, offering the previous connection's session. The count restarts
 * after a successful connection. Only network, DNS, timeout and truncation
 * failures are retried.
 * Errors: TLSC_ERR_INVALID_ARG (first_ms == 0 or > max_ms when
 * max_attempts > 0).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_set_reconnect(tlsc_ev *ev,
                                                       unsigned max_attempts,
                                                       uint32_t first_ms,
                                                       uint32_t max_ms);

/*
 * A one-shot timer of the connection, for protocols on top (MQTT's
 * keepalive and reconnection backoff): TLSC_EV_TIMER is delivered once,
 * ms milliseconds from now (after the connection's own work of that
 * pass), in any state, also while the connection is idle (ended or never
 * connected). Setting it again replaces it; 0 cancels it. A pending timer
 * counts as work for tlsc_loop_run and tlsc_loop_active.
 * Errors: TLSC_ERR_INVALID_ARG.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_ev_set_timer(tlsc_ev *ev, uint32_t ms);

/* Short name of an event kind ("dns", "connected", ...); never NULL. */
TLSC_API const char *tlsc_event_name(tlsc_event_kind kind);

TLSC_END_DECLS

#endif /* TLSC_EVENT_H */
