/*
 * tlsc/mqtt.h — MQTT 3.1.1 and 5.0 over tlsc.
 *
 * Two layers:
 *
 *  - THE CODEC (tlsc_mqtt_encode_*, tlsc_mqtt_decode, tlsc_mqtt_decoder_*):
 *    pure, no I/O, no clock. The serializers write one client packet into
 *    a caller's buffer; the push decoder takes whatever bytes arrived from
 *    the broker, in pieces of any size, and hands out one decoded packet
 *    per callback. It decodes the packets a broker sends to a client
 *    (CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK,
 *    PINGRESP, and in 5.0 DISCONNECT and AUTH) and refuses anything else
 *    as a protocol error: this is a client's codec, fuzzed as such
 *    (tests/fuzz/fuzz_mqtt.c).
 *
 *  - THE CLIENT (tlsc_mqtt_*, below the codec) on the event driver.
 *
 * Strings: inputs of the serializers are NUL-terminated C strings (topic,
 * filter, client id, user name), binary data is pointer + length
 * (payload, password). Outputs of the decoder are tlsc_mqtt_str (pointer +
 * length, NOT NUL-terminated) pointing into the bytes being decoded: valid
 * only during the callback (or, for tlsc_mqtt_decode, while the input
 * buffer is). Every string the decoder hands out was checked to be
 * well-formed UTF-8 without U+0000, as MQTT requires.
 *
 * Limits: strings and binary fields are at most 65535 bytes, a packet's
 * remaining length at most 268435455 (MQTT's own bounds), user properties
 * at most TLSC_MQTT_USER_PROPS_MAX per serialized packet.
 */
#ifndef TLSC_MQTT_H
#define TLSC_MQTT_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"
#include "tlsc/event.h"

TLSC_BEGIN_DECLS

/* The protocol level byte of CONNECT. */
typedef enum tlsc_mqtt_version {
    TLSC_MQTT_V311 = 4,
    TLSC_MQTT_V5 = 5
} tlsc_mqtt_version;

typedef enum tlsc_mqtt_type {
    TLSC_MQTT_CONNECT = 1,
    TLSC_MQTT_CONNACK = 2,
    TLSC_MQTT_PUBLISH = 3,
    TLSC_MQTT_PUBACK = 4,
    TLSC_MQTT_PUBREC = 5,
    TLSC_MQTT_PUBREL = 6,
    TLSC_MQTT_PUBCOMP = 7,
    TLSC_MQTT_SUBSCRIBE = 8,
    TLSC_MQTT_SUBACK = 9,
    TLSC_MQTT_UNSUBSCRIBE = 10,
    TLSC_MQTT_UNSUBACK = 11,
    TLSC_MQTT_PINGREQ = 12,
    TLSC_MQTT_PINGRESP = 13,
    TLSC_MQTT_DISCONNECT = 14,
    TLSC_MQTT_AUTH = 15
} tlsc_mqtt_type;

/* Largest remaining length MQTT can express (4-byte variable integer). */
#define TLSC_MQTT_REMAINING_MAX 268435455u
/* Largest fixed header (type byte + 4 length bytes). */
#define TLSC_MQTT_HEADER_MAX 5u
/* User properties a serializer accepts per packet. */
#define TLSC_MQTT_USER_PROPS_MAX 32u

/* A decoded string or binary field: NOT NUL-terminated. */
typedef struct tlsc_mqtt_str {
    const char *ptr;
    size_t len;
} tlsc_mqtt_str;

/* One user property (5.0), as given to a serializer (C strings). */
typedef struct tlsc_mqtt_user_prop {
    const char *name;
    const char *value;
} tlsc_mqtt_user_prop;

