/*
 * The floor, TLS 1.3: bench/mbedtls_floor_tls12.h with TLS 1.3 instead of
 * TLS 1.2 — the smallest mbedTLS 3.6 configuration we found for a
 * certificate-verified TLS 1.3 handshake, TLS_AES_128_GCM_SHA256 with
 * secp256r1 key exchange and ecdsa_secp256r1_sha256 signatures, ephemeral
 * mode only (no PSK, no tickets, no middlebox compatibility mode). Used
 * only by bench/footprint.sh ("mbedTLS alone" anchor rows).
 */
#ifndef TLSC_BENCH_FLOOR_TLS13_H
#define TLSC_BENCH_FLOOR_TLS13_H

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
#define MBEDTLS_PSA_CRYPTO_CONFIG_FILE "mbedtls_floor_tls13_psa.h"
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
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* required for TLS 1.3 by 3.6 */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS1_3_AES_128_GCM_SHA256

#endif /* TLSC_BENCH_FLOOR_TLS13_H */
