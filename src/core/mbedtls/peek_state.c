/*
 * Private fields of mbedTLS's connection, read to explain a failure: which
 * server message the handshake was waiting for, the length a record's
 * header announced, and the handshake message it refused. Like peek.c (see its comment), this file reads private
 * fields because mbedTLS 3.6 has no getter for them; tlsc pins mbedTLS to
 * 3.6 LTS, where these fields are stable. Nothing here changes state.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include "tlsc/tlsc.h"
#include "core/mbedtls/peek.h"

#include <string.h>

#include "ssl_misc.h" /* mbedTLS library/ (private include path) */

/* The client's handshake states in which it reads a message from the
 * server, and that message's name (RFC 5246 / RFC 8446 spelling). */
static const struct {
    int state;
    const char *message;
} AWAITED[] = {
    { MBEDTLS_SSL_HELLO_REQUEST, "ServerHello" },
    { MBEDTLS_SSL_CLIENT_HELLO, "ServerHello" },
    { MBEDTLS_SSL_SERVER_HELLO, "ServerHello" },
    { MBEDTLS_SSL_SERVER_CERTIFICATE, "Certificate" },
    { MBEDTLS_SSL_SERVER_KEY_EXCHANGE, "ServerKeyExchange" },
    { MBEDTLS_SSL_SERVER_HELLO_DONE, "ServerHelloDone" },
    { MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC, "ChangeCipherSpec" },
    { MBEDTLS_SSL_SERVER_FINISHED, "Finished" },
    { MBEDTLS_SSL_NEW_SESSION_TICKET, "NewSessionTicket" },
    { MBEDTLS_SSL_ENCRYPTED_EXTENSIONS, "EncryptedExtensions" },
    { MBEDTLS_SSL_CERTIFICATE_VERIFY, "CertificateVerify" },
    { MBEDTLS_SSL_SERVER_CCS_AFTER_SERVER_HELLO, "EncryptedExtensions" },
};

const char *tlsc__peek_awaited(const mbedtls_ssl_context *ssl)
{
    if (ssl->handshake == NULL)
        return NULL;
    /* An optional message: the state reads whichever comes. */
    if (ssl->state == MBEDTLS_SSL_CERTIFICATE_REQUEST)
        return ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_2
                   ? "CertificateRequest or ServerHelloDone"
                   : "CertificateRequest or Certificate";
    for (size_t i = 0; i < sizeof AWAITED / sizeof AWAITED[0]; i++) {
        if (AWAITED[i].state == ssl->state)
            return AWAITED[i].message;
    }
    return NULL;
}

/*
 * The header of the record at the head of the input buffer (type, version,
 * length: TLS, not DTLS) and the first two bytes after it, the most such a record may hold (unprotected:
 * the content limit; protected: what fits in an input buffer of
 * `max_total` bytes, its largest size) and whether
 * it is protected. in_left is not checked: mbedTLS zeroes it once a whole
 * record is read, before it checks the record, and the header stays in
 * place; the caller uses this only right after mbedTLS refused a record.
 */
bool tlsc__peek_record_header(const mbedtls_ssl_context *ssl, size_t max_total,
                              unsigned char hdr[7], size_t *limit, bool *protected_record)
{
    if (ssl->in_buf == NULL || ssl->in_hdr == NULL)
        return false;
    size_t offset = (size_t)(ssl->in_hdr - ssl->in_buf);
    size_t room = max_total;
    if (offset + 7 > ssl->in_buf_len)
        return false;
    if (offset + 7 > room)
        return false;
    memcpy(hdr, ssl->in_hdr, 7);
    *protected_record = ssl->transform_in != NULL;
    *limit = *protected_record ? room - offset - 5
                               : (size_t)mbedtls_ssl_get_max_in_record_payload(ssl);
    return true;
}

/* How many certificates the server sent (parsed so far) in this handshake. */
size_t tlsc__peek_peer_chain_len(const mbedtls_ssl_context *ssl)
{
    const mbedtls_ssl_session *s = ssl->session_negotiate;
    size_t n = 0;
    if (s == NULL)
        return 0;
    for (const mbedtls_x509_crt *crt = s->peer_cert; crt != NULL && crt->raw.len != 0;
         crt = crt->next)
        n++;
    return n;
}

/*
 * Whether a handshake message is being reassembled from several records
 * (mbedTLS keeps the bytes received so far in in_hsfraglen, a field it
 * shares with DTLS's bad-MAC counter; tlsc has no DTLS), and if so its
 * type and full length, from the handshake header mbedTLS moved to the
 * start of the input buffer.
 */
bool tlsc__peek_hs_reassembly(const mbedtls_ssl_context *ssl, int *type, size_t *len)
{
    if (ssl->in_buf == NULL || ssl->badmac_seen_or_in_hsfraglen == 0 || ssl->in_hslen < 4)
        return false;
    const unsigned char *msg = ssl->in_buf + MBEDTLS_SSL_SEQUENCE_NUMBER_LEN + 5;
    *type = msg[0];
    *len = ssl->in_hslen;
    return true;
}


/* The handshake message mbedTLS read last, still in the input buffer
 * after it refused it (e.g. a Certificate with a key it cannot parse). */
bool tlsc__peek_hs_message(const mbedtls_ssl_context *ssl, const unsigned char **msg,
                           size_t *len)
{
    if (ssl->in_msg == NULL || ssl->in_msgtype != MBEDTLS_SSL_MSG_HANDSHAKE ||
        ssl->in_hslen < 4 || ssl->in_hslen > ssl->in_buf_len)
        return false;
    *msg = ssl->in_msg;
    *len = ssl->in_hslen;
    return true;
}
