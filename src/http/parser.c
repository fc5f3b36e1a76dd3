/*
 * The HTTP/1.1 response push parser (tlsc/http.h). A state machine fed
 * with bytes in pieces of any size: header lines are collected in one
 * bounded buffer, body bytes are handed to the callback in place.
 *
 * Why so strict: an embedded client that downloads firmware meets proxies
 * and captive portals; every ambiguity a lenient parser resolves (bare LF,
 * obs-fold, Transfer-Encoding next to Content-Length, two lengths) is one
 * a man in the middle or a confused intermediary can use to make two
 * parsers see different bodies. Refusing them costs nothing on real
 * servers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base/codec.h"
#include "core/base/text.h"
#include "core/mbedtls/init.h"
#include "http/http_internal.h"

#define LINE_MAX_DEFAULT 8192
#define HEADER_MAX_DEFAULT 32768
#define HEADER_COUNT_DEFAULT 100

typedef enum pstate {
    P_START,        /* before the status line (empty lines skipped) */
    P_STATUS,       /* collecting the status line */
    P_HEADER,       /* collecting a header line */
    P_CHUNK_SIZE,   /* collecting a chunk-size line */
    P_CHUNK_DATA,
    P_CHUNK_CR,     /* CRLF after chunk data */
    P_CHUNK_LF,
    P_TRAILER,      /* collecting a trailer line */
    P_BODY_LENGTH,  /* Content-Length body */
    P_BODY_CLOSE,   /* body until the connection ends */
    P_DONE,
    P_ERROR
} pstate;

struct tlsc_http_parser {
    tlsc_http_callbacks cb;
    void *ud;
    size_t line_max, header_max, header_count_max;

    pstate state;
    bool head_request;
    bool started;
    tlsc_err err;

    /* the line being collected */
    size_t line_len;
    bool cr;              /* last byte was CR */
    unsigned empty_lines; /* before the status line */
    size_t section_bytes; /* header (or trailer) bytes so far */
    size_t fields;        /* header (or trailer) fields so far */

    /* what the headers said */
    tlsc_http_head head;
    bool te_seen, te_chunked, conn_close, conn_keep_alive, cl_seen;
    uint64_t remaining;   /* of the Content-Length body or the chunk */
    uint64_t body_total;

    char errmsg[TLSC__HTTP_DETAIL_MAX];
    char *line;           /* line_max bytes */
};

/* ---- errors ------------------------------------------------------------------- */

static tlsc_err fail(tlsc_http_parser *p, tlsc_err err, const char *fmt, ...) TLSC_PRINTF(3, 4);

static tlsc_err fail(tlsc_http_parser *p, tlsc_err err, const char *fmt, ...)
{
    if (p->state == P_ERROR)
        return p->err;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(p->errmsg, sizeof p->errmsg, fmt, ap);
    va_end(ap);
    p->state = P_ERROR;
    p->err = err;
    return err;
}

/* A callback's refusal: keep its code, say where it happened. */
static tlsc_err callback_failed(tlsc_http_parser *p, tlsc_err err, const char *which)
{
    return fail(p, err, "the %s callback returned %s", which, tlsc_strerror(err));
}

/* ---- characters ----------------------------------------------------------------- */

bool tlsc__http_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

