/*
 * Certificate revocation lists given by the application (tlsc fetches
 * nothing). mbedTLS parses them and checks each certificate against the
 * CRLs of its issuer while it verifies a chain; tlsc adds the RFC 5280
 * rules mbedTLS leaves out (a CRL number is required) and the words.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/mbedtls/text.h"
#include "core/verify/trust.h"
#include "core/x509/x509.h"

#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"

/* id-ce-cRLNumber, 2.5.29.20 */
#define OID_CRL_NUMBER MBEDTLS_OID_ID_CE "\x14"

/* RFC 5280 5.2.3: conforming CRL issuers MUST include the CRL number. */
static tlsc_err check_crls(const mbedtls_x509_crl *crl, char *detail, size_t cap)
{
    for (int i = 0; crl != NULL && crl->raw.p != NULL; crl = crl->next, i++) {
        bool critical = false;
        if (!tlsc__x509_find_ext(&crl->crl_ext, OID_CRL_NUMBER,
                                 MBEDTLS_OID_SIZE(OID_CRL_NUMBER), &critical)) {
            snprintf(detail, cap, "CRL %d has no CRL number (RFC 5280 5.2.3)", i);
            return TLSC_ERR_CERT_PARSE;
        }
    }
    return TLSC_OK;
}

void tlsc__crl_free(tlsc_config *cfg)
{
    if (cfg->crl == NULL)
        return;
    mbedtls_x509_crl_free(cfg->crl);
    tlsc__free(cfg->crl);
    cfg->crl = NULL;
}

/* Append CRLs that parsed and passed to the configuration's list, which
 * exists only once a CRL is added. */
static tlsc_err keep_crls(tlsc_config *cfg, const unsigned char *data, size_t len)
{
    if (cfg->crl == NULL) {
        cfg->crl = tlsc__calloc(1, sizeof *cfg->crl);
        if (cfg->crl == NULL)
            return TLSC_ERR_NO_MEMORY;
        mbedtls_x509_crl_init(cfg->crl);
    }
    if (mbedtls_x509_crl_parse(cfg->crl, data, len) == 0)
        return TLSC_OK;
    if (cfg->crl_count == 0)
        tlsc__crl_free(cfg);
    return TLSC_ERR_NO_MEMORY;
}

/* Parse into a scratch list first: a configuration keeps only CRLs that
 * all parsed and passed, so a failing call changes nothing. */
static tlsc_err parse_crls(tlsc_config *cfg, const unsigned char *data, size_t len)
{
    mbedtls_x509_crl tmp;
    mbedtls_x509_crl_init(&tmp);
    int ret = mbedtls_x509_crl_parse(&tmp, data, len);
    tlsc_err err = TLSC_OK;
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED) {
        err = TLSC_ERR_NO_MEMORY;
    } else if (ret != 0) {
        char why[128];
        tlsc__mbedtls_text(ret, why, sizeof why);
        err = tlsc__config_fail(cfg, TLSC_ERR_CERT_PARSE, "not a valid PEM or DER CRL (a "
                                "critical extension other than those mbedTLS knows is refused): "
                                "%s", why);
    } else {
        char why[TLSC_ERRMSG_MAX] = "";
        err = tlsc__config_detail(cfg, check_crls(&tmp, why, sizeof why), why);
    }
    mbedtls_x509_crl_free(&tmp);
    if (err == TLSC_OK)
        err = keep_crls(cfg, data, len);
    return err;
}

tlsc_err tlsc_config_add_crl(tlsc_config *cfg, const void *data, size_t len)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (data == NULL || len == 0)
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG, "empty CRL data");
    /* mbedTLS reads PEM only from a NUL-terminated buffer */
    unsigned char *copy = tlsc__calloc(1, len + 1);
    if (copy == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(copy, data, len);
    bool pem = strstr((const char *)copy, "-----BEGIN X509 CRL-----") != NULL;
    err = parse_crls(cfg, copy, pem ? strlen((const char *)copy) + 1 : len);
    tlsc__free(copy);
    if (err == TLSC_OK)
        cfg->crl_count++;
    return err;
}

tlsc_err tlsc_config_add_crl_file(tlsc_config *cfg, const char *path)
{
    unsigned char *data;
    size_t len;
    tlsc_err err = tlsc__config_read_file(cfg, path, &data, &len);
    if (err != TLSC_OK)
        return err;
    err = len != 0 ? tlsc_config_add_crl(cfg, data, len)
                   : tlsc__config_fail(cfg, TLSC_ERR_CERT_PARSE, "empty file");
    tlsc__free(data);
    if (err != TLSC_OK)
        tlsc__config_fail_file(cfg, err, path);
    return err;
}
