/*
 * Private fields of mbedTLS's X.509 certificates, read for bundles. Like
 * peek.c, the only other file that reads mbedTLS's private fields: mbedTLS
 * 3.6 has no public getter for whether a parsed certificate is a CA
 * (basicConstraints), for its path-length constraint, or for the curve of
 * an EC public key (pk_internal.h reads it). tlsc pins mbedTLS to
 * 3.6 LTS (the build refuses other versions), and these fields are stable
 * across 3.6.x; keeping every such access in these two files makes an
 * upgrade a two-file review.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include "core/internal.h"

#include "mbedtls/ecp.h"
#include "pk_internal.h" /* mbedTLS library/ (private include path) */

bool tlsc__peek_is_ca(const mbedtls_x509_crt *crt)
{
    return crt->ca_istrue != 0;
}

/* mbedTLS stores the constraint plus one, and 0 for none. */
int tlsc__peek_path_len(const mbedtls_x509_crt *crt)
{
    return crt->max_pathlen > 0 ? crt->max_pathlen - 1 : -1;
}

const char *tlsc__peek_ec_curve(const mbedtls_pk_context *pk)
{
    if (!mbedtls_pk_can_do(pk, MBEDTLS_PK_ECKEY))
        return NULL;
    const mbedtls_ecp_curve_info *info =
        mbedtls_ecp_curve_info_from_grp_id(mbedtls_pk_get_ec_group_id(pk));
    return info != NULL ? info->name : NULL;
}
