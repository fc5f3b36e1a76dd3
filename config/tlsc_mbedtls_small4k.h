/*
 * tlsc's mbedTLS 3.6 configuration — "small4k": the small profile
 * (tlsc_mbedtls_small.h: ECC only, p256-m) with 4 KiB record buffers at
 * most, for devices that cannot spare 16 KiB for one incoming record.
 *
 * Build with: cmake -DTLSC_MBEDTLS_CONFIG=$PWD/config/tlsc_mbedtls_small4k.h
 *
 * What changes against "small": mbedTLS allocates the record buffers at
 * 4 KiB (in) and 1 KiB (out) + overhead when a connection is created
 * (nothing bigger ever exists; a client certificate chain must fit in
 * 1 KiB), offers max_fragment_length 4096 in TLS 1.2 and
 * record_size_limit 4096 in TLS 1.3. A server that honours neither and
 * sends a larger record fails with TLSC_ERR_RECORD_TOO_LARGE (the detail
 * gives the record size and the buffer size). TLS 1.3 servers built on
 * OpenSSL ignore record_size_limit, so by default this profile offers
 * TLS 1.3 only where the configuration allows it explicitly (see
 * tlsc_config_set_buffers in include/tlsc/config.h).
 */
#ifndef TLSC_MBEDTLS_SMALL4K_H
#define TLSC_MBEDTLS_SMALL4K_H

#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
/* Outgoing records up to 1 KiB: a ClientHello (with a ticket), an ECDSA
 * client certificate and request lines fit; larger writes are split. */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 1024
#include "tlsc_mbedtls_small.h"

#endif /* TLSC_MBEDTLS_SMALL4K_H */