bool tlsc__http_name_is(const char *name, size_t len, const char *lower)
{
    size_t n = strlen(lower);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

/* field-vchar / SP / HTAB / obs-text */
static bool value_char_ok(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* ---- lifetime ------------------------------------------------------------------ */

TLSC_API tlsc_err tlsc_http_parser_new(const tlsc_http_limits *limits,
                                       const tlsc_http_callbacks *cb, void *ud,
                                       tlsc_http_parser **out)
{
    if (out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_err err = tlsc__global_init();
    if (err != TLSC_OK)
        return err;
    tlsc_http_parser *p = tlsc__calloc(1, sizeof *p);
    if (p == NULL)
        return TLSC_ERR_NO_MEMORY;
    p->line_max = limits != NULL && limits->line_max != 0 ? limits->line_max : LINE_MAX_DEFAULT;
    p->header_max = limits != NULL && limits->header_max != 0 ? limits->header_max
                                                               : HEADER_MAX_DEFAULT;
    p->header_count_max = limits != NULL && limits->header_count != 0 ? limits->header_count
                                                                       : HEADER_COUNT_DEFAULT;
    if (p->line_max < 64)
        p->line_max = 64;
    p->line = tlsc__calloc(1, p->line_max);
    if (p->line == NULL) {
        tlsc__free(p);
        return TLSC_ERR_NO_MEMORY;
    }
    if (cb != NULL)
        p->cb = *cb;
    p->ud = ud;
    tlsc_http_parser_reset(p, false);
    *out = p;
    return TLSC_OK;
}

tlsc_err tlsc__http_next_after_interim(tlsc_http_parser *p, bool head_request, unsigned *seen)
{
    int status = p->head.status;
    if (++*seen > TLSC_HTTP_INTERIM_MAX)
        return fail(p, TLSC_ERR_HTTP_TOO_MANY_INTERIM,
                    "the server sent more than %d interim responses (the last one %d) "
                    "without a final response", TLSC_HTTP_INTERIM_MAX, status);
    tlsc_http_parser_reset(p, head_request);
    return TLSC_OK;
}

void tlsc__http_parser_set_callbacks(tlsc_http_parser *p, const tlsc_http_callbacks *cb, void *ud)
{
    memset(&p->cb, 0, sizeof p->cb);
    if (cb != NULL)
        p->cb = *cb;
    p->ud = ud;
}

TLSC_API void tlsc_http_parser_free(tlsc_http_parser *p)
{
    if (p == NULL)
        return;
    tlsc__free(p->line);
    tlsc__free(p);
}

TLSC_API void tlsc_http_parser_reset(tlsc_http_parser *p, bool head_request)
{
    if (p == NULL)
        return;
    p->state = P_START;
    p->head_request = head_request;
    p->started = false;
    p->err = TLSC_OK;
    p->line_len = 0;
    p->cr = false;
    p->empty_lines = 0;
    p->section_bytes = 0;
    p->fields = 0;
    memset(&p->head, 0, sizeof p->head);
    p->head.content_length = -1;
    p->te_seen = p->te_chunked = p->conn_close = p->conn_keep_alive = p->cl_seen = false;
    p->remaining = 0;
    p->body_total = 0;
    p->errmsg[0] = '\0';
}

/* ---- lines ------------------------------------------------------------------------ */

static const char *line_name(const tlsc_http_parser *p)
{
    switch (p->state) {
    case P_STATUS: return "status line";
    case P_HEADER: return "header line";
    case P_CHUNK_SIZE: return "chunk-size line";
    default: return "trailer line";
    }
}

/*
 * Collect bytes of the current line from data[*i..len). Returns TLSC_OK
 * with *complete set when the line (without CRLF) is in p->line.
 */
static tlsc_err collect_line(tlsc_http_parser *p, const unsigned char *data, size_t len,
                             size_t *i, bool *complete)
{
    bool header_section = p->state == P_HEADER || p->state == P_TRAILER;
    *complete = false;
    while (*i < len) {
        unsigned char c = data[(*i)++];
        if (header_section && ++p->section_bytes > p->header_max)
            return fail(p, TLSC_ERR_HTTP_HEADER_TOO_LARGE,
                        "%s section is larger than %lu bytes",
                        p->state == P_HEADER ? "header" : "trailer", (unsigned long)p->header_max);
        if (p->cr) {
            if (c != '\n')
                return fail(p, TLSC_ERR_HTTP_MALFORMED,
                            "bare CR in the %s after \"%.40s\" (line ends must be CRLF)",
                            line_name(p), p->line);
            p->cr = false;
            p->line[p->line_len] = '\0';
            *complete = true;
            return TLSC_OK;
        }
        if (c == '\r') {
            p->cr = true;
            continue;
        }
        if (c == '\n')
            return fail(p, TLSC_ERR_HTTP_MALFORMED,
                        "bare LF ending the %s (line ends must be CRLF)", line_name(p));
        if (header_section && p->line_len == 0 && is_ows((char)c))
            return fail(p, TLSC_ERR_HTTP_MALFORMED,
                        "%s starts with whitespace (obsolete line folding is refused)",
                        line_name(p));
        if (p->line_len + 3 > p->line_max)
            return fail(p, TLSC_ERR_HTTP_HEADER_TOO_LARGE, "%s longer than %lu bytes",
                        line_name(p), (unsigned long)p->line_max);
        p->line[p->line_len++] = (char)c;
    }
    return TLSC_OK;
}

/* ---- status line ------------------------------------------------------------------- */

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

static tlsc_err parse_version(tlsc_http_parser *p, const char *l)
{
    char q[80];
    if (strncmp(l, "HTTP/", 5) != 0 || !digit(l[5]) || l[6] != '.' || !digit(l[7]) ||
        l[8] != ' ') {
        tlsc__http_quote(q, sizeof q, l, p->line_len);
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "status line \"%s\" does not start with HTTP/D.D and a space", q);
    }
    if (l[5] != '1' || (l[7] != '0' && l[7] != '1'))
        return fail(p, TLSC_ERR_HTTP_UNSUPPORTED,
                    "server speaks HTTP/%c.%c; tlsc supports HTTP/1.0 and HTTP/1.1", l[5], l[7]);
    p->head.version_minor = l[7] - '0';
    return TLSC_OK;
}

static tlsc_err parse_status_line(tlsc_http_parser *p)
{
    const char *l = p->line;
    tlsc_err err = parse_version(p, l);
    if (err != TLSC_OK)
        return err;
    const char *s = l + 9;
    if (!digit(s[0]) || !digit(s[1]) || !digit(s[2]) || (s[3] != ' ' && s[3] != '\0'))
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "status code in \"%.40s\" is not three digits", l);
    int status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    if (status < 100 || status > 599)
        return fail(p, TLSC_ERR_HTTP_MALFORMED, "status code %d is outside 100..599", status);
    const char *reason = s[3] == ' ' ? s + 4 : s + 3;
    size_t rlen = p->line_len - (size_t)(reason - l);
    for (size_t i = 0; i < rlen; i++) {
        if (!value_char_ok((unsigned char)reason[i]))
            return fail(p, TLSC_ERR_HTTP_MALFORMED,
                        "control character 0x%02x in the reason phrase",
                        (unsigned char)reason[i]);
    }
    p->head.status = status;
    if (p->cb.on_status != NULL && (err = p->cb.on_status(p->ud, status, reason, rlen)) != TLSC_OK)
        return callback_failed(p, err, "on_status");
    p->state = P_HEADER;
    return TLSC_OK;
}

/* ---- header fields ---------------------------------------------------------------- */

/* Content-Length: 1*DIGIT, repeated only with the same value. */
static tlsc_err header_content_length(tlsc_http_parser *p, const char *v, size_t len)
{
    uint64_t n = 0;
    char q[80];
    if (len == 0 || len > 18)
        goto bad;
    for (size_t i = 0; i < len; i++) {
        if (!digit(v[i]))
            goto bad;
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    if (p->cl_seen && (uint64_t)p->head.content_length != n)
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "conflicting Content-Length values %s and %s",
                    tlsc__i64(p->head.content_length).s, tlsc__u64(n).s);
    p->cl_seen = true;
    p->head.content_length = (int64_t)n;
    return TLSC_OK;
bad:
    tlsc__http_quote(q, sizeof q, v, len);
    return fail(p, TLSC_ERR_HTTP_MALFORMED,
                "Content-Length \"%s\" is not a decimal number of at most 18 digits", q);
}

/* Split a comma-separated list and call fn on each trimmed element. */
static tlsc_err each_element(tlsc_http_parser *p, const char *v, size_t len,
                             tlsc_err (*fn)(tlsc_http_parser *, const char *, size_t))
{
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && v[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && is_ows(v[a]))
            a++;
        while (b > a && is_ows(v[b - 1]))
            b--;
        tlsc_err err = fn(p, v + a, b - a);
        if (err != TLSC_OK)
            return err;
        i = j + 1;
    }
    return TLSC_OK;
}

