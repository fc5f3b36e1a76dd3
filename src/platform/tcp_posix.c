/*
 * POSIX TCP transport: a non-blocking connect tried on each address of the
 * name in turn (IPv6 and IPv4, in the resolver's order), and
 * send/recv/wait over the socket. The one place that iterates addresses,
 * for both drivers: the blocking driver lets it resolve (tlsc__resolve_now,
 * synchronous: the system resolver has no portable non-blocking form), the
 * event driver hands it what its asynchronous lookup found. Everything
 * after the lookup never blocks.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "core/alloc.h"
#include "platform/platform.h"

struct tlsc__tcp {
    int fd;
    uint16_t port;
    size_t count, cur;          /* addresses, and the one being tried */
    tlsc__addr_text addrs[];    /* count of them: one for a numeric host */
};

/* The numeric address text as a socket address; 0 when it is not one. */
static socklen_t to_sockaddr(const char *text, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return sizeof *v6;
    }
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return sizeof *v4;
    }
    return 0;
}

static void describe(const tlsc__tcp *t, const char *what, int e, char *detail, size_t cap)
{
    const char *a = t->addrs[t->cur];
    bool v6 = strchr(a, ':') != NULL;
    snprintf(detail, cap, "%s %s%s%s port %u: %s", what, v6 ? "[" : "", a, v6 ? "]" : "",
             (unsigned)t->port, strerror(e));
}

static void close_fd(tlsc__tcp *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

/* Start connecting to the current address. TLSC_WANT_WRITE when in
 * progress, TLSC_OK when connected at once. */
static tlsc_err start_address(tlsc__tcp *t, char *detail, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(t->addrs[t->cur], t->port, &ss);
    if (len == 0) {
        snprintf(detail, cap, "'%s' is not a numeric address", t->addrs[t->cur]);
        return TLSC_ERR_NETWORK;
    }
    t->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (t->fd < 0) {
        int e = errno;
        describe(t, "socket for", e, detail, cap);
        return tlsc__net_error(e);
    }
    int one = 1;
    /* TLS records are written whole; Nagle would only delay handshakes. */
    setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(t->fd, (const struct sockaddr *)&ss, len) == 0)
        return TLSC_OK;
    if (errno == EINPROGRESS)
        return TLSC_WANT_WRITE;
    int e = errno;
    describe(t, "connect to", e, detail, cap);
    close_fd(t);
    return tlsc__net_error(e);
}

/* Try addresses from t->cur on until one connects or starts connecting;
 * otherwise the last one's error. */
static tlsc_err try_from_current(tlsc__tcp *t, char *detail, size_t cap)
{
    tlsc_err err = TLSC_ERR_NETWORK;
    for (; t->cur < t->count; t->cur++) {
        err = start_address(t, detail, cap);
        if (err == TLSC_OK || err == TLSC_WANT_WRITE)
            return err;
    }
    t->cur = t->count - 1; /* the last one stays the one named */
    return err;
}

/* The address after the current one; with none left, err. */
static tlsc_err move_on(tlsc__tcp *t, tlsc_err err, char *detail, size_t cap)
{
    close_fd(t);
    if (t->cur + 1 >= t->count)
        return err;
    t->cur++;
    char why[160];
    tlsc_err next = try_from_current(t, why, sizeof why);
    if (next == TLSC_OK || next == TLSC_WANT_WRITE)
        return TLSC_WANT_WRITE; /* detail keeps why the previous one failed */
    snprintf(detail, cap, "%s", why);
    return next;
}

tlsc_err tlsc__tcp_open(tlsc__tcp **out, const char *host, const tlsc__addr_text *addrs,
                        size_t count, uint16_t port, char *detail, size_t cap)
{
    tlsc__addr_text found[TLSC__RESOLVE_MAX];
    if (count == 0) {
        tlsc_err err = tlsc__resolve_now(host, found, &count, detail, cap);
        if (err != TLSC_OK)
            return err;
        addrs = found;
    }
    count = count < TLSC__RESOLVE_MAX ? count : TLSC__RESOLVE_MAX;
    tlsc__tcp *t = tlsc__calloc(1, sizeof *t + count * sizeof t->addrs[0]);
    if (t == NULL)
        return TLSC_ERR_NO_MEMORY;
    t->fd = -1;
    t->port = port;
    t->count = count;
    memcpy(t->addrs, addrs, count * sizeof t->addrs[0]);
    tlsc_err err = try_from_current(t, detail, cap);
    if (err != TLSC_OK && err != TLSC_WANT_WRITE) {
        tlsc__tcp_close(t);
        return err;
    }
    *out = t;
    return TLSC_OK;
}

tlsc_err tlsc__tcp_poll_connect(tlsc__tcp *t, char *detail, size_t cap)
{
    detail[0] = '\0';
    struct pollfd p = { .fd = t->fd, .events = POLLOUT };
    if (t->fd < 0)
        return TLSC_ERR_NETWORK;
    if (poll(&p, 1, 0) == 0)
        return TLSC_WANT_WRITE;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        soerr = errno;
    if (soerr == 0)
        return TLSC_OK;
    describe(t, "connect to", soerr, detail, cap);
    return move_on(t, tlsc__net_error(soerr), detail, cap);
}

tlsc_err tlsc__tcp_next(tlsc__tcp *t, char *detail, size_t cap)
{
    describe(t, "connect to", ETIMEDOUT, detail, cap);
    return move_on(t, TLSC_ERR_TIMEOUT_CONNECT, detail, cap);
}

const char *tlsc__tcp_address(const tlsc__tcp *t)
{
    return t != NULL && t->count > 0 ? t->addrs[t->cur] : "";
}

int tlsc__tcp_fd(const tlsc__tcp *t)
{
    return t ? t->fd : -1;
}

void tlsc__tcp_close(tlsc__tcp *t)
{
    if (t == NULL)
        return;
    close_fd(t);
    tlsc__free(t);
}

static tlsc_err io_errno(int e)
{
    if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
        return TLSC_WANT_READ;
    return tlsc__net_error(e);
}

static tlsc_err tcp_send(void *ctx, const unsigned char *buf, size_t len,
                         size_t *sent)
{
    tlsc__tcp *t = ctx;
    ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0) {
        *sent = (size_t)n;
        return TLSC_OK;
    }
    tlsc_err err = io_errno(errno);
    return err == TLSC_WANT_READ ? TLSC_WANT_WRITE : err;
}

static tlsc_err tcp_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    tlsc__tcp *t = ctx;
    ssize_t n = recv(t->fd, buf, len, 0);
    if (n >= 0) {
        *got = (size_t)n;
        return TLSC_OK;
    }
    return io_errno(errno);
}

static tlsc_err tcp_wait(void *ctx, bool want_read, bool want_write,
                         int timeout_ms)
{
    tlsc__tcp *t = ctx;
    struct pollfd p = { .fd = t->fd,
                        .events = (short)((want_read ? POLLIN : 0) |
                                          (want_write ? POLLOUT : 0)) };
    if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
        return tlsc__net_error(errno);
    return TLSC_OK;
}

static void tcp_close(void *ctx)
{
    tlsc__tcp_close(ctx);
}

const tlsc_transport tlsc__tcp_transport = {
    .send = tcp_send,
    .recv = tcp_recv,
    .wait = tcp_wait,
    .close = tcp_close,
};
