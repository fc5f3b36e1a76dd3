/*
 * The event driver's platform hooks on the "none" platform (bare metal):
 * no resolver and no descriptors. Connections run over user transports
 * (tlsc_ev_connect_transport), whose readiness the firmware reports with
 * tlsc_ev_transport_ready; tlsc_ev_connect fails with TLSC_ERR_CONFIG
 * (a host name: no resolver here; an IP literal: no TCP, see none.c).
 */
#include <stdio.h>

#include "event/ev_internal.h"

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
 * Nothing to wait for but timers: readiness of user transports comes from
 * the firmware (tlsc_ev_transport_ready), which cannot run while this
 * waits. So wait only until the next timer (busy, on the application's
 * monotonic clock), and not at all without one: the firmware's main loop
 * is what should drive tlsc_loop_process.
 */
tlsc_err tlsc__loop_wait(tlsc_loop *loop, int max_ms)
{
    int ms = tlsc__loop_wait_ms(loop, max_ms);
    if (ms > 0 && tlsc_loop_deadline(loop) != 0)
        tlsc__sleep_ms((unsigned)ms);
    return TLSC_OK;
}
