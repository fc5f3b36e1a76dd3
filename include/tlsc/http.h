/*
 * tlsc/http.h — an HTTP/1.1 client over tlsc connections, and verified
 * downloads (firmware updates).
 *
 * Three layers:
 *
 * 1. PURE, transport-independent pieces, usable from any driver (the
 *    blocking calls below, the event driver, or an application's own
 *    loop): the URL parser (tlsc_url_*), the request serializer
 *    (tlsc_http_request_format, tlsc_http_chunk_prefix) and the response
 *    PUSH PARSER (tlsc_http_parser_*): feed it whatever bytes arrived, in
 *    pieces of any size, and it calls back the status line, each header,
 *    body chunks (pointing INTO the bytes fed: no copy, no size limit, so a
 *    body never has to fit in RAM) and the end of the response. It does no
 *    I/O and never blocks; only header lines are buffered, within limits.
 *
 * 2. A BLOCKING client (tlsc_http_*) on top of tlsc_conn: requests with
 *    keep-alive reuse of the TLS connection, redirects, 1xx, chunked,
 *    Content-Length and close-delimited bodies, and session resumption
 *    whenever it reconnects to the same host; and downloads
 *    (tlsc_http_download) to a sink or a file, checked against an
 *    expected SHA-256 and size, optionally in Range pieces that survive a
 *    dropped connection.
 *
 * 3. REQUESTS ON THE EVENT DRIVER (tlsc_http_ev_*): the same client on
 *    tlsc_ev connections of a tlsc_loop, so that many requests run at once
 *    in one thread (see the end of this file). Both drivers run ONE
 *    non-blocking HTTP engine (requests, redirects, the resend on a closed
 *    kept-alive connection, verified downloads): the blocking calls are a
 *    loop over it, the event client steps it from events, so a feature
 *    and its behaviour are the same on both.
 *
 * HTTPS only: a URL with scheme http is refused (TLSC_ERR_HTTP_URL), and a
 * redirect from https to http is refused (TLSC_ERR_HTTP_REDIRECT): tlsc
 * exists to make connections verified, and a plain-text hop would undo
 * that (a firmware image fetched over http can be replaced in transit).
 *
 * Strictness: the parser follows RFC 9112 as a strict recipient. It
 * rejects bare LF or bare CR line ends, obs-fold, whitespace before a
 * header's colon, control characters in header values, HTTP versions other
 * than 1.0 and 1.1, transfer codings other than chunked, a response with
 * both Transfer-Encoding and Content-Length, conflicting Content-Length
 * values, bad chunk sizes or extensions, and any data after a response
 * that said "Connection: close". Each error's detail says which line,
 * header or size was wrong.
 *
 * Errors of the pure functions are returned with their detail in a
 * caller-supplied buffer (or the parser's own, tlsc_http_parser_errmsg);
 * the client keeps the detail of its last error (tlsc_http_errmsg).
 */
#ifndef TLSC_HTTP_H
#define TLSC_HTTP_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"
#include "tlsc/event.h"

TLSC_BEGIN_DECLS

/* ---- URLs ---------------------------------------------------------------- */

#define TLSC_URL_HOST_MAX 253
#define TLSC_URL_TARGET_MAX 2048

/* A parsed https URL. Plain data: copy it, keep it on the stack. */
typedef struct tlsc_url {
    /* DNS name (lower-cased) or IP literal; IPv6 without brackets. */
    char host[TLSC_URL_HOST_MAX + 1];
    bool ipv6;
    uint16_t port; /* 443 unless given */
    /* Request target: path and query ("/" when the URL has no path); the
     * fragment (#...) is dropped, as it is never sent. */
    char target[TLSC_URL_TARGET_MAX + 1];
} tlsc_url;

