/*
 * The blocking driver: loops over the non-blocking core, waiting on the
 * transport between steps, bounded by the configured timeouts. It adds no
 * protocol logic of its own.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/base/hostname.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/tls/blocking.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"

/* Longest single wait, so deadlines are re-checked by the core. */
#define WAIT_SLICE_MS 1000

static int wait_budget(uint64_t deadline)
{
    if (deadline == 0)
        return WAIT_SLICE_MS;
    uint64_t now = tlsc_now_ms();
    if (now >= deadline)
        return 0;
    uint64_t left = deadline - now;
    return left < WAIT_SLICE_MS ? (int)left : WAIT_SLICE_MS;
}

/* Wait for the readiness the last call asked for. */
tlsc_err tlsc__conn_wait(tlsc_conn *c, tlsc_err want, uint64_t deadline)
{
    int ms = wait_budget(deadline);
    if (c->tp.wait == NULL) {
        tlsc__sleep_ms(ms > 0 ? 1 : 0);
        return TLSC_OK;
    }
    tlsc_err err = c->tp.wait(c->tp_ctx, want == TLSC_WANT_READ, want == TLSC_WANT_WRITE, ms);
    if (err != TLSC_OK)
        return tlsc__conn_fail(c, err, "waiting on the connection to %s failed", c->host);
    return TLSC_OK;
}

void tlsc__conn_set_total_deadline(tlsc_conn *c, uint64_t deadline)
{
    c->total_deadline = deadline;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

static bool total_passed(const tlsc_conn *c)
{
    return c->total_deadline != 0 && tlsc_now_ms() >= c->total_deadline;
}

tlsc_err tlsc__conn_pump_until(tlsc_conn *c, uint32_t timeout_ms,
                               bool (*done)(const tlsc_conn *c))
{
    uint64_t deadline = tlsc_now_ms() + timeout_ms;
    while (!done(c)) {
        tlsc_err err = tlsc__conn_pump(c);
        if (err == TLSC_OK)
            break; /* application data came first */
        if (!tlsc__is_want(err))
            return err;
        if (done(c))
            break;
        if (tlsc_now_ms() >= deadline)
            break;
        err = tlsc__conn_wait(c, err, deadline);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static bool cc_verdict_known(const tlsc_conn *c)
{
    return !c->cert_requested || c->cc_verdict != TLSC__CC_UNKNOWN;
}

tlsc_err tlsc_conn_await_client_cert_verdict(tlsc_conn *c, uint32_t timeout_ms)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->err != TLSC_OK)
        return c->err;
    if (c->state != TLSC__OPEN)
        return TLSC_ERR_STATE;
    return tlsc__conn_pump_until(c, timeout_ms, cc_verdict_known);
}

tlsc_err tlsc_conn_connect(tlsc_conn *c, const char *host, uint16_t port)
{
    tlsc_err err = tlsc_conn_start(c, host, port);
    while (err == TLSC_OK) {
        err = tlsc_conn_step(c);
        if (!tlsc__is_want(err))
            break;
        if (total_passed(c))
            return tlsc__conn_fail(c, TLSC_ERR_TIMEOUT_TOTAL,
                                   "connecting to %s port %u: the total time limit passed",
                                   c->host, c->port);
        uint64_t deadline;
        tlsc_conn_poll_info(c, NULL, NULL, NULL, &deadline);
        err = tlsc__conn_wait(c, err, earliest(deadline, c->total_deadline));
    }
    return err;
}

static uint64_t io_deadline(const tlsc_conn *c)
{
    return earliest(c->cfg->io_ms ? tlsc_now_ms() + c->cfg->io_ms : 0, c->total_deadline);
}

/* After a WANT from the core: TLSC_OK to retry, or `timeout` once the
 * deadline has passed (TLSC_ERR_TIMEOUT_TOTAL when it was the total one),
 * or the transport's error. */
static tlsc_err wait_or_timeout(tlsc_conn *c, tlsc_err want, uint64_t deadline,
                                tlsc_err timeout)
{
    if (total_passed(c))
        return TLSC_ERR_TIMEOUT_TOTAL;
    if (deadline != 0 && tlsc_now_ms() >= deadline)
        return timeout;
    return tlsc__conn_wait(c, want, deadline);
}

/*
 * A read timeout is not sticky: nothing was consumed, and polling for data
 * that has not come yet is a normal thing for a device to do.
 */
tlsc_err tlsc_conn_read(tlsc_conn *c, void *buf, size_t len, size_t *got)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    uint64_t deadline = io_deadline(c);
    tlsc_err err;
    while (tlsc__is_want(err = tlsc_conn_recv(c, buf, len, got))) {
        err = wait_or_timeout(c, err, deadline, TLSC_ERR_TIMEOUT_READ);
        if (err != TLSC_OK)
            return err;
    }
    return err;
}

