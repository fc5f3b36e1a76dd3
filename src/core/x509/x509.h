/*
 * X.509 handled by tlsc itself on top of mbedTLS's parser: the extension
 * handler and name constraints (x509_ext.c), the RFC 5280 / CA/B profile
 * rules (x509_lint.c).
 */
#ifndef TLSC_CORE_X509_X509_H
#define TLSC_CORE_X509_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/x509_crt.h"

/* Parse one DER certificate into chain with tlsc's extension handler
 * (nameConstraints accepted, unknown critical extensions refused).
 * make_copy as for mbedtls_x509_crt_parse_der_with_ext_cb. If why is not
 * NULL it receives the refused extension's OID on that failure. */
int tlsc__x509_parse_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len,
                         int make_copy, char *why, size_t cap);
/* PEM (len counts the final NUL), each block as above: like
 * mbedtls_x509_crt_parse, returns the number of blocks that failed, or a
 * negative error when none parsed. */
int tlsc__x509_parse_pem(mbedtls_x509_crt *chain, const unsigned char *pem, size_t len);
/* Whether data holds a PEM CERTIFICATE block (else it is taken as DER). */
bool tlsc__x509_has_pem(const unsigned char *p, size_t len);
/* The error tlsc's handler gives for an unknown critical extension. */
#define TLSC__ERR_X509_UNKNOWN_CRITICAL MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE
/* crt's nameConstraints value, if it has one: 1 found, 0 none, <0 error. */
int tlsc__x509_name_constraints(const mbedtls_x509_crt *crt, const unsigned char **p,
                                size_t *len);
/* Check crt's names (SAN dNSName/iPAddress/others, subject DN; cn_host if
 * not NULL, the CN used as a host name by the legacy fallback: an
 * iPAddress when tlsc__parse_ip reads it, as host matching does, else a
 * dNSName) against one NameConstraints value. An absolute dNSName
 * (trailing dot) fails, as does a dNSName subtree with one. 0 when
 * allowed; else TLSC_VERIFY_NAME_CONSTRAINTS with the reason in why. */
uint32_t tlsc__x509_nc_check(const unsigned char *nc, size_t nc_len,
                             const mbedtls_x509_crt *crt, const char *cn_host,
                             char *why, size_t cap);

/* The place of a certificate in the chain, for tlsc__x509_lint. */
typedef enum tlsc__role {
    TLSC__ROLE_LEAF,
    TLSC__ROLE_INTERMEDIATE,
    TLSC__ROLE_ANCHOR           /* the trusted CA the chain ends at */
} tlsc__role;

/* x509_lint.c: the RFC 5280 / CA/B profile rules for one certificate:
 * 0, or a TLSC_VERIFY_* bit with the reason in why. */
uint32_t tlsc__x509_lint(const mbedtls_x509_crt *crt, tlsc__role role, char *why, size_t cap);
/* x509_lint.c: whether the Extensions list exts (as mbedTLS keeps it:
 * v3_ext, crl_ext) has the extension oid; *critical tells how it is marked. */
bool tlsc__x509_find_ext(const mbedtls_x509_buf *exts, const char *oid, size_t oid_len,
                         bool *critical);

#endif /* TLSC_CORE_X509_X509_H */