/* Bits of tlsc_mqtt_props.present: which scalar properties were there. */
#define TLSC_MQTT_P_SESSION_EXPIRY   (1u << 0)
#define TLSC_MQTT_P_RECEIVE_MAX      (1u << 1)
#define TLSC_MQTT_P_MAX_PACKET_SIZE  (1u << 2)
#define TLSC_MQTT_P_TOPIC_ALIAS_MAX  (1u << 3)
#define TLSC_MQTT_P_TOPIC_ALIAS      (1u << 4)
#define TLSC_MQTT_P_MAX_QOS          (1u << 5)
#define TLSC_MQTT_P_RETAIN_AVAILABLE (1u << 6)
#define TLSC_MQTT_P_SERVER_KEEPALIVE (1u << 7)
#define TLSC_MQTT_P_MESSAGE_EXPIRY   (1u << 8)
#define TLSC_MQTT_P_PAYLOAD_FORMAT   (1u << 9)
#define TLSC_MQTT_P_SUBSCRIPTION_ID  (1u << 10)
#define TLSC_MQTT_P_WILDCARD_SUB     (1u << 11)
#define TLSC_MQTT_P_SUB_ID_AVAILABLE (1u << 12)
#define TLSC_MQTT_P_SHARED_SUB       (1u << 13)

/*
 * The 5.0 properties of a decoded packet (all zero / empty in 3.1.1).
 * Strings are empty (len 0) when absent. User properties stay in their
 * wire form (user_raw): walk them with tlsc_mqtt_user_prop_next.
 */
typedef struct tlsc_mqtt_props {
    uint32_t present;               /* TLSC_MQTT_P_* bits */
    uint32_t session_expiry;        /* seconds */
    uint32_t max_packet_size;       /* bytes the broker accepts */
    uint32_t message_expiry;        /* seconds */
    uint32_t subscription_id;       /* the first one of a PUBLISH */
    uint16_t receive_max;           /* broker's in-flight QoS>0 bound */
    uint16_t topic_alias_max;       /* aliases the broker accepts from us */
    uint16_t topic_alias;           /* PUBLISH: alias of this topic */
    uint16_t server_keepalive;      /* keepalive the broker imposes */
    uint8_t max_qos;
    uint8_t retain_available;
    uint8_t payload_format;         /* 1: payload is UTF-8 text */
    uint8_t wildcard_sub;
    uint8_t sub_id_available;
    uint8_t shared_sub;
    tlsc_mqtt_str reason_string;
    tlsc_mqtt_str assigned_client_id;
    tlsc_mqtt_str response_topic;
    tlsc_mqtt_str correlation_data; /* binary */
    tlsc_mqtt_str content_type;
    tlsc_mqtt_str response_info;
    tlsc_mqtt_str server_reference;
    tlsc_mqtt_str auth_method;
    tlsc_mqtt_str auth_data;        /* binary */
    const uint8_t *user_raw;        /* user properties, wire form */
    size_t user_raw_len;
    size_t user_count;
} tlsc_mqtt_props;

/*
 * The next user property of props, from *pos (start with 0): fills name
 * and value and advances *pos; false when there is none left (or
 * props or pos is NULL; name and value are required). They point into
 * the packet's buffer and are valid as long as it is.
 */
TLSC_API bool tlsc_mqtt_user_prop_next(const tlsc_mqtt_props *props,
                                       size_t *pos, tlsc_mqtt_str *name,
                                       tlsc_mqtt_str *value);

/* One packet from the broker, decoded. Fields not used by `type` are 0. */
typedef struct tlsc_mqtt_packet {
    tlsc_mqtt_type type;
    uint8_t flags;              /* low four bits of the first byte */
    uint16_t packet_id;         /* PUBLISH QoS>0, PUB*, SUBACK, UNSUBACK */
    uint8_t reason;             /* CONNACK return/reason code; 5.0 PUB*,
                                   DISCONNECT, AUTH reason code */
    bool session_present;       /* CONNACK */
    uint8_t qos;                /* PUBLISH */
    bool retain;                /* PUBLISH */
    bool dup;                   /* PUBLISH */
    tlsc_mqtt_str topic;        /* PUBLISH (5.0: may be empty with an alias) */
    const uint8_t *payload;     /* PUBLISH */
    size_t payload_len;
    const uint8_t *codes;       /* SUBACK, UNSUBACK (5.0): one per filter */
    size_t code_count;
    tlsc_mqtt_props props;      /* 5.0 */
    size_t size;                /* whole packet, fixed header included */
} tlsc_mqtt_packet;

