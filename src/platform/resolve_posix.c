/*
 * Name resolution on POSIX: one lookup (getaddrinfo, or the tests' hook)
 * for the blocking driver (tlsc__resolve_now, on the caller's thread) and
 * the event driver. The system resolver has no portable non-blocking form,
 * so each asynchronous lookup runs on a short-lived
 * detached thread that writes one byte to a socket pair when done. The
 * event loop watches the other end like any socket. The lookup object is
 * shared by the thread and its owner, so the owner may abandon a lookup at
 * any time (a connection freed while its name is still resolving); memory
 * is only ever freed on the owner's side (see orphans).
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "core/alloc.h"
#include "platform/platform.h"

struct tlsc__resolve {
    struct tlsc__resolve *next_orphan;
    atomic_int refs;        /* owner + worker */
    atomic_int done;
    int fds[2];             /* [0] owner reads, [1] worker writes */
    int rc;                 /* getaddrinfo's answer */
    int sys_errno;          /* its errno, the cause of an EAI_SYSTEM */
    tlsc__addr_text addrs[TLSC__RESOLVE_MAX];
    size_t count;
    char host[];            /* the name looked up */
};

/*
 * Lookups the worker let go of last. The allocator hook may not be
 * thread-safe (an arena, say), so a worker never frees: it parks the
 * object here and the owner's thread frees it on its next call.
 */
static pthread_mutex_t orphans_lock = PTHREAD_MUTEX_INITIALIZER;
static tlsc__resolve *orphans;

static void destroy(tlsc__resolve *r)
{
    if (r->fds[0] >= 0)
        close(r->fds[0]);
    if (r->fds[1] >= 0)
        close(r->fds[1]);
    tlsc__free(r);
}

static void reap_orphans(void)
{
    pthread_mutex_lock(&orphans_lock);
    tlsc__resolve *list = orphans;
    orphans = NULL;
    pthread_mutex_unlock(&orphans_lock);
    while (list != NULL) {
        tlsc__resolve *next = list->next_orphan;
        destroy(list);
        list = next;
    }
}

/* Drop one reference; on_owner_thread says whether freeing is allowed. */
static void release(tlsc__resolve *r, bool on_owner_thread)
{
    if (atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    if (on_owner_thread) {
        destroy(r);
        return;
    }
    pthread_mutex_lock(&orphans_lock);
    r->next_orphan = orphans;
    orphans = r;
    pthread_mutex_unlock(&orphans_lock);
}

/* Tests only (tlsc__resolve_set_hook); read by the worker threads. */
static _Atomic(tlsc__resolve_hook) g_hook;

void tlsc__resolve_set_hook(tlsc__resolve_hook fn)
{
    atomic_store(&g_hook, fn);
}

static void add_address(tlsc__addr_text addrs[TLSC__RESOLVE_MAX], size_t *count,
                        const struct addrinfo *ai)
{
    const void *src = ai->ai_family == AF_INET6
        ? (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
        : (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
    if (*count < TLSC__RESOLVE_MAX &&
        inet_ntop(ai->ai_family, src, addrs[*count], sizeof addrs[0]) != NULL)
        (*count)++;
}

/* getaddrinfo's answer; the IPv4 and IPv6 addresses it gave in addrs.
 * errno on return is getaddrinfo's own (freeaddrinfo may change it), so
 * the cause of an EAI_SYSTEM survives. */
static int system_lookup(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                         size_t *count)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_ADDRCONFIG };
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &list);
    int e = errno;
    for (const struct addrinfo *ai = list; rc == 0 && ai != NULL; ai = ai->ai_next)
        add_address(addrs, count, ai);
    if (list != NULL)
        freeaddrinfo(list);
    errno = e;
    return rc;
}

/* One lookup, for both the blocking and the asynchronous resolver, by the
 * tests' hook or getaddrinfo: its answer, with errno in *sys_errno, and
 * the addresses in *count. 0 with *count 0 is a name without a usable
 * address (lookup_failed says so). */
static int lookup(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX], size_t *count,
                  int *sys_errno)
{
    *count = 0;
    errno = 0;
    tlsc__resolve_hook hook = atomic_load(&g_hook);
    int rc = hook != NULL ? hook(host, addrs, count) : system_lookup(host, addrs, count);
    *sys_errno = errno;
    return rc;
}

static void *worker(void *arg)
{
    tlsc__resolve *r = arg;
    r->rc = lookup(r->host, r->addrs, &r->count, &r->sys_errno);
    atomic_store(&r->done, 1);
    /* MSG_NOSIGNAL: the owner may have closed its end already. */
    (void)send(r->fds[1], "x", 1, MSG_NOSIGNAL);
    release(r, false);
    return NULL;
}

/* A system error met by the resolver (a lookup that could not start, or
 * getaddrinfo's EAI_SYSTEM): for want of memory it is NO_MEMORY (as a
 * socket would be, net_error_posix.c), not a resolver failure; a thread or
 * descriptor limit stays DNS_TEMPORARY: trying later may work. */
