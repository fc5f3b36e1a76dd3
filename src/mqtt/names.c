/*
 * Reason codes and packet types in words, for error details and the CLI:
 * a refusal must read "not authorized", not "0x87".
 */
#include <stddef.h>
#include <string.h>

#include "tlsc/mqtt.h"

/*
 * The words are kept as NUL-separated lists rather than tables of pointers
 * (4 bytes a pointer on a Cortex-M, more than many of the words): the
 * n-th word is found by walking, which only happens when an error is
 * being described.
 */
static const char *nth(const char *list, size_t n)
{
    while (n-- > 0)
        list += strlen(list) + 1;
    return list;
}

/* 3.1.1 CONNACK return codes 0..5 (MQTT 3.1.1, 3.2.2.3). */
static const char connack_311[] = "connection accepted\0"
                                  "unacceptable protocol version\0"
                                  "identifier rejected\0"
                                  "server unavailable\0"
                                  "bad user name or password\0"
                                  "not authorized";

/* 5.0 reason codes (MQTT 5.0, 2.4): the low ones by code, then every code
 * from 0x80 to 0xA2 in order. */
static const uint8_t v5_low_codes[] = {0x00, 0x04, 0x10, 0x11, 0x18, 0x19};
static const char v5_low[] = "success\0"
                             "disconnect with will message\0"
                             "no matching subscribers\0"
                             "no subscription existed\0"
                             "continue authentication\0"
                             "re-authenticate";
#define V5_HIGH_LAST 0xA2
static const char v5_high[] = "unspecified error\0"                      /* 0x80 */
                              "malformed packet\0"
                              "protocol error\0"
                              "implementation specific error\0"
                              "unsupported protocol version\0"
                              "client identifier not valid\0"
                              "bad user name or password\0"
                              "not authorized\0"
                              "server unavailable\0"                     /* 0x88 */
                              "server busy\0"
                              "banned\0"
                              "server shutting down\0"
                              "bad authentication method\0"
                              "keep alive timeout\0"
                              "session taken over\0"
                              "topic filter invalid\0"
                              "topic name invalid\0"                     /* 0x90 */
                              "packet identifier in use\0"
                              "packet identifier not found\0"
                              "receive maximum exceeded\0"
                              "topic alias invalid\0"
                              "packet too large\0"
                              "message rate too high\0"
                              "quota exceeded\0"
                              "administrative action\0"                  /* 0x98 */
                              "payload format invalid\0"
                              "retain not supported\0"
                              "QoS not supported\0"
                              "use another server\0"
                              "server moved\0"
                              "shared subscriptions not supported\0"
                              "connection rate exceeded\0"
                              "maximum connect time\0"                   /* 0xA0 */
                              "subscription identifiers not supported\0"
                              "wildcard subscriptions not supported";   /* 0xA2 */

static const char granted[] = "granted QoS 0\0granted QoS 1\0granted QoS 2";

const char *tlsc_mqtt_reason_text(tlsc_mqtt_version version, tlsc_mqtt_type type, uint8_t code)
{
    if (type == TLSC_MQTT_SUBACK && code <= 2)
        return nth(granted, code);
    if (version != TLSC_MQTT_V5 && type == TLSC_MQTT_CONNACK)
        return code <= 5 ? nth(connack_311, code) : "unknown reason code";
    if (version != TLSC_MQTT_V5 && type == TLSC_MQTT_SUBACK && code == 0x80)
        return "failure";
    if (code >= 0x80 && code <= V5_HIGH_LAST)
        return nth(v5_high, code - 0x80u);
    for (size_t i = 0; i < sizeof v5_low_codes; i++) {
        if (v5_low_codes[i] == code)
            return nth(v5_low, i);
    }
    return "unknown reason code";
}

/* Packet types 0..15 (0 is reserved). */
static const char type_names[] = "?\0CONNECT\0CONNACK\0PUBLISH\0PUBACK\0PUBREC\0PUBREL\0"
                                 "PUBCOMP\0SUBSCRIBE\0SUBACK\0UNSUBSCRIBE\0UNSUBACK\0"
                                 "PINGREQ\0PINGRESP\0DISCONNECT\0AUTH";

const char *tlsc_mqtt_type_name(tlsc_mqtt_type type)
{
    size_t i = (size_t)type;
    return i <= 15 ? nth(type_names, i) : "?";
}