/*
 * Decode exactly one whole packet from the broker in buf[0..len) (fixed
 * header included). Pointers in *out point into buf. When errmsg is not
 * NULL, a failure is explained there (NUL-terminated, truncated to cap).
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_MQTT_MALFORMED (bad length,
 * string, property, flag, QoS, UTF-8), TLSC_ERR_MQTT_PROTOCOL (a packet a
 * broker must not send, a 5.0-only packet in 3.1.1, a property not allowed
 * in this packet or repeated). Sizes are the push decoder's business
 * (TLSC_ERR_MQTT_TOO_LARGE).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_decode(tlsc_mqtt_version version,
                                                  const uint8_t *buf,
                                                  size_t len,
                                                  tlsc_mqtt_packet *out,
                                                  char *errmsg, size_t cap);

/* The push decoder. */
typedef struct tlsc_mqtt_decoder tlsc_mqtt_decoder;

/* Called once per decoded packet; *p is valid only during the call. Return
 * TLSC_OK to go on, or an error that stops decoding (it becomes the
 * decoder's sticky error and tlsc_mqtt_decoder_feed returns it). */
typedef tlsc_err (*tlsc_mqtt_packet_fn)(void *ud, const tlsc_mqtt_packet *p);

/*
 * Create a decoder for `version` that refuses packets larger than
 * max_packet bytes (whole packet; 0 = TLSC_MQTT_REMAINING_MAX + 5).
 * It allocates nothing more until a packet arrives split across feeds;
 * such a packet is gathered in one allocation of its size, freed when it
 * has been delivered (so an idle decoder holds only itself, ~200 bytes).
 * fn is required; ud is borrowed and passed to fn until the decoder is
 * freed.
 * Errors: TLSC_ERR_INVALID_ARG (out or fn NULL, unknown version),
 * TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_decoder_new(
    tlsc_mqtt_version version, size_t max_packet, tlsc_mqtt_packet_fn fn,
    void *ud, tlsc_mqtt_decoder **out);

/* NULL allowed. */
TLSC_API void tlsc_mqtt_decoder_free(tlsc_mqtt_decoder *d);

/* Forget any partial packet and the sticky error (a new connection). */
TLSC_API void tlsc_mqtt_decoder_reset(tlsc_mqtt_decoder *d);

/*
 * Decode len bytes, calling fn for each complete packet. *used (may be
 * NULL) receives the bytes consumed: all of them unless an error stopped
 * decoding. Errors (sticky until reset): those of tlsc_mqtt_decode,
 * TLSC_ERR_MQTT_TOO_LARGE (a packet announced over max_packet: refused
 * from its header, before any of it is buffered), TLSC_ERR_MQTT_MALFORMED
 * (a remaining length over 4 bytes), TLSC_ERR_NO_MEMORY, fn's error.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_decoder_feed(tlsc_mqtt_decoder *d,
                                                        const void *data,
                                                        size_t len,
                                                        size_t *used);

/* Whether part of a packet is waiting for more bytes. */
TLSC_API bool tlsc_mqtt_decoder_partial(const tlsc_mqtt_decoder *d);

/* Detail of the sticky error ("" when none). Owned by d. */
TLSC_API const char *tlsc_mqtt_decoder_errmsg(const tlsc_mqtt_decoder *d);

/* ---- serializers ------------------------------------------------------- */

/*
 * Every serializer writes one whole packet into buf[0..cap) and stores
 * its size in *len, also when it does not fit: call with buf NULL and
 * cap 0 to learn the size. Nothing is written unless the whole packet
 * fits. Errors: TLSC_ERR_INVALID_ARG (NULL where a value is needed, QoS
 * over 2, packet id 0 where one is needed, a field over 65535 bytes, a
 * 5.0 field used with 3.1.1, too many user properties, a packet over
 * TLSC_MQTT_REMAINING_MAX), TLSC_ERR_MQTT_TOPIC (a topic or filter that
 * is empty, not UTF-8, holds U+0000, or has misplaced wildcards),
 * TLSC_ERR_BUFFER_SIZE (cap < *len).
 */

/* The will message of CONNECT. */
typedef struct tlsc_mqtt_will {
    const char *topic;
    const void *payload;
    size_t payload_len;
    uint8_t qos;
    bool retain;
    uint32_t delay_s;           /* 5.0 Will Delay Interval (0: none) */
} tlsc_mqtt_will;

