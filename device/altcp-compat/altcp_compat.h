/*
 * Compatibility for compiling lwIP 2.2.1's altcp_tls_mbedtls.c (written for
 * mbedTLS 2.x) against mbedTLS 3.6, unchanged, for the side-by-side of
 * bench/device.sh: forced in with -include, together with
 * -DMBEDTLS_ALLOW_PRIVATE_ACCESS (it reads private fields of
 * mbedtls_ssl_context) and this directory on the include path
 * (mbedtls/certs.h is gone in 3.x; mbedtls/ssl_internal.h became the
 * library's ssl_misc.h). Only the bench firmware uses it.
 */
#ifndef TLSC_ALTCP_COMPAT_H
#define TLSC_ALTCP_COMPAT_H

#include <stddef.h>

#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"

/* 2.x names of what 3.x split or renamed. */
#define MBEDTLS_SSL_MAX_CONTENT_LEN MBEDTLS_SSL_IN_CONTENT_LEN
#define mbedtls_ssl_get_max_frag_len mbedtls_ssl_get_output_max_frag_len

/* 3.x's mbedtls_pk_parse_key takes a random generator (RSA blinding). */
int altcp_compat_rng(void *ctx, unsigned char *out, size_t len);
#define mbedtls_pk_parse_key(pk, key, keylen, pwd, pwdlen) \
    mbedtls_pk_parse_key((pk), (key), (keylen), (pwd), (pwdlen), altcp_compat_rng, NULL)

#endif
