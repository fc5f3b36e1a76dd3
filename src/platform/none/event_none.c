/*
 * The event driver's platform hooks on the "none" platform (bare metal):
 * no resolver and no descriptors. Connections run over user transports
 * (tlsc_ev_connect_transport), whose readiness the firmware reports with
 * tlsc_ev_transport_ready; tlsc_ev_connect fails with TLSC_ERR_CONFIG
 * (a host name: no resolver here; an IP literal: no TCP, see none.c).
 */
#include <stdio.h>

#include "platform/platform.h"

tlsc_err tlsc__resolve_start(tlsc__resolve **out, const char *host, char *detail, size_t cap)
{
    *out = NULL;
    snprintf(detail, cap, "cannot resolve %s: this build has no resolver (platform none): "
             "connect a transport and use tlsc_ev_connect_transport", host);
    return TLSC_ERR_CONFIG;
}

int tlsc__resolve_fd(const tlsc__resolve *r)
{
    (void)r;
    return -1;
}

tlsc_err tlsc__resolve_now(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                           size_t *count, char *detail, size_t cap)
{
    (void)addrs;
    *count = 0;
    snprintf(detail, cap, "cannot resolve %s: this build has no resolver (platform none)",
             host);
    return TLSC_ERR_CONFIG;
}

/* No resolver, so nothing to replace. */
void tlsc__resolve_set_hook(tlsc__resolve_hook fn)
{
    (void)fn;
}

/* Never reached: no lookup is ever started. */
tlsc_err tlsc__resolve_result(tlsc__resolve *r, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                              size_t *count, char *detail, size_t cap)
{
    (void)r;
    (void)addrs;
    *count = 0;
    snprintf(detail, cap, "no resolver (platform none)");
    return TLSC_ERR_CONFIG;
}

void tlsc__resolve_free(tlsc__resolve *r)
{
    (void)r;
}

/*
 * No descriptors here (n is 0): readiness of user transports comes from
 * the firmware (tlsc_ev_transport_ready), which cannot run while this
 * waits. So wait only for a bounded time (busy, on the application's
 * monotonic clock: the loop asks for the time to its next timer, or the
 * caller's limit), never without a limit: the firmware's main loop is what
 * should drive tlsc_loop_process.
 */
tlsc_err tlsc__wait(const int *fd, const unsigned char *want, unsigned char *ready, size_t n,
                    int timeout_ms)
{
    (void)fd;
    (void)want;
    for (size_t i = 0; i < n; i++)
        ready[i] = 0;
    if (timeout_ms > 0)
        tlsc__sleep_ms((unsigned)timeout_ms);
    return TLSC_OK;
}
