/*
 * The loop: a list of event connections, the descriptors and timers they
 * wait for, and passes that advance the ready ones (tlsc/event.h). The
 * built-in loop is the foreign-loop API (watches, deadline, fd_ready,
 * process) around one platform wait (tlsc__wait: poll() on POSIX), so both
 * are the same code.
 */
#include <string.h>

#include "event/ev_internal.h"

#include "core/alloc.h"
#include "core/mbedtls/init.h"
#include "core/mbedtls/keyslots.h"
#include "tlsc/tlsc.h"

tlsc_err tlsc_loop_new(tlsc_loop **out)
{
    if (out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    tlsc_err err = tlsc__global_init();
    if (err != TLSC_OK)
        return err;
    tlsc_loop *loop = tlsc__calloc(1, sizeof *loop);
    if (loop == NULL)
        return TLSC_ERR_NO_MEMORY;
    loop->max_handshakes = tlsc__max_handshakes_default();
    *out = loop;
    return TLSC_OK;
}

static void release_list(tlsc_ev *ev)
{
    while (ev != NULL) {
        tlsc_ev *next = ev->next;
        tlsc__ev_release(ev);
        ev = next;
    }
}

void tlsc_loop_free(tlsc_loop *loop)
{
    if (loop == NULL || loop->depth > 0)
        return;
    release_list(loop->head);
    tlsc__free(loop->by_fd);
    tlsc__free(loop->watches);
    tlsc__free(loop->wait_fd);
    tlsc__free(loop->wait_io);
    tlsc__free(loop);
}

void tlsc_loop_stop(tlsc_loop *loop)
{
    if (loop != NULL)
        loop->stop = true;
}

size_t tlsc_loop_active(const tlsc_loop *loop)
{
    size_t n = 0;
    for (const tlsc_ev *ev = loop ? loop->head : NULL; ev != NULL; ev = ev->next)
        n += tlsc__ev_active(ev);
    return n;
}

void tlsc__loop_sample_heap(tlsc_loop *loop)
{
    size_t peak = tlsc_heap_peak();
    if (peak > loop->heap_peak)
        loop->heap_peak = peak;
    size_t slots = tlsc_key_slots_in_use();
    if (slots > loop->slots_peak)
        loop->slots_peak = slots;
}

size_t tlsc_loop_key_slots_peak(const tlsc_loop *loop)
{
    return loop ? loop->slots_peak : 0;
}

/* ---- handshakes in flight ---------------------------------------------------- */

tlsc_err tlsc_loop_set_max_handshakes(tlsc_loop *loop, unsigned n)
{
    if (loop == NULL)
        return TLSC_ERR_INVALID_ARG;
    loop->max_handshakes = n;
    return TLSC_OK;
}

unsigned tlsc_loop_max_handshakes(const tlsc_loop *loop)
{
    return loop ? loop->max_handshakes : 0;
}

static size_t count_connecting(const tlsc_loop *loop)
{
    size_t n = 0;
    for (const tlsc_ev *ev = loop->head; ev != NULL; ev = ev->next)
        n += !ev->dead && ev->state == EV_CONNECTING;
    return n;
}

bool tlsc__loop_may_start(const tlsc_loop *loop)
{
    size_t connecting = count_connecting(loop);
    if (loop->max_handshakes != 0 && connecting >= loop->max_handshakes)
        return false;
    /* Open connections hold key slots too: with others in flight, wait
     * until a handshake's worth is free rather than fail for want of them.
     * Alone, start anyway (nothing else would free any). */
    return connecting == 0 || tlsc__key_slots_free_for_handshake();
}

void tlsc__loop_wake_queued(tlsc_loop *loop)
{
    for (tlsc_ev *ev = loop->head; ev != NULL; ev = ev->next) {
        if (!ev->dead && ev->state == EV_QUEUED) {
            ev->kick = true;
            return;
        }
    }
}

size_t tlsc_loop_heap_peak(const tlsc_loop *loop)
{
    if (loop == NULL)
        return 0;
    size_t peak = tlsc_heap_peak();
    return peak > loop->heap_peak ? peak : loop->heap_peak;
}

/* ---- descriptor map ---------------------------------------------------------- */

void tlsc__loop_unmap(tlsc_loop *loop, tlsc_ev *ev)
{
    int fd = ev->watch_fd;
    if (fd >= 0 && (size_t)fd < loop->by_fd_cap && loop->by_fd[fd] == ev)
        loop->by_fd[fd] = NULL;
    ev->watch_fd = -1;
}

static bool map_fd(tlsc_loop *loop, tlsc_ev *ev, int fd)
{
    if ((size_t)fd >= loop->by_fd_cap) {
        size_t cap = loop->by_fd_cap ? loop->by_fd_cap : 64;
        while (cap <= (size_t)fd)
            cap *= 2;
        tlsc_ev **grown = tlsc__calloc(cap, sizeof *grown);
        if (grown == NULL)
            return false;
        if (loop->by_fd_cap > 0)
            memcpy(grown, loop->by_fd, loop->by_fd_cap * sizeof *grown);
        tlsc__free(loop->by_fd);
        loop->by_fd = grown;
        loop->by_fd_cap = cap;
    }
    if (ev->watch_fd != fd)
        tlsc__loop_unmap(loop, ev);
    loop->by_fd[fd] = ev;
    ev->watch_fd = fd;
    return true;
}

/* ---- foreign-loop API ------------------------------------------------------- */

size_t tlsc_loop_watches(tlsc_loop *loop, tlsc_watch *out, size_t cap)
{
    size_t n = 0;
    for (tlsc_ev *ev = loop ? loop->head : NULL; ev != NULL; ev = ev->next) {
        tlsc_watch w;
        if (!tlsc__ev_watch(ev, &w))
            continue;
        /* Without room in the map the connection is stepped every pass
         * instead (see tlsc__ev_deadline's kick). */
        if (!map_fd(loop, ev, w.fd))
            ev->kick = true;
        if (n < cap && out != NULL)
            out[n] = w;
        n++;
    }
    return n;
}

uint64_t tlsc_loop_deadline(const tlsc_loop *loop)
{
    uint64_t next = 0;
    for (const tlsc_ev *ev = loop ? loop->head : NULL; ev != NULL; ev = ev->next) {
        uint64_t d = tlsc__ev_deadline(ev);
        if (d != 0 && (next == 0 || d < next))
            next = d;
    }
    return next;
}

void tlsc_loop_fd_ready(tlsc_loop *loop, int fd, bool readable, bool writable)
{
    if (loop == NULL || fd < 0 || (size_t)fd >= loop->by_fd_cap || loop->by_fd[fd] == NULL)
        return;
    tlsc_ev *ev = loop->by_fd[fd];
    ev->rd_ready |= readable;
    ev->wr_ready |= writable;
}

static bool due(const tlsc_ev *ev, uint64_t now)
{
    uint64_t d = tlsc__ev_deadline(ev);
    return d != 0 && d <= now;
}

void tlsc__loop_unlink(tlsc_loop *loop, tlsc_ev *ev)
{
    if (ev->prev != NULL)
        ev->prev->next = ev->next;
    else
        loop->head = ev->next;
    if (ev->next != NULL)
        ev->next->prev = ev->prev;
}

/* Connections freed during the pass: unlinked and released now. */
static void bury(tlsc_loop *loop)
{
    tlsc_ev *ev = loop->head;
    while (ev != NULL) {
        tlsc_ev *next = ev->next;
        if (ev->dead) {
            tlsc__loop_unlink(loop, ev);
            tlsc__ev_release(ev);
        }
        ev = next;
    }
}

tlsc_err tlsc_loop_process(tlsc_loop *loop)
{
    if (loop == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (loop->depth > 0)
        return TLSC_ERR_STATE;
    loop->depth++;
    tlsc__loop_sample_heap(loop);
    uint64_t now = tlsc_now_ms();
    /* Connections created by callbacks go to the head: they are not in
     * this walk and start on the next pass (they are due at once). */
    for (tlsc_ev *ev = loop->head; ev != NULL; ev = ev->next) {
        if (!ev->dead && due(ev, now))
            tlsc__ev_advance(ev);
    }
    loop->depth--;
    bury(loop);
    return TLSC_OK;
}

/* ---- the built-in loop ------------------------------------------------------ */

/* Milliseconds the platform may wait: until the next timer, at most max_ms
 * (-1 = no limit). Asked after tlsc_loop_watches, which may mark work
 * pending. */
static int wait_ms(const tlsc_loop *loop, int max_ms)
{
    uint64_t d = tlsc_loop_deadline(loop);
    if (d == 0)
        return max_ms;
    uint64_t now = tlsc_now_ms();
    if (d <= now)
        return 0;
    uint64_t left = d - now;
    if (max_ms >= 0 && left > (uint64_t)max_ms)
        return max_ms;
    return left > 60000 ? 60000 : (int)left;
}

/* The built-in loop's arrays for n descriptors: the watches, and the plain
 * arrays the platform's wait takes (descriptors; wanted, then ready bits). */
static bool grow_wait_arrays(tlsc_loop *loop, size_t n)
{
    if (loop->watches != NULL && n <= loop->watch_cap)
        return true; /* allocated once even for none: never NULL arrays */
    size_t cap = n + n / 2 + 16;
    tlsc_watch *w = tlsc__calloc(cap, sizeof *w);
    int *fd = tlsc__calloc(cap, sizeof *fd);
    unsigned char *io = tlsc__calloc(cap, 2);
    if (w == NULL || fd == NULL || io == NULL) {
        tlsc__free(w);
        tlsc__free(fd);
        tlsc__free(io);
        return false;
    }
    tlsc__free(loop->watches);
    tlsc__free(loop->wait_fd);
    tlsc__free(loop->wait_io);
    loop->watches = w;
    loop->wait_fd = fd;
    loop->wait_io = io;
    loop->watch_cap = cap;
    return true;
}

/* Wait for the loop's descriptors (tlsc_loop_watches) through the
 * platform (tlsc__wait) and report them as tlsc_loop_fd_ready: the
 * built-in loop is the foreign-loop API around one platform call. */
static tlsc_err wait_for_io(tlsc_loop *loop, int max_ms)
{
    size_t n = tlsc_loop_watches(loop, NULL, 0);
    if (!grow_wait_arrays(loop, n))
        return TLSC_ERR_NO_MEMORY;
    n = tlsc_loop_watches(loop, loop->watches, loop->watch_cap);
    unsigned char *want = loop->wait_io, *ready = loop->wait_io + loop->watch_cap;
    for (size_t i = 0; i < n; i++) {
        loop->wait_fd[i] = loop->watches[i].fd;
        want[i] = (unsigned char)((loop->watches[i].read ? TLSC__READY_READ : 0) |
                                  (loop->watches[i].write ? TLSC__READY_WRITE : 0));
    }
    tlsc_err err = tlsc__wait(loop->wait_fd, want, ready, n, wait_ms(loop, max_ms));
    for (size_t i = 0; err == TLSC_OK && i < n; i++) {
        if (ready[i] != 0)
            tlsc_loop_fd_ready(loop, loop->wait_fd[i], ready[i] & TLSC__READY_READ,
                               ready[i] & TLSC__READY_WRITE);
    }
    return err;
}

tlsc_err tlsc_loop_run_once(tlsc_loop *loop, int timeout_ms)
{
    if (loop == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (loop->depth > 0)
        return TLSC_ERR_STATE;
    tlsc_err err = wait_for_io(loop, timeout_ms);
    if (err != TLSC_OK)
        return err;
    return tlsc_loop_process(loop);
}

tlsc_err tlsc_loop_run(tlsc_loop *loop, uint32_t timeout_ms)
{
    if (loop == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (loop->depth > 0)
        return TLSC_ERR_STATE;
    uint64_t end = timeout_ms ? tlsc_now_ms() + timeout_ms : 0;
    loop->stop = false;
    while (!loop->stop && tlsc_loop_active(loop) > 0) {
        int slice = -1;
        if (end != 0) {
            uint64_t now = tlsc_now_ms();
            if (now >= end)
                break;
            slice = (int)(end - now > 60000 ? 60000 : end - now);
        }
        tlsc_err err = tlsc_loop_run_once(loop, slice);
        if (err != TLSC_OK)
            return err;
    }
    loop->stop = false;
    return TLSC_OK;
}
