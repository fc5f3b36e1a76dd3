/*
 * The "none" platform's TCP: there is none; connections need a user
 * transport (tlsc_conn_set_transport / tlsc_ev_connect_transport). A
 * firmware with lwIP builds src/platform/lwip/tcp_lwip.c instead.
 */
#include <stdio.h>

#include "platform/platform.h"

/* ---- TCP: none; connections need a user transport ------------------------- */

tlsc_err tlsc__tcp_open(tlsc__tcp **out, const char *host, const tlsc__addr_text *addrs,
                        size_t count, uint16_t port, char *detail, size_t cap)
{
    (void)addrs;
    (void)count;
    *out = NULL;
    snprintf(detail, cap, "cannot connect to %s:%u: this build has no TCP stack "
             "(platform none): set a transport with tlsc_conn_set_transport first",
             host, (unsigned)port);
    return TLSC_ERR_CONFIG;
}

tlsc_err tlsc__tcp_poll_connect(tlsc__tcp *t, char *detail, size_t cap)
{
    (void)t;
    snprintf(detail, cap, "no TCP stack (platform none)");
    return TLSC_ERR_CONFIG;
}

tlsc_err tlsc__tcp_next(tlsc__tcp *t, char *detail, size_t cap)
{
    return tlsc__tcp_poll_connect(t, detail, cap);
}

const char *tlsc__tcp_address(const tlsc__tcp *t)
{
    (void)t;
    return "";
}

int tlsc__tcp_fd(const tlsc__tcp *t)
{
    (void)t;
    return -1;
}

void tlsc__tcp_close(tlsc__tcp *t)
{
    (void)t;
}

static tlsc_err no_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    (void)ctx;
    (void)buf;
    (void)len;
    *sent = 0;
    return TLSC_ERR_NETWORK;
}

static tlsc_err no_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    (void)ctx;
    (void)buf;
    (void)len;
    *got = 0;
    return TLSC_ERR_NETWORK;
}

/* Never installed (tlsc__tcp_open always fails); defined for the linker. */
const tlsc_transport tlsc__tcp_transport = { no_send, no_recv, NULL, NULL };