static tlsc_err te_element(tlsc_http_parser *p, const char *e, size_t len)
{
    char q[80];
    if (len == 0)
        return fail(p, TLSC_ERR_HTTP_MALFORMED, "empty element in Transfer-Encoding");
    if (!tlsc__http_name_is(e, len, "chunked")) {
        tlsc__http_quote(q, sizeof q, e, len);
        return fail(p, TLSC_ERR_HTTP_UNSUPPORTED,
                    "Transfer-Encoding \"%s\" is not supported (only chunked)", q);
    }
    if (p->te_chunked)
        return fail(p, TLSC_ERR_HTTP_MALFORMED, "Transfer-Encoding names chunked twice");
    p->te_chunked = true;
    return TLSC_OK;
}

static tlsc_err connection_element(tlsc_http_parser *p, const char *e, size_t len)
{
    if (tlsc__http_name_is(e, len, "close"))
        p->conn_close = true;
    else if (tlsc__http_name_is(e, len, "keep-alive"))
        p->conn_keep_alive = true;
    return TLSC_OK;
}

static tlsc_err interpret_header(tlsc_http_parser *p, const char *n, size_t nlen, const char *v,
                                 size_t vlen)
{
    if (tlsc__http_name_is(n, nlen, "content-length"))
        return header_content_length(p, v, vlen);
    if (tlsc__http_name_is(n, nlen, "transfer-encoding")) {
        p->te_seen = true;
        return each_element(p, v, vlen, te_element);
    }
    if (tlsc__http_name_is(n, nlen, "connection"))
        return each_element(p, v, vlen, connection_element);
    return TLSC_OK;
}

