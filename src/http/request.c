/*
 * The request serializer (tlsc/http.h): request line, Host, the caller's
 * headers, framing. Pure; refuses header injection instead of escaping it
 * (a CR or LF in a value is a bug or an attack, never data to send).
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/http.h"
#include "core/base/text.h"
#include "http/http_internal.h"

/* Appends to a buffer that may be too small: counts what would be needed. */
typedef struct sink {
    char *buf;
    size_t cap, len;
} sink;

static void put(sink *o, const char *s, size_t n)
{
    if (o->buf != NULL && o->len + n <= o->cap)
        memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void puts_(sink *o, const char *s)
{
    put(o, s, strlen(s));
}

static bool token_ok(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!tlsc__http_tchar((unsigned char)*s))
            return false;
    }
    return true;
}

/* Printable ASCII, SP, HTAB and obs-text; nothing else. */
static bool value_ok(const char *v, size_t *bad)
{
    for (size_t i = 0; v[i] != '\0'; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c != '\t' && (c < 0x20 || c == 0x7f)) {
            *bad = i;
            return false;
        }
    }
    return true;
}

static bool reserved_name(const char *n)
{
    size_t len = strlen(n);
    return tlsc__http_name_is(n, len, "host") || tlsc__http_name_is(n, len, "content-length") ||
           tlsc__http_name_is(n, len, "transfer-encoding");
}

static tlsc_err check_header(const tlsc_http_header *h, char *detail, size_t dcap)
{
    char q[80];
    size_t bad = 0;
    if (h->name == NULL || h->value == NULL)
        return tlsc__http_detail(detail, dcap, TLSC_ERR_INVALID_ARG, "header with a NULL name or value");
    if (!token_ok(h->name)) {
        tlsc__http_quote(q, sizeof q, h->name, strlen(h->name));
        return tlsc__http_detail(detail, dcap, TLSC_ERR_HTTP_BAD_REQUEST,
                                 "header name \"%s\" is not an HTTP token", q);
    }
    if (reserved_name(h->name))
        return tlsc__http_detail(detail, dcap, TLSC_ERR_HTTP_BAD_REQUEST,
                                 "header %s is set by tlsc and cannot be given", h->name);
    if (!value_ok(h->value, &bad))
        return tlsc__http_detail(detail, dcap, TLSC_ERR_HTTP_BAD_REQUEST,
                                 "value of header %.40s has control character 0x%02x at offset %lu "
                                 "(header injection refused)",
                                 h->name, (unsigned char)h->value[bad], (unsigned long)bad);
    return TLSC_OK;
}

static void put_host(sink *o, const tlsc_url *url)
{
    char port[8];
    puts_(o, "Host: ");
    if (url->ipv6)
        puts_(o, "[");
    puts_(o, url->host);
    if (url->ipv6)
        puts_(o, "]");
    if (url->port != 443) {
        (void)snprintf(port, sizeof port, ":%u", (unsigned)url->port);
        puts_(o, port);
    }
    puts_(o, "\r\n");
}

static void put_framing(sink *o, int64_t body_len)
{
    char num[48]; /* "Content-Length: " + a 64-bit number + CRLF */
    if (body_len == TLSC_HTTP_BODY_CHUNKED) {
        puts_(o, "Transfer-Encoding: chunked\r\n");
    } else if (body_len >= 0) {
        (void)snprintf(num, sizeof num, "Content-Length: %s\r\n", tlsc__i64(body_len).s);
        puts_(o, num);
    }
}

TLSC_API tlsc_err tlsc_http_request_format(char *buf, size_t cap, size_t *len, const char *method,
                                           const tlsc_url *url, const tlsc_http_header *headers,
                                           size_t count, int64_t body_len, char *detail,
                                           size_t dcap)
{
    if (detail != NULL && dcap > 0)
        detail[0] = '\0';
    if (len == NULL || url == NULL || (headers == NULL && count > 0) ||
        (body_len < 0 && body_len != TLSC_HTTP_BODY_NONE && body_len != TLSC_HTTP_BODY_CHUNKED))
        return tlsc__http_detail(detail, dcap, TLSC_ERR_INVALID_ARG, "invalid argument");
    *len = 0;
    if (!token_ok(method))
        return tlsc__http_detail(detail, dcap, TLSC_ERR_HTTP_BAD_REQUEST,
                                 "method \"%.40s\" is not an HTTP token", method ? method : "(null)");
    for (size_t i = 0; i < count; i++) {
        tlsc_err err = check_header(&headers[i], detail, dcap);
        if (err != TLSC_OK)
            return err;
    }
    sink o = {buf, cap, 0};
    puts_(&o, method);
    puts_(&o, " ");
    puts_(&o, url->target);
    puts_(&o, " HTTP/1.1\r\n");
    put_host(&o, url);
    for (size_t i = 0; i < count; i++) {
        puts_(&o, headers[i].name);
        puts_(&o, ": ");
        puts_(&o, headers[i].value);
        puts_(&o, "\r\n");
    }
    put_framing(&o, body_len);
    puts_(&o, "\r\n");
    *len = o.len;
    if (buf == NULL || o.len > cap)
        return tlsc__http_detail(detail, dcap, TLSC_ERR_BUFFER_SIZE,
                                 "request head needs %lu bytes", (unsigned long)o.len);
    return TLSC_OK;
}

TLSC_API size_t tlsc_http_chunk_prefix(char out[20], size_t n)
{
    int w = snprintf(out, 20, "%lx\r\n", (unsigned long)n);
    return w > 0 ? (size_t)w : 0;
}
