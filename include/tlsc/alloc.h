/*
 * tlsc/alloc.h — the allocator hook and heap accounting.
 *
 * Every allocation made by tlsc AND by the mbedTLS inside it goes through
 * one process-wide hook, so memory can be counted, limited or placed in a
 * fixed arena. tlsc always counts the bytes requested through the hook:
 * current and peak. (Counts are of requested bytes; the hook's own
 * bookkeeping overhead, 16 bytes per block, is not included.)
 * Not counted: the address list the operating system's resolver
 * (getaddrinfo) allocates while it looks a name up (freed as soon as the
 * up to 4 addresses tlsc tries are copied out).
 */
#ifndef TLSC_ALLOC_H
#define TLSC_ALLOC_H

#include "tlsc/common.h"
#include "tlsc/error.h"

TLSC_BEGIN_DECLS

/* Allocate n*size zeroed bytes, or return NULL (never abort). */
typedef void *(*tlsc_calloc_fn)(void *ud, size_t n, size_t size);
/* Release a block from the matching calloc function; p may be NULL. */
typedef void (*tlsc_free_fn)(void *ud, void *p);

/*
 * Install the allocator. Must be called before any other tlsc call that
 * allocates (before the first tlsc_config_new), and at most once with a
 * non-default allocator while blocks are live: returns TLSC_ERR_STATE if
 * blocks allocated by the previous allocator are still in use.
 * Passing NULL for both functions restores the C library's calloc/free.
 * Errors: TLSC_ERR_INVALID_ARG (only one of the two is NULL), TLSC_ERR_STATE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_set_allocator(tlsc_calloc_fn calloc_fn,
                                                    tlsc_free_fn free_fn,
                                                    void *ud);

/*
 * Serve every allocation of tlsc and mbedTLS from the application's buffer
 * buf of len bytes (any alignment; at least 1024): no malloc at all. Like
 * tlsc_set_allocator it must be called before any other tlsc call that
 * allocates, and buf must stay valid (and untouched) for as long as tlsc
 * is used: PSA crypto may keep global state in it for good (the full
 * profile's growing key store: ~2.7 KB; the small profiles: none).
 * Running out fails the allocation, which surfaces as TLSC_ERR_NO_MEMORY
 * from the call that needed it; nothing else is affected.
 * Sizing: each block costs its size rounded up to 16 plus a 16-byte arena
 * header, on top of tlsc's own 16-byte header (tlsc_heap_* count neither).
 * bench/memory.sh prints the peak of each profile; tlsc_arena_stats tells
 * the low-water mark of a real run.
 * Allocator: first fit over an address-ordered free list with coalescing
 * (little fragmentation with mixed sizes and LIFO lifetimes; see arena.c);
 * thread-safe (spin lock). Not for use together with tlsc_set_allocator.
 * Errors: TLSC_ERR_INVALID_ARG (NULL or len < 1024), TLSC_ERR_STATE
 * (blocks from another allocator are still live).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_alloc_use_arena(void *buf, size_t len);

/* The arena's free bytes now, its largest free block (the biggest
 * allocation that can succeed now), and the fewest free bytes seen since
 * tlsc_alloc_use_arena. Any pointer may be NULL. */
TLSC_API void tlsc_arena_stats(size_t *free_bytes, size_t *largest_free,
                               size_t *min_free);

/*
 * Cap the bytes tlsc and mbedTLS may hold at once (0 = no limit). An
 * allocation that would exceed the cap fails as if the system were out of
 * memory, which surfaces as TLSC_ERR_NO_MEMORY. Useful to rehearse a
 * device's heap on a host.
 */
TLSC_API void tlsc_heap_set_limit(size_t bytes);

/* Bytes currently allocated through the hook. */
TLSC_API size_t tlsc_heap_current(void);
/* Highest value tlsc_heap_current() reached since start or last reset. */
TLSC_API size_t tlsc_heap_peak(void);
/* Set the peak to the current value (to measure one phase). */
TLSC_API void tlsc_heap_reset_peak(void);


/*
 * PSA key slots. mbedTLS keeps every key a connection uses in PSA's key
 * store: the ECDHE key and the record keys of a handshake, a public key
 * while one signature is checked, the record keys of an open connection.
 * The full profile's store grows on the heap (capacity 0: bounded by
 * memory). The small profiles have a fixed table of
 * MBEDTLS_PSA_KEY_SLOT_COUNT slots in static RAM; when it is full a
 * handshake fails with TLSC_ERR_NO_MEMORY ("PSA key slots exhausted ...").
 * What one handshake in flight and one open connection hold, and the
 * capacity of each profile: docs/footprint.md ("Capacity").
 */
/* Slots in the fixed table of this build, or 0 when the store grows. */
TLSC_API size_t tlsc_key_slots_capacity(void);
/* Slots holding a key now (all connections and configurations of the
 * process): a snapshot, which other threads driving connections may
 * change at once. */
TLSC_API size_t tlsc_key_slots_in_use(void);

TLSC_END_DECLS

#endif /* TLSC_ALLOC_H */
