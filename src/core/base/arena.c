/*
 * A fixed memory arena for every allocation of tlsc and mbedTLS
 * (tlsc_alloc_use_arena): no malloc at all.
 *
 * Design: first fit over ONE free list kept in address order, with
 * coalescing of neighbours on free. Why this one: a handshake makes from
 * ~75 (small profiles) to ~6,700 (full profile, bignum ECC) allocations of
 * very mixed sizes (16-byte MPI limbs to 16 KiB record buffers) with
 * mostly LIFO lifetimes; address-ordered first fit is the policy the
 * allocator literature measures with the least fragmentation on such
 * workloads (Wilson et al., "Dynamic Storage Allocation: A Survey", 1995),
 * coalescing keeps the free list short (it is walked on every allocation),
 * and it has no size classes to tune per application. Every block carries
 * one 16-byte header (its size), so user blocks stay 16-byte aligned.
 * A spin lock makes it safe to use from several threads (a TLSC_NO_THREADS
 * build has one thread and no lock: core/base/atomics.h).
 */
#include <stdint.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/base/atomics.h"

#define ALIGN 16u
#define MIN_SPLIT (2u * ALIGN) /* a remainder smaller than this is not split off */

typedef struct blk {
    size_t size;        /* whole block, header included, multiple of ALIGN */
    struct blk *next;   /* next free block (address order); free blocks only */
} blk;

_Static_assert(sizeof(blk) <= ALIGN, "block header fits the alignment");

static struct {
    TLSC__FLAG lock;
    blk *free_list;
    unsigned char *start;
    size_t len;
    size_t free_bytes;
    size_t min_free;    /* low-water mark of free_bytes since installed */
} g_arena = { TLSC__FLAG_INIT, NULL, NULL, 0, 0, 0 };

static void lock(void)
{
    while (tlsc__flag_test_and_set_acquire(&g_arena.lock)) {
    }
}

static void unlock(void)
{
    tlsc__flag_clear_release(&g_arena.lock);
}

/* Take `need` bytes from the front of free block *link points to. */
static blk *take(blk **link, size_t need)
{
    blk *b = *link;
    if (b->size - need >= MIN_SPLIT) {
        blk *rest = (blk *)(void *)((unsigned char *)b + need);
        rest->size = b->size - need;
        rest->next = b->next;
        *link = rest;
        b->size = need;
    } else {
        *link = b->next;
    }
    return b;
}

static void *arena_calloc(void *ud, size_t n, size_t size)
{
    (void)ud;
    if (n != 0 && size > (SIZE_MAX - 2 * ALIGN) / n)
        return NULL;
    size_t need = (n * size + ALIGN + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
    blk *b = NULL;
    lock();
    for (blk **link = &g_arena.free_list; *link != NULL; link = &(*link)->next) {
        if ((*link)->size >= need) {
            b = take(link, need);
            break;
        }
    }
    if (b != NULL) {
        g_arena.free_bytes -= b->size;
        if (g_arena.free_bytes < g_arena.min_free)
            g_arena.min_free = g_arena.free_bytes;
    }
    unlock();
    if (b == NULL)
        return NULL;
    unsigned char *user = (unsigned char *)b + ALIGN;
    memset(user, 0, b->size - ALIGN);
    return user;
}

static bool adjacent(const blk *a, const blk *b)
{
    return (const unsigned char *)a + a->size == (const unsigned char *)b;
}

static void arena_free(void *ud, void *p)
{
    (void)ud;
    if (p == NULL)
        return;
    blk *b = (blk *)(void *)((unsigned char *)p - ALIGN);
    lock();
    g_arena.free_bytes += b->size;
    blk *prev = NULL, *next = g_arena.free_list;
    while (next != NULL && next < b) {
        prev = next;
        next = next->next;
    }
    b->next = next;
    if (next != NULL && adjacent(b, next)) {
        b->size += next->size;
        b->next = next->next;
    }
    if (prev != NULL && adjacent(prev, b)) {
        prev->size += b->size;
        prev->next = b->next;
    } else if (prev != NULL) {
        prev->next = b;
    } else {
        g_arena.free_list = b;
    }
    unlock();
}

tlsc_err tlsc_alloc_use_arena(void *buf, size_t len)
{
    if (buf == NULL || len < 1024)
        return TLSC_ERR_INVALID_ARG;
    if (tlsc_heap_current() != 0)
        return TLSC_ERR_STATE;
    uintptr_t at = ((uintptr_t)buf + (ALIGN - 1)) & ~(uintptr_t)(ALIGN - 1);
    size_t usable = (len - (size_t)(at - (uintptr_t)buf)) & ~(size_t)(ALIGN - 1);
    lock();
    g_arena.start = (unsigned char *)at;
    g_arena.len = usable;
    g_arena.free_list = (blk *)(void *)g_arena.start;
    g_arena.free_list->size = usable;
    g_arena.free_list->next = NULL;
    g_arena.free_bytes = g_arena.min_free = usable;
    unlock();
    return tlsc_set_allocator(arena_calloc, arena_free, NULL);
}

void tlsc_arena_stats(size_t *free_bytes, size_t *largest_free, size_t *min_free)
{
    size_t largest = 0;
    lock();
    for (const blk *b = g_arena.free_list; b != NULL; b = b->next)
        largest = b->size > largest ? b->size : largest;
    size_t fb = g_arena.free_bytes, mf = g_arena.min_free;
    unlock();
    if (free_bytes != NULL)
        *free_bytes = fb;
    if (largest_free != NULL)
        *largest_free = largest > ALIGN ? largest - ALIGN : 0;
    if (min_free != NULL)
        *min_free = mf;
}
