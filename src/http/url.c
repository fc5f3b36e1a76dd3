/*
 * https URLs: parsing and resolving references (redirect Locations).
 * Pure: no allocation, no I/O. See tlsc/http.h for the accepted syntax.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tlsc/http.h"
#include "core/base/hostname.h"
#include "core/base/ip.h"
#include "http/http_internal.h"

/* ---- details ---------------------------------------------------------------- */

tlsc_err tlsc__http_detail(char *detail, size_t cap, tlsc_err err,
                           const char *fmt, ...)
{
    if (detail == NULL || cap == 0)
        return err;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(detail, cap, fmt, ap);
    va_end(ap);
    return err;
}

/* Bytes of untrusted text quoted in a detail: printable ASCII kept, the
 * rest as \xHH, at most ~60 characters. */
void tlsc__http_quote(char *out, size_t cap, const char *s, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 60) {
            (void)snprintf(out + o, cap - o, "...");
            return;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        out[o] = '\0';
    }
}

/* ---- characters ------------------------------------------------------------- */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Characters allowed as they are in a path or query (RFC 3986 pchar, '/',
 * '?', plus '[' ']' that servers see in the wild; percent handled apart). */
static bool target_char_ok(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7f)
        return false;
    return strchr("\"<>\\^`{|}#", c) == NULL;
}

/* Validate a request target (path + query) of len bytes. */
static tlsc_err check_target(const char *t, size_t len, char *detail, size_t cap)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '%') {
            if (i + 2 >= len || !is_hex(t[i + 1]) || !is_hex(t[i + 2]))
                return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                         "'%%' at offset %lu of the path is not followed by two "
                                         "hex digits", (unsigned long)i);
            continue;
        }
        if (!target_char_ok(c))
            return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                     "character 0x%02x at offset %lu of the path is not allowed "
                                     "(percent-encode it)", c, (unsigned long)i);
    }
    if (len > TLSC_URL_TARGET_MAX)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "path and query are %lu bytes, more than %d", (unsigned long)len,
                                 TLSC_URL_TARGET_MAX);
    return TLSC_OK;
}

/* ---- parsing ---------------------------------------------------------------- */

/* Length of a scheme at the start of s ("https" of "https:..."), 0 if s
 * does not start with "scheme:". */
static size_t scheme_len(const char *s)
{
    size_t i = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    while (s[i] != '\0' && strchr("/?#:", s[i]) == NULL)
        i++;
    if (s[i] != ':')
        return 0;
    for (size_t j = 0; j < i; j++) {
        char c = s[j];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!ok)
            return 0;
    }
    return i;
}

static bool caseeq(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

static tlsc_err parse_port(const char *s, size_t len, uint16_t *out, char *detail, size_t cap)
{
    unsigned long v = 0;
    if (len == 0 || len > 5)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "port '%.*s' is not a number of 1..65535", (int)(len > 8 ? 8 : len), s);
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                     "port '%.*s' is not a number of 1..65535", (int)len, s);
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "port %lu is out of range 1..65535", v);
    *out = (uint16_t)v;
    return TLSC_OK;
}

/* "[v6]" or "[v6]:port"; a starts at '['. */
static tlsc_err parse_bracketed(const char *a, size_t len, tlsc_url *u, char *detail, size_t cap)
{
    const char *end = memchr(a, ']', len);
    unsigned char ip[16];
    size_t ip_len = 0;
    size_t hlen = end != NULL ? (size_t)(end - a - 1) : 0;

    if (end == NULL || hlen == 0 || hlen > 45)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "IPv6 address in brackets is not closed or empty");
    memcpy(u->host, a + 1, hlen);
    u->host[hlen] = '\0';
    if (!tlsc__parse_ip(u->host, ip, &ip_len) || ip_len != 16)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "'%s' in brackets is not an IPv6 address (zone ids are not supported)",
                                 u->host);
    u->ipv6 = true;
    size_t rest = len - (size_t)(end - a) - 1;
    if (rest == 0)
        return TLSC_OK;
    if (end[1] != ':')
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "unexpected text after the IPv6 address");
    return parse_port(end + 2, rest - 1, &u->port, detail, cap);
}

