/*
 * The lwIP platform's TCP (src/platform/platform.h's tlsc__tcp_*): what
 * tlsc_conn_connect(host, port) and the HTTPS client open when no user
 * transport is set, on firmware whose stack is lwIP (NO_SYS). Built
 * INSTEAD of src/platform/none/tcp_none.c (the build picks the files: see
 * scripts/device.mk). A tlsc__tcp is a tlsc_lwip (tlsc/lwip.h); waiting
 * runs the application's main-loop pass (tlsc_lwip_set_poll).
 */
#include <stdio.h>

#include "platform/lwip/lwip_internal.h"
#include "platform/platform.h"

/* lwIP resolves by itself (dns_gethostbyname, one address): addrs, which
 * only the event driver's resolver gives (none on this platform), are not
 * used. */
tlsc_err tlsc__tcp_open(tlsc__tcp **out, const char *host, const tlsc__addr_text *addrs,
                        size_t count, uint16_t port, char *detail, size_t cap)
{
    (void)addrs;
    (void)count;
    tlsc_lwip *t = NULL;
    tlsc_err err = tlsc_lwip_open(&t, host, port);
    if (err != TLSC_OK)
        snprintf(detail, cap, "cannot connect to %s port %u: %s", host, (unsigned)port,
                 tlsc_strerror(err));
    *out = (tlsc__tcp *)t;
    return err;
}

tlsc_err tlsc__tcp_poll_connect(tlsc__tcp *t, char *detail, size_t cap)
{
    tlsc_err err = tlsc_lwip_connected((const tlsc_lwip *)t);
    if (err != TLSC_OK && err != TLSC_WANT_WRITE)
        snprintf(detail, cap, "TCP connection failed (lwIP): %s", tlsc_strerror(err));
    return err;
}

/* One address: a connect that takes too long is over. */
tlsc_err tlsc__tcp_next(tlsc__tcp *t, char *detail, size_t cap)
{
    (void)t;
    snprintf(detail, cap, "TCP connection not established in time (lwIP)");
    return TLSC_ERR_TIMEOUT_CONNECT;
}

const char *tlsc__tcp_address(const tlsc__tcp *t)
{
    (void)t;
    return "";
}

int tlsc__tcp_fd(const tlsc__tcp *t)
{
    (void)t;
    return -1; /* no descriptors: readiness comes from lwIP's callbacks */
}

void tlsc__tcp_close(tlsc__tcp *t)
{
    if (t != NULL)
        tlsc__lwip_close(t);
}

const tlsc_transport tlsc__tcp_transport = { tlsc__lwip_send, tlsc__lwip_recv, tlsc__lwip_wait,
                                             tlsc__lwip_close };
