/*
 * The built-in event loop's wait on POSIX: one poll() over the descriptors
 * the loop's connections watch (tlsc_loop_watches), their readiness
 * reported with tlsc_loop_fd_ready (src/event/loop.c does the rest).
 */
#include <errno.h>
#include <poll.h>

#include "event/ev_internal.h"

#include "core/alloc.h"

static bool grow_arrays(tlsc_loop *loop, size_t need)
{
    if (need <= loop->watch_cap)
        return true;
    size_t cap = need + need / 2 + 16;
    tlsc_watch *w = tlsc__calloc(cap, sizeof *w);
    struct pollfd *p = tlsc__calloc(cap, sizeof *p);
    if (w == NULL || p == NULL) {
        tlsc__free(w);
        tlsc__free(p);
        return false;
    }
    tlsc__free(loop->watches);
    tlsc__free(loop->pollfds);
    loop->watches = w;
    loop->pollfds = p;
    loop->watch_cap = cap;
    return true;
}

tlsc_err tlsc__loop_wait(tlsc_loop *loop, int max_ms)
{
    size_t n = tlsc_loop_watches(loop, NULL, 0);
    if (!grow_arrays(loop, n))
        return TLSC_ERR_NO_MEMORY;
    n = tlsc_loop_watches(loop, loop->watches, loop->watch_cap);
    struct pollfd *p = loop->pollfds;
    for (size_t i = 0; i < n; i++) {
        p[i].fd = loop->watches[i].fd;
        p[i].events = (short)((loop->watches[i].read ? POLLIN : 0) |
                              (loop->watches[i].write ? POLLOUT : 0));
        p[i].revents = 0;
    }
    int rc = poll(p, (nfds_t)n, tlsc__loop_wait_ms(loop, max_ms));
    if (rc < 0 && errno != EINTR)
        return TLSC_ERR_INTERNAL;
    for (size_t i = 0; rc > 0 && i < n; i++) {
        short r = p[i].revents;
        if (r == 0)
            continue;
        bool fault = (r & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        tlsc_loop_fd_ready(loop, p[i].fd, fault || (r & POLLIN), fault || (r & POLLOUT));
    }
    return TLSC_OK;
}
