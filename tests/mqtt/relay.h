/*
 * A TCP relay on 127.0.0.1 in a thread of the test process, in front of
 * the broker: it can freeze (forward nothing in either direction, keep
 * every socket open: a half-open path) and cut (reset every relayed
 * connection: the path dies).
 */
#ifndef TLSC_TESTS_MQTT_RELAY_H
#define TLSC_TESTS_MQTT_RELAY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct relay relay;

/* Listen on a kernel-chosen port and relay to 127.0.0.1:upstream. */
relay *relay_start(uint16_t upstream);
uint16_t relay_port(const relay *r);
/* Stop / resume forwarding (also for connections accepted meanwhile). */
void relay_freeze(relay *r, bool frozen);
/* Reset every connection relayed now (RST to both sides). */
void relay_cut(relay *r);
void relay_stop(relay *r);

#endif
