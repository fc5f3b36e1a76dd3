/*
 * Process-wide setup of mbedTLS (init.c): the allocator and time hooks,
 * PSA crypto. The time mbedTLS sees is the active configuration's, which
 * the connection layer knows: it provides tlsc__context_time
 * (tls/context.c).
 */
#ifndef TLSC_CORE_MBEDTLS_INIT_H
#define TLSC_CORE_MBEDTLS_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* Process-wide setup (idempotent, thread-safe). */
tlsc_err tlsc__global_init(void);
/* Unix seconds mbedTLS sees on this thread now (negative: unknown):
 * defined by tls/context.c. */
int64_t tlsc__context_time(void);

#endif /* TLSC_CORE_MBEDTLS_INIT_H */
