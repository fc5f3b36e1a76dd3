/*
 * The platform header of the accelerator-hook test (tests/build/sha256_alt.sh),
 * given as TLSC_MBEDTLS_USER_CONFIG: replace mbedTLS's SHA-256 with the
 * stand-in "hardware" of sha256_standin.c, as an ESP32 port replaces it with
 * its SHA engine (MBEDTLS_SHA256_ALT). mbedTLS then includes sha256_alt.h,
 * found next to this file.
 *
 * sha256_real.c compiles mbedTLS's own sha256.c a second time, without the
 * ALT, under renamed symbols: the stand-in forwards to it (a test must not
 * implement a hash of its own).
 */
#if !defined(TLSC_STANDIN_REAL_SHA256)
#define MBEDTLS_SHA256_ALT
/* the platform's SHA-256 replaces the CPU's (check_config.h: exclusive) */
#undef MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_IF_PRESENT
#endif