/*
 * Parse an absolute URL: https://HOST[:PORT][/PATH][?QUERY][#FRAGMENT].
 * The scheme is case-insensitive and must be https. HOST is a DNS name
 * (checked like tlsc_conn_connect's host) or an IPv4 literal or an IPv6
 * literal in brackets (no zone id). PORT is 1..65535. PATH and QUERY may
 * contain any printable ASCII except space, '"', '<', '>', '\\', '^', '`',
 * '{', '|', '}' (percent-escapes are kept as they are, but '%' must be
 * followed by two hex digits). Userinfo ("user:pass@") is REFUSED: a
 * password in a URL ends up in logs and process lists; send credentials in
 * an Authorization header instead.
 * detail (capacity cap, may be NULL) receives what was wrong.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_HTTP_URL.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_url_parse(const char *text, tlsc_url *out,
                                                char *detail, size_t cap);

/*
 * Resolve a reference (a redirect's Location) against base, RFC 3986
 * section 5.2: an absolute URL ("https://..."), a network-path reference
 * ("//host/path"), an absolute path ("/path") or a relative path
 * ("path", "../path", "?query"), with dot segments removed.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_HTTP_URL (also for an absolute
 * URL with another scheme than https).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_url_resolve(const tlsc_url *base,
                                                  const char *ref,
                                                  tlsc_url *out, char *detail,
                                                  size_t cap);

/* ---- request serializer --------------------------------------------------- */

/* One request header. Both strings are borrowed for the call. */
typedef struct tlsc_http_header {
    const char *name;
    const char *value;
} tlsc_http_header;

/* Body framing of a request (tlsc_http_request_format). */
#define TLSC_HTTP_BODY_NONE (-1)    /* no body, no Content-Length */
#define TLSC_HTTP_BODY_CHUNKED (-2) /* Transfer-Encoding: chunked */

/*
 * Write the request head (request line, Host, the headers, the framing
 * header, the blank line) for method and url into buf (capacity cap) and
 * set *len. body_len >= 0 sends "Content-Length: body_len";
 * TLSC_HTTP_BODY_NONE sends no framing header; TLSC_HTTP_BODY_CHUNKED
 * sends "Transfer-Encoding: chunked" (then frame the body with
 * tlsc_http_chunk_prefix and end it with "0\r\n\r\n").
 * The method must be an HTTP token; header names must be tokens and values
 * must not contain CR, LF, NUL or other control characters except HTAB
 * (HEADER INJECTION is refused, not escaped). Host, Content-Length and
 * Transfer-Encoding are written by tlsc and refused in headers.
 * With buf == NULL or cap too small: TLSC_ERR_BUFFER_SIZE, *len = size
 * needed. detail (capacity dcap, may be NULL) says what was refused.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_HTTP_BAD_REQUEST,
 * TLSC_ERR_BUFFER_SIZE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_request_format(
    char *buf, size_t cap, size_t *len, const char *method, const tlsc_url *url,
    const tlsc_http_header *headers, size_t count, int64_t body_len,
    char *detail, size_t dcap);

/* Write the chunk-size line for a chunk of n bytes ("1f40\r\n"); n > 0.
 * Returns its length (at most 18). */
TLSC_API size_t tlsc_http_chunk_prefix(char out[20], size_t n);

/* ---- response push parser -------------------------------------------------- */

/* Bounds on what the parser buffers. 0 in a field means its default. */
typedef struct tlsc_http_limits {
    size_t line_max;     /* status line or one header line, CRLF included
                            (default 8192) */
    size_t header_max;   /* all header (or trailer) lines of a response
                            together (default 32768) */
    size_t header_count; /* header (or trailer) fields (default 100) */
} tlsc_http_limits;

/* What the parser knows once a response's header section ended. */
typedef struct tlsc_http_head {
    int status;             /* 100..599 */
    int version_minor;      /* HTTP/1.0 -> 0, HTTP/1.1 -> 1 */
    int64_t content_length; /* -1 when not given (or not applicable) */
    bool chunked;           /* Transfer-Encoding: chunked */
    bool has_body;          /* false for HEAD, 1xx, 204, 304 */
    bool close_delimited;   /* body ends when the connection ends */
    bool keep_alive;        /* connection reusable after this response */
} tlsc_http_head;

/*
 * Callbacks of the parser; any may be NULL. Strings are NOT NUL-terminated
 * and valid only during the call. A callback returns TLSC_OK to go on, or
 * an error that stops parsing: tlsc_http_parser_feed returns it and it
 * becomes the parser's sticky error.
 */
