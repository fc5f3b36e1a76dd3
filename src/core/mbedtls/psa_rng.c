/*
 * PSA's external random generator (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG, set
 * by every tlsc profile): tlsc's generator (rng.c). Its own file so that
 * the fuzz builds, whose harness supplies a deterministic generator under
 * the same name (tests/fuzz/rng.c), leave it out (CMakeLists.txt).
 */
#include "core/mbedtls/rng.h"

#include "psa/crypto.h"

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *out, size_t len, size_t *olen)
{
    (void)ctx;
    *olen = 0;
    if (tlsc__rng_random(out, len) != 0)
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    *olen = len;
    return PSA_SUCCESS;
}