static tlsc_err system_failed(int e)
{
    return tlsc__net_error(e) == TLSC_ERR_NO_MEMORY ? TLSC_ERR_NO_MEMORY
                                                     : TLSC_ERR_DNS_TEMPORARY;
}

static tlsc_err spawn(tlsc__resolve *r, char *detail, size_t cap)
{
    pthread_attr_t attr;
    pthread_t tid;
    int rc = pthread_attr_init(&attr);
    if (rc != 0) {
        snprintf(detail, cap, "cannot start a resolver thread for '%s': %s", r->host,
                 strerror(rc));
        return system_failed(rc);
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* getaddrinfo needs little stack; keep many lookups cheap. */
    pthread_attr_setstacksize(&attr, 256 * 1024);
    atomic_store(&r->refs, 2);
    rc = pthread_create(&tid, &attr, worker, r);
    pthread_attr_destroy(&attr);
    if (rc == 0)
        return TLSC_OK;
    atomic_store(&r->refs, 1);
    snprintf(detail, cap, "cannot start a resolver thread for '%s': %s", r->host,
             strerror(rc));
    return system_failed(rc);
}

tlsc_err tlsc__resolve_start(tlsc__resolve **out, const char *host, char *detail, size_t cap)
{
    reap_orphans();
    tlsc__resolve *r = tlsc__calloc(1, sizeof *r + strlen(host) + 1);
    if (r == NULL) {
        snprintf(detail, cap, "cannot resolve '%s': no memory for the lookup", host);
        return TLSC_ERR_NO_MEMORY;
    }
    atomic_init(&r->refs, 1);
    r->fds[0] = r->fds[1] = -1;
    memcpy(r->host, host, strlen(host) + 1);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, r->fds) != 0) {
        int e = errno;
        snprintf(detail, cap, "cannot resolve '%s': no descriptor (%s)", host, strerror(e));
        r->fds[0] = r->fds[1] = -1;
        release(r, true);
        return system_failed(e);
    }
    tlsc_err err = spawn(r, detail, cap);
    if (err != TLSC_OK) {
        release(r, true);
        return err;
    }
    *out = r;
    return TLSC_OK;
}

int tlsc__resolve_fd(const tlsc__resolve *r)
{
    return r ? r->fds[0] : -1;
}

static tlsc_err gai_error(int rc)
{
    switch (rc) {
    case EAI_AGAIN: return TLSC_ERR_DNS_TEMPORARY;
    case EAI_MEMORY: return TLSC_ERR_NO_MEMORY;
    default: return TLSC_ERR_DNS;
    }
}

/* Why a lookup gave no address. gai_strerror says only "System error"
 * for EAI_SYSTEM, so its errno names the cause. A name that resolved to
 * nothing tlsc can connect to (no IPv4 or IPv6 address) is TLSC_ERR_DNS,
 * as the name without addresses (EAI_NONAME, EAI_NODATA) is. */
static tlsc_err lookup_failed(const char *host, int rc, int sys_errno, char *detail,
                              size_t cap)
{
    if (rc == EAI_SYSTEM) {
        snprintf(detail, cap, "cannot resolve '%s': %s", host, strerror(sys_errno));
        return system_failed(sys_errno);
    }
    if (rc == 0) {
        snprintf(detail, cap, "cannot resolve '%s': the name has no IPv4 or IPv6 address",
                 host);
        return TLSC_ERR_DNS;
    }
    snprintf(detail, cap, "cannot resolve '%s': %s", host, gai_strerror(rc));
    return gai_error(rc);
}

tlsc_err tlsc__resolve_result(tlsc__resolve *r, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                              size_t *count, char *detail, size_t cap)
{
    if (!atomic_load(&r->done))
        return TLSC_WANT_READ;
    if (r->rc != 0 || r->count == 0)
        return lookup_failed(r->host, r->rc, r->sys_errno, detail, cap);
    memcpy(addrs, r->addrs, sizeof r->addrs);
    *count = r->count;
    return TLSC_OK;
}

tlsc_err tlsc__resolve_now(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                           size_t *count, char *detail, size_t cap)
{
    int sys_errno = 0;
    int rc = lookup(host, addrs, count, &sys_errno);
    if (rc == 0 && *count > 0)
        return TLSC_OK;
    return lookup_failed(host, rc, sys_errno, detail, cap);
}

/* A finished worker has only its signal and its release left: waiting for
 * them lets the owner free the lookup here and now, instead of the worker
 * parking it for the owner's next call (the heap would read a lookup too
 * many until then: http_ev_alloc_fail saw it). A lookup still running is
 * left to the worker as before. */
static void wait_worker_done(tlsc__resolve *r)
{
    if (!atomic_load(&r->done))
        return;
    while (atomic_load(&r->refs) > 1)
        sched_yield();
}

void tlsc__resolve_free(tlsc__resolve *r)
{
    if (r != NULL) {
        wait_worker_done(r);
        release(r, true);
    }
    reap_orphans();
}
