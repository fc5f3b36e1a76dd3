/*
 * From mbedTLS's return codes to tlsc's errors, with words. The detail
 * always ends with mbedTLS's own code and text, so nothing is hidden from
 * someone reading mbedTLS's sources.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/log.h"
#include "core/mbedtls/keyslots.h"
#include "core/mbedtls/peek.h"
#include "core/mbedtls/rng.h"
#include "core/mbedtls/text.h"
#include "core/tls/buffers.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/errors.h"
#include "core/verify/chain_alg.h"
#include "core/verify/verify.h"

#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pem.h"
#include "psa/crypto.h"

static const struct {
    int alert;
    const char *name;
    tlsc_err err;
} ALERTS[] = {
    { 0, "close_notify", TLSC_ERR_CLOSED },
    { 10, "unexpected_message", TLSC_ERR_PEER_ALERT },
    { 20, "bad_record_mac", TLSC_ERR_PEER_DECRYPT },
    { 22, "record_overflow", TLSC_ERR_PEER_ALERT },
    { 40, "handshake_failure", TLSC_ERR_PEER_HANDSHAKE_FAILURE },
    { 42, "bad_certificate", TLSC_ERR_PEER_BAD_CERT },
    { 43, "unsupported_certificate", TLSC_ERR_PEER_BAD_CERT },
    { 44, "certificate_revoked", TLSC_ERR_PEER_BAD_CERT },
    { 45, "certificate_expired", TLSC_ERR_PEER_BAD_CERT },
    { 46, "certificate_unknown", TLSC_ERR_PEER_BAD_CERT },
    { 47, "illegal_parameter", TLSC_ERR_PEER_ALERT },
    { 48, "unknown_ca", TLSC_ERR_PEER_BAD_CERT },
    { 49, "access_denied", TLSC_ERR_PEER_BAD_CERT },
    { 50, "decode_error", TLSC_ERR_PEER_ALERT },
    { 51, "decrypt_error", TLSC_ERR_PEER_DECRYPT },
    { 70, "protocol_version", TLSC_ERR_PEER_VERSION },
    { 71, "insufficient_security", TLSC_ERR_PEER_HANDSHAKE_FAILURE },
    { 80, "internal_error", TLSC_ERR_PEER_ALERT },
    { 86, "inappropriate_fallback", TLSC_ERR_PEER_ALERT },
    { 90, "user_canceled", TLSC_ERR_PEER_ALERT },
    { 100, "no_renegotiation", TLSC_ERR_PEER_ALERT },
    { 109, "missing_extension", TLSC_ERR_PEER_ALERT },
    { 110, "unsupported_extension", TLSC_ERR_PEER_ALERT },
    { 112, "unrecognized_name", TLSC_ERR_PEER_ALERT },
    { 113, "bad_certificate_status_response", TLSC_ERR_PEER_ALERT },
    { 115, "unknown_psk_identity", TLSC_ERR_PEER_UNKNOWN_PSK },
    { 116, "certificate_required", TLSC_ERR_PEER_CERT_REQUIRED },
    { 120, "no_application_protocol", TLSC_ERR_PEER_ALERT },
};
#define ALERTS_N (sizeof ALERTS / sizeof ALERTS[0])

const char *tlsc__alert_name(int alert)
{
    for (size_t i = 0; i < ALERTS_N; i++) {
        if (ALERTS[i].alert == alert)
            return ALERTS[i].name;
    }
    return "unknown_alert";
}

tlsc_err tlsc__alert_error(int alert)
{
    for (size_t i = 0; i < ALERTS_N; i++) {
        if (ALERTS[i].alert == alert)
            return ALERTS[i].err;
    }
    return TLSC_ERR_PEER_ALERT;
}

bool tlsc__is_want(tlsc_err e)
{
    return e == TLSC_WANT_READ || e == TLSC_WANT_WRITE;
}

tlsc_err tlsc__conn_fail(tlsc_conn *c, tlsc_err err, const char *fmt, ...)
{
    if (c->err != TLSC_OK)
        return c->err; /* keep the first cause */
    c->err = err;
    char text[TLSC_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    tlsc__text_vformat(text, sizeof text, fmt, ap);
    va_end(ap);
    /* Kept only now that it is needed; without memory tlsc_conn_errmsg
     * falls back to the error's static message. */
    c->errmsg = tlsc__strdup(text);
    c->state = TLSC__FAILED;
    tlsc__log(c->cfg, err == TLSC_ERR_CLOSED ? TLSC_LOG_INFO : TLSC_LOG_ERROR, "%s: %s",
              tlsc_strerror(err), text);
    return err;
}