typedef struct tlsc_http_callbacks {
    /* The status line: status code and reason phrase. */
    tlsc_err (*on_status)(void *ud, int status, const char *reason,
                          size_t reason_len);
    /* One header field (value without surrounding whitespace). */
    tlsc_err (*on_header)(void *ud, const char *name, size_t name_len,
                          const char *value, size_t value_len);
    /* The header section ended; head says how the body is framed. */
    tlsc_err (*on_head)(void *ud, const tlsc_http_head *head);
    /* A piece of the body (chunk framing removed); data points into the
     * bytes passed to tlsc_http_parser_feed. */
    tlsc_err (*on_body)(void *ud, const void *data, size_t len);
    /* One trailer field of a chunked body. */
    tlsc_err (*on_trailer)(void *ud, const char *name, size_t name_len,
                           const char *value, size_t value_len);
    /* The response is complete. */
    tlsc_err (*on_done)(void *ud);
} tlsc_http_callbacks;

typedef struct tlsc_http_parser tlsc_http_parser;

/*
 * Create a parser (one allocation of about limits->line_max bytes) ready
 * for a response to a non-HEAD request. limits may be NULL (defaults);
 * cb is copied; ud is passed to every callback.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_parser_new(
    const tlsc_http_limits *limits, const tlsc_http_callbacks *cb, void *ud,
    tlsc_http_parser **out);

/* NULL is allowed. */
TLSC_API void tlsc_http_parser_free(tlsc_http_parser *p);

/*
 * A response may be preceded by at most TLSC_HTTP_EMPTY_LINES_MAX empty
 * lines (more: TLSC_ERR_HTTP_TOO_MANY_EMPTY_LINES), and the clients
 * (tlsc_http_do, tlsc_http_ev) accept at most TLSC_HTTP_INTERIM_MAX interim
 * (1xx) responses before the final one (more:
 * TLSC_ERR_HTTP_TOO_MANY_INTERIM): a server cannot keep a client busy
 * forever with either.
 */
#define TLSC_HTTP_EMPTY_LINES_MAX 4
#define TLSC_HTTP_INTERIM_MAX 8

/*
 * Expect the next response, clearing any error. head_request: the request
 * was HEAD, so the response has no body whatever its headers say.
 * Interim (1xx) responses are complete responses of their own: after one
 * (on_done with status 1xx), reset and feed the rest (and bound how many
 * you accept, as the clients do with TLSC_HTTP_INTERIM_MAX).
 */
TLSC_API void tlsc_http_parser_reset(tlsc_http_parser *p, bool head_request);

/*
 * Parse up to len bytes. *used receives how many were consumed: all of
 * them, unless the response became complete, in which case parsing stops
 * right after it (the rest belongs to what follows) and
 * tlsc_http_parser_done returns true. Bytes after a complete response that
 * announced "Connection: close" are an error.
 * Errors: TLSC_ERR_HTTP_MALFORMED, TLSC_ERR_HTTP_HEADER_TOO_LARGE,
 * TLSC_ERR_HTTP_UNSUPPORTED, a callback's error; sticky until reset.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_parser_feed(tlsc_http_parser *p,
                                                       const void *data,
                                                       size_t len,
                                                       size_t *used);

/*
 * The transport ended. how is TLSC_ERR_CLOSED (close_notify: a clean end)
 * or TLSC_ERR_TRUNCATED (no close_notify) or a transport error. A
 * close-delimited body completes only on a clean end (on_done is called);
 * after a truncated end it fails with TLSC_ERR_TRUNCATED, as an attacker
 * could have cut it. Any other unfinished response fails with
 * TLSC_ERR_HTTP_INCOMPLETE (the detail says how much was missing).
 * Returns TLSC_OK when the response is complete.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_parser_eof(tlsc_http_parser *p,
                                                      tlsc_err how);

/* Whether the current response is complete. */
TLSC_API bool tlsc_http_parser_done(const tlsc_http_parser *p);
/* Whether any byte of the current response has been consumed. */
TLSC_API bool tlsc_http_parser_started(const tlsc_http_parser *p);
/* The head of the current response (valid once on_head was called). */
TLSC_API const tlsc_http_head *tlsc_http_parser_head(const tlsc_http_parser *p);
/* Detail of the sticky error ("" if none). Owned by p. */
TLSC_API const char *tlsc_http_parser_errmsg(const tlsc_http_parser *p);

/* ---- blocking client ------------------------------------------------------- */

typedef struct tlsc_http tlsc_http;

