/*
 * tools/cli_net.c — the plain TCP connection the command opens itself when
 * --servername differs from the host connected to, and the tlsc_transport
 * that hands it to the library (the library then uses the name only for
 * SNI and verification).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- errors -------------------------------------------------------------- */

static const struct {
    int errnum;
    tlsc_err err;
} connect_errors[] = {
    {ECONNREFUSED, TLSC_ERR_CONN_REFUSED},
    {ENETUNREACH, TLSC_ERR_UNREACHABLE},
    {EHOSTUNREACH, TLSC_ERR_UNREACHABLE},
    {ECONNRESET, TLSC_ERR_CONN_RESET},
    {ETIMEDOUT, TLSC_ERR_TIMEOUT_CONNECT},
};

static tlsc_err connect_error(int errnum)
{
    for (size_t i = 0; i < sizeof connect_errors / sizeof connect_errors[0];
         i++) {
        if (connect_errors[i].errnum == errnum)
            return connect_errors[i].err;
    }
    return TLSC_ERR_NETWORK;
}

/* The transport contract: "nothing now" is WANT_*, a reset is its own code,
 * everything else is a generic network error. */
static tlsc_err io_error(int errnum, tlsc_err would_block)
{
    if (errnum == EAGAIN || errnum == EWOULDBLOCK)
        return would_block;
    if (errnum == ECONNRESET || errnum == EPIPE)
        return TLSC_ERR_CONN_RESET;
    return TLSC_ERR_NETWORK;
}

static tlsc_err dns_error(int rc)
{
    if (rc == EAI_AGAIN)
        return TLSC_ERR_DNS_TEMPORARY;
    if (rc == EAI_MEMORY)
        return TLSC_ERR_NO_MEMORY;
    if (rc == EAI_SYSTEM)
        return TLSC_ERR_NETWORK;
    return TLSC_ERR_DNS;
}

/* ---- connecting ----------------------------------------------------------- */

/* Milliseconds left until deadline, as poll() wants them (-1 = forever). */
static int remaining_ms(uint64_t deadline)
{
    if (deadline == 0)
        return -1;
    uint64_t now = tlsc_now_ms();
    if (now >= deadline)
        return 0;
    uint64_t left = deadline - now;
    return left > (uint64_t)INT_MAX ? INT_MAX : (int)left;
}

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Wait for a non-blocking connect to finish; *errnum says why it failed. */
static tlsc_err wait_connected(int fd, uint64_t deadline, int *errnum)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int n;

    do
        n = poll(&p, 1, remaining_ms(deadline));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        *errnum = errno;
        return TLSC_ERR_NETWORK;
    }
    if (n == 0) {
        *errnum = ETIMEDOUT;
        return TLSC_ERR_TIMEOUT_CONNECT;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
        soerr = errno;
    *errnum = soerr;
    return soerr == 0 ? TLSC_OK : connect_error(soerr);
}

static tlsc_err connect_addr(const struct addrinfo *ai, uint64_t deadline,
                             int *fd_out, int *errnum)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        *errnum = errno;
        return TLSC_ERR_NETWORK;
    }
    if (set_nonblocking(fd) != 0 ||
        (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
         errno != EINPROGRESS)) {
        *errnum = errno;
        close(fd);
        return connect_error(*errnum);
    }
    tlsc_err err = wait_connected(fd, deadline, errnum);
    if (err != TLSC_OK) {
        close(fd);
        return err;
    }
    *fd_out = fd;
    return TLSC_OK;
}

static void describe_failure(const struct addrinfo *ai, tlsc_err err,
                             int errnum, uint32_t timeout_ms, char *detail,
                             size_t cap)
{
    char addr[NI_MAXHOST] = "?";
    char port[NI_MAXSERV] = "?";

    (void)getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, port,
                      sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    if (err == TLSC_ERR_TIMEOUT_CONNECT && errnum == ETIMEDOUT &&
        timeout_ms != 0)
        snprintf(detail, cap, "connect to %s port %s: no answer within %lu ms",
                 addr, port, (unsigned long)timeout_ms);
    else
        snprintf(detail, cap, "connect to %s port %s: %s", addr, port,
                 strerror(errnum));
}

tlsc_err cli_tcp_connect(cli_socket *sock, const char *host, uint16_t port,
                         uint32_t timeout_ms, char *detail, size_t cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    char service[8];
    uint64_t deadline = timeout_ms != 0 ? tlsc_now_ms() + timeout_ms : 0;
    tlsc_err err = TLSC_ERR_NETWORK;

    sock->fd = -1;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    int rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        snprintf(detail, cap, "cannot resolve '%s': %s", host,
                 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return dns_error(rc);
    }
    snprintf(detail, cap, "'%s' has no address", host);
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        int errnum = 0;
        err = connect_addr(ai, deadline, &sock->fd, &errnum);
        if (err == TLSC_OK)
            break;
        describe_failure(ai, err, errnum, timeout_ms, detail, cap);
        /* The deadline covers all addresses: once it passed, stop. */
        if (err == TLSC_ERR_TIMEOUT_CONNECT)
            break;
    }
    freeaddrinfo(list);
    if (err == TLSC_OK)
        detail[0] = '\0';
    return err;
}

/* ---- the transport --------------------------------------------------------- */

static tlsc_err sock_send(void *ctx, const unsigned char *buf, size_t len,
                          size_t *sent)
{
    const cli_socket *s = ctx;
    ssize_t n;

    /* MSG_NOSIGNAL: a peer that went away must be an error, not SIGPIPE. */
    do
        n = send(s->fd, buf, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return io_error(errno, TLSC_WANT_WRITE);
    *sent = (size_t)n;
    return TLSC_OK;
}

static tlsc_err sock_recv(void *ctx, unsigned char *buf, size_t len,
                          size_t *got)
{
    const cli_socket *s = ctx;
    ssize_t n;

    do
        n = recv(s->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return io_error(errno, TLSC_WANT_READ);
    *got = (size_t)n; /* 0 = end of stream, as the contract says */
    return TLSC_OK;
}

static tlsc_err sock_wait(void *ctx, bool want_read, bool want_write,
                          int timeout_ms)
{
    const cli_socket *s = ctx;
    struct pollfd p = {.fd = s->fd,
                       .events = (short)((want_read ? POLLIN : 0) |
                                         (want_write ? POLLOUT : 0))};

    /* Timeouts and signals both return OK: the caller re-checks its own
     * deadline and retries. */
    if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
        return TLSC_ERR_NETWORK;
    return TLSC_OK;
}

static void sock_close(void *ctx)
{
    cli_socket_close(ctx);
}

static const tlsc_transport socket_ops = {
    .send = sock_send,
    .recv = sock_recv,
    .wait = sock_wait,
    .close = sock_close,
};

tlsc_err cli_socket_attach(tlsc_conn *conn, cli_socket *sock)
{
    return tlsc_conn_set_transport(conn, &socket_ops, sock);
}

void cli_socket_close(cli_socket *sock)
{
    /* Guarded: tlsc_conn_close and tlsc_conn_free may both close. */
    if (sock->fd >= 0)
        close(sock->fd);
    sock->fd = -1;
}
