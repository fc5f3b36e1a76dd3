/*
 * tlsc's mbedTLS 3.6 configuration — the "full" profile.
 *
 * Selected with MBEDTLS_CONFIG_FILE when the build compiles mbedTLS. It
 * enables exactly what a modern TLS client needs and nothing else:
 *   - client side only; TLS 1.2 and TLS 1.3; no renegotiation, no DTLS;
 *   - ECDHE with AES-GCM / ChaCha20-Poly1305, TLS 1.3 suites, PSK suites;
 *   - groups X25519, P-256, P-384; server keys ECDSA P-256/P-384, RSA;
 *   - X.509 parsing and verification, PEM, encrypted keys (PKCS#8 PBES2
 *     and traditional OpenSSL PEM encryption with AES-CBC);
 *   - all memory through mbedtls_platform_set_calloc_free (tlsc's hook);
 *   - time through mbedtls_platform_set_time (tlsc's per-config clock).
 * CBC suites, RSA key exchange, static DH, SHA-1 signatures in TLS, MD5
 * signatures and 3DES are left out on purpose.
 */
#ifndef TLSC_MBEDTLS_CONFIG_H
#define TLSC_MBEDTLS_CONFIG_H

/* ---- platform ---- */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_TIME_ALT
/* tlsc provides mbedtls_ms_time() from the configuration clock (wall time),
 * so TLS 1.3 ticket ages stay right across reboots and deep sleep. */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_ERROR_C
#define MBEDTLS_DEBUG_C
#define MBEDTLS_VERSION_C
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD

/* ---- randomness ---- */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C

/* ---- PSA crypto (required by TLS 1.3) ---- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC
/* PSA takes its random bytes from tlsc's generator (src/core/rng.c: a
 * CTR_DRBG seeded from the platform), not from its own DRBG over
 * mbedtls_entropy, whose reseed crashes after an allocation failure in
 * mbedTLS 3.6.6 (tests/api/test_rng.c). */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
/* PSA works on the record in place instead of copying it in and out:
 * 2 x 16 KiB less heap per record being decrypted, and a quarter of a
 * download's CPU time (docs/footprint.md). Safe because tlsc never hands
 * PSA memory another thread or a device writes to meanwhile. */
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS

/* ---- tlsc (not mbedTLS) ---- */
/* The HTTP client's read buffer (src/http/client.c; 4 KiB when not set):
 * in this host/gateway profile one whole TLS record, so a download runs
 * at the speed of a raw mbedTLS read loop (bench/http.sh). A build may
 * set its own: the device firmware (scripts/device.mk) keeps 4 KiB, as
 * 16 KiB more does not fit beside a full-profile download in the board's
 * 96 KB heap. */
#ifndef TLSC_HTTP_READ_BUFFER
#define TLSC_HTTP_READ_BUFFER 16384
#endif

/* ---- symmetric ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_AESCE_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC /* encrypted private keys only */
#define MBEDTLS_CIPHER_PADDING_PKCS7

/* ---- hashes ---- */
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C      /* traditional encrypted PEM key derivation only */
#define MBEDTLS_SHA1_C     /* certificate fingerprints, PKCS#5 PBKDF2-SHA1 */
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
/* Arm64: the SHA-256 instructions when the CPU has them (checked at run
 * time; sha256.c enables them per function, no compiler flag needed).
 * Compiles to nothing on other targets. A platform that brings its own
 * SHA-256 (MBEDTLS_SHA256_ALT, docs/footprint.md) must #undef it. */
#define MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_IF_PRESENT
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C

/* ---- public key ---- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C /* PSA import of parsed keys */
#define MBEDTLS_PK_PARSE_EC_EXTENDED
#define MBEDTLS_PK_PARSE_EC_COMPRESSED

/* ---- encodings and X.509 ---- */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PKCS5_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CRL_PARSE_C /* tlsc_config_add_crl */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_FS_IO

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
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SESSION_TICKETS
/* Required by mbedTLS 3.6 for TLS 1.3 (the peer certificate is kept). */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES

/* Record buffers: allocated at these maxima, then resized per connection
 * (tlsc_config_set_buffers; see peek_buffers.c for what mbedTLS allows). */
#define MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384

#endif /* TLSC_MBEDTLS_CONFIG_H */
