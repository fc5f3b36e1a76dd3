/*
 * What the two floor configurations (bench/mbedtls_floor_tls12.h,
 * bench/mbedtls_floor_tls13.h) share: platform, randomness, PSA with the
 * p256-m driver, AES-GCM encryption only, SHA-256, DER X.509, a TLS client
 * with SNI. Included by them after their version-specific lines.
 */
#ifndef TLSC_BENCH_FLOOR_COMMON_H
#define TLSC_BENCH_FLOOR_COMMON_H

#define MBEDTLS_PLATFORM_C /* for MS_TIME_ALT; without PLATFORM_MEMORY it is almost empty */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#if !defined(__unix__)
/* Bare metal: the board's millisecond tick (footprint_mini_client.c); the
 * date comes from newlib's time(), which a port backs with its RTC. */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif

#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_CRYPTO_CONFIG
#define MBEDTLS_PSA_CRYPTO_CONFIG_FILE "mbedtls_floor_psa.h"
#define MBEDTLS_PSA_P256M_DRIVER_ENABLED
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS

#define MBEDTLS_AES_C
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C

#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SERVER_NAME_INDICATION

#endif /* TLSC_BENCH_FLOOR_COMMON_H */
