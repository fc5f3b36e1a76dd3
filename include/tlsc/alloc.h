/*
 * tlsc/alloc.h — the allocator hook and heap accounting.
 *
 * Every allocation made by tlsc AND by the mbedTLS inside it goes through
 * one process-wide hook, so memory can be counted, limited or placed in a
 * fixed arena. tlsc always counts the bytes requested through the hook:
 * current and peak. (Counts are of requested bytes; the hook's own
 * bookkeeping overhead, 16 bytes per block, is not included.)
 * Not counted: the address list the operating system's resolver
 * (getaddrinfo) allocates for a POSIX TCP connection, which it keeps until
 * its socket is closed.
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

TLSC_END_DECLS

#endif /* TLSC_ALLOC_H */
