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

#include "tlsc/tlsc.h"
#include "core/mbedtls/peek_x509.h"

#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
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

/* ---- what path building (path.c) needs from the signature fields -------- */

static bool md_allowed(const mbedtls_x509_crt_profile *prof, mbedtls_md_type_t md)
{
    return md != MBEDTLS_MD_NONE && (prof->allowed_mds & MBEDTLS_X509_ID_FLAG(md)) != 0;
}

static bool pk_allowed(const mbedtls_x509_crt_profile *prof, mbedtls_pk_type_t pk)
{
    return pk != MBEDTLS_PK_NONE && (prof->allowed_pks & MBEDTLS_X509_ID_FLAG(pk)) != 0;
}

/* As mbedTLS's x509_profile_check_key: RSA size, EC curve. */
bool tlsc__peek_key_allowed(const mbedtls_x509_crt_profile *prof, const mbedtls_pk_context *pk)
{
    mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);
    if (t == MBEDTLS_PK_RSA || t == MBEDTLS_PK_RSASSA_PSS)
        return mbedtls_pk_get_bitlen(pk) >= prof->rsa_min_bitlen;
    if (t == MBEDTLS_PK_ECDSA || t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECKEY_DH) {
        mbedtls_ecp_group_id id = mbedtls_pk_get_ec_group_id(pk);
        return id != MBEDTLS_ECP_DP_NONE && (prof->allowed_curves & MBEDTLS_X509_ID_FLAG(id));
    }
    return false;
}

/* MBEDTLS_X509_BADCERT_BAD_MD / _BAD_PK for crt's own signature algorithm. */
uint32_t tlsc__peek_sig_flags(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt)
{
    uint32_t f = 0;
    if (!md_allowed(prof, crt->sig_md))
        f |= MBEDTLS_X509_BADCERT_BAD_MD;
    if (!pk_allowed(prof, crt->sig_pk))
        f |= MBEDTLS_X509_BADCERT_BAD_PK;
    return f;
}

/* Hash `len` bytes at p with md; the hash length, or 0 on failure. */
static size_t hash_tbs(mbedtls_md_type_t md, const unsigned char *p, size_t len,
                       unsigned char out[MBEDTLS_MD_MAX_SIZE])
{
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
    if (info == NULL || mbedtls_md(info, p, len, out) != 0)
        return 0;
    return mbedtls_md_get_size(info);
}

/* Whether parent's key verifies child's signature (as mbedTLS's
 * x509_crt_check_signature does it, mbedTLS's primitives only). */
bool tlsc__peek_signed_by(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    size_t n = hash_tbs(child->sig_md, child->tbs.p, child->tbs.len, hash);
    if (n == 0 || !mbedtls_pk_can_do(&parent->pk, child->sig_pk))
        return false;
    return mbedtls_pk_verify_ext(child->sig_pk, child->sig_opts,
                                 (mbedtls_pk_context *)&parent->pk, child->sig_md, hash, n,
                                 child->sig.p, child->sig.len) == 0;
}

/* One CRL of ca, as mbedTLS's x509_crt_verifycrl checks it: signed by ca
 * (which must allow cRLSign), current, and whether it lists crt. */
static uint32_t one_crl(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt,
                        const mbedtls_x509_crt *ca, const mbedtls_x509_crl *crl, bool *stop)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    uint32_t f = 0;
    *stop = true;
    if (mbedtls_x509_crt_check_key_usage(ca, MBEDTLS_X509_KU_CRL_SIGN) != 0)
        return MBEDTLS_X509_BADCRL_NOT_TRUSTED;
    if (!md_allowed(prof, crl->sig_md))
        f |= MBEDTLS_X509_BADCRL_BAD_MD;
    if (!pk_allowed(prof, crl->sig_pk))
        f |= MBEDTLS_X509_BADCRL_BAD_PK;
    if (!tlsc__peek_key_allowed(prof, &ca->pk))
        f |= MBEDTLS_X509_BADCERT_BAD_KEY;
    size_t n = hash_tbs(crl->sig_md, crl->tbs.p, crl->tbs.len, hash);
    if (n == 0 || mbedtls_pk_verify_ext(crl->sig_pk, crl->sig_opts, (mbedtls_pk_context *)&ca->pk,
                                        crl->sig_md, hash, n, crl->sig.p, crl->sig.len) != 0)
        return f | MBEDTLS_X509_BADCRL_NOT_TRUSTED;
    if (mbedtls_x509_time_is_past(&crl->next_update))
        f |= MBEDTLS_X509_BADCRL_EXPIRED;
    if (mbedtls_x509_time_is_future(&crl->this_update))
        f |= MBEDTLS_X509_BADCRL_FUTURE;
    if (mbedtls_x509_crt_is_revoked(crt, crl))
        return f | MBEDTLS_X509_BADCERT_REVOKED;
    *stop = false;
    return f;
}

uint32_t tlsc__peek_crl_flags(const mbedtls_x509_crt_profile *prof, const mbedtls_x509_crt *crt,
                              const mbedtls_x509_crt *ca, const mbedtls_x509_crl *crls,
                              bool (*same_name)(const mbedtls_x509_name *,
                                                const mbedtls_x509_name *))
{
    uint32_t f = 0;
    bool stop = false;
    for (const mbedtls_x509_crl *crl = crls; crl != NULL && !stop; crl = crl->next) {
        if (crl->version != 0 && same_name(&crl->issuer, &ca->subject))
            f |= one_crl(prof, crt, ca, crl, &stop);
    }
    return f;
}

/* Whether the next attribute of the name is in the same RDN (multi-valued). */
bool tlsc__peek_name_merged(const mbedtls_x509_name *n)
{
    return n->next_merged != 0;
}
