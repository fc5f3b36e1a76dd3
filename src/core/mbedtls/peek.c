/*
 * The only file that reads mbedTLS's private fields. mbedTLS 3.6 has no
 * public getter for: the alert a peer sent, the key-exchange group that
 * was negotiated, whether the session was resumed, whether the server
 * asked for a client certificate, and the raw SubjectPublicKeyInfo of a
 * parsed certificate. tlsc pins mbedTLS to 3.6
 * LTS (the build refuses other versions), and these fields are stable
 * across 3.6.x; keeping every such access here makes an upgrade a
 * one-file review.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include "tlsc/tlsc.h"
#include "core/base/ip.h"
#include "core/mbedtls/peek.h"
#include "core/mbedtls/peek_x509.h"

#include "ssl_misc.h" /* mbedTLS library/ (private include path) */
#include "ssl_ciphersuites_internal.h"
#include "mbedtls/platform.h"
#include "psa/crypto.h"

int tlsc__peek_alert(const mbedtls_ssl_context *ssl)
{
    /* After MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE the alert record is still
     * in the input buffer: level at in_msg[0], description at in_msg[1]. */
    if (ssl->in_msg == NULL || ssl->in_msgtype != MBEDTLS_SSL_MSG_ALERT)
        return -1;
    return ssl->in_msg[1];
}

const char *tlsc__group_name(uint16_t tls_id)
{
    switch (tls_id) {
    case MBEDTLS_SSL_IANA_TLS_GROUP_X25519: return "x25519";
    case MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1: return "secp256r1";
    case MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1: return "secp384r1";
    default: return NULL;
    }
}

static const char *psa_group_name(psa_key_type_t type, size_t bits)
{
    psa_ecc_family_t fam = PSA_KEY_TYPE_ECC_GET_FAMILY(type);
    if (fam == PSA_ECC_FAMILY_MONTGOMERY && bits == 255)
        return "x25519";
    if (fam == PSA_ECC_FAMILY_SECP_R1 && bits == 256)
        return "secp256r1";
    if (fam == PSA_ECC_FAMILY_SECP_R1 && bits == 384)
        return "secp384r1";
    return NULL;
}

/* Valid only while the handshake runs (the handshake state is freed at its
 * end); the core calls it after every handshake step and keeps the answer. */
const char *tlsc__peek_group(const mbedtls_ssl_context *ssl)
{
    const mbedtls_ssl_handshake_params *hs = ssl->handshake;
    if (hs == NULL)
        return NULL;
    /* TLS 1.3: the group counts only once the ServerHello chose a mode
     * with a key exchange (plain psk_ke has none); before that
     * key_exchange_mode is 0 and offered_group_id is just our offer. */
    if (ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3)
        return (hs->key_exchange_mode & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ALL)
                   ? tlsc__group_name(hs->offered_group_id)
                   : NULL;
    /* TLS 1.2: only ECDHE suites have a group. (xxdh_psa_type may still
     * hold the TLS 1.3 key share we offered in the ClientHello.) */
    if (hs->ciphersuite_info == NULL ||
        !mbedtls_ssl_ciphersuite_uses_ecdhe(hs->ciphersuite_info) ||
        !PSA_KEY_TYPE_IS_ECC(hs->xxdh_psa_type))
        return NULL;
    return psa_group_name(hs->xxdh_psa_type, hs->xxdh_psa_bits);
}

/*
 * Whether the server accepted the session we offered. TLS 1.2: `resume`
 * is set when we offer and cleared when the ServerHello does not take it.
 * TLS 1.3: `resume` only says we offered a ticket; it was used if the
 * server chose a PSK mode and the ticket, which mbedTLS lists first among
 * our identities (identity 0).
 */
int tlsc__peek_resumed(const mbedtls_ssl_context *ssl)
{
    const mbedtls_ssl_handshake_params *hs = ssl->handshake;
    if (hs == NULL)
        return -1;
    if (ssl->tls_version != MBEDTLS_SSL_VERSION_TLS1_3)
        return hs->resume != 0;
    return hs->resume != 0 &&
           (hs->key_exchange_mode & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL) != 0 &&
           hs->selected_identity == 0;
}

void tlsc__session_drop_peer_cert(mbedtls_ssl_session *s)
{
    if (s->peer_cert != NULL) {
        mbedtls_x509_crt_free(s->peer_cert);
        mbedtls_free(s->peer_cert);
        s->peer_cert = NULL;
    }
}

uint32_t tlsc__session_lifetime(const mbedtls_ssl_session *s)
{
    return s->ticket != NULL ? s->ticket_lifetime : 0;
}

void tlsc__peek_spki(const mbedtls_x509_crt *crt, const unsigned char **p,
                     size_t *len)
{
    *p = crt->pk_raw.p;
    *len = crt->pk_raw.len;
}

/*
 * A server that refuses the handshake sends an alert and closes; if our
 * next write hits the closed socket we learn "connection reset", while the
 * alert that says why is already waiting in the receive buffer. Read one
 * record to get it. Returns the alert, or -1 if none is there.
 */
int tlsc__peek_pending_alert(mbedtls_ssl_context *ssl)
{
    int ret = mbedtls_ssl_read_record(ssl, 0);
    return ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ? tlsc__peek_alert(ssl) : -1;
}

/* A session worth saving: TLS 1.3 needs a ticket; TLS 1.2 a ticket or an ID. */
bool tlsc__session_resumable(const mbedtls_ssl_session *s)
{
    if (s->tls_version == MBEDTLS_SSL_VERSION_TLS1_3)
        return s->ticket != NULL;
    return s->ticket != NULL || s->id_len != 0;
}

/*
 * mbedTLS 3.6.6's TLS 1.3 session loader copies the saved host name without
 * requiring its terminating NUL, and later code runs strlen on it (found by
 * tests/fuzz/fuzz_session). Replace it, right after loading, with the name
 * from tlsc's checksummed envelope: the old buffer is released with
 * mbedtls_free, which never reads it.
 */
int tlsc__session_pin_hostname(mbedtls_ssl_session *s, const char *name)
{
    unsigned char ip[16];
    size_t ip_len = 0;
    if (s->tls_version != MBEDTLS_SSL_VERSION_TLS1_3)
        return 0;
    mbedtls_free(s->hostname);
    s->hostname = NULL;
    /* An IP-literal server gets no SNI (mbedtls_ssl_set_hostname(NULL) in
     * conn.c), and mbedTLS refuses to resume a TLS 1.3 ticket whose host
     * name differs from the connection's: NULL must stay NULL. */
    if (tlsc__parse_ip(name, ip, &ip_len))
        return 0;
    return mbedtls_ssl_session_set_hostname(s, name);
}

/* in_hslen is set from the message header as soon as its first fragment is
 * in (mbedTLS 3.6 reassembles handshake messages that span records), and
 * stays until the next record is read. */
size_t tlsc__peek_hs_len(const mbedtls_ssl_context *ssl)
{
    return ssl->in_msgtype == MBEDTLS_SSL_MSG_HANDSHAKE ? ssl->in_hslen : 0;
}

/* Whether the server sent a CertificateRequest in the running handshake
 * (TLS 1.2 and 1.3 both set client_auth then); -1 once it is over. */
int tlsc__peek_client_auth(const mbedtls_ssl_context *ssl)
{
    return ssl->handshake != NULL ? ssl->handshake->client_auth != 0 : -1;
}
