/*
 * tlsc/session.h — session resumption that survives deep sleep.
 *
 * A resumed handshake skips the certificate chain and, in TLS 1.2, the key
 * exchange: a fraction of the CPU of a full one. tlsc captures the session
 * of every connection (TLS 1.2 session ticket or ID once the handshake is
 * done; TLS 1.3 tickets when the server sends them, usually right after the
 * handshake), and lets the application export it to bytes — e.g. into RTC
 * memory before deep sleep — and offer it on a later connection.
 *
 * The exported blob (format in docs/session-format.md) carries, besides
 * mbedTLS's serialized session: the server name, a fingerprint of the
 * configuration's trust and credentials, the creation time and the ticket
 * lifetime, and a checksum. tlsc offers an imported session only to the
 * same server name, under a configuration with the same fingerprint, and
 * before it expires; otherwise it logs why at debug level and performs a
 * full, verified handshake. A blob that fails its checks is rejected by
 * tlsc_conn_set_session with TLSC_ERR_SESSION (the connection is still
 * usable: it simply does a full handshake).
 *
 * SECURITY: the blob contains the session's master secret. Store it like a
 * private key. Anyone who can write it could make the device resume a
 * session they control, exactly as with curl's or OpenSSL's session files.
 */
#ifndef TLSC_SESSION_H
#define TLSC_SESSION_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"
#include "tlsc/conn.h"

TLSC_BEGIN_DECLS

typedef enum tlsc_resumption {
    TLSC_RESUMPTION_OFF = 0,   /* never capture or offer sessions */
    TLSC_RESUMPTION_ON = 1,    /* default: TLS 1.2 tickets/IDs; TLS 1.3
                                  tickets with psk_dhe_ke (fresh ECDHE) */
    TLSC_RESUMPTION_PSK_KE = 2 /* TLS 1.3 tickets are offered with psk_ke
                                  INSTEAD of psk_dhe_ke: no ECDHE, the
                                  cheapest resumption, but no forward
                                  secrecy for the resumed session; a server
                                  that insists on psk_dhe_ke (OpenSSL
                                  without -allow_no_dhe_kex) then does a
                                  full handshake. TLS 1.2 is unaffected. */
} tlsc_resumption;

/* Choose the resumption policy (default TLSC_RESUMPTION_ON).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_CONFIG_FROZEN. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_resumption(
    tlsc_config *cfg, tlsc_resumption mode);

/* Largest blob tlsc_conn_export_session writes (with a 2 KB TLS 1.3 ticket). */
#define TLSC_SESSION_MAX 3072

/*
 * Export the newest session of conn into buf (capacity cap), setting *len.
 * With buf == NULL, only sets *len to the size needed. A session exists once
 * a TLS 1.2 handshake completed, or once a TLS 1.3 ticket arrived (see
 * tlsc_conn_await_session). Each call exports the same newest session.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_SESSION (none yet, or
 * resumption is off), TLSC_ERR_BUFFER_SIZE (cap too small; *len says how
 * much is needed), TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_export_session(const tlsc_conn *conn,
                                                          void *buf, size_t cap,
                                                          size_t *len);

/*
 * Blocking: process what the server sends after the handshake until a
 * session can be exported, for at most timeout_ms. Application data that
 * arrives meanwhile is left for tlsc_conn_read. Returns TLSC_OK when a
 * session is available, TLSC_ERR_NO_SESSION when none came in time (e.g. the
 * server issues no tickets), or the connection's error.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_await_session(tlsc_conn *conn,
                                                         uint32_t timeout_ms);

/*
 * Offer the session in blob (from tlsc_conn_export_session, possibly of an
 * earlier process) on this connection's handshake. Call before
 * tlsc_conn_start/connect. The blob is copied. Whether it is actually
 * offered is decided at start (server name, configuration, expiry); see
 * tlsc_conn_resumed after the handshake.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_STATE, TLSC_ERR_SESSION (corrupt,
 * truncated, tampered or of another format version), TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_conn_set_session(tlsc_conn *conn,
                                                       const void *blob,
                                                       size_t len);

TLSC_END_DECLS

#endif /* TLSC_SESSION_H */
