/*
 * examples/mqtt_reading.c HOST PORT CA_FILE TOPIC VALUE — the simplest
 * device code: connect to an MQTT broker over verified TLS, publish one
 * reading with QoS 1, wait for its PUBACK, disconnect (shown in README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT CA_FILE TOPIC VALUE\n", argv[0]);
        return 2;
    }
    const char *host = argv[1], *ca = argv[3], *topic = argv[4], *value = argv[5];
    uint16_t port = (uint16_t)atoi(argv[2]);
    tlsc_config *cfg = NULL;
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_add_ca_file(cfg, ca) != TLSC_OK)
        return 1;

    tlsc_mqtt_options o;
    tlsc_mqtt_options_init(&o);                      /* 3.1.1, keepalive 60 s */
    o.client_id = "sensor-17";
    tlsc_mqtt_message reading = {.topic = topic, .payload = value,
                                 .payload_len = strlen(value), .qos = 1};
    char why[256];
    tlsc_err err = tlsc_mqtt_publish_once(cfg, host, port, &o, &reading, 10000,
                                          why, sizeof why);
    if (err != TLSC_OK)                              /* TLS, refusal, timeout... */
        fprintf(stderr, "%s: %s\n", tlsc_strerror(err), why);
    tlsc_config_free(cfg);
    return err == TLSC_OK ? 0 : 1;
}