/* Split and check "name: value" in p->line; value trimmed of OWS. */
static tlsc_err split_field(tlsc_http_parser *p, const char **value, size_t *nlen, size_t *vlen)
{
    const char *l = p->line;
    char q[80];
    size_t n = 0;
    if (is_ows(l[0]))
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "%s starts with whitespace (obsolete line folding is refused)", line_name(p));
    while (n < p->line_len && tlsc__http_tchar((unsigned char)l[n]))
        n++;
    if (n == 0 || n == p->line_len || l[n] != ':') {
        tlsc__http_quote(q, sizeof q, l, p->line_len);
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "%s \"%s\" is not 'name: value' (invalid character in the name?)",
                    line_name(p), q);
    }
    size_t a = n + 1, b = p->line_len;
    while (a < b && is_ows(l[a]))
        a++;
    while (b > a && is_ows(l[b - 1]))
        b--;
    for (size_t i = a; i < b; i++) {
        if (!value_char_ok((unsigned char)l[i]))
            return fail(p, TLSC_ERR_HTTP_MALFORMED,
                        "control character 0x%02x in the value of header %.*s",
                        (unsigned char)l[i], (int)(n > 40 ? 40 : n), l);
    }
    *nlen = n;
    *value = l + a;
    *vlen = b - a;
    return TLSC_OK;
}

static tlsc_err field_line(tlsc_http_parser *p, bool trailer)
{
    const char *value = NULL;
    size_t nlen = 0, vlen = 0; /* gcc -O2 cannot see split_field sets them */
    tlsc_err err = split_field(p, &value, &nlen, &vlen);
    if (err != TLSC_OK)
        return err;
    if (++p->fields > p->header_count_max)
        return fail(p, TLSC_ERR_HTTP_HEADER_TOO_LARGE, "more than %lu %s fields",
                    (unsigned long)p->header_count_max, trailer ? "trailer" : "header");
    if (trailer) {
        if (p->cb.on_trailer != NULL &&
            (err = p->cb.on_trailer(p->ud, p->line, nlen, value, vlen)) != TLSC_OK)
            return callback_failed(p, err, "on_trailer");
        return TLSC_OK;
    }
    err = interpret_header(p, p->line, nlen, value, vlen);
    if (err != TLSC_OK)
        return err;
    if (p->cb.on_header != NULL && (err = p->cb.on_header(p->ud, p->line, nlen, value, vlen)) != TLSC_OK)
        return callback_failed(p, err, "on_header");
    return TLSC_OK;
}

/* ---- end of the header section: framing ------------------------------------------- */

