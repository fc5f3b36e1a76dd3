/* Shared by the fuzz targets (tests/fuzz/). */
#ifndef TLSC_FUZZ_H
#define TLSC_FUZZ_H

#include <stdbool.h>
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

/* The feeding of the push-parser targets (fuzz_http, fuzz_mqtt): an
 * input's first byte is the mode, whose low four bits give the piece size
 * (1..16; 0: all at once) and whose high bits each target reads for its
 * own choices; the rest is the peer's bytes. fuzz_mode takes the mode off
 * *data / *size; false for an empty input. */
bool fuzz_mode(const uint8_t **data, size_t *size, uint8_t *mode);

/* One feed of a push parser: take up to n bytes of d, say how many in
 * *used; any error stops the feeding. */
typedef tlsc_err (*fuzz_feed_fn)(void *ctx, const uint8_t *d, size_t n, size_t *used);

/* Hand data to feed in pieces of the mode's size, each piece after what
 * the last call used, until all is used or feed returns an error (which
 * is returned); aborts when feed claims more than it was given. */
tlsc_err fuzz_feed(const uint8_t *data, size_t size, uint8_t mode, fuzz_feed_fn feed, void *ctx);

#endif
