/*
 * tlsc's random generator: mbedTLS's CTR_DRBG seeded (and reseeded) from
 * the platform's entropy source (tlsc__entropy: getentropy on POSIX, the
 * application's tlsc_platform_entropy on bare metal). PSA takes every
 * random byte from it as its external generator
 * (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG, psa_rng.c): TLS randoms, key shares,
 * signatures, key generation.
 *
 * Why not PSA's own generator over mbedtls_entropy: mbedtls_entropy_func
 * re-creates its accumulator's hash context on the heap at every reseed,
 * and in mbedTLS 3.6.6 an allocation failure there leaves the accumulator
 * without one; the next reseed dereferences NULL (reproducer:
 * tests/api/test_rng.c). Running out of memory once would
 * crash the process (a hard fault on a device). CTR_DRBG fed directly
 * never allocates: its state is the static context below, and its
 * derivation function conditions the raw source. This is also what lets
 * the full profile use MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS (see
 * config/tlsc_mbedtls_config.h), which the reseed bug used to block.
 *
 * Not fork-safe, like PSA's own generator: a child process forked after
 * the first handshake shares the generator's state with its parent.
 */
#include "core/mbedtls/rng.h"

#include "core/base/atomics.h"
#include "platform/platform.h"

#include "mbedtls/ctr_drbg.h"

static mbedtls_ctr_drbg_context g_drbg;
static TLSC__ATOMIC(bool) g_seeded;
/* Draws refused since start: lets a handshake name randomness as the
 * cause whatever code mbedTLS turned the refusal into (errmap.c). */
static TLSC__ATOMIC(unsigned long) g_failures;
/* Taken around seeding and freeing only; mbedtls_ctr_drbg_random locks
 * the generator's own mutex (MBEDTLS_THREADING_C). */
static TLSC__FLAG g_lock = TLSC__FLAG_INIT;

static void rng_lock(void)
{
    while (tlsc__flag_test_and_set_acquire(&g_lock)) {
    }
}

static void rng_unlock(void)
{
    tlsc__flag_clear_release(&g_lock);
}

static int entropy(void *ud, unsigned char *buf, size_t len)
{
    (void)ud;
    return tlsc__entropy(buf, len) == 0 ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

static void seed_locked(void)
{
    static const unsigned char personal[] = "tlsc";
    mbedtls_ctr_drbg_init(&g_drbg);
    if (mbedtls_ctr_drbg_seed(&g_drbg, entropy, NULL, personal, sizeof personal - 1) == 0)
        tlsc__atomic_store(&g_seeded, true);
    else
        mbedtls_ctr_drbg_free(&g_drbg);
}

tlsc_err tlsc__rng_init(void)
{
    if (tlsc__atomic_load(&g_seeded))
        return TLSC_OK;
    rng_lock();
    if (!tlsc__atomic_load(&g_seeded))
        seed_locked();
    rng_unlock();
    if (tlsc__atomic_load(&g_seeded))
        return TLSC_OK;
    (void)tlsc__atomic_fetch_add(&g_failures, 1UL);
    return TLSC_ERR_RANDOM;
}

int tlsc__rng_random(unsigned char *out, size_t len)
{
    if (tlsc__rng_init() != TLSC_OK)
        return -1;
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        if (mbedtls_ctr_drbg_random(&g_drbg, out, n) != 0) {
            (void)tlsc__atomic_fetch_add(&g_failures, 1UL);
            return -1;
        }
        out += n;
        len -= n;
    }
    return 0;
}

unsigned long tlsc__rng_failures(void)
{
    return tlsc__atomic_load(&g_failures);
}

void tlsc__rng_free(void)
{
    rng_lock();
    if (tlsc__atomic_load(&g_seeded)) {
        mbedtls_ctr_drbg_free(&g_drbg); /* zeroizes the state */
        tlsc__atomic_store(&g_seeded, false);
    }
    rng_unlock();
}