static tlsc_err finish(tlsc_http_parser *p)
{
    p->state = P_DONE;
    tlsc_err err;
    if (p->cb.on_done != NULL && (err = p->cb.on_done(p->ud)) != TLSC_OK)
        return callback_failed(p, err, "on_done");
    return TLSC_OK;
}

static tlsc_err check_framing(tlsc_http_parser *p)
{
    int s = p->head.status;
    if (s == 101)
        return fail(p, TLSC_ERR_HTTP_UNSUPPORTED,
                    "101 Switching Protocols, but tlsc never asks for a protocol upgrade");
    if (p->te_seen && p->cl_seen)
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "both Transfer-Encoding and Content-Length (refused: request smuggling risk)");
    if (p->te_seen && !p->te_chunked)
        return fail(p, TLSC_ERR_HTTP_MALFORMED, "empty Transfer-Encoding");
    if (p->te_seen && p->head.version_minor == 0)
        return fail(p, TLSC_ERR_HTTP_MALFORMED, "Transfer-Encoding in an HTTP/1.0 response");
    return TLSC_OK;
}

static void decide_framing(tlsc_http_parser *p)
{
    tlsc_http_head *h = &p->head;
    int s = h->status;
    h->has_body = !(p->head_request || s < 200 || s == 204 || s == 304);
    h->chunked = h->has_body && p->te_chunked;
    h->close_delimited = h->has_body && !h->chunked && !p->cl_seen;
    if (!h->has_body || h->chunked)
        h->content_length = p->cl_seen && !h->has_body ? h->content_length : -1;
    h->keep_alive = !p->conn_close && !h->close_delimited &&
                    (h->version_minor == 1 || p->conn_keep_alive);
}

static tlsc_err headers_done(tlsc_http_parser *p)
{
    tlsc_err err = check_framing(p);
    if (err != TLSC_OK)
        return err;
    decide_framing(p);
    if (p->cb.on_head != NULL && (err = p->cb.on_head(p->ud, &p->head)) != TLSC_OK)
        return callback_failed(p, err, "on_head");
    if (!p->head.has_body)
        return finish(p);
    if (p->head.chunked) {
        p->state = P_CHUNK_SIZE;
    } else if (p->head.close_delimited) {
        p->state = P_BODY_CLOSE;
    } else {
        p->remaining = (uint64_t)p->head.content_length;
        p->state = P_BODY_LENGTH;
        if (p->remaining == 0)
            return finish(p);
    }
    return TLSC_OK;
}

/* ---- chunks -------------------------------------------------------------------------- */

/* quoted-string starting at l[*i] == '"' */
static bool skip_quoted(const char *l, size_t len, size_t *i)
{
    for (size_t j = *i + 1; j < len; j++) {
        unsigned char c = (unsigned char)l[j];
        if (c == '"') {
            *i = j + 1;
            return true;
        }
        if (c == '\\') {
            if (++j >= len || !value_char_ok((unsigned char)l[j]))
                return false;
            continue;
        }
        if (!value_char_ok(c))
            return false;
    }
    return false;
}

static size_t skip_token(const char *l, size_t len, size_t i)
{
    while (i < len && tlsc__http_tchar((unsigned char)l[i]))
        i++;
    return i;
}

static size_t skip_ows(const char *l, size_t len, size_t i)
{
    while (i < len && is_ows(l[i]))
        i++;
    return i;
}

/* *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ) */
static bool chunk_ext_ok(const char *l, size_t len, size_t i)
{
    while (i < len) {
        i = skip_ows(l, len, i);
        if (i >= len || l[i] != ';')
            return false;
        i = skip_ows(l, len, i + 1);
        size_t n = skip_token(l, len, i);
        if (n == i)
            return false;
        i = skip_ows(l, len, n);
        if (i < len && l[i] == '=') {
            i = skip_ows(l, len, i + 1);
            if (i < len && l[i] == '"') {
                if (!skip_quoted(l, len, &i))
                    return false;
            } else {
                size_t v = skip_token(l, len, i);
                if (v == i)
                    return false;
                i = v;
            }
        }
    }
    return true;
}

