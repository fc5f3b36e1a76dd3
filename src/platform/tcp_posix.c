/*
 * POSIX TCP transport: getaddrinfo, non-blocking connect tried on each
 * address in turn (IPv6 and IPv4), and send/recv/wait over the socket.
 * Resolution is synchronous (the system resolver has no portable
 * non-blocking form); everything after it never blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/alloc.h"

struct tlsc__tcp {
    int fd;
    struct addrinfo *list;
    struct addrinfo *cur;       /* address being tried */
    uint16_t port;
};

static tlsc_err errno_to_err(int e)
{
    switch (e) {
    case ECONNREFUSED: return TLSC_ERR_CONN_REFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN: return TLSC_ERR_UNREACHABLE;
    case ECONNRESET:
    case EPIPE: return TLSC_ERR_CONN_RESET;
    case ENOMEM:
    case ENOBUFS: return TLSC_ERR_NO_MEMORY;
    default: return TLSC_ERR_NETWORK;
    }
}

static tlsc_err gai_to_err(int rc)
{
    switch (rc) {
    case EAI_AGAIN: return TLSC_ERR_DNS_TEMPORARY;
    case EAI_MEMORY: return TLSC_ERR_NO_MEMORY;
    default: return TLSC_ERR_DNS;
    }
}

static void addr_text(const struct addrinfo *ai, char *out, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    const void *src = ai->ai_family == AF_INET6
        ? (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
        : (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
    inet_ntop(ai->ai_family, src, ip, sizeof ip);
    snprintf(out, cap, ai->ai_family == AF_INET6 ? "[%s]" : "%s", ip);
}

static int open_socket(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    if (fd < 0)
        return -1;
    int one = 1;
    /* TLS records are written whole; Nagle would only delay handshakes. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Start connecting to t->cur. TLSC_WANT_WRITE when in progress. */
static tlsc_err start_address(tlsc__tcp *t, char *detail, size_t cap)
{
    char where[INET6_ADDRSTRLEN + 3];
    addr_text(t->cur, where, sizeof where);
    t->fd = open_socket(t->cur);
    if (t->fd < 0) {
        int e = errno;
        snprintf(detail, cap, "socket for %s: %s", where, strerror(e));
        return errno_to_err(e);
    }
    if (connect(t->fd, t->cur->ai_addr, t->cur->ai_addrlen) == 0)
        return TLSC_OK;
    if (errno == EINPROGRESS)
        return TLSC_WANT_WRITE;
    int e = errno;
    snprintf(detail, cap, "connect to %s port %u: %s", where, t->port, strerror(e));
    close(t->fd);
    t->fd = -1;
    return errno_to_err(e);
}

/* Try addresses from t->cur on until one connects or starts connecting. */
static tlsc_err try_from_current(tlsc__tcp *t, char *detail, size_t cap)
{
    tlsc_err err = TLSC_ERR_NETWORK;
    for (; t->cur != NULL; t->cur = t->cur->ai_next) {
        err = start_address(t, detail, cap);
        if (err == TLSC_OK || err == TLSC_WANT_WRITE)
            return err;
    }
    return err;
}

tlsc_err tlsc__tcp_open(tlsc__tcp **out, const char *host, uint16_t port,
                        char *detail, size_t cap)
{
    tlsc__tcp *t = tlsc__calloc(1, sizeof *t);
    if (t == NULL)
        return TLSC_ERR_NO_MEMORY;
    t->fd = -1;
    t->port = port;
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV };
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    int rc = getaddrinfo(host, service, &hints, &t->list);
    if (rc != 0) {
        snprintf(detail, cap, "cannot resolve '%s': %s", host, gai_strerror(rc));
        tlsc__tcp_close(t);
        return gai_to_err(rc);
    }
    t->cur = t->list;
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
    struct pollfd p = { .fd = t->fd, .events = POLLOUT };
    if (poll(&p, 1, 0) == 0)
        return TLSC_WANT_WRITE;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        soerr = errno;
    if (soerr == 0)
        return TLSC_OK;
    char where[INET6_ADDRSTRLEN + 3];
    addr_text(t->cur, where, sizeof where);
    snprintf(detail, cap, "connect to %s port %u: %s", where, t->port, strerror(soerr));
    close(t->fd);
    t->fd = -1;
    tlsc_err last = errno_to_err(soerr);
    t->cur = t->cur->ai_next;
    if (t->cur == NULL)
        return last;
    tlsc_err err = try_from_current(t, detail, cap);
    return (err == TLSC_OK || err == TLSC_WANT_WRITE) ? TLSC_WANT_WRITE : err;
}

int tlsc__tcp_fd(const tlsc__tcp *t)
{
    return t ? t->fd : -1;
}

void tlsc__tcp_close(tlsc__tcp *t)
{
    if (t == NULL)
        return;
    if (t->fd >= 0)
        close(t->fd);
    if (t->list != NULL)
        freeaddrinfo(t->list);
    tlsc__free(t);
}

static tlsc_err io_errno(int e)
{
    if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
        return TLSC_WANT_READ;
    return errno_to_err(e);
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
        return errno_to_err(errno);
    return TLSC_OK;
}

const tlsc_transport tlsc__tcp_transport = {
    .send = tcp_send,
    .recv = tcp_recv,
    .wait = tcp_wait,
    .close = NULL, /* the connection closes its tcp with tlsc__tcp_close */
};