typedef struct tlsc_mqtt_connect_fields {
    const char *client_id;      /* "" lets the broker assign one */
    const char *username;       /* NULL: none */
    const void *password;       /* NULL: none */
    size_t password_len;
    uint16_t keepalive_s;       /* 0: no keepalive */
    bool clean_start;
    const tlsc_mqtt_will *will; /* NULL: none */
    /* 5.0 only (must be 0 / NULL with 3.1.1): */
    uint32_t session_expiry;    /* seconds the session outlives us */
    uint16_t receive_max;       /* 0: not sent (65535) */
    uint32_t max_packet_size;   /* 0: not sent (no limit) */
    uint16_t topic_alias_max;   /* aliases we accept (0: none) */
    const tlsc_mqtt_user_prop *user;
    size_t user_count;
} tlsc_mqtt_connect_fields;

TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_connect(
    tlsc_mqtt_version version, const tlsc_mqtt_connect_fields *c, uint8_t *buf,
    size_t cap, size_t *len);

typedef struct tlsc_mqtt_message {
    const char *topic;
    const void *payload;        /* may be NULL when payload_len is 0 */
    size_t payload_len;
    uint8_t qos;
    bool retain;
    bool dup;
    uint16_t packet_id;         /* QoS > 0: non-zero */
    /* 5.0 only: */
    uint32_t message_expiry;    /* 0: not sent */
    bool utf8_payload;          /* sends Payload Format Indicator 1 */
    const char *content_type;   /* NULL: not sent */
    const char *response_topic; /* NULL: not sent */
    const tlsc_mqtt_user_prop *user;
    size_t user_count;
} tlsc_mqtt_message;

TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_publish(
    tlsc_mqtt_version version, const tlsc_mqtt_message *p, uint8_t *buf,
    size_t cap, size_t *len);

/*
 * PUBACK, PUBREC, PUBREL or PUBCOMP (type) for packet_id. reason (5.0
 * only; must be 0 with 3.1.1) is left out of the packet when it is 0.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_ack(
    tlsc_mqtt_version version, tlsc_mqtt_type type, uint16_t packet_id,
    uint8_t reason, uint8_t *buf, size_t cap, size_t *len);

/* One filter of SUBSCRIBE. */
typedef struct tlsc_mqtt_sub {
    const char *filter;
    uint8_t qos;                /* maximum QoS asked for */
    /* 5.0 only: */
    bool no_local;
    bool retain_as_published;
    uint8_t retain_handling;    /* 0..2 */
} tlsc_mqtt_sub;

/* SUBSCRIBE of count (>= 1) filters. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_subscribe(
    tlsc_mqtt_version version, uint16_t packet_id, const tlsc_mqtt_sub *subs,
    size_t count, uint8_t *buf, size_t cap, size_t *len);

/* UNSUBSCRIBE of count (>= 1) filters. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_unsubscribe(
    tlsc_mqtt_version version, uint16_t packet_id,
    const char *const *filters, size_t count, uint8_t *buf, size_t cap,
    size_t *len);

/* PINGREQ (2 bytes). */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_pingreq(uint8_t *buf,
                                                          size_t cap,
                                                          size_t *len);

/* DISCONNECT; reason (5.0 only, 0x04 sends the will) is left out when 0. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_encode_disconnect(
    tlsc_mqtt_version version, uint8_t reason, uint8_t *buf, size_t cap,
    size_t *len);

/* ---- names ------------------------------------------------------------- */

/*
 * A reason code in words, as the broker meant it: for CONNACK in 3.1.1
 * the return codes 1..5 ("not authorized", ...), otherwise the 5.0 reason
 * codes ("topic filter invalid", "quota exceeded", ...); "unknown reason
 * code" for others. For SUBACK, code 0..2 read "granted QoS n". Never
 * NULL; static.
 */
TLSC_API const char *tlsc_mqtt_reason_text(tlsc_mqtt_version version,
                                           tlsc_mqtt_type type,
                                           uint8_t code);

