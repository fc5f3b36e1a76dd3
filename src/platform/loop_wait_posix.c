/*
 * The event loop's wait on POSIX: one poll() over the descriptors the loop
 * hands in (src/event/loop.c builds the arrays and reports the results).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "core/alloc.h"
#include "platform/platform.h"

/* Descriptors polled without an allocation; more take one per wait. */
#define STACK_FDS 32

static void fill(struct pollfd *p, const int *fd, const unsigned char *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i].fd = fd[i];
        p[i].events = (short)((want[i] & TLSC__READY_READ ? POLLIN : 0) |
                              (want[i] & TLSC__READY_WRITE ? POLLOUT : 0));
        p[i].revents = 0;
    }
}

static void results(const struct pollfd *p, unsigned char *ready, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        short r = p[i].revents;
        bool fault = (r & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        ready[i] = (unsigned char)((fault || (r & POLLIN) ? TLSC__READY_READ : 0) |
                                   (fault || (r & POLLOUT) ? TLSC__READY_WRITE : 0));
    }
}

tlsc_err tlsc__wait(const int *fd, const unsigned char *want, unsigned char *ready, size_t n,
                    int timeout_ms)
{
    struct pollfd on_stack[STACK_FDS];
    struct pollfd *p = n <= STACK_FDS ? on_stack : tlsc__calloc(n, sizeof *p);
    if (p == NULL)
        return TLSC_ERR_NO_MEMORY;
    fill(p, fd, want, n);
    int rc = poll(p, (nfds_t)n, timeout_ms);
    tlsc_err err = rc < 0 && errno != EINTR ? TLSC_ERR_INTERNAL : TLSC_OK;
    memset(ready, 0, n);
    if (rc > 0)
        results(p, ready, n);
    if (p != on_stack)
        tlsc__free(p);
    return err;
}
