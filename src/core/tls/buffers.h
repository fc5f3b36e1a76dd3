/*
 * Record buffers of a configuration and a connection, and the policy they
 * imply (buffers.c).
 */
#ifndef TLSC_CORE_TLS_BUFFERS_H
#define TLSC_CORE_TLS_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* buffers.c: an input buffer below 16384 bytes takes TLS 1.3 off the offer
 * (cfg's versions were not chosen by the application). */
bool tlsc__buffers_limit_tls12(const tlsc_config *cfg);
/* buffers.c: record buffers and the policy they imply */
int tlsc__buffers_apply(tlsc_config *cfg);
tlsc_err tlsc__conn_buffers_after_handshake(tlsc_conn *c);
/* The largest application-data record tlsc_conn_send may write. */
size_t tlsc__conn_send_max(const tlsc_conn *c);
/* mbedtls_ssl_setup for c with its input buffer at the starting size. */
tlsc_err tlsc__conn_ssl_setup(tlsc_conn *c);
/* BIO: `got` bytes were received at buf; grow the input buffer if they
 * complete the header of a record it cannot hold (0, or an mbedTLS error). */
int tlsc__conn_in_fit(tlsc_conn *c, const unsigned char *buf, size_t got);
/* The input buffer's largest size in bytes (overhead included). */
size_t tlsc__conn_in_max(const tlsc_conn *c);
/* Nothing is buffered for c now: the elastic input buffer shrinks. */
void tlsc__conn_buffers_idle(tlsc_conn *c);
/* If a read failed on a record larger than the input buffer, fail c with
 * TLSC_ERR_RECORD_TOO_LARGE (sizes and advice) and return true. */
bool tlsc__conn_fail_record_size(tlsc_conn *c, const char *during);

#endif /* TLSC_CORE_TLS_BUFFERS_H */
