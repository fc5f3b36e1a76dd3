/*
 * Certificate and key facts mbedTLS keeps in private fields (peek_x509.c,
 * and the SubjectPublicKeyInfo as parsed, peek.c).
 */
#ifndef TLSC_CORE_MBEDTLS_PEEK_X509_H
#define TLSC_CORE_MBEDTLS_PEEK_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/x509_crl.h"
#include "mbedtls/x509_crt.h"

/* basicConstraints CA:TRUE */
bool tlsc__peek_is_ca(const mbedtls_x509_crt *crt);
/* pathLenConstraint, or -1 when there is none */
int tlsc__peek_path_len(const mbedtls_x509_crt *crt);
/* peek_x509.c: signature facts in mbedTLS's private fields (path.c). */
bool tlsc__peek_key_allowed(const mbedtls_x509_crt_profile *prof, const mbedtls_pk_context *pk);
uint32_t tlsc__peek_sig_flags(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt);
bool tlsc__peek_name_merged(const mbedtls_x509_name *n);
bool tlsc__peek_signed_by(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent);
uint32_t tlsc__peek_crl_flags(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt,
                              const mbedtls_x509_crt *ca, const mbedtls_x509_crl *crls,
                              bool (*same_name)(const mbedtls_x509_name *,
                                                const mbedtls_x509_name *));
/* peek_x509.c: the curve of an EC key ("secp256r1"), NULL if not EC. */
const char *tlsc__peek_ec_curve(const mbedtls_pk_context *pk);
/* The certificate's DER SubjectPublicKeyInfo, as parsed (no copy). */
void tlsc__peek_spki(const mbedtls_x509_crt *crt, const unsigned char **p,
                     size_t *len);

#endif /* TLSC_CORE_MBEDTLS_PEEK_X509_H */
