/*
 * Static messages and categories of tlsc_err (see tlsc/error.h).
 *
 * Messages are what a firmware engineer reads in a serial log, so each says
 * what went wrong and, where there is one, what to do about it. The
 * specifics of one failure (which certificate, which alert) belong in the
 * connection's detail string, not here.
 */
#include "tlsc/error.h"

#include <stddef.h>

struct err_entry {
    tlsc_err code;
    const char *message;
};

static const struct err_entry err_table[] = {
    {TLSC_OK, "success"},
    {TLSC_WANT_READ, "operation would block: retry when the transport is readable"},
    {TLSC_WANT_WRITE, "operation would block: retry when the transport is writable"},

    {TLSC_ERR_CONFIG, "configuration error (see the detail message)"},
    {TLSC_ERR_INVALID_ARG,
     "invalid argument: a required pointer is NULL or a value is empty or out of range"},
    {TLSC_ERR_NO_TRUST,
     "no trust configured: add a CA, a CA bundle or a pin, or call "
     "tlsc_config_insecure_skip_verify"},
    {TLSC_ERR_CERT_PARSE, "certificate could not be parsed (malformed PEM or DER)"},
    {TLSC_ERR_KEY_PARSE, "private key could not be parsed (malformed or unsupported format)"},
    {TLSC_ERR_KEY_PASSWORD, "private key password is wrong, or missing for an encrypted key"},
    {TLSC_ERR_KEY_MISMATCH, "private key does not match the client certificate"},
    {TLSC_ERR_PSK, "invalid PSK: the identity must be 1..128 bytes and the key 1..64 bytes"},
    {TLSC_ERR_PIN,
     "invalid public-key pin: expected \"sha256//\" and the base64 of a 32-byte SHA-256"},
    {TLSC_ERR_ALPN,
     "invalid ALPN list: 1..8 comma-separated names of 1..255 bytes, "
     "no spaces or control characters"},
    {TLSC_ERR_FILE, "file could not be read"},
    {TLSC_ERR_VERSION_RANGE, "invalid TLS version range: minimum above maximum, or an unknown version"},
    {TLSC_ERR_STATE, "call not valid in the object's current state"},
    {TLSC_ERR_CONFIG_FROZEN, "configuration is frozen: a connection already uses it"},
    {TLSC_ERR_HOSTNAME, "invalid host name: empty, longer than 253 characters or malformed"},
    {TLSC_ERR_BUNDLE,
     "invalid root bundle: truncated, corrupt, unsorted or not a tlsc or ESP-IDF bundle"},
    {TLSC_ERR_SIGNER, "the client key's signer (sign callback, token, secure element) failed to sign"},
    {TLSC_ERR_SESSION, "session data is corrupt, truncated, tampered with or of an unknown format"},
    {TLSC_ERR_NO_SESSION, "no resumable session: none received from the server yet, or resumption is off"},

    {TLSC_ERR_NETWORK, "network error: the TCP connection failed or broke"},
    {TLSC_ERR_CONN_REFUSED, "connection refused: nothing listens at that address and port"},
    {TLSC_ERR_UNREACHABLE, "host or network unreachable: no route to it"},
    {TLSC_ERR_CONN_RESET, "connection reset by the peer"},

    {TLSC_ERR_DNS, "host name could not be resolved"},
    {TLSC_ERR_DNS_TEMPORARY, "temporary DNS failure: trying again later may work"},

    {TLSC_ERR_TIMEOUT_CONNECT, "timed out connecting (DNS lookup and TCP connect)"},
    {TLSC_ERR_TIMEOUT_HANDSHAKE, "timed out during the TLS handshake"},
    {TLSC_ERR_TIMEOUT_READ, "timed out waiting for data from the peer"},
    {TLSC_ERR_TIMEOUT_WRITE, "timed out sending data to the peer"},
    {TLSC_ERR_TIMEOUT_TOTAL, "the HTTP request did not complete within its total time limit"},

    {TLSC_ERR_PROTOCOL, "protocol error in the TLS exchange"},
    {TLSC_ERR_BAD_MESSAGE, "peer sent a malformed or unexpected TLS message"},
    {TLSC_ERR_NO_COMMON_PARAMS,
     "no common TLS parameters: no shared version, cipher suite, group or signature algorithm"},
    {TLSC_ERR_RECORD_TOO_LARGE, "peer sent a TLS record larger than the input buffer"},
    {TLSC_ERR_RENEGOTIATION, "peer asked for renegotiation, which tlsc refuses"},

    {TLSC_ERR_PEER_ALERT, "peer sent a fatal alert"},
    {TLSC_ERR_PEER_HANDSHAKE_FAILURE,
     "peer aborted the handshake (handshake_failure or insufficient_security alert)"},
    {TLSC_ERR_PEER_CERT_REQUIRED, "peer requires a client certificate"},
    {TLSC_ERR_PEER_BAD_CERT, "peer rejected our client certificate"},
    {TLSC_ERR_PEER_UNKNOWN_PSK, "peer does not know our PSK identity"},
    {TLSC_ERR_PEER_VERSION, "peer does not accept our TLS versions (protocol_version alert)"},
    {TLSC_ERR_PEER_DECRYPT,
     "peer could not decrypt or authenticate our messages (wrong PSK key?)"},

    {TLSC_ERR_VERIFY, "server certificate verification failed (several or other reasons)"},
    {TLSC_ERR_CERT_EXPIRED, "a certificate of the server's chain has expired"},
    {TLSC_ERR_CERT_NOT_YET_VALID,
     "a certificate of the server's chain is not yet valid (is the clock right?)"},
    {TLSC_ERR_HOSTNAME_MISMATCH, "server certificate is not valid for the requested host name"},
    {TLSC_ERR_UNKNOWN_ISSUER, "server certificate chain does not lead to a trusted CA"},
    {TLSC_ERR_PIN_MISMATCH, "server public key matches none of the configured pins"},
    {TLSC_ERR_CLOCK_NOT_SET,
     "current time unknown: set the clock (SNTP) or allow unknown time"},
    {TLSC_ERR_VERIFY_CALLBACK, "verify callback of the application rejected the certificate"},
    {TLSC_ERR_CERT_BAD,
     "server certificate refused by the certificate policy (signature, usage, CA or name "
     "constraints, weak key or hash, profile, revocation)"},
    {TLSC_ERR_PATH_BUDGET,
     "no valid certificate path found within the signature-check budget (path building gave "
     "up)"},

    {TLSC_ERR_NO_MEMORY, "out of memory: an allocation failed or the heap limit was reached"},
    {TLSC_ERR_BUFFER_SIZE, "output buffer too small: the call reports the size needed"},
    {TLSC_ERR_QUEUE_FULL,
     "send queue full: the data would exceed the connection's queue bound (nothing was queued)"},

    {TLSC_ERR_CLOSED, "peer closed the connection cleanly (close_notify)"},
    {TLSC_ERR_TRUNCATED,
     "peer closed the connection without close_notify (data may be truncated)"},

    {TLSC_ERR_INTERNAL, "internal error: a bug in tlsc or an unexpected mbedTLS error"},
    {TLSC_ERR_RANDOM,
     "random generator failed: the entropy source gave no bytes (getentropy, or "
     "tlsc_platform_entropy on bare metal)"},

    {TLSC_ERR_HTTP, "error in the HTTP exchange (see the detail message)"},
    {TLSC_ERR_HTTP_URL, "invalid URL: tlsc accepts https://HOST[:PORT][/PATH][?QUERY] without userinfo"},
    {TLSC_ERR_HTTP_MALFORMED, "malformed HTTP response from the server (status line, header or chunk framing)"},
    {TLSC_ERR_HTTP_HEADER_TOO_LARGE, "the HTTP response header exceeds the configured limits (line, section or field count)"},
    {TLSC_ERR_HTTP_INCOMPLETE, "the HTTP response ended before its announced end (truncated body or header)"},
    {TLSC_ERR_HTTP_UNSUPPORTED,
     "the HTTP response uses a feature tlsc does not support (transfer coding, upgrade, version)"},
    {TLSC_ERR_HTTP_BAD_REQUEST,
     "the HTTP request was refused before sending: invalid method, header or body"},
    {TLSC_ERR_HTTP_REDIRECT, "redirect refused: too many, from https to http, or unusable"},
    {TLSC_ERR_HTTP_STATUS, "server answered with an HTTP error status"},
    {TLSC_ERR_HTTP_DIGEST_MISMATCH, "downloaded content does not match the expected SHA-256"},
    {TLSC_ERR_HTTP_SIZE_MISMATCH, "downloaded content does not have the expected size"},
    {TLSC_ERR_HTTP_RANGE, "server did not honour the Range request (no 206 or wrong Content-Range)"},
    {TLSC_ERR_HTTP_SINK, "the body sink, the body producer or the output file failed"},
    {TLSC_ERR_HTTP_TOO_MANY_INTERIM, "the server sent more interim (1xx) responses than tlsc accepts before the final one"},
    {TLSC_ERR_HTTP_TOO_MANY_EMPTY_LINES, "the server sent more empty lines before the HTTP status line than tlsc accepts"},

    {TLSC_ERR_MQTT, "error in the MQTT exchange (see the detail message)"},
    {TLSC_ERR_MQTT_MALFORMED, "the MQTT broker sent a malformed packet"},
    {TLSC_ERR_MQTT_PROTOCOL,
     "the MQTT broker broke the protocol: unexpected packet, packet id or property"},
    {TLSC_ERR_MQTT_REFUSED, "the MQTT broker refused the connection (the reason is in the detail)"},
    {TLSC_ERR_MQTT_TOO_LARGE, "an MQTT packet exceeds the maximum packet size (ours for incoming, the broker's for outgoing)"},
    {TLSC_ERR_MQTT_KEEPALIVE,
     "no answer from the MQTT broker within the keepalive: the connection is half-open"},
    {TLSC_ERR_MQTT_DISCONNECTED, "the MQTT broker closed the session with DISCONNECT"},
    {TLSC_ERR_MQTT_SUBSCRIBE, "the MQTT broker refused a subscription"},
    {TLSC_ERR_MQTT_TOPIC,
     "invalid MQTT topic or filter: empty, not UTF-8, over 65535 bytes, or misplaced wildcard"},
};

