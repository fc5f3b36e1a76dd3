/*
 * The HTTP exchange engine (engine.c), run by both drivers: the blocking
 * client (client.c: a loop that does each I/O the engine asks for with the
 * blocking connection calls) and the event client (ev_http.c: the same
 * engine stepped from tlsc_ev events), as curl's easy API is a loop over
 * its multi engine. The engine does no I/O and never blocks.
 *
 * tlsc__http_core is what a client keeps across requests (configuration,
 * parser, limits, the saved session, statistics, the error detail, the
 * identity of the open connection); tlsc__hx is one request across its
 * redirects and its one resend. A driver calls tlsc__hx_next and does what
 * it returns:
 *
 *   OPEN  close the open connection (tlsc__next_keep its session first),
 *         open one to x->url's host and port (tlsc__http_conn_new or
 *         _prepare), then report tlsc__hx_opened or tlsc__hx_failed;
 *   SEND  send the bytes returned (valid until the next call), then call
 *         tlsc__hx_next again (or tlsc__hx_failed);
 *   RECV  feed what arrives to tlsc__hx_feed; the end of the connection to
 *         tlsc__hx_ended; a failure to tlsc__hx_failed;
 *   DONE  the request ended with tlsc__hx_err (detail: core->errmsg); the
 *         connection may stay for the next request only when
 *         tlsc__hx_keep says so.
 */
#ifndef TLSC_HTTP_ENGINE_H
#define TLSC_HTTP_ENGINE_H

#include "tlsc/http.h"
#include "core/tls/next_conn.h"
#include "http/http_internal.h"

/* The error detail of a client (as a connection's). */
#define TLSC__HTTP_ERRMSG_MAX 512

/* What a client keeps across requests, whatever its driver. */
typedef struct tlsc__http_core {
    tlsc_config *cfg;           /* referenced */
    tlsc_http_parser *parser;   /* lives across requests */
    unsigned char *buf;         /* buf_len bytes: reads, producer bodies
                                   (the event client allocates it only
                                   for a producer body) */
    size_t buf_len;
    char *server_name;          /* tlsc_http_set_server_name, or NULL */
    unsigned max_redirects;
    uint32_t max_ms;            /* total limit of a request / download */
    uint64_t deadline;          /* of the request (or download) running */
    uint32_t deadline_ms;       /* ... its limit, for the error's words */
    bool deadline_held;         /* set by a download for all its requests */
    tlsc__next_conn next;       /* the one saved session */

    /* the open connection (the driver owns the object) */
    bool conn_open;
    bool conn_fresh;            /* no request sent on it yet */
    bool conn_resumed;          /* its handshake resumed a session */
    bool stopped;               /* the owner was freed inside a callback:
                                   nothing more is delivered */
    char conn_host[TLSC_URL_HOST_MAX + 1];
    uint16_t conn_port;

    tlsc_http_stats stats;
    char errmsg[TLSC__HTTP_ERRMSG_MAX];
} tlsc__http_core;

#define TLSC__HTTP_DEFAULT_REDIRECTS 5

#define TLSC__HTTP_MAX_REDIRECTS 20
#define TLSC__HTTP_LOCATION_MAX (TLSC_URL_TARGET_MAX + TLSC_URL_HOST_MAX + 16)

/* buf_now: allocate the buffer now (the blocking client reads into it).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY. */
tlsc_err tlsc__http_core_init(tlsc__http_core *c, tlsc_config *cfg,
                              const tlsc_http_limits *limits, size_t buf_len, bool buf_now,
                              unsigned max_redirects);
void tlsc__http_core_free(tlsc__http_core *c);
/* The setters both clients share (their public wrappers check c != NULL
 * for these two; the others take c == NULL as TLSC_ERR_INVALID_ARG). */
tlsc_err tlsc__http_core_set_limits(tlsc__http_core *c, const tlsc_http_limits *limits);
tlsc_err tlsc__http_core_set_server_name(tlsc__http_core *c, const char *name);
tlsc_err tlsc__http_core_set_max_redirects(tlsc__http_core *c, unsigned max);
tlsc_err tlsc__http_core_set_max_time(tlsc__http_core *c, uint32_t ms);
tlsc_err tlsc__http_core_set_session(tlsc__http_core *c, const void *blob, size_t len);
/* Keep the open connection's newest session (open may be NULL), then
 * export the saved one, as tlsc_http_export_session. */
tlsc_err tlsc__http_core_export_session(tlsc__http_core *c, const tlsc_conn *open, void *buf,
                                        size_t cap, size_t *len);
void tlsc__http_core_stats(const tlsc__http_core *c, tlsc_http_stats *out);
/* The open connection is gone (the driver dropped it). */
void tlsc__http_core_closed(tlsc__http_core *c);

/* A new connection for u's host and port with the client's configuration,
 * server name and saved session (next_conn.h); _prepare does the same to
 * a connection made by the event driver (tlsc_ev_conn). On error the
 * detail is in c->errmsg. */
