/*
 * The test peer and one verified handshake with it, as test_alloc_fail
 * and test_keyslots make it again and again (test_http_alloc_fail: the
 * peer and the configuration): errors are returned, never asserted, because those tests count
 * and classify them.
 */
#include <stdio.h>

#include "client.h"

int p256_peer_start(peer *p, const char *pki, const char *serve, char *ca, size_t cap)
{
    char cert[512], key[512], chain[512];
    snprintf(ca, cap, "%s/root.pem", pki);
    snprintf(cert, sizeof cert, "%s/server-p256.pem", pki);
    snprintf(key, sizeof key, "%s/server-p256.key", pki);
    snprintf(chain, sizeof chain, "%s/int.pem", pki);
    const char *args[] = { "-cert", cert, "-cert_chain", chain, "-key", key, serve,
                           "-naccept", "100000", NULL };
    return peer_start(p, args);
}

tlsc_err client_config(const char *ca, tlsc_tls_version v, tlsc_config **cfg)
{
    *cfg = NULL;
    tlsc_err err = tlsc_config_new(cfg);
    if (err == TLSC_OK)
        err = tlsc_config_add_ca_file(*cfg, ca);
    if (err == TLSC_OK)
        err = tlsc_config_set_versions(*cfg, v, v);
    if (err != TLSC_OK) {
        tlsc_config_free(*cfg);
        *cfg = NULL;
    }
    return err;
}

tlsc_err client_new(const char *ca, tlsc_tls_version v, tlsc_conn **c)
{
    tlsc_config *cfg = NULL;
    *c = NULL;
    tlsc_err err = client_config(ca, v, &cfg);
    if (err == TLSC_OK)
        err = tlsc_conn_new(cfg, c);
    tlsc_config_free(cfg);
    return err;
}

tlsc_err client_ping(tlsc_conn *c, int port)
{
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err == TLSC_OK)
        err = tlsc_conn_write(c, "ping\n", 5);
    return err;
}

void client_ev_record(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    client_ev_seen *s = ud;
    if (e->kind == TLSC_EV_DNS)
        snprintf(s->dns, sizeof s->dns, "%s", e->address);
    if (e->kind == TLSC_EV_CONNECTED) {
        s->connected = true;
        (void)tlsc_ev_close(ev);
    }
    if (e->kind == TLSC_EV_DISCONNECTED) {
        s->disconnected++;
        s->err = e->err;
        snprintf(s->detail, sizeof s->detail, "%s", e->detail);
    }
}