static tlsc_err chunk_size_line(tlsc_http_parser *p)
{
    const char *l = p->line;
    uint64_t n = 0;
    size_t i = 0;
    char q[80];
    for (; i < p->line_len && tlsc__hex_value(l[i]) >= 0; i++) {
        if (i >= 15)
            return fail(p, TLSC_ERR_HTTP_MALFORMED, "chunk size has more than 15 hex digits");
        n = n * 16 + (uint64_t)tlsc__hex_value(l[i]);
    }
    if (i == 0 || !chunk_ext_ok(l, p->line_len, i)) {
        tlsc__http_quote(q, sizeof q, l, p->line_len);
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "invalid chunk-size line \"%s\" after %s body bytes", q,
                    tlsc__u64(p->body_total).s);
    }
    if (n == 0) {
        p->state = P_TRAILER;
        p->section_bytes = 0;
        p->fields = 0;
        return TLSC_OK;
    }
    p->remaining = n;
    p->state = P_CHUNK_DATA;
    return TLSC_OK;
}

/* ---- the machine ---------------------------------------------------------------------- */

static tlsc_err line_complete(tlsc_http_parser *p)
{
    pstate s = p->state;
    tlsc_err err = TLSC_OK;
    if (s == P_STATUS)
        err = parse_status_line(p);
    else if (s == P_CHUNK_SIZE)
        err = chunk_size_line(p);
    else if (p->line_len == 0)
        err = s == P_HEADER ? headers_done(p) : finish(p);
    else
        err = field_line(p, s == P_TRAILER);
    p->line_len = 0;
    return err;
}

static tlsc_err deliver(tlsc_http_parser *p, const unsigned char *d, size_t n)
{
    tlsc_err err;
    p->body_total += n;
    if (p->cb.on_body != NULL && (err = p->cb.on_body(p->ud, d, n)) != TLSC_OK)
        return callback_failed(p, err, "on_body");
    return TLSC_OK;
}

/* Body bytes counted by p->remaining (Content-Length body or a chunk). */
static tlsc_err counted_body(tlsc_http_parser *p, const unsigned char *d, size_t len, size_t *i)
{
    size_t n = len - *i;
    if ((uint64_t)n > p->remaining)
        n = (size_t)p->remaining;
    p->remaining -= n;
    size_t at = *i;
    *i += n;
    tlsc_err err = deliver(p, d + at, n);
    if (err != TLSC_OK || p->remaining > 0)
        return err;
    if (p->state == P_CHUNK_DATA) {
        p->state = P_CHUNK_CR;
        return TLSC_OK;
    }
    return finish(p);
}

static tlsc_err chunk_crlf(tlsc_http_parser *p, unsigned char c)
{
    if (c != (p->state == P_CHUNK_CR ? '\r' : '\n'))
        return fail(p, TLSC_ERR_HTTP_MALFORMED,
                    "chunk data not followed by CRLF after %s body bytes (wrong chunk size?)",
                    tlsc__u64(p->body_total).s);
    p->state = p->state == P_CHUNK_CR ? P_CHUNK_LF : P_CHUNK_SIZE;
    return TLSC_OK;
}

/* Before the status line: empty lines (CRLF) are skipped. */
static tlsc_err start_byte(tlsc_http_parser *p, unsigned char c, size_t *i)
{
    if (p->cr) {
        if (c != '\n')
            return fail(p, TLSC_ERR_HTTP_MALFORMED, "bare CR before the status line");
        p->cr = false;
        (*i)++;
        /* RFC 9112 2.2 asks to skip at least one; an endless stream of
         * them would keep the client busy forever. */
        if (++p->empty_lines > TLSC_HTTP_EMPTY_LINES_MAX)
            return fail(p, TLSC_ERR_HTTP_TOO_MANY_EMPTY_LINES,
                        "the server sent more than %d empty lines before the status line",
                        TLSC_HTTP_EMPTY_LINES_MAX);
        return TLSC_OK;
    }
    if (c == '\r') {
        p->cr = true;
        (*i)++;
        return TLSC_OK;
    }
    p->state = P_STATUS;
    return TLSC_OK;
}

