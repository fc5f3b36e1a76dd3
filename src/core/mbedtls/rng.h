/*
 * tlsc's random generator (rng.c): mbedTLS's CTR_DRBG over the platform's
 * entropy, which PSA takes every random byte from (psa_rng.c).
 */
#ifndef TLSC_CORE_MBEDTLS_RNG_H
#define TLSC_CORE_MBEDTLS_RNG_H

#include <stddef.h>

#include "tlsc/error.h"

/* Seed the generator from tlsc__entropy (once; again after
 * tlsc__rng_free). TLSC_ERR_RANDOM when the source fails. Thread-safe. */
tlsc_err tlsc__rng_init(void);
/* Fill out with len random bytes, seeding first if needed: 0, or -1 when
 * the generator cannot (its source failed). Thread-safe. */
int tlsc__rng_random(unsigned char *out, size_t len);
/* How many seedings and draws have failed since the process started
 * (never reset): a change across a call means randomness failed in it. */
unsigned long tlsc__rng_failures(void);
/* Zeroize and release the generator's state (tlsc_global_free; no other
 * thread may use tlsc meanwhile). */
void tlsc__rng_free(void);

#endif /* TLSC_CORE_MBEDTLS_RNG_H */
