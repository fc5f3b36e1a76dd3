/*
 * Added to mbedTLS's DEFAULT configuration (include/mbedtls/mbedtls_config.h)
 * when bench/memory.sh builds programs/ssl/ssl_client2: only the
 * measurement. ssl_client2 then allocates from a static buffer through
 * memory_buffer_alloc and prints, at exit, the peak of the bytes requested
 * ("max: N blocks / B bytes") — the same quantity tlsc_heap_peak counts.
 */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG
#define MBEDTLS_PLATFORM_MEMORY /* required by MEMORY_BUFFER_ALLOC_C */
