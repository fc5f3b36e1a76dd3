/*
 * Deterministic "random" source for fuzzing builds (see
 * config/tlsc_fuzz_config.h). NOT random: never link outside tests/fuzz.
 * fuzz_rng_reset() is called at the start of every input so a crash
 * reproduces from the input alone.
 */
#include "fuzz.h"

#include "psa/crypto.h"

static uint64_t state;

void fuzz_rng_reset(void)
{
    state = 0x9e3779b97f4a7c15u;
}

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *out, size_t len, size_t *olen)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        state ^= state << 13; /* xorshift64 */
        state ^= state >> 7;
        state ^= state << 17;
        out[i] = (uint8_t)state;
    }
    *olen = len;
    return PSA_SUCCESS;
}