static tlsc_err step(tlsc_http_parser *p, const unsigned char *d, size_t len, size_t *i)
{
    bool complete = false;
    tlsc_err err;
    switch (p->state) {
    case P_START:
        return start_byte(p, d[*i], i);
    case P_STATUS:
    case P_HEADER:
    case P_CHUNK_SIZE:
    case P_TRAILER:
        err = collect_line(p, d, len, i, &complete);
        return err == TLSC_OK && complete ? line_complete(p) : err;
    case P_CHUNK_DATA:
    case P_BODY_LENGTH:
        return counted_body(p, d, len, i);
    case P_CHUNK_CR:
    case P_CHUNK_LF:
        return chunk_crlf(p, d[(*i)++]);
    case P_BODY_CLOSE: {
        size_t at = *i;
        *i = len;
        return deliver(p, d + at, len - at);
    }
    default:
        return TLSC_ERR_INTERNAL;
    }
}

static tlsc_err data_after_close(tlsc_http_parser *p, const unsigned char *d, size_t n)
{
    char q[80];
    tlsc__http_quote(q, sizeof q, (const char *)d, n);
    return fail(p, TLSC_ERR_HTTP_MALFORMED,
                "%lu bytes (\"%s\") after a complete response that said Connection: close",
                (unsigned long)n, q);
}

TLSC_API tlsc_err tlsc_http_parser_feed(tlsc_http_parser *p, const void *data, size_t len,
                                        size_t *used)
{
    if (used != NULL)
        *used = 0;
    if (p == NULL || used == NULL || (data == NULL && len > 0))
        return TLSC_ERR_INVALID_ARG;
    const unsigned char *d = data;
    size_t i = 0;
    if (p->state == P_ERROR)
        return p->err;
    if (p->state == P_DONE && len > 0 && p->conn_close && p->head.status >= 200)
        return data_after_close(p, d, len);
    while (i < len && p->state != P_DONE) {
        p->started = true;
        tlsc_err err = step(p, d, len, &i);
        if (err != TLSC_OK) {
            *used = i;
            return p->state == P_ERROR ? p->err : fail(p, err, "internal parser error");
        }
    }
    *used = i;
    if (p->state == P_DONE && i < len && p->conn_close && p->head.status >= 200)
        return data_after_close(p, d + i, len - i);
    return TLSC_OK;
}

TLSC_API tlsc_err tlsc_http_parser_eof(tlsc_http_parser *p, tlsc_err how)
{
    if (p == NULL)
        return TLSC_ERR_INVALID_ARG;
    switch (p->state) {
    case P_DONE:
        return TLSC_OK;
    case P_ERROR:
        return p->err;
    case P_BODY_CLOSE:
        if (how == TLSC_ERR_CLOSED)
            return finish(p);
        return fail(p, how == TLSC_ERR_TRUNCATED ? TLSC_ERR_TRUNCATED : how,
                    "body delimited by the connection's end ended after %s bytes without "
                    "close_notify: it may be truncated",
                    tlsc__u64(p->body_total).s);
    case P_BODY_LENGTH:
        return fail(p, TLSC_ERR_HTTP_INCOMPLETE,
                    "connection ended after %s of %s body bytes (Content-Length)",
                    tlsc__u64(p->body_total).s, tlsc__i64(p->head.content_length).s);
    case P_START:
        return fail(p, TLSC_ERR_HTTP_INCOMPLETE, "connection ended before any response");
    case P_STATUS:
    case P_HEADER:
        return fail(p, TLSC_ERR_HTTP_INCOMPLETE, "connection ended inside the response header");
    default:
        return fail(p, TLSC_ERR_HTTP_INCOMPLETE,
                    "connection ended inside the chunked body after %s bytes (no last chunk)",
                    tlsc__u64(p->body_total).s);
    }
}

TLSC_API bool tlsc_http_parser_done(const tlsc_http_parser *p)
{
    return p != NULL && p->state == P_DONE;
}

TLSC_API bool tlsc_http_parser_started(const tlsc_http_parser *p)
{
    return p != NULL && p->started;
}

TLSC_API const tlsc_http_head *tlsc_http_parser_head(const tlsc_http_parser *p)
{
    return p != NULL ? &p->head : NULL;
}

TLSC_API const char *tlsc_http_parser_errmsg(const tlsc_http_parser *p)
{
    return p != NULL ? p->errmsg : "";
}