/*
 * Create a client that makes its connections with cfg (referenced; it is
 * frozen by the first connection). Defaults: 5 redirects followed, the
 * parser's default limits, one retry of a request on a reused connection
 * that the server had closed. The client holds one read buffer besides
 * its connection: 16 KiB in the full profile (a whole TLS record per
 * read), 4 KiB in the small ones and in the device firmware
 * (TLSC_HTTP_READ_BUFFER in the profile, or set by the build).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_new(tlsc_config *cfg, tlsc_http **out);

/* Close the connection (close_notify) and free. NULL is allowed. */
TLSC_API void tlsc_http_free(tlsc_http *h);

/* Redirects followed per request, 0..20 (0: return the 3xx response).
 * Errors: TLSC_ERR_INVALID_ARG. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_set_max_redirects(tlsc_http *h,
                                                             unsigned max);

/*
 * Total time limit in milliseconds (0 = none, the default), as curl's
 * --max-time: each tlsc_http_do (all its redirects, connects, sending and
 * reading) and each tlsc_http_download as a whole (all its Range pieces and
 * reconnects) must complete within ms, or fails with
 * TLSC_ERR_TIMEOUT_TOTAL. The configuration's timeouts still bound each
 * connect, handshake and read; this bounds a server that keeps every read
 * short (one byte a second).
 * Errors: TLSC_ERR_INVALID_ARG.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_set_max_time(tlsc_http *h, uint32_t ms);

/* Parser limits for the responses (NULL restores the defaults).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_set_limits(tlsc_http *h,
                                                      const tlsc_http_limits *limits);

/*
 * Verify the servers as `name` instead of the URL's host (see
 * tlsc_conn_set_server_name); NULL restores the default. Redirects to
 * another host are refused while a name is set.
 * Errors: TLSC_ERR_INVALID_ARG (h NULL), TLSC_ERR_HOSTNAME (not a host
 * name, empty or longer than 253 characters; the earlier name is kept),
 * TLSC_ERR_NO_MEMORY; the last two with words in tlsc_http_errmsg.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_set_server_name(tlsc_http *h,
                                                           const char *name);

/*
 * Offer a saved session (from tlsc_conn_export_session or
 * tlsc_http_export_session, e.g. kept in RTC memory) on the next new
 * connection; the core offers it only to the server name and configuration
 * it belongs to (tlsc/session.h). The blob is copied (into a buffer of
 * TLSC_SESSION_MAX bytes, allocated once). An error's words are in
 * tlsc_http_errmsg.
 * Errors: TLSC_ERR_INVALID_ARG (NULL, empty or longer than TLSC_SESSION_MAX),
 * TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_set_session(tlsc_http *h, const void *blob,
                                                       size_t len);

/*
 * Export the newest session the client holds (of the open connection, or
 * of the last one) into buf, as tlsc_conn_export_session does.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_SESSION, TLSC_ERR_BUFFER_SIZE
 * (*len says how much is needed).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_export_session(tlsc_http *h, void *buf, size_t cap,
                                                          size_t *len);

/* Streaming request body: write up to cap bytes into buf, set *got (0 =
 * end of body). Return TLSC_OK or an error that aborts the request. */
typedef tlsc_err (*tlsc_http_producer_fn)(void *ud, void *buf, size_t cap,
                                          size_t *got);

/* One request. Every pointer is borrowed for the call. */
typedef struct tlsc_http_request {
    const char *method;             /* NULL = "GET" ("HEAD": no body read) */
    const char *url;                /* https://... */
    const tlsc_http_header *headers;
    size_t header_count;
    /* Body: a buffer (body, body_len), or a producer (body_fn, body_ud)
     * sending body_fn_len bytes, or chunked when body_fn_len < 0. */
    const void *body;
    size_t body_len;
    tlsc_http_producer_fn body_fn;
    void *body_ud;
    int64_t body_fn_len;
    /* What the final response (after redirects) is delivered to; the
     * intermediate 1xx and followed 3xx responses are not. */
    tlsc_http_callbacks cb;
    void *cb_ud;
} tlsc_http_request;

/* What happened, filled by tlsc_http_do (also on error, as far as known). */
typedef struct tlsc_http_result {
    int status;             /* final status, 0 if none was received */
    uint64_t body_bytes;    /* body bytes delivered to cb.on_body */
    unsigned redirects;     /* redirects followed */
    bool reused;            /* final response came over a reused connection */
    bool resumed;           /* ... whose handshake resumed a session */
    char url[TLSC_URL_TARGET_MAX + TLSC_URL_HOST_MAX + 16]; /* final URL */
} tlsc_http_result;

