/*
 * Asynchronous name resolution on POSIX: the system resolver (getaddrinfo)
 * has no portable non-blocking form, so each lookup runs on a short-lived
 * detached thread that writes one byte to a socket pair when done. The
 * event loop watches the other end like any socket. The lookup object is
 * shared by the thread and its owner, so the owner may abandon a lookup at
 * any time (a connection freed while its name is still resolving); memory
 * is only ever freed on the owner's side (see orphans).
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/alloc.h"
#include "core/base/hostname.h"

struct tlsc__resolve {
    struct tlsc__resolve *next_orphan;
    atomic_int refs;        /* owner + worker */
    atomic_int done;
    int fds[2];             /* [0] owner reads, [1] worker writes */
    int rc;                 /* getaddrinfo's answer */
    tlsc__addr_text addrs[TLSC__RESOLVE_MAX];
    size_t count;
    char host[TLSC_HOST_MAX + 1];
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

static void add_address(tlsc__resolve *r, const struct addrinfo *ai)
{
    const void *src = ai->ai_family == AF_INET6
        ? (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
        : (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
    if (r->count < TLSC__RESOLVE_MAX &&
        inet_ntop(ai->ai_family, src, r->addrs[r->count], sizeof r->addrs[0]) != NULL)
        r->count++;
}

static void *worker(void *arg)
{
    tlsc__resolve *r = arg;
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_ADDRCONFIG };
    struct addrinfo *list = NULL;
    r->rc = getaddrinfo(r->host, NULL, &hints, &list);
    for (const struct addrinfo *ai = list; r->rc == 0 && ai != NULL; ai = ai->ai_next)
        add_address(r, ai);
    if (r->rc == 0 && r->count == 0)
        r->rc = EAI_FAIL;
    if (list != NULL)
        freeaddrinfo(list);
    atomic_store(&r->done, 1);
    /* MSG_NOSIGNAL: the owner may have closed its end already. */
    (void)send(r->fds[1], "x", 1, MSG_NOSIGNAL);
    release(r, false);
    return NULL;
}

static tlsc_err spawn(tlsc__resolve *r, char *detail, size_t cap)
{
    pthread_attr_t attr;
    pthread_t tid;
    if (pthread_attr_init(&attr) != 0) {
        snprintf(detail, cap, "cannot start a resolver thread for '%s'", r->host);
        return TLSC_ERR_DNS_TEMPORARY;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* getaddrinfo needs little stack; keep many lookups cheap. */
    pthread_attr_setstacksize(&attr, 256 * 1024);
    atomic_store(&r->refs, 2);
    int rc = pthread_create(&tid, &attr, worker, r);
    pthread_attr_destroy(&attr);
    if (rc == 0)
        return TLSC_OK;
    atomic_store(&r->refs, 1);
    snprintf(detail, cap, "cannot start a resolver thread for '%s': %s", r->host,
             strerror(rc));
    return TLSC_ERR_DNS_TEMPORARY;
}

tlsc_err tlsc__resolve_start(tlsc__resolve **out, const char *host, char *detail, size_t cap)
{
    reap_orphans();
    tlsc__resolve *r = tlsc__calloc(1, sizeof *r);
    if (r == NULL)
        return TLSC_ERR_NO_MEMORY;
    atomic_init(&r->refs, 1);
    r->fds[0] = r->fds[1] = -1;
    snprintf(r->host, sizeof r->host, "%s", host);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, r->fds) != 0) {
        snprintf(detail, cap, "cannot resolve '%s': no descriptor (%s)", host, strerror(errno));
        r->fds[0] = r->fds[1] = -1;
        release(r, true);
        return TLSC_ERR_DNS_TEMPORARY;
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

tlsc_err tlsc__resolve_result(tlsc__resolve *r, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                              size_t *count, char *detail, size_t cap)
{
    if (!atomic_load(&r->done))
        return TLSC_WANT_READ;
    if (r->rc != 0) {
        snprintf(detail, cap, "cannot resolve '%s': %s", r->host, gai_strerror(r->rc));
        return gai_error(r->rc);
    }
    memcpy(addrs, r->addrs, sizeof r->addrs);
    *count = r->count;
    return TLSC_OK;
}

void tlsc__resolve_free(tlsc__resolve *r)
{
    if (r != NULL)
        release(r, true);
    reap_orphans();
}