/* Indexed by tlsc_category. */
static const char *const category_names[] = {
    "none", "config", "network", "dns",    "timeout",  "protocol",
    "alert", "verify", "memory", "closed", "internal", "http", "mqtt",
};

TLSC_API const char *tlsc_strerror(tlsc_err err)
{
    /* A linear scan of ~55 entries: only called on the error path. */
    for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++) {
        if (err_table[i].code == err)
            return err_table[i].message;
    }
    return "unknown error";
}

/*
 * By the numbering rule rather than the table, so a code added to a group
 * later is categorised correctly even by an older message table.
 */
TLSC_API tlsc_category tlsc_err_category(tlsc_err err)
{
    int code = (int)err;
    if (code < 100)
        return TLSC_CAT_NONE;
    if (code >= 1100 && code < 1200)
        return TLSC_CAT_HTTP;
    if (code >= 1200 && code < 1300)
        return TLSC_CAT_MQTT;
    if (code >= 1000)
        return TLSC_CAT_INTERNAL;
    return (tlsc_category)(code / 100);
}

TLSC_API const char *tlsc_category_name(tlsc_category cat)
{
    size_t count = sizeof category_names / sizeof category_names[0];
    /* (size_t) also rejects negative values; a test against 0 would be
     * always false where enums are unsigned (arm-none-eabi short enums). */
    if ((size_t)cat >= count)
        return "unknown";
    return category_names[cat];
}
