/*
 * The mbedTLS access layer: facts mbedTLS keeps in private fields of its
 * TLS context and sessions (peek.c, peek_state.c). The only code that
 * reads them; what to re-check on an mbedTLS upgrade is in docs/internals.md.
 */
#ifndef TLSC_CORE_MBEDTLS_PEEK_H
#define TLSC_CORE_MBEDTLS_PEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"

/* peek.c: "x25519", "secp256r1", "secp384r1" for a TLS group id, or NULL. */
const char *tlsc__group_name(uint16_t tls_id);
/* peek.c: facts mbedTLS keeps in private fields. */
int tlsc__peek_alert(const mbedtls_ssl_context *ssl);
const char *tlsc__peek_group(const mbedtls_ssl_context *ssl);
/* 1 resumed, 0 not, -1 not known (no handshake state) */
int tlsc__peek_resumed(const mbedtls_ssl_context *ssl);
/* Free the peer certificate copy inside a saved session (not needed to
 * resume; keeps sessions small). */
void tlsc__session_drop_peer_cert(mbedtls_ssl_session *s);
/* The lifetime in seconds the server gave the session's ticket (0 = none). */
uint32_t tlsc__session_lifetime(const mbedtls_ssl_session *s);
bool tlsc__session_resumable(const mbedtls_ssl_session *s);
/* Make a loaded TLS 1.3 session's host name the envelope's (see peek.c). */
int tlsc__session_pin_hostname(mbedtls_ssl_session *s, const char *name);
int tlsc__peek_pending_alert(mbedtls_ssl_context *ssl);
/* Announced length of the handshake message mbedTLS is reading (with its
 * header), 0 when none. */
size_t tlsc__peek_hs_len(const mbedtls_ssl_context *ssl);
int tlsc__peek_client_auth(const mbedtls_ssl_context *ssl);
/* peek_state.c: the server message the handshake waits for ("Certificate"),
 * or NULL; the 5 header bytes (and 2 more) of the record just read and the
 * most such a record may hold (false when there is no input buffer). */
const char *tlsc__peek_awaited(const mbedtls_ssl_context *ssl);
bool tlsc__peek_record_header(const mbedtls_ssl_context *ssl, size_t max_total,
                              unsigned char hdr[7], size_t *limit, bool *protected_record);
/* peek_state.c: certificates the server sent in the running handshake;
 * the type and length (with header) of a handshake message being
 * reassembled from several records (false if none). */
size_t tlsc__peek_peer_chain_len(const mbedtls_ssl_context *ssl);
bool tlsc__peek_hs_message(const mbedtls_ssl_context *ssl, const unsigned char **msg,
                           size_t *len);
bool tlsc__peek_hs_reassembly(const mbedtls_ssl_context *ssl, int *type, size_t *len);

#endif /* TLSC_CORE_MBEDTLS_PEEK_H */