static tlsc_err parse_hostport(const char *a, size_t len, tlsc_url *u, char *detail, size_t cap)
{
    const char *colon = memchr(a, ':', len);
    size_t hlen = colon != NULL ? (size_t)(colon - a) : len;
    char q[128];

    if (hlen == 0)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL, "the URL has no host");
    if (hlen > TLSC_URL_HOST_MAX)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "host is %lu characters, more than %d", (unsigned long)hlen,
                                 TLSC_URL_HOST_MAX);
    for (size_t i = 0; i < hlen; i++) {
        char c = a[i];
        u->host[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    u->host[hlen] = '\0';
    if (memchr(a, '\0', hlen) != NULL || !tlsc__host_valid(u->host)) {
        tlsc__http_quote(q, sizeof q, a, hlen);
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "'%s' is not a valid host name or IPv4 address", q);
    }
    return colon != NULL ? parse_port(colon + 1, len - hlen - 1, &u->port, detail, cap) : TLSC_OK;
}

static tlsc_err parse_authority(const char *a, size_t len, tlsc_url *u, char *detail, size_t cap)
{
    if (memchr(a, '@', len) != NULL)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "user name or password in the URL (user@host) is refused: "
                                 "send an Authorization header instead");
    if (len > 0 && a[0] == '[')
        return parse_bracketed(a, len, u, detail, cap);
    return parse_hostport(a, len, u, detail, cap);
}

/* Path and query (up to '#'), "/" if empty; a query alone gets "/". */
static tlsc_err set_target(const char *p, tlsc_url *u, char *detail, size_t cap)
{
    size_t len = strcspn(p, "#");
    size_t off = 0;
    tlsc_err err = check_target(p, len, detail, cap);

    if (err != TLSC_OK)
        return err;
    if (len == 0 || p[0] == '?')
        u->target[off++] = '/';
    if (off + len > TLSC_URL_TARGET_MAX)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "path and query are longer than %d bytes", TLSC_URL_TARGET_MAX);
    memcpy(u->target + off, p, len);
    u->target[off + len] = '\0';
    return TLSC_OK;
}

static tlsc_err check_scheme(const char *text, size_t slen, char *detail, size_t cap)
{
    if (slen == 5 && caseeq(text, "https", 5))
        return TLSC_OK;
    if (slen == 4 && caseeq(text, "http", 4))
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "scheme http is refused: tlsc only speaks verified HTTPS "
                                 "(use https://)");
    if (slen == 0)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "not an absolute URL (expected https://HOST/...)");
    return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                             "scheme '%.*s' is not supported (only https)", (int)(slen > 16 ? 16 : slen),
                             text);
}

TLSC_API tlsc_err tlsc_url_parse(const char *text, tlsc_url *out, char *detail, size_t cap)
{
    if (detail != NULL && cap > 0)
        detail[0] = '\0';
    if (text == NULL || out == NULL)
        return tlsc__http_detail(detail, cap, TLSC_ERR_INVALID_ARG, "NULL URL");
    tlsc_url u;
    memset(&u, 0, sizeof u);
    u.port = 443;
    size_t slen = scheme_len(text);
    tlsc_err err = check_scheme(text, slen, detail, cap);
    if (err != TLSC_OK)
        return err;
    const char *rest = text + slen + 1;
    if (rest[0] != '/' || rest[1] != '/')
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL,
                                 "expected '//' after 'https:'");
    rest += 2;
    size_t alen = strcspn(rest, "/?#");
    err = parse_authority(rest, alen, &u, detail, cap);
    if (err == TLSC_OK)
        err = set_target(rest + alen, &u, detail, cap);
    if (err == TLSC_OK)
        *out = u;
    return err;
}

/* ---- resolving ------------------------------------------------------------------ */

/* RFC 3986 5.2.4 on path (len bytes) into out (capacity cap): returns the
 * output length, or cap when it does not fit. Works segment by segment on
 * an absolute path. */
static size_t remove_dots(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < len) {
        size_t seg_end = i + 1;
        while (seg_end < len && in[seg_end] != '/')
            seg_end++;
        size_t slen = seg_end - i; /* "/seg" */
        bool last = seg_end == len;
        if (slen == 2 && in[i + 1] == '.') {
            if (last && o + 1 < cap)
                out[o++] = '/';
        } else if (slen == 3 && in[i + 1] == '.' && in[i + 2] == '.') {
            /* drop the last "/segment" of the output */
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            if (last && o + 1 < cap)
                out[o++] = '/';
        } else {
            if (o + slen >= cap)
                return cap;
            memcpy(out + o, in + i, slen);
            o += slen;
        }
        i = seg_end;
    }
    if (o == 0)
        out[o++] = '/';
    return o;
}

