/*
 * Words for records mbedTLS refuses for their framing. mbedTLS says
 * "invalid SSL record" for bytes that are not TLS at all and for empty
 * records, and "bad input parameters" for a record longer than its input
 * buffer (it cannot even read it); the header of the offending record is
 * still in the input buffer, so tlsc can say which case it was and name the
 * bytes or the sizes.
 */
#include <stdio.h>

#include "tlsc/tlsc.h"
#include "core/mbedtls/peek.h"
#include "core/tls/buffers.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/errors.h"

#include "mbedtls/error.h"

#define REC_ALERT 21
#define REC_HANDSHAKE 22

/* Content types 20..23 and a legacy version 3.x (SSL 3.0 .. TLS 1.3). */
static bool looks_like_tls(const unsigned char h[5])
{
    return h[0] >= 20 && h[0] <= 23 && h[1] == 3 && h[2] <= 4;
}

/* The first bytes as hex and as text, e.g. 48 54 54 50 2f ("HTTP/"). */
static void show_bytes(const unsigned char h[5], char *out, size_t cap)
{
    char text[6];
    for (size_t i = 0; i < 5; i++)
        text[i] = (char)(h[i] >= 0x20 && h[i] < 0x7f && h[i] != '"' ? h[i] : '.');
    text[5] = '\0';
    snprintf(out, cap, "%02x %02x %02x %02x %02x (\"%s\")", h[0], h[1], h[2], h[3], h[4], text);
}

static void fail_not_tls(tlsc_conn *c, const unsigned char h[5], const char *during,
                         const char *why)
{
    char bytes[48];
    show_bytes(h, bytes, sizeof bytes);
    const char *awaited = tlsc__peek_awaited(&c->ssl);
    if (awaited != NULL && awaited[0] == 'S' && awaited[6] == 'H') /* ServerHello */
        tlsc__conn_fail(c, TLSC_ERR_BAD_MESSAGE,
                        "the server does not answer in TLS: its reply begins with %s "
                        "(wrong port, or a plain-text protocol?)%s", bytes, why);
    else
        tlsc__conn_fail(c, TLSC_ERR_BAD_MESSAGE,
                        "the server sent bytes that are not a TLS record %s: %s%s", during,
                        bytes, why);
}

/* A 2-byte alert record once records are protected: a server (or someone
 * in between) sent an alert in the clear, which cannot be authenticated. */
static bool clear_alert(tlsc_conn *c, const unsigned char h[7], bool protected_record,
                        const char *during, const char *why)
{
    if (!protected_record || h[0] != REC_ALERT || h[3] != 0 || h[4] != 2)
        return false;
    tlsc__conn_fail(c, TLSC_ERR_BAD_MESSAGE,
                    "the server sent an unencrypted alert %s (%u, level %u) %s, after "
                    "encryption had started; it cannot be authenticated, so the connection "
                    "is dropped%s", tlsc__alert_name(h[6]), h[6], h[5], during, why);
    return true;
}

static const char *hs_name(int type)
{
    switch (type) {
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 8: return "EncryptedExtensions";
    case 11: return "Certificate";
    case 12: return "ServerKeyExchange";
    case 13: return "CertificateRequest";
    case 15: return "CertificateVerify";
    default: return "handshake";
    }
}

/* A handshake message split over records (legal) that is longer than the
 * input buffer: mbedTLS reassembles messages in that buffer, so the next
 * record no longer fits (or, in its words, "should not happen"). */
static bool message_too_long(tlsc_conn *c, int ret, const char *during, const char *why)
{
    int type;
    size_t len;
    if (ret != MBEDTLS_ERR_SSL_BAD_INPUT_DATA && ret != MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED)
        return false;
    if (!tlsc__peek_hs_reassembly(&c->ssl, &type, &len))
        return false;
    tlsc__conn_fail(c, TLSC_ERR_RECORD_TOO_LARGE,
                    "the server's %s message is %lu bytes %s, more than the input buffer "
                    "holds (handshake messages of at most %d bytes)%s", hs_name(type),
                    (unsigned long)len,
                    during, mbedtls_ssl_get_max_in_record_payload(&c->ssl), why);
    return true;
}

bool tlsc__record_error(tlsc_conn *c, int ret, const char *during, const char *why)
{
    unsigned char h[7];
    size_t limit;
    bool protected_record;
    if (message_too_long(c, ret, during, why))
        return true;
    if (ret != MBEDTLS_ERR_SSL_BAD_INPUT_DATA && ret != MBEDTLS_ERR_SSL_INVALID_RECORD &&
        ret != MBEDTLS_ERR_SSL_INVALID_MAC)
        return false;
    if (!tlsc__peek_record_header(&c->ssl, tlsc__conn_in_max(c), h, &limit, &protected_record))
        return false;
    if (ret == MBEDTLS_ERR_SSL_INVALID_MAC)
        return clear_alert(c, h, protected_record, during, why);
    if (!looks_like_tls(h)) {
        fail_not_tls(c, h, during, why);
        return true;
    }
    size_t len = (size_t)h[3] << 8 | h[4];
    if (len > limit) {
        tlsc__conn_fail(c, TLSC_ERR_RECORD_TOO_LARGE,
                        "the server sent a record of %lu bytes %s; %s at most %lu%s",
                        (unsigned long)len,
                        during,
                        protected_record ? "the input buffer holds encrypted records of"
                                         : "unencrypted records hold",
                        (unsigned long)limit, why);
        return true;
    }
    if (ret == MBEDTLS_ERR_SSL_INVALID_RECORD && !protected_record && h[0] == REC_HANDSHAKE &&
        len > 0 && len < 4) {
        tlsc__conn_fail(c, TLSC_ERR_BAD_MESSAGE,
                        "the server sent a handshake record of %lu bytes %s, splitting a "
                        "message's 4-byte header across records; TLS allows this (RFC 5246 "
                        "6.2.1) but mbedTLS 3.6 needs each header in one record%s",
                        (unsigned long)len,
                        during, why);
        return true;
    }
    if (len == 0 && ret == MBEDTLS_ERR_SSL_INVALID_RECORD) {
        tlsc__conn_fail(c, TLSC_ERR_BAD_MESSAGE,
                        "the server sent an empty record (content type %u) %s; a record "
                        "must not be empty (RFC 5246 6.2.1, RFC 8446 5.1: only application "
                        "data may, and only once encrypted)%s", h[0], during, why);
        return true;
    }
    return false;
}