/* "CONNECT", "PUBLISH", ...; "?" for others. */
TLSC_API const char *tlsc_mqtt_type_name(tlsc_mqtt_type type);

/*
 * Whether topic[0..len) is a valid topic name (filter false: no wildcard)
 * or topic filter (filter true: '+' alone in a level, '#' alone in the
 * last level): 1..65535 bytes of well-formed UTF-8 without U+0000.
 */
TLSC_API bool tlsc_mqtt_topic_valid(const char *topic, size_t len,
                                    bool filter);

/* Whether topic name `topic` matches filter `filter` (both valid; a
 * filter starting with a wildcard does not match a topic starting with
 * '$', as MQTT requires). */
TLSC_API bool tlsc_mqtt_topic_matches(const char *filter, size_t flen,
                                      const char *topic, size_t tlen);

/* ======================================================================== */
/* ---- the client -------------------------------------------------------- */
/*
 * An MQTT client on one tlsc_ev connection of a tlsc_loop (tlsc/event.h):
 * many clients run in one thread, each with every TLS feature of its
 * tlsc_config (CA, bundle, pins, client certificate, PSK, ALPN such as
 * "x-amzn-mqtt-ca" or "mqtt", small buffers, the heap cap).
 *
 * Life: tlsc_mqtt_new -> tlsc_mqtt_connect -> CONNECTED (CONNACK accepted)
 * -> MESSAGE* / PUBLISHED* / SUBACK* / UNSUBACK* -> ... When the
 * connection is lost (network, broker closed it, keepalive expired,
 * protocol error), CONNECTION_LOST says why and whether a new attempt
 * follows; with reconnection on, the client connects again after a
 * jittered exponential backoff (a random delay between half and all of
 * min_ms * 2^(failures - 1), capped at max_ms), offering the TLS session of the
 * previous connection (resumption), and resumes the MQTT session:
 *   - session present: unacknowledged QoS 1/2 PUBLISHes are sent again
 *     with DUP set and their packet ids, PUBRELs of QoS 2 messages the
 *     broker has received are sent again;
 *   - session lost: every subscription is made again (SUBACK events
 *     report the results), unacknowledged messages are sent again as
 *     new messages, QoS 2 messages the broker had received (PUBREC) count
 *     as delivered.
 * DISCONNECTED ends it: after tlsc_mqtt_disconnect, a final refusal (bad
 * credentials, not authorized, a TLS verification error...), or when the
 * reconnection attempts are used up.
 *
 * KEEPALIVE: when nothing was sent for keepalive_s, PINGREQ is sent; when
 * no PINGRESP came within half the keepalive after it, the connection is
 * half-open (the broker or the path is gone without a word):
 * CONNECTION_LOST with TLSC_ERR_MQTT_KEEPALIVE, at most 1.5 x keepalive
 * after the last packet went out. A 5.0 broker's Server Keep Alive
 * replaces ours.
 *
 * OUTBOX: QoS 1/2 messages awaiting acknowledgement, and every message
 * published while the client is not connected, are kept (copied, as
 * serialized packets) up to outbox_msgs messages and outbox_bytes bytes;
 * past either bound tlsc_mqtt_publish fails with TLSC_ERR_QUEUE_FULL and
 * keeps nothing: no message is ever dropped silently. QoS 0 messages
 * published while connected go straight to the connection's send queue.
 * A 5.0 broker's Receive Maximum bounds the QoS 1/2 messages in flight;
 * the rest wait in the outbox.
 *
 * INCOMING SIZE: packets over max_incoming bytes are refused from their
 * header, before any of their bytes is buffered: 5.0 announces the bound
 * (Maximum Packet Size) so the broker does not send them; a 3.1.1 broker
 * that does gets CONNECTION_LOST with TLSC_ERR_MQTT_TOO_LARGE.
 *
 * PROTOCOL ERRORS of the broker (malformed packet, an acknowledgement of
 * a packet id we did not use, a packet out of place) end the connection
 * with TLSC_ERR_MQTT_MALFORMED / TLSC_ERR_MQTT_PROTOCOL and a detail naming
 * the packet and field (5.0: DISCONNECT with the matching reason first).
 *
 * REENTRANCY: the callback may call every tlsc_mqtt_* function of any
 * client, including tlsc_mqtt_free of its own (no event follows; the
 * memory goes when the callback returns). Event data is valid only
 * during the callback.
 *
 * Ownership: options, wills and strings are copied; nothing the caller
 * passes is kept.
 *
 * Limits: up to TLSC_MQTT_FILTERS_MAX filters per SUBSCRIBE/UNSUBSCRIBE,
 * TLSC_MQTT_USER_PROPS_MAX user properties per message; no AUTH exchange
 * (5.0 enhanced authentication is refused as a protocol error); topic
 * aliases inbound only. Memory: an idle, subscribed client holds about
 * 1.3 KB on top of its TLS connection (bench/mqtt.sh), plus its outbox.
 */

