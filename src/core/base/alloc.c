/*
 * The allocator hook and heap accounting. Every block tlsc or mbedTLS
 * allocates carries a 16-byte header recording its size, because free()
 * is not told the size and we want exact current/peak figures on any
 * allocator, including a user's fixed arena.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/alloc.h"
#include "core/base/atomics.h"

#define HDR 16u /* keeps the user block 16-byte aligned */

static void *default_calloc(void *ud, size_t n, size_t size)
{
    (void)ud;
    return calloc(n, size);
}

static void default_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

static tlsc_calloc_fn g_calloc = default_calloc;
static tlsc_free_fn g_free = default_free;
static void *g_ud;
static TLSC__ATOMIC(size_t) g_current;
static TLSC__ATOMIC(size_t) g_peak;
static TLSC__ATOMIC(size_t) g_limit;
/* Allocation failures seen by this thread: lets the core tell that an
 * mbedTLS error was really an out-of-memory (mbedTLS often reports an
 * allocation failure deep inside as a generic handshake or PSA error). */
static TLSC__THREAD_LOCAL unsigned long tl_failures;

unsigned long tlsc__alloc_failures(void)
{
    return tl_failures;
}

/* See tlsc__alloc_clamp_next (internal.h): one request of exactly
 * tl_clamp_match bytes gets tl_clamp_give bytes; tl_clamped records it. */
static TLSC__THREAD_LOCAL size_t tl_clamp_match, tl_clamp_give;
static TLSC__THREAD_LOCAL void *tl_clamped;

void tlsc__alloc_clamp_next(size_t match, size_t give)
{
    tl_clamp_match = match;
    tl_clamp_give = give;
    tl_clamped = NULL;
}

void *tlsc__alloc_clamped(void)
{
    void *p = tl_clamped;
    tlsc__alloc_clamp_next(0, 0);
    return p;
}

/* The size to allocate for a request of `bytes`: clamped once if armed. */
static size_t clamp(size_t bytes, bool *clamped)
{
    *clamped = tl_clamp_match != 0 && bytes == tl_clamp_match && tl_clamp_give < bytes;
    if (!*clamped)
        return bytes;
    tl_clamp_match = 0;
    return tl_clamp_give;
}

static void raise_peak(size_t now)
{
    size_t peak = tlsc__atomic_load(&g_peak);
    while (now > peak && !tlsc__atomic_cas(&g_peak, &peak, now)) {
    }
}

/* Reserve bytes against the limit; false if that would exceed it. */
static bool reserve(size_t bytes)
{
    size_t limit = tlsc__atomic_load(&g_limit);
    size_t now = tlsc__atomic_fetch_add(&g_current, bytes) + bytes;
    if (limit != 0 && now > limit) {
        (void)tlsc__atomic_fetch_sub(&g_current, bytes);
        return false;
    }
    raise_peak(now);
    return true;
}

void *tlsc__calloc(size_t n, size_t size)
{
    if (n != 0 && size > (SIZE_MAX - HDR) / n)
        return NULL;
    bool clamped;
    size_t bytes = clamp(n * size, &clamped);
    if (!reserve(bytes)) {
        tl_failures++;
        return NULL;
    }
    unsigned char *block = g_calloc(g_ud, 1, bytes + HDR);
    if (block == NULL) {
        (void)tlsc__atomic_fetch_sub(&g_current, bytes);
        tl_failures++;
        return NULL;
    }
    memcpy(block, &bytes, sizeof bytes);
    if (clamped)
        tl_clamped = block + HDR;
    return block + HDR;
}

void tlsc__free(void *p)
{
    if (p == NULL)
        return;
    unsigned char *block = (unsigned char *)p - HDR;
    size_t bytes;
    memcpy(&bytes, block, sizeof bytes);
    (void)tlsc__atomic_fetch_sub(&g_current, bytes);
    g_free(g_ud, block);
}

void tlsc__zeroize(void *p, size_t len)
{
    /* A volatile function pointer keeps the compiler from dropping the
     * store as dead, as mbedtls_platform_zeroize does. */
    static void *(*const volatile wipe)(void *, int, size_t) = memset;
    if (p != NULL && len != 0)
        wipe(p, 0, len);
}

void tlsc__free_secret(void *p, size_t len)
{
    tlsc__zeroize(p, len);
    tlsc__free(p);
}

char *tlsc__strdup(const char *s)
{
    size_t len = strlen(s);
    char *copy = tlsc__calloc(1, len + 1);
    if (copy != NULL)
        memcpy(copy, s, len);
    return copy;
}

void tlsc__replace_str(char **dst, const char *s)
{
    char *copy = tlsc__strdup(s);
    tlsc__free(*dst);
    *dst = copy;
}

tlsc_err tlsc_set_allocator(tlsc_calloc_fn calloc_fn, tlsc_free_fn free_fn,
                            void *ud)
{
    if ((calloc_fn == NULL) != (free_fn == NULL))
        return TLSC_ERR_INVALID_ARG;
    if (tlsc__atomic_load(&g_current) != 0)
        return TLSC_ERR_STATE;
    g_calloc = calloc_fn ? calloc_fn : default_calloc;
    g_free = free_fn ? free_fn : default_free;
    g_ud = calloc_fn ? ud : NULL;
    return TLSC_OK;
}

void tlsc_heap_set_limit(size_t bytes)
{
    tlsc__atomic_store(&g_limit, bytes);
}

size_t tlsc_heap_current(void)
{
    return tlsc__atomic_load(&g_current);
}

size_t tlsc_heap_peak(void)
{
    return tlsc__atomic_load(&g_peak);
}

void tlsc_heap_reset_peak(void)
{
    tlsc__atomic_store(&g_peak, tlsc__atomic_load(&g_current));
}