/* Local handshake failures: which mbedTLS codes mean "nothing in common". */
static bool no_common_params(int ret)
{
    return ret == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE ||
           ret == MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION ||
           ret == MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE;
}

static bool bad_message(int ret)
{
    return ret == MBEDTLS_ERR_SSL_INVALID_RECORD || ret == MBEDTLS_ERR_SSL_DECODE_ERROR ||
           ret == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE || ret == MBEDTLS_ERR_SSL_INVALID_MAC ||
           ret == MBEDTLS_ERR_SSL_UNEXPECTED_RECORD || ret == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER ||
           ret == MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION;
}

/* Alerts a server sends when our PSK identity or key is wrong. */
static bool psk_alert(int alert)
{
    return alert == 20 || alert == 40 || alert == 47 || alert == 51 || alert == 115;
}

/* The alerts a server answers a ClientHello with when it shares nothing
 * with it. */
static bool refusal_alert(int alert)
{
    return alert == 40 || alert == 70 || alert == 71;
}

static bool awaiting_server_hello(const tlsc_conn *c)
{
    const char *awaited = tlsc__peek_awaited(&c->ssl);
    return c->state != TLSC__OPEN && awaited != NULL && strcmp(awaited, "ServerHello") == 0;
}

/* Alerts a server sends when it refuses the client certificate, or the
 * lack of one (OpenSSL: handshake_failure in TLS 1.2, certificate_required
 * in TLS 1.3; GnuTLS may say decode_error or bad_certificate). */
static bool client_cert_alert(int alert)
{
    return alert == 40 || alert == 42 || alert == 43 || alert == 44 || alert == 45 ||
           alert == 46 || alert == 48 || alert == 49 || alert == 50 || alert == 116;
}

/* A refusal of our certificate, or of its absence, after a
 * CertificateRequest: the verdict, and the words that say so. */
static const char *client_cert_hint(tlsc_conn *c, int alert, tlsc_err *err)
{
    if (!c->cert_requested || c->cc_verdict != TLSC__CC_UNKNOWN || !client_cert_alert(alert))
        return NULL;
    c->cc_verdict = TLSC__CC_REJECTED;
    if (c->cfg->own == NULL) {
        *err = TLSC_ERR_PEER_CERT_REQUIRED;
        return " (the server asked for a client certificate (CertificateRequest) and none "
               "is configured: give one with tlsc_config_set_client_cert, --cert and --key)";
    }
    if (*err != TLSC_ERR_PEER_CERT_REQUIRED)
        *err = TLSC_ERR_PEER_BAD_CERT;
    return " (the server asked for a client certificate and rejected the one tlsc sent: "
           "is it issued by a CA the server trusts, valid, and for client authentication?)";
}

/* The alerts a peer answers a Finished (or records) it cannot verify
 * with: decrypt_error, bad_record_mac. */
static bool verify_alert(int alert)
{
    return alert == 51 || alert == 20;
}

tlsc_err tlsc__conn_fail_alert(tlsc_conn *c, int alert, const char *during)
{
    if (c->hs_alloc_failed && verify_alert(alert))
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY,
                               "an allocation failed during the handshake, and the peer then "
                               "sent fatal alert %s (%d) %s: mbedTLS went on without that "
                               "memory and sent a Finished it could not compute",
                               tlsc__alert_name(alert), alert, during);
    if (c->reneg_refused)
        return tlsc__conn_fail(c, TLSC_ERR_RENEGOTIATION,
                               "the server asked to renegotiate (HelloRequest), tlsc declined "
                               "with a no_renegotiation warning, and the server then sent fatal "
                               "alert %s (%d) %s", tlsc__alert_name(alert), alert, during);
    tlsc_err err = tlsc__alert_error(alert);
    if (err == TLSC_ERR_CLOSED)
        err = TLSC_ERR_PEER_ALERT; /* close_notify can't be "fatal"; keep it an alert */
    const char *hint = "";
    if (c->cfg->psk_len != 0 && psk_alert(alert) && c->state != TLSC__OPEN)
        hint = " (is the PSK identity or key wrong?)";
    /* mbedTLS offers only the saved session's TLS version when resuming. */
    if (c->offered && c->state != TLSC__OPEN)
        hint = " (a saved session was offered, which limits the handshake to that "
               "session's TLS version; if the server changed versions, drop the saved "
               "session)";
    const char *cc = client_cert_hint(c, alert, &err);
    if (cc != NULL)
        hint = cc;
    else if (refusal_alert(alert) && awaiting_server_hello(c))
        return tlsc__conn_fail_refused_hello(c, alert, during, hint);
    return tlsc__conn_fail(c, err, "peer sent fatal alert %s (%d) %s%s", tlsc__alert_name(alert),
                           alert, during, hint);
}