/* Merge a relative path reference with base's path (5.2.3) into buf. */
static tlsc_err merge_relative(const tlsc_url *base, const char *ref, char *buf, size_t cap,
                               char *detail, size_t dcap)
{
    size_t plen = strcspn(base->target, "?");
    if (ref[0] == '?') {
        if (plen + strlen(ref) >= cap)
            return tlsc__http_detail(detail, dcap, TLSC_ERR_HTTP_URL, "resolved URL is too long");
        memcpy(buf, base->target, plen);
        strcpy(buf + plen, ref);
        return TLSC_OK;
    }
    while (plen > 0 && base->target[plen - 1] != '/')
        plen--;
    if (plen + strlen(ref) + 1 >= cap)
        return tlsc__http_detail(detail, dcap, TLSC_ERR_HTTP_URL, "resolved URL is too long");
    memcpy(buf, base->target, plen);
    strcpy(buf + plen, ref);
    if (plen == 0) {
        memmove(buf + 1, buf, strlen(buf) + 1);
        buf[0] = '/';
    }
    return TLSC_OK;
}

static tlsc_err resolve_path(const tlsc_url *base, const char *ref, tlsc_url *out, char *detail,
                             size_t cap)
{
    char merged[TLSC_URL_TARGET_MAX + 2];
    size_t rlen = strcspn(ref, "#");
    char r[TLSC_URL_TARGET_MAX + 2];
    tlsc_err err;

    if (rlen > TLSC_URL_TARGET_MAX)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL, "Location is too long");
    memcpy(r, ref, rlen);
    r[rlen] = '\0';
    if (r[0] == '/') {
        strcpy(merged, r);
    } else {
        err = merge_relative(base, r, merged, sizeof merged, detail, cap);
        if (err != TLSC_OK)
            return err;
    }
    size_t plen = strcspn(merged, "?");
    tlsc_url u = *base;
    size_t o = remove_dots(merged, plen, u.target, TLSC_URL_TARGET_MAX + 1);
    size_t qlen = strlen(merged + plen);
    if (o >= TLSC_URL_TARGET_MAX + 1 || o + qlen > TLSC_URL_TARGET_MAX)
        return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL, "resolved URL is too long");
    memcpy(u.target + o, merged + plen, qlen + 1);
    err = check_target(u.target, strlen(u.target), detail, cap);
    if (err == TLSC_OK)
        *out = u;
    return err;
}

TLSC_API tlsc_err tlsc_url_resolve(const tlsc_url *base, const char *ref, tlsc_url *out,
                                   char *detail, size_t cap)
{
    if (detail != NULL && cap > 0)
        detail[0] = '\0';
    if (base == NULL || ref == NULL || out == NULL)
        return tlsc__http_detail(detail, cap, TLSC_ERR_INVALID_ARG, "NULL argument");
    if (scheme_len(ref) > 0)
        return tlsc_url_parse(ref, out, detail, cap);
    if (ref[0] == '/' && ref[1] == '/') {
        char abs[TLSC_URL_TARGET_MAX + TLSC_URL_HOST_MAX + 16];
        if (strlen(ref) + 7 > sizeof abs)
            return tlsc__http_detail(detail, cap, TLSC_ERR_HTTP_URL, "Location is too long");
        (void)snprintf(abs, sizeof abs, "https:%s", ref);
        return tlsc_url_parse(abs, out, detail, cap);
    }
    if (ref[0] == '\0' || ref[0] == '#') {
        *out = *base;
        return TLSC_OK;
    }
    return resolve_path(base, ref, out, detail, cap);
}

/* "https://host[:port]/target" for messages and results. */
void tlsc__url_format(const tlsc_url *u, char *out, size_t cap)
{
    const char *lb = u->ipv6 ? "[" : "", *rb = u->ipv6 ? "]" : "";
    if (u->port == 443)
        (void)snprintf(out, cap, "https://%s%s%s%s", lb, u->host, rb, u->target);
    else
        (void)snprintf(out, cap, "https://%s%s%s:%u%s", lb, u->host, rb, (unsigned)u->port,
                       u->target);
}
