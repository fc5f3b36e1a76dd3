/*
 * mbedTLS's record buffers, in its private fields (peek_buffers.c): sizes,
 * the elastic input buffer, maximum fragment length.
 */
#ifndef TLSC_CORE_MBEDTLS_PEEK_BUFFERS_H
#define TLSC_CORE_MBEDTLS_PEEK_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"

/* peek_buffers.c: mbedTLS's record buffers (private fields) */
size_t tlsc__record_overhead(void);
size_t tlsc__record_max_in(void);
size_t tlsc__record_max_out(void);
int tlsc__resize_in_buffer(mbedtls_ssl_context *ssl, size_t content);
size_t tlsc__in_buffer_len(const mbedtls_ssl_context *ssl);
int tlsc__ssl_setup_sized(mbedtls_ssl_context *ssl, const mbedtls_ssl_config *conf,
                          size_t total);
int tlsc__in_buffer_fit(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t got,
                        size_t max_total, size_t *want);
int tlsc__in_buffer_idle(mbedtls_ssl_context *ssl, size_t total);
int tlsc__shrink_out_buffer(mbedtls_ssl_context *ssl, size_t content);
void tlsc__buffer_sizes(const mbedtls_ssl_context *ssl, size_t *in, size_t *out);
bool tlsc__peek_record_too_large(const mbedtls_ssl_context *ssl, size_t max_total,
                                 size_t *len, size_t *room, size_t *hs_len);
void tlsc__drop_live_peer_cert(mbedtls_ssl_context *ssl);
size_t tlsc__peer_rsl(const mbedtls_ssl_context *ssl);
int tlsc__conf_mfl_code(const mbedtls_ssl_config *conf);
int tlsc__conf_set_mfl(mbedtls_ssl_config *conf, unsigned char code, size_t len);

#endif /* TLSC_CORE_MBEDTLS_PEEK_BUFFERS_H */
