/*
 * bench/mqtt_bench.c HOST PORT CA — heap of one idle, subscribed MQTT client
 * on top of its TLS connection (bench/mqtt.sh). Runs on one loop: a bare
 * tlsc_ev TLS connection held idle (twice, the second measured), then a
 * tlsc_mqtt client
 * connected, subscribed and idle; each after a second of quiet. The MQTT
 * layer's cost is the difference of tlsc_heap_current() (every byte through
 * tlsc's allocator; the TLS connection's own buffers are in both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"

static int tls_up, mqtt_up, subacked;

static void on_ev(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    (void)ev;
    (void)ud;
    if (e->kind == TLSC_EV_CONNECTED)
        tls_up++;
}

static void on_mqtt(tlsc_mqtt *m, const tlsc_mqtt_event *e, void *ud)
{
    (void)m;
    (void)ud;
    if (e->kind == TLSC_MQTT_EV_CONNECTED)
        mqtt_up++;
    if (e->kind == TLSC_MQTT_EV_SUBACK)
        subacked++;
}

static void run_until(tlsc_loop *loop, const int *flag, uint32_t ms)
{
    uint64_t end = tlsc_now_ms() + ms;
    while ((flag == NULL || *flag == 0) && tlsc_now_ms() < end) {
        if (tlsc_loop_run_once(loop, 20) != TLSC_OK)
            exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mqtt_bench HOST PORT CA\n");
        return 2;
    }
    uint16_t port = (uint16_t)atoi(argv[2]);
    tlsc_config *cfg = NULL;
    tlsc_loop *loop = NULL;
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_add_ca_file(cfg, argv[3]) != TLSC_OK ||
        tlsc_loop_new(&loop) != TLSC_OK)
        return 1;
    /* The first connection of a loop and configuration leaves state behind
     * (the loop's poll arrays, mbedTLS's caches): measure the second. */
    size_t tls = 0;
    for (int round = 0; round < 2; round++) {
        size_t base = tlsc_heap_current();
        tlsc_ev *ev = NULL;
        tls_up = 0;
        if (tlsc_ev_new(loop, cfg, on_ev, NULL, &ev) != TLSC_OK ||
            tlsc_ev_connect(ev, argv[1], port) != TLSC_OK)
            return 1;
        run_until(loop, &tls_up, 10000);
        run_until(loop, NULL, 1000);
        tls = tlsc_heap_current() - base;
        tlsc_ev_free(ev);
    }

    tlsc_mqtt_options o;
    tlsc_mqtt_options_init(&o);
    o.client_id = "bench-idle";
    tlsc_mqtt *m = NULL;
    size_t base = tlsc_heap_current();
    tlsc_mqtt_sub s = {"bench/idle/#", 1, false, false, 0};
    if (tlsc_mqtt_new(loop, cfg, &o, on_mqtt, NULL, &m) != TLSC_OK ||
        tlsc_mqtt_connect(m, argv[1], port) != TLSC_OK || tlsc_mqtt_subscribe(m, &s, 1, NULL))
        return 1;
    run_until(loop, &subacked, 10000);
    run_until(loop, NULL, 1000);
    size_t mqtt = tlsc_heap_current() - base;
    if (!tls_up || !mqtt_up || !subacked) {
        fprintf(stderr, "mqtt_bench: could not connect\n");
        return 1;
    }
    printf("tls_idle_bytes %zu\nmqtt_idle_bytes %zu\nmqtt_layer_bytes %zu\n", tls, mqtt,
           mqtt - tls);
    tlsc_mqtt_free(m);
    tlsc_loop_free(loop);
    tlsc_config_free(cfg);
    return 0;
}
