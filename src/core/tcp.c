/*
 * tlsc_tcp_connect (tlsc/transport.h): the platform's TCP transport, with
 * its address iteration, opened and waited for like the blocking driver
 * does, for callers that speak something other than TLS over it (the
 * hand-built ClientHellos of `tlsc probe`). A tlsc_tcp is a tlsc__tcp.
 */
#include <stdio.h>

#include "core/internal.h"

static int wait_budget(uint64_t deadline)
{
    if (deadline == 0)
        return 1000; /* re-check now and then */
    uint64_t now = tlsc_now_ms();
    return now >= deadline ? 0 : (int)(deadline - now > 1000 ? 1000 : deadline - now);
}

static uint64_t after(uint32_t ms)
{
    return ms ? tlsc_now_ms() + ms : 0;
}

/* Wait for t to connect: the next address when one fails (the platform
 * moves on) or takes timeout_ms. */
static tlsc_err await_connect(tlsc__tcp *t, uint32_t timeout_ms, char *detail, size_t cap)
{
    uint64_t deadline = after(timeout_ms);
    for (;;) {
        tlsc_err err = tlsc__tcp_poll_connect(t, detail, cap);
        if (err != TLSC_WANT_WRITE)
            return err;
        if (deadline != 0 && tlsc_now_ms() >= deadline) {
            err = tlsc__tcp_next(t, detail, cap);
            if (err != TLSC_WANT_WRITE)
                return err;
            deadline = after(timeout_ms);
        }
        err = tlsc__tcp_transport.wait(t, false, true, wait_budget(deadline));
        if (err != TLSC_OK)
            return err;
    }
}

tlsc_err tlsc_tcp_connect(tlsc_tcp **out, const char *host, uint16_t port, uint32_t timeout_ms,
                          char *detail, size_t cap)
{
    char why[TLSC_ERRMSG_MAX] = "", text[TLSC_HOST_MAX + 1];
    if (out == NULL || host == NULL || port == 0 || (detail == NULL && cap != 0))
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    if (!tlsc__host_copy(host, text, false))
        return TLSC_ERR_HOSTNAME;
    tlsc__tcp *t = NULL;
    tlsc_err err = tlsc__tcp_open(&t, text, NULL, 0, port, why, sizeof why);
    if (err == TLSC_OK)
        err = await_connect(t, timeout_ms, why, sizeof why);
    if (err != TLSC_OK) {
        tlsc__tcp_close(t);
        if (cap != 0)
            snprintf(detail, cap, "%s", why);
        return err;
    }
    *out = (tlsc_tcp *)t;
    return TLSC_OK;
}

const tlsc_transport *tlsc_tcp_transport(void)
{
    return &tlsc__tcp_transport;
}
