/* The peer and the client of the repeated one-handshake attempts of
 * test_alloc_fail, test_http_alloc_fail and test_keyslots (client.c). */
#ifndef TLSC_TEST_CLIENT_H
#define TLSC_TEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsc/tlsc.h"
#include "peer.h"

/* Start `openssl s_server SERVE` (serve: "-rev" or "-WWW"; up to 100000
 * connections) with the P-256 leaf and the intermediate of the test PKI
 * in directory pki, and write the path of that PKI's root into ca (cap
 * bytes). Returns the port or -1; stop it with peer_stop. */
int p256_peer_start(peer *p, const char *pki, const char *serve, char *ca, size_t cap);

/* *cfg = a configuration that trusts the PEM file ca and allows only
 * version v. Returns the first error; then *cfg is NULL. */
tlsc_err client_config(const char *ca, tlsc_tls_version v, tlsc_config **cfg);

/* *c = a connection whose configuration trusts the PEM file ca and
 * allows only version v (the connection holds the only reference to that
 * configuration). Returns the first error; then *c is NULL. The caller
 * frees *c with tlsc_conn_free. */
tlsc_err client_new(const char *ca, tlsc_tls_version v, tlsc_conn **c);

/* Verified handshake with "localhost" at 127.0.0.1:port, then one line
 * ("ping\n") written; returns the first error. */
tlsc_err client_ping(tlsc_conn *c, int port);

/* What an event connection's callback saw (client_ev_record). */
typedef struct client_ev_seen {
    char dns[48];     /* the address of the last TLSC_EV_DNS */
    char detail[512]; /* DISCONNECTED's */
    bool connected;   /* CONNECTED came (the connection was then closed) */
    int disconnected; /* DISCONNECTED events */
    tlsc_err err;     /* DISCONNECTED's */
} client_ev_seen;

/* A tlsc_ev callback (ud: a client_ev_seen) recording the above; it closes
 * the connection once it is CONNECTED. */
void client_ev_record(tlsc_ev *ev, const tlsc_event *e, void *ud);

#endif
