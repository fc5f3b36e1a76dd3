/* Real peers for the API tests (see peer.c). */
#ifndef TLSC_TEST_PEER_H
#define TLSC_TEST_PEER_H

#include <sys/types.h>

typedef struct peer {
    pid_t pid;
    int out;    /* the server's stdout */
    int port;
    const char *accept; /* listen address; NULL = "127.0.0.1:0" */
} peer;

/* Start `openssl s_server -accept 127.0.0.1:0 ARGS...` (NULL-terminated);
 * returns the port or -1. */
int peer_start(peer *p, const char *const *args);
/* Start any server argv (NULL-terminated, argv[0] searched in PATH) that
 * prints "ACCEPT host:PORT" on stdout; returns the port or -1. */
int peer_spawn(peer *p, const char *const *argv);
/* Start `gnutls-serv -p PORT ARGS...` (NULL-terminated) on a free loopback
 * port; returns the port or -1. */
int peer_start_gnutls(peer *p, const char *const *args);
void peer_stop(peer *p);
/* A TCP listener on loopback that never accepts; returns its port. */
int listener_start(int *fd, int family);
/* A loopback port where nothing listens. */
int closed_port(void);

#endif