/*
 * Send one request and read its whole response, delivering the final one
 * to req->cb. The connection is kept open for the next request to the same
 * host and port when the response allows it; a new connection to a host
 * whose session is known offers that session (resumption).
 * Redirects (301, 302, 303, 307, 308 with a Location) are followed up to
 * the limit: 303, and 301/302 after POST, continue with GET and no body;
 * 307/308 resend the body, which is impossible for a producer body
 * (TLSC_ERR_HTTP_REDIRECT). Authorization and Cookie headers are sent only
 * to the host of req->url. A status >= 400 is NOT an error here. A bad
 * URL, method or header, or both req->body and req->body_fn, fail before
 * any connection is made, and a kept-alive connection stays open.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_HTTP_*, TLSC_ERR_TRUNCATED (a
 * close-delimited body cut without close_notify), any connection error,
 * a callback's or the producer's error. Detail: tlsc_http_errmsg.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_do(tlsc_http *h,
                                              const tlsc_http_request *req,
                                              tlsc_http_result *res);

/* Detail of the last error of h ("" after a success). Owned by h. */
TLSC_API const char *tlsc_http_errmsg(const tlsc_http *h);

/* Statistics of h since tlsc_http_new. */
typedef struct tlsc_http_stats {
    unsigned long connections; /* TLS handshakes completed */
    unsigned long resumed;     /* ... of which resumed a session */
    unsigned long requests;    /* requests sent (including redirects, retries) */
    unsigned long reused;      /* ... of which over an already open connection */
} tlsc_http_stats;

TLSC_API void tlsc_http_get_stats(const tlsc_http *h, tlsc_http_stats *out);

/* ---- downloads -------------------------------------------------------------- */

/* Progress: done bytes of total (-1 when unknown). */
typedef void (*tlsc_http_progress_fn)(void *ud, uint64_t done, int64_t total);

/* A download. Give exactly one of path and sink. */
typedef struct tlsc_download {
    const char *url;
    const tlsc_http_header *headers;
    size_t header_count;
    /* File: written as "<path>.tlsc-XXXXXX" in the same directory, renamed
     * to path only when the whole content arrived and matched sha256/size;
     * removed otherwise. An existing file at path is replaced only then.
     * An existing path that is not a regular file (a device such as
     * /dev/null, a FIFO, a directory) or a symlink is refused with
     * TLSC_ERR_HTTP_SINK before anything is fetched, never replaced: write
     * to those through a sink (the tlsc command's -o does). */
    const char *path;
    /* Sink: receives the content in order. It sees the data BEFORE the
     * digest can be checked: treat it as unverified until
     * tlsc_http_download returns TLSC_OK. */
    tlsc_err (*sink)(void *ud, const void *data, size_t len);
    void *sink_ud;
    /* Expected SHA-256 of the content (checked at the end) ... */
    const unsigned char *sha256; /* 32 bytes, or NULL for no check */
    /* ... and size in bytes, or -1 for no check. */
    int64_t size;
    /* 0: one GET. Otherwise the content is fetched in Range requests of
     * this many bytes (e.g. 65536, like ESP-IDF's esp_https_ota), each
     * answered with 206 and a matching Content-Range; a connection that
     * drops is reopened (resuming the TLS session when possible) and the
     * piece asked for again, up to max_retries times in a row. */
    size_t range_chunk;
    unsigned max_retries; /* 0 = default 3 */
    tlsc_http_progress_fn progress;
    void *progress_ud;
    /* Report the SHA-256 of the content in tlsc_download_result.sha256
     * even though no sha256 is expected. The content is hashed ONLY when
     * sha256 is given or this is true, and then exactly once, while it
     * streams (no second pass over a file or flash); otherwise no digest
     * is computed at all (hashing would cost more than the TLS decryption
     * of an AES-NI build) and the result's sha256_valid is false. */
    bool want_sha256;
} tlsc_download;

typedef struct tlsc_download_result {
    uint64_t bytes;            /* content bytes received */
    unsigned char sha256[32];  /* their SHA-256 when sha256_valid, else zeros */
    int status;                /* last HTTP status */
    unsigned reconnects;       /* connections reopened after a drop */
    bool sha256_valid;         /* a digest was asked for (d->sha256 or
                                * d->want_sha256) and the whole content
                                * was hashed */
} tlsc_download_result;