static tlsc_err fail_eof(tlsc_conn *c, const char *during)
{
    if (c->state == TLSC__OPEN)
        return tlsc__conn_fail(c, TLSC_ERR_TRUNCATED,
                               "peer closed the connection without close_notify");
    /* Past the ServerHello the server did speak TLS with us: say where it
     * stopped instead of guessing at versions and suites. */
    const char *awaited = tlsc__peek_awaited(&c->ssl);
    if (awaited != NULL && strcmp(awaited, "ServerHello") != 0)
        return tlsc__conn_fail(c, TLSC_ERR_TRUNCATED,
                               "peer closed the connection %s, while tlsc waited for the "
                               "server's %s (no alert)", during, awaited);
    return tlsc__conn_fail_refused_hello(c, -1, during, "");
}

/*
 * mbedTLS stops verifying with a "fatal error" at a chain longer than its
 * compile-time limit; its other causes (the clock or a trusted-CA callback
 * failing; allocations are caught before) are rare. The TLS 1.3 code keeps
 * the chain it parsed, so its length can be named; the TLS 1.2 code frees
 * it first, so then the cause is only likely.
 */
static tlsc_err fail_chain(tlsc_conn *c, const char *why)
{
    size_t sent = tlsc__peek_peer_chain_len(&c->ssl);
    if (sent != 0 && sent <= MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1)
        return tlsc__conn_fail(c, TLSC_ERR_VERIFY,
                               "certificate verification stopped with a fatal error (chain of "
                               "%lu certificates)%s", (unsigned long)sent, why);
    c->v.vflags |= TLSC_VERIFY_CHAIN_DEPTH;
    if (sent != 0)
        return tlsc__conn_fail(c, TLSC_ERR_VERIFY,
                               "the server sent a chain of %lu certificates; tlsc verifies "
                               "chains of at most %d intermediate CAs "
                               "(MBEDTLS_X509_MAX_INTERMEDIATE_CA)%s", (unsigned long)sent,
                               MBEDTLS_X509_MAX_INTERMEDIATE_CA, why);
    return tlsc__conn_fail(c, TLSC_ERR_VERIFY,
                           "certificate verification stopped before it checked a "
                           "certificate; most likely the server's chain has more than %d "
                           "intermediate CAs (MBEDTLS_X509_MAX_INTERMEDIATE_CA)%s",
                           MBEDTLS_X509_MAX_INTERMEDIATE_CA, why);
}

/* ", while tlsc waited for the server's Certificate" during a handshake. */
static const char *awaited_note(const tlsc_conn *c, char *buf, size_t cap)
{
    const char *awaited = tlsc__peek_awaited(&c->ssl);
    if (awaited == NULL)
        return "";
    snprintf(buf, cap, ", while tlsc waited for the server's %s", awaited);
    return buf;
}

/* mbedTLS could not parse a certificate the server sent (X.509 errors are
 * -0x2080..-0x3000, possibly plus a lower-level ASN.1 code). */
static bool x509_parse_error(int ret)
{
    int high = -ret & 0xff80;
    return ret < 0 && high >= 0x2080 && high < 0x3000 &&
           ret != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && ret != MBEDTLS_ERR_X509_ALLOC_FAILED;
}

static tlsc_err fail_cert_parse(tlsc_conn *c, int ret, const char *why)
{
    if ((-ret & 0xff80) == -MBEDTLS_ERR_X509_INVALID_EXTENSIONS) {
        c->v.vflags |= TLSC_VERIFY_CRITICAL_EXT;
        return tlsc__conn_fail(c, TLSC_ERR_CERT_BAD,
                               "a certificate the server sent has an extension mbedTLS cannot "
                               "parse: an unknown critical extension, or a critical "
                               "nameConstraints (which mbedTLS 3.6 cannot parse in a handshake; "
                               "refused rather than ignored)%s", why);
    }
    c->v.vflags |= TLSC_VERIFY_OTHER;
    return tlsc__conn_fail(c, TLSC_ERR_CERT_BAD,
                           "a certificate the server sent cannot be parsed%s", why);
}

/*
 * PSA's fixed key-slot table is full (small profiles): whatever mbedTLS
 * made of it (a certificate "not trusted" because its key could not be
 * imported, a handshake or decryption failure, even a fatal alert from a
 * server that got a bad Finished), the cause is a resource of this device.
 */
static tlsc_err fail_key_slots(tlsc_conn *c, const char *during, const char *why)
{
    return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY,
                           "PSA key slots exhausted (%lu in this build, %lu in use) %s: too "
                           "many handshakes or connections at once for "
                           "MBEDTLS_PSA_KEY_SLOT_COUNT (see docs/footprint.md, Capacity; "
                           "tlsc_loop_set_max_handshakes); mbedTLS reported it as%s",
                           (unsigned long)(tlsc_key_slots_capacity()),
                           (unsigned long)(tlsc_key_slots_in_use()), during, why);
}

