/*
 * Internal definitions of the event driver (tlsc/event.h): the loop and
 * the event connection, shared by loop.c (passes, watches, timers) and
 * ev.c (each connection's state machine and send queue).
 */
#ifndef TLSC_EVENT_INTERNAL_H
#define TLSC_EVENT_INTERNAL_H

#include "tlsc/event.h"
#include "core/base/hostname.h"
#include "core/base/text.h"
#include "core/tls/next_conn.h"
#include "platform/platform.h"

/* Decrypted bytes delivered per RECEIVE event at most. */
#define TLSC__EV_CHUNK 4096
/* RECEIVE events per connection per pass, so one busy connection cannot
 * starve the others; the rest follows on the next pass. */
#define TLSC__EV_READS_PER_PASS 16
/* A queued connection (EV_QUEUED) is woken when a handshake ends; it also
 * looks again this often, in case the end went unnoticed (a connection
 * freed during a pass, key slots released by something else). */
#define TLSC__EV_QUEUE_POLL_MS 100
/* Queued chunks smaller than this are merged into one TLS record when
 * several wait (ev.c, coalesce). One 4 KB record still fits the small
 * profiles' output buffers in a few fragments at most. */
#define TLSC__EV_COALESCE 4096

typedef enum tlsc__ev_state {
    EV_IDLE = 0,    /* created, or ended (DISCONNECTED delivered) */
    EV_RESOLVING,   /* waiting for the resolver */
    EV_CONNECTING,  /* TCP connect and TLS handshake */
    EV_OPEN,
    EV_CLOSING,     /* tlsc_ev_close: flush the queue, close_notify */
    EV_ABORTING,    /* tlsc_ev_close before open: DISCONNECTED next pass */
    EV_RETRY_WAIT,  /* reconnection backoff */
    EV_QUEUED,      /* address known, waiting for a handshake slot
                       (tlsc_loop_set_max_handshakes) */
    EV__STATES      /* not a state: how many (ev.c's table has a row each) */
} tlsc__ev_state;

typedef struct tlsc__chunk {
    struct tlsc__chunk *next;
    size_t len, off;
    bool tried;                 /* handed to TLS once: its bytes may sit
                                   encrypted in mbedTLS's out buffer, so
                                   they must not change (see coalesce) */
    unsigned char data[];
} tlsc__chunk;

struct tlsc_ev {
    tlsc_loop *loop;
    tlsc_ev *prev, *next;       /* the loop's list */
    tlsc_ev_fn fn;
    void *ud;
    tlsc_config *cfg;
    tlsc_conn *conn;
    tlsc__ev_state state;
    bool dead;                  /* tlsc_ev_free during a pass */
    bool held;
    bool kick;                  /* work pending without I/O readiness */
    bool rd_ready, wr_ready;    /* reported by tlsc_loop_fd_ready or
                                   tlsc_ev_transport_ready */
    bool session_told;          /* SESSION delivered for this connection */
    bool user_tp;               /* over the application's transport
                                   (tlsc_ev_connect_transport): no fd,
                                   readiness from tlsc_ev_transport_ready */
    tlsc_err io_want;           /* last WANT of the core, or TLSC_OK */
    int watch_fd;               /* fd the loop maps to this ev, or -1 */

    char host[TLSC_HOST_MAX + 1];
    uint16_t port;
    char addr[48];              /* numeric address tried or in use, "" until
                                   resolved */
    tlsc__addr_text addrs[TLSC__RESOLVE_MAX]; /* all the resolver gave, for */
    size_t naddr;               /* the TCP, which tries them in turn */
    tlsc__resolve *res;

    tlsc__chunk *qhead, *qtail;
    size_t queued, qlimit;

    uint32_t idle_ms;
    uint64_t last_activity, close_deadline, retry_at;
    uint64_t timer_at;          /* tlsc_ev_set_timer, 0 = none */
    uint64_t total_deadline;    /* tlsc__ev_set_deadline, 0 = none */

    unsigned rc_max, rc_failed; /* reconnection policy, failures in a row */
    uint32_t rc_first_ms, rc_max_ms;

    char detail[TLSC_ERRMSG_MAX]; /* of the DISCONNECTED event */
    tlsc__next_conn own_next;   /* newest session, for reconnecting ... */
    tlsc__next_conn *shared_next; /* ... or its owner's (NULL: own_next) */
};

struct tlsc_loop {
    tlsc_ev *head;
    int depth;                  /* > 0 while a pass runs */
    bool stop;
    size_t heap_peak;
    size_t slots_peak;          /* PSA key slots in use, sampled likewise */
    unsigned max_handshakes;    /* connections connecting at once, 0 = any */
    tlsc_ev **by_fd;            /* descriptor -> connection */
    size_t by_fd_cap;
    tlsc_watch *watches;        /* the built-in loop's arrays, watch_cap */
    int *wait_fd;               /* each: the descriptors handed to */
    unsigned char *wait_io;     /* tlsc__wait, wanted then ready bits */
    size_t watch_cap;
    unsigned char buf[TLSC__EV_CHUNK];
};

/* ev.c */
/* Keep ev's sessions in shared (owned by the caller, outliving ev) instead
 * of its own copy: the HTTP client's connections share one. */
void tlsc__ev_share_next(tlsc_ev *ev, tlsc__next_conn *shared);
void tlsc__ev_advance(tlsc_ev *ev);
/* An absolute deadline (tlsc_now_ms; 0 = none) for whatever ev does now
 * (connecting, queued, open): when it passes, the connection ends with
 * DISCONNECTED, TLSC_ERR_TIMEOUT_TOTAL (never retried). For the HTTP
 * client's total time limit (tlsc_http_ev_req.max_ms). */
void tlsc__ev_set_deadline(tlsc_ev *ev, uint64_t at);
/* 0 = no timer; 1 = work pending now. */
uint64_t tlsc__ev_deadline(const tlsc_ev *ev);
/* The descriptor to watch and for what; false when none. */
bool tlsc__ev_watch(const tlsc_ev *ev, tlsc_watch *w);
bool tlsc__ev_active(const tlsc_ev *ev);
void tlsc__ev_release(tlsc_ev *ev);

/* loop.c */
void tlsc__loop_sample_heap(tlsc_loop *loop);
void tlsc__loop_unmap(tlsc_loop *loop, tlsc_ev *ev);
void tlsc__loop_unlink(tlsc_loop *loop, tlsc_ev *ev);
/* Whether one more connection may start connecting now (the cap of
 * tlsc_loop_set_max_handshakes, and free PSA key slots for it). */
bool tlsc__loop_may_start(const tlsc_loop *loop);
/* A connection stopped connecting: let the first queued one try. */
void tlsc__loop_wake_queued(tlsc_loop *loop);

#endif /* TLSC_EVENT_INTERNAL_H */