/*
 * Download d->url (following redirects as tlsc_http_do does) and verify
 * it: the size against d->size and the Content-Length / Content-Range,
 * the SHA-256 against d->sha256 (computed only when a digest is asked
 * for: see want_sha256). A status other than 200 (206 for Range pieces)
 * fails with TLSC_ERR_HTTP_STATUS. res may be NULL.
 * Errors: as tlsc_http_do, plus TLSC_ERR_HTTP_DIGEST_MISMATCH,
 * TLSC_ERR_HTTP_SIZE_MISMATCH, TLSC_ERR_HTTP_RANGE, TLSC_ERR_HTTP_SINK
 * (the sink failed, or the file could not be written or renamed).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_download(tlsc_http *h,
                                                    const tlsc_download *d,
                                                    tlsc_download_result *res);

/* ---- requests on the event driver (tlsc/event.h) ---------------------------- */

/*
 * tlsc_http_ev runs requests, one after the other, over event connections
 * (tlsc_ev) of a tlsc_loop: many of them share one loop and one thread. It
 * runs the SAME exchange engine as the blocking client (request head,
 * response parsing, redirects, the resend on a closed kept-alive
 * connection, verified downloads), stepped from events instead of blocking
 * calls. It opens the connection to the URL's host and port at the first
 * request, keeps it for the next request when the response allows
 * (keep-alive), and opens a new one when it is gone (Connection: close, an
 * error, the server closed it, another host or port). A request sent on a
 * kept-alive connection the server had closed before answering is sent
 * once more on a new one. Interim (1xx) responses are skipped. A new
 * connection to the same server name and port offers the session of the
 * previous one (resumption: a short handshake); the client keeps one
 * saved session (at most TLSC_SESSION_MAX bytes) for all its connections.
 *
 * Redirects are followed only when tlsc_http_ev_set_max_redirects allowed
 * them (default 0, as in earlier versions: the 3xx response is delivered);
 * then with the blocking client's rules (tlsc_http_do).
 *
 * Two ways to send a request: tlsc_http_ev_request (a parsed URL and a
 * body buffer, all copied at once) and tlsc_http_ev_do (the blocking
 * client's tlsc_http_request, with a producer body and a tlsc_http_result;
 * borrowed until the end callback). tlsc_http_ev_download is
 * tlsc_http_download on the event driver.
 *
 * Endings: a close-delimited body completes only on a clean end
 * (close_notify); a connection cut without it fails the request with
 * TLSC_ERR_TRUNCATED. Other errors: those of tlsc_http_parser_feed and
 * _eof, the connection's own error when it failed (TLSC_ERR_VERIFY,
 * TLSC_ERR_CONN_REFUSED, TLSC_ERR_TIMEOUT_TOTAL, ...), or a callback's
 * error; as the blocking client, bytes after a complete response are
 * TLSC_ERR_HTTP_MALFORMED. After an error the connection is dropped.
 * While a request runs, the configuration's I/O timeout
 * (tlsc_config_set_timeouts) bounds how long nothing may move on its
 * connection (TLSC_ERR_TIMEOUT_READ or _WRITE), as it bounds each read and
 * write of the blocking client; a kept-alive connection waiting for the
 * next request is not bounded.
 * Requests carry the same head as the blocking client's (a User-Agent
 * unless given; Content-Length: 0 for a POST or PUT without body).
 *
 * BACKPRESSURE: a callback (typically on_body, e.g. while a flash page is
 * written) may call tlsc_http_ev_hold: no further RECEIVE is read from the
 * socket (TCP flow control then stops the server) until
 * tlsc_http_ev_unhold. The rest of the receive event being parsed is still
 * delivered: at most 4096 bytes more.
 *
 * Reentrancy: every callback (the request's cb and end) may call
 * tlsc_http_ev_request (from end: the next request) and tlsc_http_ev_free
 * (nothing more is delivered afterwards), and may not call tlsc_loop_run.
 */
typedef struct tlsc_http_ev tlsc_http_ev;

/* The request ended: err is TLSC_OK after cb.on_done of a complete final
 * response, else why it failed, with words in detail (never NULL; valid
 * during the call). The next request may be sent from here. */
typedef void (*tlsc_http_ev_end_fn)(tlsc_http_ev *hx, tlsc_err err, const char *detail,
                                    void *ud);

/* One request on the event driver. Every pointer is borrowed for the call
 * to tlsc_http_ev_request (the request is checked and copied at once:
 * method, URL, headers, body), except ud, passed to cb and end until end
 * returned. */
