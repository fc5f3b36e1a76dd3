/* Shared by the fuzz targets (tests/fuzz/). */
#ifndef TLSC_FUZZ_H
#define TLSC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The targets call setters for their side effects; the result is not the
 * point (gcc does not let a (void) cast drop warn_unused_result). */
#define FUZZ_IGNORE(call)                                                    \
    do {                                                                     \
        tlsc_err fuzz_ignored_ = (call);                                     \
        (void)fuzz_ignored_;                                                 \
    } while (0)

/* Deterministic RNG (rng.c); a no-op in replay builds (norng.c). */
void fuzz_rng_reset(void);

/* A configuration that trusts the embedded test CA, clock fixed at
 * 2026-06-01, logging off. Created once per process, never freed. */
tlsc_config *fuzz_config(void);

#endif