/*
 * The random generator refused bytes (its entropy source failed at a
 * reseed). mbedTLS names it after whatever needed them: "entropy source
 * failed" for the ClientHello random, a generic error for a TLS 1.3 key
 * share (PSA's INSUFFICIENT_ENTROPY has no SSL code), an ECP or RSA
 * "random failed" for a signature: the cause is this device, not the peer.
 */
static bool rng_failed(const tlsc_conn *c, int ret)
{
    return tlsc__rng_failures() != c->rng_mark || tlsc__mbedtls_rng_failed(ret);
}

static tlsc_err fail_rng(tlsc_conn *c, const char *during, const char *why)
{
    return tlsc__conn_fail(c, TLSC_ERR_RANDOM,
                           "the random generator failed %s: its entropy source (getentropy, "
                           "or tlsc_platform_entropy on bare metal) gave no bytes; mbedTLS "
                           "reported it as%s", during, why);
}

/* The server's Certificate message holds a certificate with a key
 * algorithm this build cannot parse: fail c naming it. */
static bool fail_unsupported_chain_key(tlsc_conn *c, int ret)
{
    char text[512];
    if (!tlsc__chain_key_text(&c->ssl, ret, text, sizeof text))
        return false;
    c->v.vflags |= TLSC_VERIFY_OTHER;
    tlsc__conn_fail(c, TLSC_ERR_CERT_BAD, "%s", text);
    return true;
}

tlsc_err tlsc__conn_fail_mbedtls(tlsc_conn *c, int ret, const char *during)
{
    char why[160], text[150], note[96];
    tlsc__mbedtls_text(ret, text, sizeof text);
    snprintf(why, sizeof why, " [%s]", text);
    if (c->io_err != TLSC_OK)
        return tlsc__conn_fail(c, c->io_err, "%s %s port %u failed (%s) %s",
                               c->io_err_on_send ? "sending to" : "receiving from",
                               c->host ? c->host : "", c->port, tlsc_strerror(c->io_err),
                               during);
    if (ret != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && tlsc__conn_fail_record_size(c, during))
        return c->err;
    if (c->state == TLSC__HANDSHAKE && tlsc__key_slots_exhausted())
        return fail_key_slots(c, during, why);
    if (rng_failed(c, ret) && ret != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE)
        return fail_rng(c, during, why);
    if (tlsc__alloc_failures() != c->alloc_mark && ret != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE)
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY,
                               "an allocation failed %s (heap in use %lu bytes, peak %lu); "
                               "mbedTLS reported it as%s", during,
                               (unsigned long)(tlsc_heap_current()),
                               (unsigned long)(tlsc_heap_peak()), why);
    if ((ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || ret == MBEDTLS_ERR_X509_FATAL_ERROR) &&
        c->v.vfail != 0)
        return tlsc__conn_fail(c, tlsc__verify_error(&c->v), "%s", tlsc__verify_detail(&c->v));
    if (x509_parse_error(ret))
        return fail_cert_parse(c, ret, why);
    if (fail_unsupported_chain_key(c, ret))
        return c->err;
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE)
        return tlsc__conn_fail_alert(c, tlsc__peek_alert(&c->ssl), during);
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return fail_eof(c, during);
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return tlsc__conn_fail(c, TLSC_ERR_CLOSED, "peer sent close_notify");
    if (tlsc__mbedtls_out_of_memory(ret))
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY, "out of memory %s%s", during, why);
    if (ret == MBEDTLS_ERR_X509_FATAL_ERROR)
        return fail_chain(c, why);
    if (ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE || ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
        return tlsc__conn_fail(c, TLSC_ERR_CERT_BAD,
                               "server certificate unusable for this connection (key usage, "
                               "extended key usage or key type)%s", why);
    if (tlsc__record_error(c, ret, during, why))
        return c->err;
    if (no_common_params(ret))
        return tlsc__conn_fail(c, TLSC_ERR_NO_COMMON_PARAMS,
                               "no common protocol version, cipher suite, group or signature "
                               "algorithm with the server %s%s", during, why);
    if (bad_message(ret))
        return tlsc__conn_fail(c, TLSC_ERR_BAD_MESSAGE,
                               "malformed or unexpected message from the server %s%s%s", during,
                               awaited_note(c, note, sizeof note), why);
    return tlsc__conn_fail(c, TLSC_ERR_PROTOCOL, "TLS error %s%s", during, why);
}
