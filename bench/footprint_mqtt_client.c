/*
 * The MQTT client on bare metal (platform none): one tlsc_mqtt on a
 * tlsc_loop over the board's user transport, run from the firmware's main
 * loop — subscribe to a command topic, publish one QoS 1 reading, leave
 * when it is acknowledged. Like footprint_event_client.c it only has to
 * link (bench/footprint_board.c stands for the board); built by
 * scripts/baremetal.mk (target mqtt_elf) so that the flash of src/mqtt is
 * read from a real link (--gc-sections keeps only what a device calls) by
 * bench/footprint.sh and bench/mqtt.sh, and tests/build/cortex_m4.sh
 * catches POSIX-only code in src/mqtt. Never built by CMake.
 */
#include <string.h>

#include "tlsc/tlsc.h"
#include "tlsc/mqtt.h"
#include "footprint_board.h"

/* A stand-in for the root the device trusts (the link is what counts). */
static const char root_ca[] = "-----BEGIN CERTIFICATE-----\n"
                              "-----END CERTIFICATE-----\n";

static volatile bool done;
static unsigned commands;

static void on_mqtt(tlsc_mqtt *m, const tlsc_mqtt_event *e, void *ud)
{
    (void)ud;
    switch (e->kind) {
    case TLSC_MQTT_EV_CONNECTED: {
        tlsc_mqtt_sub sub;
        memset(&sub, 0, sizeof sub);
        sub.filter = "device/42/cmd";
        sub.qos = 1;
        tlsc_mqtt_message msg;
        memset(&msg, 0, sizeof msg);
        msg.topic = "device/42/temp";
        msg.payload = "21.5";
        msg.payload_len = 4;
        msg.qos = 1;
        if (tlsc_mqtt_subscribe(m, &sub, 1, NULL) != TLSC_OK ||
            tlsc_mqtt_publish(m, &msg, NULL) != TLSC_OK)
            (void)tlsc_mqtt_disconnect(m, false);
        break;
    }
    case TLSC_MQTT_EV_MESSAGE:
        commands++;
        break;
    case TLSC_MQTT_EV_PUBLISHED:
        (void)tlsc_mqtt_disconnect(m, false);
        break;
    case TLSC_MQTT_EV_DISCONNECTED:
        done = true;
        break;
    default:
        break;
    }
}

int main(void)
{
    tlsc_config *cfg;
    tlsc_loop *loop;
    tlsc_mqtt *m = NULL;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    tlsc_err err = tlsc_config_add_ca(cfg, root_ca, sizeof root_ca);
    if (err == TLSC_OK)
        err = tlsc_config_set_clock(cfg, board_rtc_clock, NULL);
    if (err == TLSC_OK)
        err = tlsc_loop_new(&loop);
    tlsc_mqtt_options o;
    tlsc_mqtt_options_init(&o);
    o.client_id = "device-42";
    o.keepalive_s = 30;
    if (err == TLSC_OK && (err = tlsc_mqtt_new(loop, cfg, &o, on_mqtt, NULL, &m)) == TLSC_OK)
        err = tlsc_mqtt_connect_transport(m, "broker.example.com", &board_fifo, NULL);
    tlsc_config_free(cfg);
    tlsc_ev *ev = tlsc_mqtt_ev(m);
    while (err == TLSC_OK && !done) {
        tlsc_ev_transport_ready(ev, board_fifo_readable(), board_fifo_writable());
        err = tlsc_loop_process(loop);
    }
    tlsc_mqtt_free(m);
    tlsc_loop_free(loop);
    return err == TLSC_OK && commands < 100 ? 0 : 1;
}
