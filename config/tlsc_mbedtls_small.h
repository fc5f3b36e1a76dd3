/*
 * tlsc's mbedTLS 3.6 configuration — the "small" profile (ECC only).
 *
 * Build with: cmake -DTLSC_MBEDTLS_CONFIG=$PWD/config/tlsc_mbedtls_small.h
 *
 * For boards with 40-100 KB of RAM that talk to servers with ECDSA
 * certificates (most IoT brokers and clouds, Let's Encrypt's ECDSA chain):
 *   - client side only; TLS 1.2 and TLS 1.3; no renegotiation, no DTLS;
 *   - TLS 1.3 suites AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305;
 *     TLS 1.2 ECDHE-ECDSA and PSK / ECDHE-PSK with the same AEADs;
 *   - key exchange P-256 through p256-m (a small, constant-time P-256 that
 *     works on the stack instead of the heap), P-384; no X25519;
 *   - certificate keys ECDSA P-256 / P-384 only: NO RSA at all (an RSA
 *     server fails with "no common parameters"; tlsc_profile_has_rsa()
 *     tells a program which profile it was built with);
 *   - private keys PEM/DER unencrypted (no PKCS#5 / encrypted PEM);
 *   - no mbedTLS debug output (tlsc's own log still works) and no mbedTLS
 *     message table (details name the mbedTLS code, see below).
 * Record buffers: compile-time maxima of 16 KiB in and 2 KiB out, allocated
 * at tlsc_conn_new; the input buffer is immediately resized to what the
 * configuration asks for (tlsc_config_set_buffers; VARIABLE_BUFFER_LENGTH),
 * see include/tlsc/config.h for the rule. tlsc_mbedtls_small4k.h is the same
 * profile with 4 KiB maxima, for devices that never need bigger records.
 *
 * Nothing here is host-only: threading and the platform entropy source are
 * chosen by the target (POSIX hosts: pthreads and getrandom; bare metal:
 * no threading, entropy from mbedtls_hardware_poll, which the port
 * provides, e.g. from the chip's TRNG).
 */
#ifndef TLSC_MBEDTLS_SMALL_H
#define TLSC_MBEDTLS_SMALL_H

/* ---- platform ---- */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_HAVE_ASM
/* No MBEDTLS_ERROR_C: its message table is ~12 KB of flash on a
 * Cortex-M4. Detail strings still give the mbedTLS code in hex, with the
 * module and, for certificate and key errors, words from tlsc
 * (src/core/mbedtls_text.c). */
#define MBEDTLS_VERSION_C
#if defined(__unix__) || defined(__APPLE__)
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
#else
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#endif

/* ---- randomness ---- */
#define MBEDTLS_ENTROPY_C
/* A SHA-256 entropy accumulator (the pool a 256-bit DRBG needs) instead of
 * SHA-512: 108 bytes less heap for the process lifetime. */
#define MBEDTLS_ENTROPY_FORCE_SHA256
#define MBEDTLS_CTR_DRBG_C
/* PSA's random bytes come from tlsc's generator (src/core/rng.c): see
 * config/tlsc_mbedtls_config.h. */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* ---- PSA crypto (required by TLS 1.3) ---- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
/* A fixed table of key slots (static RAM, see docs/footprint.md,
 * Capacity) instead of a heap-grown one. A TLS handshake holds up to 5
 * keys, an open connection 4 (measured, mbedTLS 3.6): 56 slots hold 8 open
 * connections and 4 handshakes in flight at once (8 x 4 + 4 x 5 = 52, and
 * a few for a configuration's own keys). The event loop's default cap on
 * handshakes in flight derives from this (tlsc_loop_set_max_handshakes). */
#ifndef MBEDTLS_PSA_KEY_SLOT_COUNT
#define MBEDTLS_PSA_KEY_SLOT_COUNT 56
#endif
/* P-256 key agreement and ECDSA verification (handshake signature and
 * certificate chain) through p256-m instead of the bignum ECP code. */
#define MBEDTLS_PSA_P256M_DRIVER_ENABLED
/* PSA copies every input and output buffer unless told that the caller's
 * buffers are its own (they are: one address space, no isolated crypto
 * service). Without this, decrypting one 16 KiB record allocates 2 x 16 KiB
 * more. */
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS

/* ---- symmetric ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_FEWER_TABLES /* 2 KB of tables instead of 8 KB */
/* GCM, CTR_DRBG and PSA's AES only ever encrypt with the block cipher (no
 * CBC: encrypted private keys are not in this profile): no decryption code
 * or tables (-1.4 KB flash, -1.3 KB RAM on a Cortex-M4). */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C

/* ---- hashes ---- */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C   /* required by SHA256_C's shared code */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER /* rolled loop: -1.3 KB; hashing is a small part of a handshake */
#define MBEDTLS_SHA384_C   /* P-384 roots (ecdsa-with-SHA384), *_SHA384 suites */
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA512_SMALLER /* -1.7 KB; SHA-384 is used only with P-384 and *_SHA384 suites */
#define MBEDTLS_HKDF_C

/* ---- public key: ECC only ---- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2   /* smaller comb tables on the heap */
/* No precomputed generator tables in flash (-5.5 KB): the bignum ECP code
 * only does P-384 (P-256 is p256-m's), whose signature checks get slower. */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_MPI_MAX_SIZE 64     /* P-384 needs 48; no RSA */
#define MBEDTLS_MPI_WINDOW_SIZE 2
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C /* PSA import of parsed keys */
#define MBEDTLS_PK_PARSE_EC_COMPRESSED

/* ---- encodings and X.509 ---- */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CRL_PARSE_C /* tlsc_config_add_crl (every profile has the API) */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK

/* ---- TLS ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_RECORD_SIZE_LIMIT
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SESSION_TICKETS
/* Required by mbedTLS 3.6 for TLS 1.3 (check_config.h); tlsc frees the
 * live connection's copy once the handshake is over (see conn.c). */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
/* Buffers are allocated at these maxima, then resized per connection. */
#define MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH
#ifndef MBEDTLS_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#endif
/* Outgoing records up to 2 KiB: what a client sends in the handshake
 * (ClientHello with a ticket, an ECDSA client certificate chain) fits, and
 * larger writes are split. Only this size exists while the handshake runs. */
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
#endif

#endif /* TLSC_MBEDTLS_SMALL_H */
