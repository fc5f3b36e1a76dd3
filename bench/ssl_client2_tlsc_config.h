/*
 * Added to tlsc's full profile (config/tlsc_mbedtls_config.h) when
 * bench/connect.sh builds mbedTLS's programs/ssl/ssl_client2 "with the same
 * configuration": only what the program needs and tlsc's platform layer
 * otherwise provides — the socket layer (tlsc has its own transports) and
 * the clocks (tlsc supplies them through the *_TIME_ALT hooks). None of it
 * is on the handshake's path. PSA's randomness: its own DRBG over
 * mbedTLS's entropy module (tlsc brings its generator, src/core/rng.c,
 * which ssl_client2 does not link).
 */
#undef MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
#define MBEDTLS_NET_C
#define MBEDTLS_TIMING_C
#undef MBEDTLS_PLATFORM_TIME_ALT
#undef MBEDTLS_PLATFORM_MS_TIME_ALT