tlsc_err tlsc_conn_write(tlsc_conn *c, const void *buf, size_t len)
{
    if (c == NULL || (buf == NULL && len != 0))
        return TLSC_ERR_INVALID_ARG;
    const unsigned char *p = buf;
    uint64_t deadline = io_deadline(c);
    while (len > 0) {
        size_t n = 0;
        tlsc_err err = tlsc_conn_send(c, p, len, &n);
        if (err == TLSC_OK) {
            p += n;
            len -= n;
            continue;
        }
        if (!tlsc__is_want(err))
            return err;
        if (total_passed(c))
            return tlsc__conn_fail(c, TLSC_ERR_TIMEOUT_TOTAL,
                                   "sending to %s: the total time limit passed (%lu bytes "
                                   "left)", c->host, (unsigned long)len);
        if (deadline != 0 && tlsc_now_ms() >= deadline)
            return tlsc__conn_fail(c, TLSC_ERR_TIMEOUT_WRITE,
                                   "could not send to %s within %lu ms (%lu bytes left)",
                                   c->host, (unsigned long)c->cfg->io_ms, (unsigned long)len);
        err = tlsc__conn_wait(c, err, deadline);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static tlsc_err send_close_notify(tlsc_conn *c)
{
    uint64_t deadline = io_deadline(c);
    tlsc_err err;
    while (tlsc__is_want(err = tlsc_conn_shutdown(c))) {
        err = wait_or_timeout(c, err, deadline, TLSC_ERR_TIMEOUT_WRITE);
        if (err != TLSC_OK)
            return err;
    }
    return err;
}

tlsc_err tlsc_conn_close(tlsc_conn *c)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = c->state == TLSC__OPEN && c->err == TLSC_OK ? send_close_notify(c)
                                                               : c->err;
    /* The peer's close_notify was answered with ours when it arrived
     * (conn.c): the session ended cleanly, which is what close asks for. */
    if (c->state == TLSC__NEW || err == TLSC_ERR_CLOSED)
        err = TLSC_OK;
    tlsc__conn_close_transport(c);
    return err;
}

/* ---- tlsc_tcp_connect ------------------------------------------------------------ */

/*
 * tlsc_tcp_connect (tlsc/transport.h): the platform's TCP transport, with
 * its address iteration, opened and waited for like a connection's, for
 * callers that speak something other than TLS over it (the hand-built
 * ClientHellos of `tlsc probe`). A tlsc_tcp is a tlsc__tcp.
 */

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
    if (out != NULL)
        *out = NULL; /* every failure leaves nothing to release */
    if (out == NULL || host == NULL || port == 0 || (detail == NULL && cap != 0))
        return TLSC_ERR_INVALID_ARG;
    if (!tlsc__host_copy(host, text, false)) {
        /* The detail names the error the header promises it for. */
        if (cap != 0)
            snprintf(detail, cap, "not a host name of at most %d characters: %.64s%s",
                     TLSC_HOST_MAX, host, strlen(host) > 64 ? "..." : "");
        return TLSC_ERR_HOSTNAME;
    }
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
