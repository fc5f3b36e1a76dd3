/*
 * Client credentials: certificate, key, PSK, and the parsers the setters
 * share (creds.c; the sign callback's key is tls/signer.c).
 */
#ifndef TLSC_CORE_CONFIG_CREDS_H
#define TLSC_CORE_CONFIG_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config/config.h"

/* Free the client certificate, key and PSK (zeroized). */
void tlsc__creds_free(tlsc_config *cfg);
/* A client certificate block: new (empty), freed, or installed in cfg
 * (replacing and freeing the previous one). */
tlsc__own_cert *tlsc__own_cert_new(void);
void tlsc__own_cert_free(tlsc__own_cert *own);
void tlsc__own_cert_install(tlsc_config *cfg, tlsc__own_cert *own);
tlsc_err tlsc__parse_certs(mbedtls_x509_crt *chain, const void *data,
                           size_t len, char *detail, size_t cap,
                           size_t *parsed);
tlsc_err tlsc__parse_key(mbedtls_pk_context *key, const void *data,
                         size_t len, const char *password, char *detail,
                         size_t cap);
tlsc_err tlsc__parse_pins(const char *text, unsigned char (*out)[32],
                          size_t cap, size_t *count, char *detail,
                          size_t dcap);

#endif /* TLSC_CORE_CONFIG_CREDS_H */
