/*
 * The application-provided transport (tlsc_transport) shared by the event
 * and MQTT tests: what an lwIP application does, over a plain socket, so
 * that tlsc_ev_connect_transport / tlsc_mqtt_connect_transport run
 * against real peers. It reports failures by return value and never
 * asserts, so that each test checks them with its own framework.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "app_transport.h"

#define APP_TP_MAX 16

tlsc_err app_tp_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    app_tp *t = ctx;
    ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        t->want_write = true;
        return TLSC_WANT_WRITE;
    }
    if (n < 0)
        return TLSC_ERR_CONN_RESET;
    *sent = (size_t)n;
    return TLSC_OK;
}

tlsc_err app_tp_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    app_tp *t = ctx;
    ssize_t n = recv(t->fd, buf, len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TLSC_WANT_READ;
    if (n < 0)
        return TLSC_ERR_CONN_RESET;
    *got = (size_t)n;
    return TLSC_OK;
}

void app_tp_close(void *ctx)
{
    app_tp *t = ctx;
    t->closes++;
    close(t->fd);
    t->fd = -1;
}

const tlsc_transport app_tp_transport = { app_tp_send, app_tp_recv, NULL, app_tp_close };

int app_tp_open(app_tp *t, int port)
{
    memset(t, 0, sizeof *t);
    t->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (t->fd < 0)
        return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int flags;
    if (connect(t->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        (flags = fcntl(t->fd, F_GETFL)) < 0 || fcntl(t->fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        int e = errno;
        close(t->fd);
        t->fd = -1;
        errno = e;
        return -1;
    }
    return 0;
}

int app_tp_wait_ms(const tlsc_loop *loop, int cap_ms)
{
    uint64_t d = tlsc_loop_deadline(loop), now = tlsc_now_ms();
    if (d == 0)
        return cap_ms;
    if (d <= now)
        return 0;
    return d - now > (uint64_t)cap_ms ? cap_ms : (int)(d - now);
}

int app_tp_poll(app_tp *t, size_t n, int wait_ms)
{
    struct pollfd pf[APP_TP_MAX];
    app_tp *of[APP_TP_MAX];
    nfds_t m = 0;
    for (size_t i = 0; i < n && m < APP_TP_MAX; i++) {
        if (t[i].fd < 0 || t[i].silent)
            continue;
        pf[m] = (struct pollfd){ .fd = t[i].fd,
                                 .events = (short)(POLLIN | (t[i].want_write ? POLLOUT : 0)) };
        of[m++] = &t[i];
    }
    int ready = poll(pf, m, wait_ms);
    for (nfds_t i = 0; ready > 0 && i < m; i++) {
        short rev = pf[i].revents;
        if (rev == 0)
            continue;
        bool fault = (rev & (POLLERR | POLLHUP)) != 0;
        if (rev & POLLOUT)
            of[i]->want_write = false;
        tlsc_ev_transport_ready(of[i]->ev, fault || (rev & POLLIN), fault || (rev & POLLOUT));
    }
    return ready;
}
