/* The test relay (relay.h): one thread, poll() over every socket. */
#include "relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAIRS 64

struct relay {
    int lfd;
    uint16_t port, upstream;
    int a[PAIRS], b[PAIRS];     /* client side, broker side; -1 = free */
    atomic_bool frozen, stop;
    atomic_int cuts;            /* cut requests not yet done */
    atomic_int cut_done;
    pthread_t thread;
};

static void reset_close(int fd)
{
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static void drop(relay *r, int i, bool rst)
{
    if (rst) {
        reset_close(r->a[i]);
        reset_close(r->b[i]);
    } else {
        close(r->a[i]);
        close(r->b[i]);
    }
    r->a[i] = r->b[i] = -1;
}

static int dial(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static void accept_one(relay *r)
{
    int c = accept(r->lfd, NULL, NULL);
    if (c < 0)
        return;
    int u = dial(r->upstream);
    for (int i = 0; i < PAIRS && u >= 0; i++) {
        if (r->a[i] < 0) {
            r->a[i] = c;
            r->b[i] = u;
            return;
        }
    }
    close(c);
    if (u >= 0)
        close(u);
}

/* Move what one side has to the other; false when the pair ended. */
static bool pump(int from, int to)
{
    char buf[16384];
    ssize_t n = recv(from, buf, sizeof buf, 0);
    if (n <= 0)
        return false;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        off += w;
    }
    return true;
}

static void *run(void *arg)
{
    relay *r = arg;
    while (!atomic_load(&r->stop)) {
        if (atomic_load(&r->cuts) > 0) {
            for (int i = 0; i < PAIRS; i++) {
                if (r->a[i] >= 0)
                    drop(r, i, true);
            }
            atomic_fetch_sub(&r->cuts, 1);
            atomic_fetch_add(&r->cut_done, 1);
        }
        struct pollfd p[1 + 2 * PAIRS];
        int idx[1 + 2 * PAIRS], n = 0;
        p[n].fd = r->lfd;
        p[n].events = POLLIN;
        idx[n++] = -1;
        bool frozen = atomic_load(&r->frozen);
        for (int i = 0; i < PAIRS && !frozen; i++) {
            if (r->a[i] < 0)
                continue;
            p[n].fd = r->a[i];
            p[n].events = POLLIN;
            idx[n++] = i;
            p[n].fd = r->b[i];
            p[n].events = POLLIN;
            idx[n++] = i + PAIRS;
        }
        if (poll(p, (nfds_t)n, 5) <= 0)
            continue;
        if (p[0].revents & POLLIN)
            accept_one(r);
        for (int k = 1; k < n; k++) {
            int i = idx[k] % PAIRS;
            if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)) || r->a[i] < 0)
                continue;
            bool to_broker = idx[k] < PAIRS;
            if (!pump(to_broker ? r->a[i] : r->b[i], to_broker ? r->b[i] : r->a[i]))
                drop(r, i, false);
        }
    }
    return NULL;
}

relay *relay_start(uint16_t upstream)
{
    relay *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    for (int i = 0; i < PAIRS; i++)
        r->a[i] = r->b[i] = -1;
    r->upstream = upstream;
    r->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(r->lfd, 16) != 0 || getsockname(r->lfd, (struct sockaddr *)&sa, &sl) != 0) {
        free(r);
        return NULL;
    }
    r->port = ntohs(sa.sin_port);
    pthread_create(&r->thread, NULL, run, r);
    return r;
}

uint16_t relay_port(const relay *r)
{
    return r->port;
}

void relay_freeze(relay *r, bool frozen)
{
    atomic_store(&r->frozen, frozen);
}

void relay_cut(relay *r)
{
    int want = atomic_load(&r->cut_done) + 1;
    atomic_fetch_add(&r->cuts, 1);
    while (atomic_load(&r->cut_done) < want)
        usleep(1000);
}

void relay_stop(relay *r)
{
    atomic_store(&r->stop, true);
    pthread_join(r->thread, NULL);
    for (int i = 0; i < PAIRS; i++) {
        if (r->a[i] >= 0)
            drop(r, i, false);
    }
    close(r->lfd);
    free(r);
}
