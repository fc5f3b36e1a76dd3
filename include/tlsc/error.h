/*
 * tlsc/error.h — the one error enum.
 *
 * Codes are grouped by category: the category of a code is code / 100
 * (1000..1099 and anything from 1300 up are internal). Codes are never
 * renumbered; new codes are only appended inside a group.
 *
 * Every code has a static, one-line message (tlsc_strerror). A connection
 * additionally keeps a detail string with the specifics of its first error
 * (tlsc_conn_errmsg): which certificate, which alert, which size, the
 * mbedTLS error text. Errors are sticky on a connection and keep the first
 * cause; later calls on a failed connection return the same code.
 *
 * TLSC_WANT_READ / TLSC_WANT_WRITE are not errors: only the non-blocking
 * calls return them, to say what the transport must become ready for.
 */
#ifndef TLSC_ERROR_H
#define TLSC_ERROR_H

#include "tlsc/common.h"

TLSC_BEGIN_DECLS

typedef enum tlsc_err {
    TLSC_OK = 0,

    /* Non-blocking progress, not errors. */
    TLSC_WANT_READ = -1,  /* retry when the transport is readable */
    TLSC_WANT_WRITE = -2, /* retry when the transport is writable */

    /* 1xx configuration: the caller's input or call order is wrong. */
    TLSC_ERR_CONFIG = 100,          /* other configuration error */
    TLSC_ERR_INVALID_ARG = 101,     /* NULL, empty or out-of-range argument */
    TLSC_ERR_NO_TRUST = 102,        /* no CA, bundle or pin and not insecure */
    TLSC_ERR_CERT_PARSE = 103,      /* a certificate (PEM/DER) is malformed */
    TLSC_ERR_KEY_PARSE = 104,       /* a private key is malformed/unsupported */
    TLSC_ERR_KEY_PASSWORD = 105,    /* key password wrong or missing */
    TLSC_ERR_KEY_MISMATCH = 106,    /* private key does not match certificate */
    TLSC_ERR_PSK = 107,             /* PSK identity or key invalid */
    TLSC_ERR_PIN = 108,             /* public-key pin string invalid */
    TLSC_ERR_ALPN = 109,            /* ALPN protocol list invalid */
    TLSC_ERR_FILE = 110,            /* a file could not be read */
    TLSC_ERR_VERSION_RANGE = 111,   /* min version above max, or unknown */
    TLSC_ERR_STATE = 112,           /* call not valid in the object's state */
    TLSC_ERR_CONFIG_FROZEN = 113,   /* config already used by a connection */
    TLSC_ERR_HOSTNAME = 114,        /* host name empty or too long */
    TLSC_ERR_BUNDLE = 115,          /* root bundle truncated, corrupt or unknown format */
    TLSC_ERR_SIGNER = 116,          /* the client key's sign callback failed */
    TLSC_ERR_SESSION = 120,         /* session blob corrupt, tampered or unknown format */
    TLSC_ERR_NO_SESSION = 121,      /* no resumable session (yet) */

    /* 2xx network: the TCP connection could not be made or broke. */
    TLSC_ERR_NETWORK = 200,         /* other network error */
    TLSC_ERR_CONN_REFUSED = 201,    /* nobody listens at that address */
    TLSC_ERR_UNREACHABLE = 202,     /* no route to the host or network */
    TLSC_ERR_CONN_RESET = 203,      /* connection reset by the peer */

    /* 3xx DNS */
    TLSC_ERR_DNS = 300,             /* the name could not be resolved */
    TLSC_ERR_DNS_TEMPORARY = 301,   /* resolver failed; trying later may work */

    /* 4xx timeout */
    TLSC_ERR_TIMEOUT_CONNECT = 400, /* TCP connect took too long */
    TLSC_ERR_TIMEOUT_HANDSHAKE = 401, /* TLS handshake took too long */
    TLSC_ERR_TIMEOUT_READ = 402,    /* no data within the read timeout */
    TLSC_ERR_TIMEOUT_WRITE = 403,   /* could not send within the timeout */
    TLSC_ERR_TIMEOUT_TOTAL = 404,   /* whole HTTP request over its deadline
                                       (tlsc_http_set_max_time) */

    /* 5xx protocol: the TLS exchange itself failed on our side. */
    TLSC_ERR_PROTOCOL = 500,        /* other TLS protocol error */
    TLSC_ERR_BAD_MESSAGE = 501,     /* peer sent a malformed/unexpected message */
    TLSC_ERR_NO_COMMON_PARAMS = 502, /* no shared version, suite, group or sigalg */
    TLSC_ERR_RECORD_TOO_LARGE = 503, /* a record does not fit the input buffer */
    TLSC_ERR_RENEGOTIATION = 504,   /* peer asked for renegotiation (refused) */

    /* 6xx peer alert: the server sent a fatal alert; detail names it. */
    TLSC_ERR_PEER_ALERT = 600,      /* any other fatal alert */
    TLSC_ERR_PEER_HANDSHAKE_FAILURE = 601, /* handshake_failure / insufficient_security */
    TLSC_ERR_PEER_CERT_REQUIRED = 602, /* server requires a client certificate */
    TLSC_ERR_PEER_BAD_CERT = 603,   /* server rejected our client certificate */
    TLSC_ERR_PEER_UNKNOWN_PSK = 604, /* server does not know our PSK identity */
    TLSC_ERR_PEER_VERSION = 605,    /* protocol_version alert */
    TLSC_ERR_PEER_DECRYPT = 606,    /* decrypt_error / bad_record_mac (e.g. PSK key mismatch) */

    /* 7xx verification: the server is not who it must be. */
    TLSC_ERR_VERIFY = 700,          /* several or other verification failures */
    TLSC_ERR_CERT_EXPIRED = 701,    /* a certificate's notAfter is past */
    TLSC_ERR_CERT_NOT_YET_VALID = 702, /* a certificate's notBefore is ahead */
    TLSC_ERR_HOSTNAME_MISMATCH = 703, /* certificate is not for this host */
    TLSC_ERR_UNKNOWN_ISSUER = 704,  /* chain does not end at a trusted CA */
    TLSC_ERR_PIN_MISMATCH = 705,    /* public key matches no configured pin */
    TLSC_ERR_CLOCK_NOT_SET = 706,   /* current time unknown; dates uncheckable */
    TLSC_ERR_VERIFY_CALLBACK = 707, /* the application's verify callback refused */
    TLSC_ERR_CERT_BAD = 708,        /* refused by the policy: signature, key usage,
                                       CA or name constraints, weak key or hash,
                                       certificate profile, revoked (tlsc/config.h) */
    TLSC_ERR_PATH_BUDGET = 709,     /* no valid path found within the signature-check
                                       budget (tlsc_config_set_max_signature_checks) */

    /* 8xx memory */
    TLSC_ERR_NO_MEMORY = 800,       /* an allocation failed */
    TLSC_ERR_BUFFER_SIZE = 801,     /* a caller's output buffer is too small */
    TLSC_ERR_QUEUE_FULL = 802,      /* a send queue is at its configured bound */

    /* 9xx closed */
    TLSC_ERR_CLOSED = 900,          /* peer closed cleanly (close_notify) */
    TLSC_ERR_TRUNCATED = 901,       /* peer closed without close_notify */

    /* 10xx internal */
    TLSC_ERR_INTERNAL = 1000,       /* a bug in tlsc or an unexpected mbedTLS error */
    TLSC_ERR_RANDOM = 1001,         /* the random generator failed: its entropy source
                                     * gave no bytes (tlsc/platform.h) */

    /* 11xx HTTP (tlsc/http.h): the URL, the server's HTTP response or a
     * download's content is not what it must be. */
    TLSC_ERR_HTTP = 1100,           /* other HTTP error */
    TLSC_ERR_HTTP_URL = 1101,       /* URL malformed, not https, or has userinfo */
    TLSC_ERR_HTTP_MALFORMED = 1102, /* response syntax: status line, header, chunk */
    TLSC_ERR_HTTP_HEADER_TOO_LARGE = 1103, /* header line, section or count over the limit */
    TLSC_ERR_HTTP_INCOMPLETE = 1104, /* response ended before its announced end */
    TLSC_ERR_HTTP_UNSUPPORTED = 1105, /* transfer coding, upgrade or version not supported */
    TLSC_ERR_HTTP_BAD_REQUEST = 1106, /* request method, header or body refused (injection) */
    TLSC_ERR_HTTP_REDIRECT = 1107,  /* redirect refused: too many, https->http, no Location */
    TLSC_ERR_HTTP_STATUS = 1108,    /* server answered with an error status (>= 400) */
    TLSC_ERR_HTTP_DIGEST_MISMATCH = 1109, /* downloaded content's SHA-256 differs */
    TLSC_ERR_HTTP_SIZE_MISMATCH = 1110, /* downloaded content's size differs */
    TLSC_ERR_HTTP_RANGE = 1111,     /* server did not honour a Range request */
    TLSC_ERR_HTTP_SINK = 1112,      /* the application's body sink/producer or file failed */
    TLSC_ERR_HTTP_TOO_MANY_INTERIM = 1113, /* more interim (1xx) responses than allowed */
    TLSC_ERR_HTTP_TOO_MANY_EMPTY_LINES = 1114, /* empty lines before the status line */

    /* 12xx MQTT (tlsc/mqtt.h): the broker refused or broke the MQTT
     * exchange; the detail names the reason code in words. */
    TLSC_ERR_MQTT = 1200,           /* other MQTT error */
    TLSC_ERR_MQTT_MALFORMED = 1201, /* broker sent a malformed packet */
    TLSC_ERR_MQTT_PROTOCOL = 1202,  /* broker sent an unexpected packet or packet id */
    TLSC_ERR_MQTT_REFUSED = 1203,   /* broker refused the connection (CONNACK reason) */
    TLSC_ERR_MQTT_TOO_LARGE = 1204, /* packet over the maximum: incoming over the
                                       configured one, outgoing over the broker's */
    TLSC_ERR_MQTT_KEEPALIVE = 1205, /* no answer to PINGREQ in time: half-open link */
    TLSC_ERR_MQTT_DISCONNECTED = 1206, /* broker sent DISCONNECT (v5 reason in detail) */
    TLSC_ERR_MQTT_SUBSCRIBE = 1207, /* broker refused a subscription (per topic) */
    TLSC_ERR_MQTT_TOPIC = 1208      /* topic name or filter invalid (caller's input) */
} tlsc_err;

typedef enum tlsc_category {
    TLSC_CAT_NONE = 0,
    TLSC_CAT_CONFIG = 1,
    TLSC_CAT_NETWORK = 2,
    TLSC_CAT_DNS = 3,
    TLSC_CAT_TIMEOUT = 4,
    TLSC_CAT_PROTOCOL = 5,
    TLSC_CAT_ALERT = 6,
    TLSC_CAT_VERIFY = 7,
    TLSC_CAT_MEMORY = 8,
    TLSC_CAT_CLOSED = 9,
    TLSC_CAT_INTERNAL = 10,
    TLSC_CAT_HTTP = 11,
    TLSC_CAT_MQTT = 12
} tlsc_category;

/* Static one-line English message for any value of tlsc_err; never NULL.
 * Unknown values give "unknown error". */
TLSC_API const char *tlsc_strerror(tlsc_err err);

/* The category of err (TLSC_CAT_NONE for TLSC_OK and the WANT codes). */
TLSC_API tlsc_category tlsc_err_category(tlsc_err err);

/* Short lower-case name of a category ("verify", "timeout", ...); never NULL. */
TLSC_API const char *tlsc_category_name(tlsc_category cat);

TLSC_END_DECLS

#endif /* TLSC_ERROR_H */