typedef struct tlsc_mqtt tlsc_mqtt;

/* Filters per SUBSCRIBE / UNSUBSCRIBE request. */
#define TLSC_MQTT_FILTERS_MAX 16u

typedef struct tlsc_mqtt_options {
    tlsc_mqtt_version version;  /* default TLSC_MQTT_V311 */
    const char *client_id;      /* NULL or "": the broker assigns one
                                   (kept for reconnections) */
    const char *username;       /* NULL: none */
    const void *password;       /* NULL: none */
    size_t password_len;
    uint16_t keepalive_s;       /* default 60; 0: no keepalive */
    bool clean_start;           /* default true */
    uint32_t session_expiry;    /* 5.0: seconds (default 0) */
    const tlsc_mqtt_will *will; /* NULL: none */
    size_t max_incoming;        /* largest incoming packet (default 65536) */
    uint16_t topic_alias_max;   /* 5.0: aliases we accept (default 16) */
    uint16_t receive_max;       /* 5.0: QoS>0 messages in flight to us
                                   (default 0: not announced, 65535) */
    uint16_t max_inflight;      /* our QoS>0 messages sent and not yet
                                   acknowledged at most, the rest waits
                                   in the outbox (default 0: as many as
                                   the broker's Receive Maximum, 65535 in
                                   3.1.1) */
    size_t outbox_msgs;         /* default 64 */
    size_t outbox_bytes;        /* default 16384 */
    uint32_t reconnect_min_ms;  /* first backoff (default 1000; 0: never
                                   reconnect) */
    uint32_t reconnect_max_ms;  /* backoff cap (default 60000) */
    unsigned reconnect_attempts; /* failures in a row before giving up
                                   (default 0: never give up) */
    uint32_t connack_timeout_ms; /* TLS up to CONNACK (default 10000) */
} tlsc_mqtt_options;

/* Fill o with the defaults above. */
TLSC_API void tlsc_mqtt_options_init(tlsc_mqtt_options *o);

typedef enum tlsc_mqtt_event_kind {
    TLSC_MQTT_EV_CONNECTED = 1, /* CONNACK accepted: session_present,
                                   client_id, resumed (TLS) */
    TLSC_MQTT_EV_MESSAGE,       /* a message: topic, payload, qos, retain,
                                   dup, packet (5.0 properties) */
    TLSC_MQTT_EV_PUBLISHED,     /* our QoS 1/2 message is acknowledged
                                   (packet_id, reason: 5.0 reason code,
                                   err TLSC_ERR_MQTT when >= 0x80) */
    TLSC_MQTT_EV_SUBACK,        /* packet_id, count, filters, codes: one
                                   result per filter, refused ones also
                                   give err TLSC_ERR_MQTT_SUBSCRIBE and
                                   detail naming them */
    TLSC_MQTT_EV_UNSUBACK,      /* packet_id, count, filters, codes (5.0) */
    TLSC_MQTT_EV_CONNECTION_LOST, /* err, detail, will_retry, retry_in_ms,
                                   attempt */
    TLSC_MQTT_EV_DISCONNECTED   /* the end: err (TLSC_OK after
                                   tlsc_mqtt_disconnect), detail, pending */
} tlsc_mqtt_event_kind;

