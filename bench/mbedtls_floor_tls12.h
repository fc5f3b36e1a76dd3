/*
 * The floor, TLS 1.2: the smallest mbedTLS 3.6 configuration we found that
 * still completes a certificate-verified TLS 1.2 handshake with
 * ECDHE-ECDSA-AES128-GCM-SHA256 on P-256 (chain and hostname checked,
 * validity dates checked against the clock). Used only by bench/footprint.sh
 * for its "mbedTLS alone" anchor rows (bench/footprint_mini_client.c), never
 * by tlsc. No DEBUG_C, no ERROR_C, no PEM (DER roots), one cipher suite,
 * SNI as the only extension; ECDH and ECDSA through PSA with the p256-m
 * driver, AES encryption only.
 */
#ifndef TLSC_BENCH_FLOOR_TLS12_H
#define TLSC_BENCH_FLOOR_TLS12_H

/* mbedTLS 3.6 writes the TLS 1.2 supported_groups extension only when the
 * legacy ECDH_C or ECDSA_C module exists (MBEDTLS_SSL_TLS1_2_SOME_ECC in
 * config_adjust_ssl.h); without it OpenSSL servers answer "no shared
 * cipher". So TLS 1.2 cannot be driver-only: ECDH_C + ECP_C (P-256 only)
 * + bignum are in, although p256-m still does the key exchange. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED

#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256

#include "mbedtls_floor_common.h"

#endif /* TLSC_BENCH_FLOOR_TLS12_H */
