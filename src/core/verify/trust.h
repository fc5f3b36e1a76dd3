/*
 * Trust anchors beside the added CAs: root bundles as mbedTLS trusted CAs
 * (bundle_trust.c) and CRLs (crl.c).
 */
#ifndef TLSC_CORE_VERIFY_TRUST_H
#define TLSC_CORE_VERIFY_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"
#include "core/bundle/bundle.h"

#include "mbedtls/x509_crt.h"

/* bundle_trust.c: trusted-CA callback over the added CAs and bundle roots
 * (ctx is the configuration), for mbedTLS's own path building; the
 * handshake uses tlsc__path_ca_cb instead (kept for tests and benchmarks). */
int tlsc__trust_ca_cb(void *ctx, mbedtls_x509_crt const *child,
                      mbedtls_x509_crt **candidates);
/* bundle_trust.c: crt is self-signed and one of the added CAs, which mbedTLS
 * trusts as is when it has the CA list (not the callback): see verify.c. */
bool tlsc__trust_local_ee(const tlsc_config *cfg, const mbedtls_x509_crt *crt);

/* bundle_trust.c:
 * Append to *chain (allocated on first use) the certificate mbedTLS is
 * given for root r: subject `name` as both issuer and subject, r's key,
 * validity and path length, CA:TRUE. Returns 0, an mbedTLS X.509 parse
 * error (r is unusable), or MBEDTLS_ERR_X509_ALLOC_FAILED.
 */
int tlsc__root_certificate(const tlsc__root *r, const unsigned char *name,
                           size_t name_len, mbedtls_x509_crt **chain);
/* crl.c: free the CRLs. */
void tlsc__crl_free(tlsc_config *cfg);

#endif /* TLSC_CORE_VERIFY_TRUST_H */