typedef struct tlsc_mqtt_event {
    tlsc_mqtt_event_kind kind;
    tlsc_err err;
    const char *detail;         /* "" when none; never NULL */
    /* CONNECTED */
    bool session_present;
    bool resumed;               /* the TLS session was resumed */
    const char *client_id;      /* ours or the broker's */
    /* MESSAGE */
    tlsc_mqtt_str topic;        /* topic alias already resolved */
    const uint8_t *payload;
    size_t payload_len;
    uint8_t qos;
    bool retain;
    bool dup;
    const tlsc_mqtt_packet *packet; /* the decoded PUBLISH */
    /* PUBLISHED, SUBACK, UNSUBACK */
    uint16_t packet_id;
    uint8_t reason;
    size_t count;
    const char *const *filters;
    const uint8_t *codes;       /* UNSUBACK 3.1.1: NULL */
    /* CONNECTION_LOST */
    bool will_retry;
    uint32_t retry_in_ms;
    unsigned attempt;
    /* DISCONNECTED: messages still in the outbox (kept until freed) */
    size_t pending;
} tlsc_mqtt_event;

typedef void (*tlsc_mqtt_fn)(tlsc_mqtt *m, const tlsc_mqtt_event *e, void *ud);

/* Short name of an event kind ("connected", ...); never NULL. */
TLSC_API const char *tlsc_mqtt_event_name(tlsc_mqtt_event_kind kind);

/*
 * Create a client on loop with the TLS configuration cfg (referenced and
 * frozen, as tlsc_ev_new) and options o (copied; NULL: the defaults).
 * ud is borrowed and passed to fn until tlsc_mqtt_free.
 * Errors: TLSC_ERR_INVALID_ARG (unknown version, a 5.0 option with 3.1.1,
 * a will that does not serialize, reconnect_min_ms > reconnect_max_ms),
 * TLSC_ERR_MQTT_TOPIC (will topic), TLSC_ERR_NO_MEMORY, tlsc_ev_new's.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_new(tlsc_loop *loop,
                                               tlsc_config *cfg,
                                               const tlsc_mqtt_options *o,
                                               tlsc_mqtt_fn fn, void *ud,
                                               tlsc_mqtt **out);

/* Close at once (no DISCONNECT, no event) and free, outbox included.
 * NULL allowed; allowed from the client's own callback. */
TLSC_API void tlsc_mqtt_free(tlsc_mqtt *m);

