/*
 * tools/cli_wire.c — a TCP transport for tlsc that also reads the TLS
 * record framing going by, for `tlsc probe`: every record starts with a
 * 5-byte header (type, version, length), in the clear even when the
 * record is encrypted. Only the framing is read, for statistics; TLS
 * itself is mbedTLS's business.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TLS_CCS 20
#define TLS_APPDATA 23

/* A record's header is complete: count its announced length. Counting it
 * here, not once its body has gone by, keeps the record that made mbedTLS
 * stop (too large for the input buffer: its body is never read). */
static void scan_header(wire_scan *s)
{
    bool appdata = s->hdr[0] == TLS_APPDATA;
    size_t len = ((size_t)s->hdr[3] << 8) | s->hdr[4];
    size_t *max = &s->max_len[s->ccs_seen][appdata];
    if (len > *max)
        *max = len;
    s->records++;
    s->body_left = len;
}

/* Take n bytes of one direction's stream. */
static void scan_bytes(wire_scan *s, const unsigned char *p, size_t n)
{
    while (n > 0) {
        if (s->hdr_have < 5) {
            s->hdr[s->hdr_have++] = *p++;
            n--;
            if (s->hdr_have == 5)
                scan_header(s);
        } else {
            size_t take = n < s->body_left ? n : s->body_left;
            p += take;
            n -= take;
            s->body_left -= take;
        }
        if (s->hdr_have == 5 && s->body_left == 0) {
            /* The record is over: a change_cipher_spec changes how the
             * records after it are counted. */
            if (s->hdr[0] == TLS_CCS)
                s->ccs_seen = true;
            s->hdr_have = 0;
        }
    }
}

size_t wire_max_record(const wire_scan *s)
{
    size_t m = 0;
    for (int i = 0; i < 4; i++) {
        size_t v = s->max_len[i / 2][i % 2];
        m = v > m ? v : m;
    }
    return m;
}

/* TLS 1.3 encrypts every record after the ServerHello as application_data
 * (a change_cipher_spec may appear for compatibility and changes nothing);
 * TLS 1.2 encrypts everything after change_cipher_spec. */
size_t wire_max_plaintext(const wire_scan *s, bool tls13, size_t expansion)
{
    size_t plain = s->max_len[0][0];
    size_t sealed = s->max_len[0][1] > s->max_len[1][1] ? s->max_len[0][1] : s->max_len[1][1];
    if (tls13)
        plain = plain > s->max_len[1][0] ? plain : s->max_len[1][0];
    else
        sealed = sealed > s->max_len[1][0] ? sealed : s->max_len[1][0];
    sealed = sealed > expansion ? sealed - expansion : 0;
    return plain > sealed ? plain : sealed;
}

/* ---- the transport ---------------------------------------------------------- */

static tlsc_err errno_err(int e)
{
    switch (e) {
    case ECONNREFUSED: return TLSC_ERR_CONN_REFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH: return TLSC_ERR_UNREACHABLE;
    case ECONNRESET:
    case EPIPE: return TLSC_ERR_CONN_RESET;
    default: return TLSC_ERR_NETWORK;
    }
}

static tlsc_err wire_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    wire *w = ctx;
    ssize_t n = send(w->fd, buf, len, MSG_NOSIGNAL);
    *sent = 0;
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? TLSC_WANT_WRITE
                                                                         : errno_err(errno);
    scan_bytes(&w->out, buf, (size_t)n);
    *sent = (size_t)n;
    return TLSC_OK;
}

static tlsc_err wire_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    wire *w = ctx;
    ssize_t n = recv(w->fd, buf, len, 0);
    *got = 0;
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? TLSC_WANT_READ
                                                                         : errno_err(errno);
    scan_bytes(&w->in, buf, (size_t)n);
    *got = (size_t)n;
    return TLSC_OK;
}

static tlsc_err wire_wait(void *ctx, bool want_read, bool want_write, int timeout_ms)
{
    wire *w = ctx;
    struct pollfd pfd = {w->fd, (short)((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0)), 0};
    if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
        return errno_err(errno);
    return TLSC_OK;
}

static void wire_close(void *ctx)
{
    wire *w = ctx;
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}

const tlsc_transport wire_transport = {wire_send, wire_recv, wire_wait, wire_close};

/* ---- connecting ----------------------------------------------------------- */

/* Non-blocking connect to one address, waiting up to timeout_ms (0 = none). */
static int connect_one(const struct addrinfo *ai, uint32_t timeout_ms, int *err)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    struct pollfd pfd = {fd, POLLOUT, 0};
    socklen_t len = sizeof *err;
    *err = errno;
    if (*err == EINPROGRESS) {
        int n = poll(&pfd, 1, timeout_ms ? (int)timeout_ms : -1);
        *err = n == 0 ? ETIMEDOUT : n < 0 ? errno : 0;
        if (n > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) != 0)
            *err = errno;
    }
    if (*err == 0)
        return fd;
    close(fd);
    return -1;
}

tlsc_err wire_open(wire *w, const char *host, uint16_t port, uint32_t timeout_ms,
                   char *detail, size_t cap)
{
    char service[8];
    struct addrinfo hints = {0}, *list = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    int rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        snprintf(detail, cap, "cannot resolve %s: %s", host, gai_strerror(rc));
        return rc == EAI_AGAIN ? TLSC_ERR_DNS_TEMPORARY : TLSC_ERR_DNS;
    }
    int err = 0;
    for (const struct addrinfo *ai = list; ai != NULL && w->fd < 0; ai = ai->ai_next)
        w->fd = connect_one(ai, timeout_ms, &err);
    freeaddrinfo(list);
    if (w->fd >= 0)
        return TLSC_OK;
    snprintf(detail, cap, "cannot connect to %s port %u: %s", host, (unsigned)port,
             strerror(err));
    return err == ETIMEDOUT ? TLSC_ERR_TIMEOUT_CONNECT : errno_err(err);
}