tlsc_err tlsc__http_conn_new(tlsc__http_core *c, const tlsc_url *u, tlsc_conn **out);
tlsc_err tlsc__http_conn_prepare(tlsc__http_core *c, const tlsc_url *u, tlsc_conn *conn);
/* err of making a connection for u some other way (tlsc_ev_new: the
 * errors of tlsc_conn_new) with its words in c->errmsg, as the two above
 * give them; TLSC_OK notes u's host and port as the open connection's. */
tlsc_err tlsc__http_conn_made(tlsc__http_core *c, const tlsc_url *u, tlsc_err err);

typedef enum tlsc__hx_act {
    TLSC__HX_OPEN,
    TLSC__HX_SEND,
    TLSC__HX_RECV,
    TLSC__HX_DONE
} tlsc__hx_act;

typedef enum tlsc__hx_state {
    HX_HOP,         /* choose a connection for the current URL */
    HX_OPENING,     /* the driver is opening one */
    HX_SEND_HEAD,
    HX_SEND_BODY,   /* a body buffer */
    HX_PRODUCE,     /* a producer's body */
    HX_RECV,
    HX_DONE
} tlsc__hx_state;

/* One request in flight (across redirects). */
typedef struct tlsc__hx {
    tlsc__http_core *c;
    tlsc_http_request req;      /* the caller's (pointers borrowed) */
    tlsc_http_result *res;
    tlsc__hx_state state;
    tlsc_err err;               /* of DONE */
    tlsc_url url;
    const char *method;
    bool send_body;             /* false after a redirect to GET */
    bool same_origin;           /* url's host is the original host */
    char origin_host[TLSC_URL_HOST_MAX + 1];
    uint16_t origin_port;
    bool reused;                /* this round trip runs on a reused connection */
    bool retried;               /* the one resend happened */
    bool keep;                  /* DONE: the connection may serve the next */

    /* sending */
    bool sending;               /* the driver sends what SEND gave (its
                                   failure is the sending's, whatever the
                                   state already says) */
    char *head;                 /* the formatted head */
    size_t head_len;
    uint64_t produced;          /* producer bytes so far */
    int produce_step;           /* chunked framing: prefix, data, CRLF */
    size_t produce_len;
    char prefix[20];

    /* the response being read */
    int status;
    unsigned interim;           /* 1xx responses before this one */
    bool forward;               /* deliver to req.cb */
    bool redirect;              /* a redirect to follow */
    char *location;             /* TLSC__HTTP_LOCATION_MAX bytes, allocated
                                   for a redirect only */
    bool have_location;
    bool location_too_long;
} tlsc__hx;

/* Start a request. url: the parsed req->url, or NULL to parse req->url.
 * Errors (then DONE at once): TLSC_ERR_INVALID_ARG, TLSC_ERR_HTTP_URL. */
tlsc_err tlsc__hx_begin(tlsc__hx *x, tlsc__http_core *c, const tlsc_http_request *req,
                        const tlsc_url *url, tlsc_http_result *res);
/* What the driver does next; SEND sets *out and *len. */
tlsc__hx_act tlsc__hx_next(tlsc__hx *x, const void **out, size_t *len);
/* The connection asked for by OPEN is open (resumed: a resumed handshake). */
void tlsc__hx_opened(tlsc__hx *x, bool resumed);
/* Response bytes. */
void tlsc__hx_feed(tlsc__hx *x, const void *data, size_t len);
/* The connection ended: how is TLSC_ERR_CLOSED (close_notify) or
 * TLSC_ERR_TRUNCATED; any other error goes to tlsc__hx_failed. */
void tlsc__hx_ended(tlsc__hx *x, tlsc_err how);
/* Opening, sending or reading failed with err; detail is the
 * connection's (tlsc_conn_errmsg). The request is sent once more on a new
 * connection when a reused one turned out closed, else it ends. */
void tlsc__hx_failed(tlsc__hx *x, tlsc_err err, const char *detail);
/* Abort with err and a detail of the caller's (NULL: c->errmsg says why). */
void tlsc__hx_abort(tlsc__hx *x, tlsc_err err, const char *detail);
/* Free what the request holds (always, after DONE or to abandon it). */
void tlsc__hx_release(tlsc__hx *x);

/* The deadline of the request (or download) running: c->max_ms from now
 * (0 = none); a download holds it for all its requests (hold), which then
 * leave it alone; end it with the same hold. tlsc__http_deadline_set
 * starts one of ms (a tlsc_http_ev_req's own max_ms). */
void tlsc__http_deadline_begin(tlsc__http_core *c, bool hold);
void tlsc__http_deadline_set(tlsc__http_core *c, uint32_t ms);
void tlsc__http_deadline_end(tlsc__http_core *c, bool held);

/* Set the client's error detail and return err. */
tlsc_err tlsc__http_core_fail(tlsc__http_core *c, tlsc_err err, const char *fmt, ...)
    TLSC_PRINTF(3, 4);

#endif /* TLSC_HTTP_ENGINE_H */