typedef struct tlsc_http_ev_req {
    const char *method;          /* NULL = "GET"; "HEAD": no body read */
    const tlsc_url *url;         /* from tlsc_url_parse */
    const tlsc_http_header *headers;
    size_t header_count;
    const void *body;            /* NULL: no body; else body_len bytes */
    size_t body_len;             /* (Content-Length), copied */
    tlsc_http_callbacks cb;      /* the final response (on_body: no copy) */
    tlsc_http_ev_end_fn end;     /* may be NULL */
    void *ud;
    /* Total time limit of the request in milliseconds (0 = none), from
     * tlsc_http_ev_request to the end callback, connecting included (as
     * tlsc_http_set_max_time): when it passes, end gets
     * TLSC_ERR_TIMEOUT_TOTAL and the connection is closed. */
    uint32_t max_ms;
} tlsc_http_ev_req;

/*
 * Create a requester on loop whose connections use cfg (referenced and
 * frozen as by tlsc_ev_new). limits may be NULL (parser defaults).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_new(tlsc_loop *loop, tlsc_config *cfg,
                                                  const tlsc_http_limits *limits,
                                                  tlsc_http_ev **out);

/* Close the connection at once (as tlsc_ev_free) and free; a request in
 * flight ends without its end callback. Allowed inside its callbacks.
 * NULL is allowed. Free every tlsc_http_ev before its loop. */
TLSC_API void tlsc_http_ev_free(tlsc_http_ev *hx);

/*
 * Format r's request and queue it (connecting first if needed); events
 * follow from the loop. One request at a time: send the next from end.
 * The send queue is enlarged to hold the head or the body when one is
 * larger than its bound (so the body is in RAM once more: stream large
 * uploads with a producer through tlsc_http_ev_do instead).
 * Errors: TLSC_ERR_INVALID_ARG (hx, r or r->url NULL, r->body NULL with
 * a body_len, or hx freed inside one of its callbacks), TLSC_ERR_STATE (a
 * request is in flight), those of tlsc_http_request_format, tlsc_ev_new
 * and tlsc_ev_connect, TLSC_ERR_NO_MEMORY; what fails before any event
 * (the connection cannot even start) is returned here and end is not
 * called (its words are in tlsc_http_ev_errmsg).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_request(tlsc_http_ev *hx,
                                                      const tlsc_http_ev_req *r);

/*
 * Send req (as tlsc_http_do: redirects up to tlsc_http_ev_set_max_redirects,
 * default 0; Authorization and Cookie only to req->url's host; a producer
 * body is pulled as the send queue drains) and deliver its final response
 * to req->cb; end follows (detail: tlsc_http_ev_errmsg's words). req, what
 * it points to, and res (may be NULL) are BORROWED until end is called:
 * keep them alive. The total limit of tlsc_http_ev_set_max_time applies.
 * What fails before any event (a bad URL, method or header, a connection
 * that cannot start) is returned here and end is NOT called (its words are in
 * tlsc_http_ev_errmsg). end and ud may be NULL.
 * Errors: TLSC_ERR_INVALID_ARG (hx, req or req->url NULL, both req->body
 * and req->body_fn, or hx freed inside one of its callbacks),
 * TLSC_ERR_STATE (a request is in flight),
 * those of tlsc_url_parse, tlsc_http_request_format, tlsc_ev_new and
 * tlsc_ev_connect, TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_do(tlsc_http_ev *hx,
                                                 const tlsc_http_request *req,
                                                 tlsc_http_result *res,
                                                 tlsc_http_ev_end_fn end, void *ud);

/*
 * tlsc_http_download on the event driver: the same checks, Range pieces,
 * reconnects, temporary file and SHA-256, one request after the other
 * from events; end is called once the download is over (err as
 * tlsc_http_download's), with res filled. d, what it points to (URL,
 * headers, sha256, path, the sink's and progress's state) and res are
 * BORROWED until end is called. The sink and the file are written from
 * event callbacks (the loop waits while they write). What fails before any
 * event is returned here and end is NOT called (res is then filled too,
 * except for the argument and state errors below, which leave it as it
 * was).
 * Errors: TLSC_ERR_INVALID_ARG (hx or res NULL, d or d->url NULL, not
 * exactly one of d->path and d->sink, or hx freed inside one of its
 * callbacks), TLSC_ERR_STATE (a request is in flight), then as
 * tlsc_http_ev_do, plus tlsc_http_download's.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_download(tlsc_http_ev *hx,
                                                       const tlsc_download *d,
                                                       tlsc_download_result *res,
                                                       tlsc_http_ev_end_fn end, void *ud);

/* Redirects followed per request by tlsc_http_ev_do and _download, 0..20
 * (default 0: the 3xx response is delivered).
 * Errors: TLSC_ERR_INVALID_ARG (hx NULL, max > 20; the setting is kept). */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_set_max_redirects(tlsc_http_ev *hx,
                                                                unsigned max);
