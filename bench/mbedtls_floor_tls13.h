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

#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* required for TLS 1.3 by 3.6 */
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS1_3_AES_128_GCM_SHA256

#include "mbedtls_floor_common.h"

#endif /* TLSC_BENCH_FLOOR_TLS13_H */
