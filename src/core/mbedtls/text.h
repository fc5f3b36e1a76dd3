/*
 * mbedTLS codes and objects in words (mbedtls_text.c).
 */
#ifndef TLSC_CORE_MBEDTLS_TEXT_H
#define TLSC_CORE_MBEDTLS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/pk.h"
#include "mbedtls/x509.h"

/* mbedtls_text.c: "mbedTLS -0xCODE: words" for an mbedTLS error code
 * (mbedTLS's own message with MBEDTLS_ERROR_C, otherwise the module and,
 * for common certificate and key errors, what went wrong). Always
 * NUL-terminated when cap > 0. */
void tlsc__mbedtls_text(int ret, char *out, size_t cap);
/* mbedtls_text.c: an X.509 Name as mbedtls_x509_dn_gets prints it
 * ("CN=a, O=b"), "" for an empty Name, "(unprintable name)" when mbedTLS
 * cannot print it or it does not fit. Always NUL-terminated when cap > 0. */
void tlsc__x509_dn_text(const mbedtls_x509_name *dn, char *out, size_t cap);

/* "ec secp256r1", "rsa 2048", ... for a parsed key. */
void tlsc__describe_key(const mbedtls_pk_context *pk, char *out, size_t cap);
/* errmap.c: whether mbedTLS's ret is an allocation failure (any module's
 * ALLOC_FAILED, PSA's INSUFFICIENT_MEMORY): a resource, not the input. */
bool tlsc__mbedtls_out_of_memory(int ret);
/* mbedtls_text.c: whether ret says the random generator failed (the
 * entropy source, the DRBG's reseed, or a module's RNG_FAILED / PSA's
 * INSUFFICIENT_ENTROPY): a failure of this device, not of the peer. */
bool tlsc__mbedtls_rng_failed(int ret);

#endif /* TLSC_CORE_MBEDTLS_TEXT_H */
