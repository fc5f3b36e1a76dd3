/*
 * Added on top of a tlsc profile (MBEDTLS_USER_CONFIG_FILE) for fuzzing
 * builds only: all PSA randomness comes from mbedtls_psa_external_get_random,
 * which the fuzz harness (tests/fuzz/rng.c) makes deterministic, so every
 * input replays exactly.
 */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
