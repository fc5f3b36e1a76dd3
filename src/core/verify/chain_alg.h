/*
 * Certificates whose key algorithm this build cannot verify, named in
 * words (chain_alg.c).
 */
#ifndef TLSC_CORE_VERIFY_CHAIN_ALG_H
#define TLSC_CORE_VERIFY_CHAIN_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"

/* chain_alg.c: a DER certificate's subject (into subject, capacity cap)
 * and key type in words ("Ed25519", "EC secp521r1 (P-521)", "RSA", ...),
 * read even when mbedTLS refuses its key; false if it is not DER. */
bool tlsc__cert_key_words(const unsigned char *der, size_t len, char *subject, size_t cap,
                          const char **key);
/* chain_alg.c: what this build verifies, in words. */
extern const char tlsc__supported_keys_text[];
/* chain_alg.c: when ret (parsing der, at depth in the server's chain) is
 * mbedTLS refusing the certificate's key, that in words into out. */
bool tlsc__unsupported_key_text(int ret, const unsigned char *der, size_t len, int depth,
                                char *out, size_t cap);
/* chain_alg.c: when ret is mbedTLS refusing a certificate of the server's
 * Certificate message (in ssl's running handshake) for its key algorithm,
 * that certificate and key in words into out. */
bool tlsc__chain_key_text(const mbedtls_ssl_context *ssl, int ret, char *out, size_t cap);

#endif /* TLSC_CORE_VERIFY_CHAIN_ALG_H */