/* Connect to host:port (events follow from the loop). Allowed on a new
 * client or after DISCONNECTED. host is copied (it is reused for
 * reconnections), at most 253 bytes (a DNS name).
 * Errors: TLSC_ERR_INVALID_ARG (m or host NULL, port 0), TLSC_ERR_HOSTNAME
 * (empty or too long), TLSC_ERR_STATE, tlsc_ev_connect's. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_connect(tlsc_mqtt *m,
                                                   const char *host,
                                                   uint16_t port);

/*
 * Connect over tp/tp_ctx, a transport the application has already
 * connected to the broker (lwIP, an RTOS socket, the bare-metal
 * platform), as tlsc_ev_connect_transport: server_name is sent as SNI and
 * verified; report the transport's readiness with
 * tlsc_ev_transport_ready(tlsc_mqtt_ev(m), ...) and drive the loop (see
 * USER TRANSPORTS in tlsc/event.h). tlsc cannot open another such
 * transport, so a lost connection is not retried: CONNECTION_LOST says
 * will_retry false, DISCONNECTED follows, and the application may open a
 * new transport and call this again; the MQTT session (outbox,
 * subscriptions) carries over and the previous TLS session is offered.
 * Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_STATE, those of
 * tlsc_ev_connect_transport (on any error tp is not taken).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_connect_transport(
    tlsc_mqtt *m, const char *server_name, const tlsc_transport *tp,
    void *tp_ctx);

/*
 * Publish p (p->packet_id and p->dup are ignored: the client assigns
 * them). *packet_id (may be NULL) receives the id of a QoS 1/2 message,
 * reported again by its PUBLISHED event; 0 for QoS 0. Allowed in any
 * state but after tlsc_mqtt_disconnect: offline messages wait in the
 * outbox. p and what it points to are borrowed for the call only (the
 * message is serialized into the outbox at once).
 * Errors: TLSC_ERR_INVALID_ARG (m or p NULL), those of
 * tlsc_mqtt_encode_publish, TLSC_ERR_QUEUE_FULL (outbox or send queue at
 * its bound, or no free packet id; nothing kept),
 * TLSC_ERR_MQTT_TOO_LARGE (over the broker's Maximum Packet Size),
 * TLSC_ERR_STATE, TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_publish(tlsc_mqtt *m,
                                                   const tlsc_mqtt_message *p,
                                                   uint16_t *packet_id);

/*
 * Subscribe to count (1..TLSC_MQTT_FILTERS_MAX) filters; the SUBACK event
 * with *packet_id reports one result per filter. The subscriptions are
 * remembered and made again when a reconnection finds the session lost
 * (refused ones are forgotten). Sent once connected. subs and its
 * filters are borrowed for the call only (serialized and remembered as
 * copies). *packet_id may be NULL.
 * Errors: TLSC_ERR_INVALID_ARG (m or subs NULL, count out of range), as
 * tlsc_mqtt_encode_subscribe, TLSC_ERR_STATE (after tlsc_mqtt_disconnect),
 * TLSC_ERR_NO_MEMORY, TLSC_ERR_QUEUE_FULL.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_subscribe(tlsc_mqtt *m,
                                                     const tlsc_mqtt_sub *subs,
                                                     size_t count,
                                                     uint16_t *packet_id);

/* Unsubscribe from count (1..TLSC_MQTT_FILTERS_MAX) filters (UNSUBACK
 * reports them); filters are borrowed for the call only. Errors as
 * tlsc_mqtt_subscribe. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_unsubscribe(
    tlsc_mqtt *m, const char *const *filters, size_t count,
    uint16_t *packet_id);

/*
 * Graceful end: send what is queued, DISCONNECT (5.0: reason 0, or 0x04
 * "with will" when with_will), close_notify, then DISCONNECTED. Before the
 * client is connected (or while it waits to reconnect) it stops at once,
 * with DISCONNECTED from the loop. The outbox is kept (pending).
 * Errors: TLSC_ERR_INVALID_ARG (m NULL or freed from its callback),
 * TLSC_ERR_STATE (not connecting or connected, or already ending).
 */
TLSC_API tlsc_err tlsc_mqtt_disconnect(tlsc_mqtt *m, bool with_will);

/* Messages in the outbox (unacknowledged or not yet sent). */
TLSC_API size_t tlsc_mqtt_pending(const tlsc_mqtt *m);

/* Whether CONNACK was accepted and the connection is up. */
TLSC_API bool tlsc_mqtt_online(const tlsc_mqtt *m);

/* The event connection underneath (tlsc_ev_conn for the TLS getters).
 * Owned by m. */
TLSC_API tlsc_ev *tlsc_mqtt_ev(tlsc_mqtt *m);

/* The user pointer given to tlsc_mqtt_new. */
TLSC_API void *tlsc_mqtt_userdata(const tlsc_mqtt *m);

/*
 * Blocking convenience for the simplest device code: connect to
 * host:port with cfg and o (NULL: defaults; in either case reconnection
 * is turned off: one attempt), publish p, wait for its acknowledgement
 * (QoS 1/2) or for it to be written (QoS 0), disconnect. Bounded by
 * timeout_ms (0: 30000). cfg is used as by tlsc_mqtt_new (referenced and
 * frozen); host, o and p are borrowed for the call only. detail (may be
 * NULL) is set to "" and, on failure, receives the words (NUL-terminated,
 * truncated to cap bytes). Runs its own event loop on the calling thread.
 * Errors: TLSC_ERR_INVALID_ARG (cfg, host or p NULL), any of the client's
 * (TLS, MQTT refusal...), TLSC_ERR_TIMEOUT_READ (no acknowledgement, or
 * no end of the connection, in time), TLSC_ERR_MQTT (the connection ended
 * before the message went out).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_mqtt_publish_once(
    tlsc_config *cfg, const char *host, uint16_t port,
    const tlsc_mqtt_options *o, const tlsc_mqtt_message *p,
    uint32_t timeout_ms, char *detail, size_t cap);

TLSC_END_DECLS

#endif /* TLSC_MQTT_H */
