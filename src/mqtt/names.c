/*
 * Reason codes and packet types in words, for error details and the CLI:
 * a refusal must read "not authorized", not "0x87".
 */
#include <stddef.h>

#include "tlsc/mqtt.h"

typedef struct reason_name {
    uint8_t code;
    const char *text;
} reason_name;

/* 3.1.1 CONNACK return codes (MQTT 3.1.1, 3.2.2.3). */
static const char *const connack_311[] = {
    "connection accepted",
    "unacceptable protocol version",
    "identifier rejected",
    "server unavailable",
    "bad user name or password",
    "not authorized",
};

/* 5.0 reason codes (MQTT 5.0, 2.4) from 0x80 on, and the low ones. */
static const reason_name reasons_v5[] = {
    {0x00, "success"},
    {0x04, "disconnect with will message"},
    {0x10, "no matching subscribers"},
    {0x11, "no subscription existed"},
    {0x18, "continue authentication"},
    {0x19, "re-authenticate"},
    {0x80, "unspecified error"},
    {0x81, "malformed packet"},
    {0x82, "protocol error"},
    {0x83, "implementation specific error"},
    {0x84, "unsupported protocol version"},
    {0x85, "client identifier not valid"},
    {0x86, "bad user name or password"},
    {0x87, "not authorized"},
    {0x88, "server unavailable"},
    {0x89, "server busy"},
    {0x8A, "banned"},
    {0x8B, "server shutting down"},
    {0x8C, "bad authentication method"},
    {0x8D, "keep alive timeout"},
    {0x8E, "session taken over"},
    {0x8F, "topic filter invalid"},
    {0x90, "topic name invalid"},
    {0x91, "packet identifier in use"},
    {0x92, "packet identifier not found"},
    {0x93, "receive maximum exceeded"},
    {0x94, "topic alias invalid"},
    {0x95, "packet too large"},
    {0x96, "message rate too high"},
    {0x97, "quota exceeded"},
    {0x98, "administrative action"},
    {0x99, "payload format invalid"},
    {0x9A, "retain not supported"},
    {0x9B, "QoS not supported"},
    {0x9C, "use another server"},
    {0x9D, "server moved"},
    {0x9E, "shared subscriptions not supported"},
    {0x9F, "connection rate exceeded"},
    {0xA0, "maximum connect time"},
    {0xA1, "subscription identifiers not supported"},
    {0xA2, "wildcard subscriptions not supported"},
};

static const char *const granted[] = {"granted QoS 0", "granted QoS 1", "granted QoS 2"};

const char *tlsc_mqtt_reason_text(tlsc_mqtt_version version, tlsc_mqtt_type type, uint8_t code)
{
    if (type == TLSC_MQTT_SUBACK && code <= 2)
        return granted[code];
    if (version != TLSC_MQTT_V5 && type == TLSC_MQTT_CONNACK)
        return code <= 5 ? connack_311[code] : "unknown reason code";
    if (version != TLSC_MQTT_V5 && type == TLSC_MQTT_SUBACK && code == 0x80)
        return "failure";
    for (size_t i = 0; i < sizeof reasons_v5 / sizeof reasons_v5[0]; i++) {
        if (reasons_v5[i].code == code)
            return reasons_v5[i].text;
    }
    return "unknown reason code";
}

static const char *const type_names[] = {
    "?",      "CONNECT", "CONNACK",     "PUBLISH",  "PUBACK",  "PUBREC",
    "PUBREL", "PUBCOMP", "SUBSCRIBE",   "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
    "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
};

const char *tlsc_mqtt_type_name(tlsc_mqtt_type type)
{
    size_t i = (size_t)type;
    return i < sizeof type_names / sizeof type_names[0] ? type_names[i] : "?";
}
