/*
 * Allocation inside tlsc: every block tlsc or mbedTLS takes goes through
 * the application's allocator hook (tlsc_set_allocator) and is counted
 * (base/alloc.c). This is the one core header a platform port may include
 * besides platform/platform.h (docs/internals.md, Layout).
 */
#ifndef TLSC_CORE_ALLOC_H
#define TLSC_CORE_ALLOC_H

#include <stddef.h>

void *tlsc__calloc(size_t n, size_t size);
void tlsc__free(void *p);
/* Zeroize and free a block of len bytes (secrets). */
void tlsc__free_secret(void *p, size_t len);
void tlsc__zeroize(void *p, size_t len);
/* Exact-length heap copy of s (NULL when out of memory). */
char *tlsc__strdup(const char *s);
/* Free *dst and make it a copy of s (NULL when out of memory). */
void tlsc__replace_str(char **dst, const char *s);

/* Number of allocations that failed on this thread so far. */
unsigned long tlsc__alloc_failures(void);
/* The next request on this thread of exactly `match` bytes gets a block of
 * `give` (< match) bytes instead; tlsc__alloc_clamped returns that block
 * (NULL if no request matched) and disarms. Only for mbedtls_ssl_setup's
 * input buffer, whose size mbedTLS takes from the build
 * (mbedtls/peek_buffers.c). */
void tlsc__alloc_clamp_next(size_t match, size_t give);
void *tlsc__alloc_clamped(void);

#endif /* TLSC_CORE_ALLOC_H */