/* Total time limit in ms of each tlsc_http_ev_do and of each
 * tlsc_http_ev_download as a whole (0 = none, the default), as
 * tlsc_http_set_max_time; a tlsc_http_ev_req's own max_ms replaces it for
 * that request. Errors: TLSC_ERR_INVALID_ARG (hx NULL). */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_set_max_time(tlsc_http_ev *hx, uint32_t ms);
/* As tlsc_http_set_server_name: name (copied; NULL restores the URL's
 * host) must be a host name of at most 253 characters. On success the
 * open connection is closed (it verified another name).
 * Errors: TLSC_ERR_INVALID_ARG (hx NULL), TLSC_ERR_STATE (a request is in
 * flight), TLSC_ERR_HOSTNAME (not a host name, empty or too long; the
 * earlier name is kept), TLSC_ERR_NO_MEMORY; all but the first with words
 * in tlsc_http_ev_errmsg. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_set_server_name(tlsc_http_ev *hx,
                                                              const char *name);
/* As tlsc_http_set_session / tlsc_http_export_session. set_session copies
 * blob (at most TLSC_SESSION_MAX bytes). export_session writes the session
 * of the open connection, else the last one saved, into buf (borrowed for
 * the call) and its length into *len (also when buf is too small).
 * Errors of set_session: TLSC_ERR_INVALID_ARG (hx or blob NULL, len 0 or
 * more than TLSC_SESSION_MAX), TLSC_ERR_NO_MEMORY, with words in
 * tlsc_http_ev_errmsg (when hx is not NULL). Errors of
 * export_session: TLSC_ERR_INVALID_ARG (hx or len NULL), TLSC_ERR_NO_SESSION
 * (none yet; *len 0), TLSC_ERR_BUFFER_SIZE (*len says how much is
 * needed). */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_set_session(tlsc_http_ev *hx, const void *blob,
                                                          size_t len);
TLSC_API TLSC_NODISCARD tlsc_err tlsc_http_ev_export_session(tlsc_http_ev *hx, void *buf,
                                                             size_t cap, size_t *len);
/* As tlsc_http_get_stats: the counts since tlsc_http_ev_new into *out
 * (all 0 when hx is NULL; nothing is written when out is NULL). */
TLSC_API void tlsc_http_ev_get_stats(const tlsc_http_ev *hx, tlsc_http_stats *out);
/* Detail of the last error ("" after a success; also given to end).
 * A tlsc_http_ev_* call given hx that refuses with TLSC_ERR_INVALID_ARG
 * or TLSC_ERR_STATE leaves words here naming the bad argument, or that a
 * request is in flight (not taken for that request's own). Owned by hx:
 * the pointer is valid until tlsc_http_ev_free, its words change with the
 * next request or refused call. "" when hx is NULL; never NULL. */
TLSC_API const char *tlsc_http_ev_errmsg(const tlsc_http_ev *hx);

/* Stop / resume reading responses (see BACKPRESSURE above); also applies
 * to connections made later. Idempotent; NULL is ignored. */
TLSC_API void tlsc_http_ev_hold(tlsc_http_ev *hx);
TLSC_API void tlsc_http_ev_unhold(tlsc_http_ev *hx);

/* Whether a request is in flight. */
TLSC_API bool tlsc_http_ev_busy(const tlsc_http_ev *hx);

/* The current connection (for tlsc_ev_conn's getters, tlsc_ev_getpeer),
 * or NULL; replaced when a new connection is made, so do not keep it.
 * Do not send on it or free it. */
TLSC_API tlsc_ev *tlsc_http_ev_connection(tlsc_http_ev *hx);

TLSC_END_DECLS

#endif /* TLSC_HTTP_H */
