/*
 * The non-blocking connection core. Every entry point advances as far as it
 * can without waiting and answers TLSC_WANT_READ / TLSC_WANT_WRITE
 * otherwise; the blocking driver (blocking.c) and the event loop are loops
 * around these functions. mbedTLS is fed through the BIO callbacks below,
 * which translate the transport's answers.
 *
 *   NEW --start--> CONNECTING --tcp up--> HANDSHAKE --done--> OPEN
 *    (user transport: NEW --start--> HANDSHAKE)      any --error--> FAILED
 */
#include <limits.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/alloc.h"
#include "core/base/hostname.h"
#include "core/base/ip.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/log.h"
#include "core/config/suites.h"
#include "core/mbedtls/peek.h"
#include "core/tls/buffers.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/context.h"
#include "core/tls/freeze.h"
#include "core/tls/keylog.h"
#include "core/tls/session.h"
#include "core/verify/verify.h"

#include "mbedtls/net_sockets.h"

/* ---- BIO: mbedTLS <-> transport ------------------------------------------- */

static int want_to_mbedtls(tlsc_err e)
{
    return e == TLSC_WANT_READ ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* The text is made from these facts if the error becomes sticky (errmap.c). */
static void note_io_error(tlsc_conn *c, tlsc_err e, const char *op)
{
    c->io_err = e;
    c->io_err_on_send = (op[0] == 's');
}

static int clip(size_t len)
{
    return len > INT_MAX ? INT_MAX : (int)len;
}

/*
 * tlsc has no renegotiation (it is compiled out of mbedTLS): mbedTLS answers
 * a TLS 1.2 server's HelloRequest, inside mbedtls_ssl_read, with a
 * no_renegotiation warning (RFC 5246 7.4.1.1 lets a client decline) and
 * the connection goes on. That warning is the only alert mbedTLS sends
 * while reading on an open connection without failing the read itself,
 * and in TLS 1.2 a record's type is in clear: note it, so that if the
 * server then gives up with a fatal alert, the error says why.
 */
static void note_renegotiation(tlsc_conn *c, const unsigned char *buf, size_t len)
{
    if (!c->in_read || c->state != TLSC__OPEN || c->reneg_refused || len < 5 ||
        buf[0] != MBEDTLS_SSL_MSG_ALERT)
        return;
    c->reneg_refused = true;
    tlsc__log(c->cfg, TLSC_LOG_ERROR,
              "WARNING: %s asked to renegotiate; declined (tlsc does not renegotiate)", c->host);
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    tlsc_conn *c = ctx;
    note_renegotiation(c, buf, len);
    size_t sent = 0;
    tlsc_err e = c->tp.send(c->tp_ctx, buf, (size_t)clip(len), &sent);
    if (e == TLSC_OK && sent > 0 && c->tap != NULL)
        c->tap(c->tap_ud, true, buf, sent);
    if (e == TLSC_OK)
        return (int)sent;
    if (tlsc__is_want(e))
        return want_to_mbedtls(e);
    note_io_error(c, e, "sending to");
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    tlsc_conn *c = ctx;
    size_t got = 0;
    tlsc_err e = c->tp.recv(c->tp_ctx, buf, (size_t)clip(len), &got);
    if (e == TLSC_OK && got > 0 && c->tap != NULL)
        c->tap(c->tap_ud, false, buf, got);
    if (e == TLSC_OK) {
        c->peer_closed = (got == 0);
        if (got != 0 && tlsc__conn_in_fit(c, buf, got) != 0)
            return MBEDTLS_ERR_SSL_ALLOC_FAILED; /* no room for the record */
        return (int)got; /* 0: end of stream, mbedTLS reports CONN_EOF */
    }
    if (tlsc__is_want(e))
        return want_to_mbedtls(e);
    note_io_error(c, e, "receiving from");
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- lifetime ------------------------------------------------------------- */

static tlsc_err setup_ssl(tlsc_conn *c)
{
    mbedtls_ssl_init(&c->ssl);
    tlsc_err err = tlsc__conn_ssl_setup(c);
    if (err != TLSC_OK)
        return err;
    mbedtls_ssl_set_verify(&c->ssl, tlsc__path_vrfy_cb, &c->v);
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
    tlsc__keylog_attach(c);
    return TLSC_OK;
}

static tlsc_err new_conn(tlsc_config *cfg, tlsc_conn **out, bool parked);

tlsc_err tlsc_conn_new(tlsc_config *cfg, tlsc_conn **out)
{
    return new_conn(cfg, out, false);
}

tlsc_err tlsc__conn_new_parked(tlsc_config *cfg, tlsc_conn **out)
{
    return new_conn(cfg, out, true);
}

/* A parked connection gets its mbedTLS context (and record buffers) only
 * when it starts. */
static tlsc_err unpark(tlsc_conn *c)
{
    if (!c->parked)
        return TLSC_OK;
    tlsc_err err = setup_ssl(c);
    if (err != TLSC_OK)
        return tlsc__conn_fail(c, err, "no memory for the connection's TLS state (record "
                                       "buffers) when it started (heap in use %lu bytes)",
                               (unsigned long)(tlsc_heap_current()));
    c->parked = false;
    return TLSC_OK;
}

static tlsc_err new_conn(tlsc_config *cfg, tlsc_conn **out, bool parked)
{
    if (cfg == NULL || out == NULL)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    if (!tlsc__config_has_trust(cfg))
        return tlsc__config_fail_static(cfg, TLSC_ERR_NO_TRUST,
                                        "the configuration has no CA, CA bundle, pin or PSK");
    if (!tlsc__suites_offerable(cfg))
        return tlsc__config_fail_static(cfg, TLSC_ERR_CONFIG,
                                        "no cipher suite to offer: those allowed by "
                                        "tlsc_config_set_suites do not fit the TLS versions "
                                        "or credentials of the configuration (a signer's RSA "
                                        "key allows TLS 1.2 only)");
    tlsc_err err = tlsc__config_freeze(cfg);
    if (err != TLSC_OK)
        return err;
    tlsc_conn *c = tlsc__calloc(1, sizeof *c);
    if (c == NULL)
        return TLSC_ERR_NO_MEMORY;
    c->cfg = cfg;
    tlsc__config_ref(cfg);
    c->parked = parked;
    /* calloc'd: the same as mbedtls_ssl_init, freed harmlessly if never set up */
    err = parked ? TLSC_OK : setup_ssl(c);
    if (err != TLSC_OK) {
        tlsc_conn_free(c);
        return err;
    }
    *out = c;
    return TLSC_OK;
}

static void close_transport(tlsc_conn *c)
{
    if (c->tcp != NULL) {
        tlsc__tcp_close(c->tcp);
        c->tcp = NULL;
    } else if (c->user_transport && c->tp.close != NULL) {
        c->tp.close(c->tp_ctx);
    }
    c->user_transport = false;
    c->tp_ctx = NULL;
}

void tlsc_conn_free(tlsc_conn *c)
{
    if (c == NULL)
        return;
    close_transport(c);
    tlsc__session_free(c);
    mbedtls_ssl_free(&c->ssl); /* zeroizes keys and buffers */
    tlsc__verify_end(&c->v);
    tlsc__free(c->errmsg);
    tlsc__free(c->host);
    tlsc__free(c->name);
    tlsc_config_free(c->cfg);
    tlsc__free_secret(c, sizeof *c);
}

void tlsc__conn_drop_tls(tlsc_conn *c)
{
    /* mbedtls_ssl_free leaves a zeroed context, which it frees again
     * harmlessly in tlsc_conn_free. */
    mbedtls_ssl_free(&c->ssl);
    c->state = c->state == TLSC__FAILED ? TLSC__FAILED : TLSC__CLOSED;
}

tlsc_err tlsc_conn_set_transport(tlsc_conn *c, const tlsc_transport *ops, void *ctx)
{
    if (c == NULL || ops == NULL || ops->send == NULL || ops->recv == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->state != TLSC__NEW || c->user_transport)
        return TLSC_ERR_STATE;
    c->tp = *ops;
    c->tp_ctx = ctx;
    c->user_transport = true;
    return TLSC_OK;
}

tlsc_err tlsc_conn_set_tap(tlsc_conn *c, tlsc_tap_fn fn, void *ud)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->state != TLSC__NEW)
        return TLSC_ERR_STATE;
    c->tap = fn;
    c->tap_ud = ud;
    return TLSC_OK;
}

/* ---- start ---------------------------------------------------------------- */

tlsc_err tlsc_conn_set_server_name(tlsc_conn *c, const char *name)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->state != TLSC__NEW)
        return TLSC_ERR_STATE;
    if (name == NULL) {
        tlsc__free(c->name);
        c->name = NULL;
        return TLSC_OK;
    }
    char text[TLSC_HOST_MAX + 1];
    if (!tlsc__host_copy(name, text, true))
        return TLSC_ERR_HOSTNAME;
    tlsc__replace_str(&c->name, text);
    return c->name != NULL ? TLSC_OK : TLSC_ERR_NO_MEMORY;
}

static tlsc_err set_host(tlsc_conn *c, const char *host, uint16_t port)
{
    char text[TLSC_HOST_MAX + 1], name[TLSC_HOST_MAX + 1];
    if (!tlsc__host_copy(host, text, false) || !tlsc__host_copy(host, name, true))
        return tlsc__conn_fail(c, TLSC_ERR_HOSTNAME, "invalid host name '%.80s'",
                               host ? host : "(null)");
    /* the host as given for the resolver; the canonical name for SNI,
     * verification and sessions */
    c->host = tlsc__strdup(text);
    if (c->host != NULL && c->name == NULL)
        c->name = tlsc__strdup(name);
    if (c->host == NULL || c->name == NULL)
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY, "no memory for the host name");
    c->port = port;
    if (!tlsc__parse_ip(c->name, c->ip, &c->ip_len))
        c->ip_len = 0;
    tlsc__verify_begin(&c->v, c->cfg, c->name, c->ip, c->ip_len);
    return TLSC_OK;
}

/* SNI for names only (RFC 6066 forbids IP literals; c->name has no final
 * dot, see tlsc__host_copy). For an IP, NULL tells mbedTLS that tlsc
 * verifies the address itself. */
static tlsc_err set_sni(tlsc_conn *c)
{
    int ret = mbedtls_ssl_set_hostname(&c->ssl, c->ip_len ? NULL : c->name);
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY, "no memory for the host name");
    if (ret != 0)
        return tlsc__conn_fail_mbedtls(c, ret, "setting the host name");
    return TLSC_OK;
}

static bool verifies_certificates(const tlsc_config *cfg)
{
    return !tlsc__config_psk_only(cfg) && !cfg->insecure;
}

static tlsc_err check_clock(tlsc_conn *c)
{
    const tlsc_config *cfg = c->cfg;
    if (!verifies_certificates(cfg))
        return TLSC_OK;
    int64_t now = tlsc__config_now(cfg);
    if (now >= 0)
        return TLSC_OK;
    if (cfg->allow_unknown_time) {
        tlsc__log(cfg, TLSC_LOG_ERROR,
                  "WARNING: time unknown; certificate dates are NOT checked for %s", c->name);
        return TLSC_OK;
    }
    return tlsc__conn_fail(c, TLSC_ERR_CLOCK_NOT_SET,
                           "the clock does not know the current time, so certificate dates "
                           "cannot be checked; set it (e.g. SNTP) before connecting, or call "
                           "tlsc_config_allow_unknown_time");
}

static uint64_t deadline_after(uint32_t ms)
{
    return ms ? tlsc_now_ms() + ms : 0;
}

static void begin_handshake(tlsc_conn *c)
{
    c->state = TLSC__HANDSHAKE;
    c->handshake_start = tlsc_now_ms();
    c->handshake_deadline = deadline_after(c->cfg->handshake_ms);
    c->want_read = false;
    c->want_write = true;
    tlsc_heap_reset_peak();
}

/* The platform's TCP: it resolves c->host itself (count 0) or takes the
 * addresses the event driver's lookup found, and moves to the next address
 * on failure (tlsc__tcp_poll_connect, tlsc__tcp_next). */
static tlsc_err open_tcp(tlsc_conn *c, const tlsc__addr_text *addrs, size_t count)
{
    char detail[TLSC_ERRMSG_MAX] = "";
    tlsc_err err = tlsc__tcp_open(&c->tcp, c->host, addrs, count, c->port, detail,
                                  sizeof detail);
    if (err != TLSC_OK)
        return tlsc__conn_fail(c, err, "%s", detail);
    c->tp = tlsc__tcp_transport;
    c->tp_ctx = c->tcp;
    c->state = TLSC__CONNECTING;
    c->want_write = true;
    return TLSC_OK;
}

tlsc_err tlsc_conn_start(tlsc_conn *c, const char *host, uint16_t port)
{
    return tlsc__conn_start_at(c, host, port, NULL, 0);
}

tlsc_err tlsc__conn_start_at(tlsc_conn *c, const char *host, uint16_t port,
                             const tlsc__addr_text *addrs, size_t count)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->err != TLSC_OK)
        return c->err;
    if (c->state != TLSC__NEW)
        return TLSC_ERR_STATE;
    tlsc_err err = unpark(c);
    if (err == TLSC_OK)
        err = set_host(c, host, port);
    if (err == TLSC_OK)
        err = set_sni(c);
    if (err == TLSC_OK)
        err = check_clock(c);
    if (err == TLSC_OK)
        err = tlsc__session_offer(c);
    if (err != TLSC_OK)
        return err;
    if (c->cfg->insecure)
        tlsc__log(c->cfg, TLSC_LOG_ERROR,
                  "WARNING: insecure mode: the certificate of %s is NOT verified", c->name);
    tlsc__log(c->cfg, TLSC_LOG_INFO, "connecting to %s port %u", c->host, port);
    c->connect_deadline = deadline_after(c->cfg->connect_ms);
    if (c->user_transport) {
        begin_handshake(c);
        return TLSC_OK;
    }
    return open_tcp(c, addrs, count);
}

/* ---- step ----------------------------------------------------------------- */

static bool past(uint64_t deadline)
{
    return deadline != 0 && tlsc_now_ms() >= deadline;
}

/* The connect to one address took connect_ms: the next address gets as
 * long again (as a fresh attempt would), or the connect is over. */
static tlsc_err connect_timed_out(tlsc_conn *c)
{
    char detail[TLSC_ERRMSG_MAX] = "";
    if (tlsc__tcp_next(c->tcp, detail, sizeof detail) == TLSC_WANT_WRITE) {
        tlsc__log(c->cfg, TLSC_LOG_INFO, "%s; trying the next address of %s", detail, c->host);
        c->connect_deadline = deadline_after(c->cfg->connect_ms);
        return TLSC_WANT_WRITE;
    }
    return tlsc__conn_fail(c, TLSC_ERR_TIMEOUT_CONNECT,
                           "TCP connection to %s port %u not established within %lu ms",
                           c->host, c->port, (unsigned long)c->cfg->connect_ms);
}

static tlsc_err step_connect(tlsc_conn *c)
{
    if (past(c->connect_deadline))
        return connect_timed_out(c);
    char detail[TLSC_ERRMSG_MAX] = "";
    tlsc_err err = tlsc__tcp_poll_connect(c->tcp, detail, sizeof detail);
    if (err == TLSC_WANT_WRITE && detail[0] != '\0')
        tlsc__log(c->cfg, TLSC_LOG_INFO, "%s; trying the next address of %s", detail, c->host);
    if (err == TLSC_WANT_WRITE)
        return err;
    if (err != TLSC_OK)
        return tlsc__conn_fail(c, err, "%s", detail);
    tlsc__log(c->cfg, TLSC_LOG_DEBUG, "TCP connected to %s (%s) port %u", c->host,
              tlsc__tcp_address(c->tcp), c->port);
    begin_handshake(c);
    return TLSC_OK;
}

/* Users know the IANA names; mbedTLS's own (static too) is the fallback
 * for a suite outside tlsc's table, which tlsc never offers. */
static const char *suite_name(const mbedtls_ssl_context *ssl)
{
    const char *name = tlsc__suite_iana_name(mbedtls_ssl_get_ciphersuite_id_from_ssl(ssl));
    return name != NULL ? name : mbedtls_ssl_get_ciphersuite(ssl);
}

static tlsc_err finish_handshake(tlsc_conn *c)
{
    tlsc_err err = tlsc__conn_buffers_after_handshake(c);
    if (err != TLSC_OK)
        return err;
    c->state = TLSC__OPEN;
    c->want_read = c->want_write = false;
    c->handshake_ms = (uint32_t)(tlsc_now_ms() - c->handshake_start);
    c->handshake_heap_peak = tlsc_heap_peak();
    c->cipher = suite_name(&c->ssl);
    /* TLS 1.3 tickets come after the handshake (see tlsc_conn_recv). */
    if (mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
        tlsc__session_capture(c);
        /* The server's Finished came after it checked our certificate. */
        tlsc__conn_cc_accepted(c);
    }
    tlsc__log(c->cfg, TLSC_LOG_INFO, "handshake with %s done: %s, %s, %s, %lu ms", c->host,
              mbedtls_ssl_get_version(&c->ssl), c->cipher, c->group ? c->group : "no group",
              (unsigned long)c->handshake_ms);
    return TLSC_OK;
}

/* Record what mbedTLS only knows while the handshake runs. */
static void observe_handshake(tlsc_conn *c)
{
    const char *group = tlsc__peek_group(&c->ssl);
    if (group != NULL)
        c->group = group;
    size_t hs_len = tlsc__peek_hs_len(&c->ssl);
    if (hs_len > c->hs_msg_max)
        c->hs_msg_max = hs_len;
    int resumed = tlsc__peek_resumed(&c->ssl);
    if (resumed >= 0)
        c->resumed = resumed; /* the last value before the state is freed */
    if (tlsc__peek_client_auth(&c->ssl) > 0)
        c->cert_requested = true;
}

static tlsc_err mbedtls_want(tlsc_conn *c, int ret)
{
    c->want_read = (ret == MBEDTLS_ERR_SSL_WANT_READ);
    c->want_write = (ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (c->want_read && c->state == TLSC__OPEN)
        tlsc__conn_buffers_idle(c); /* waiting: nothing is buffered */
    return c->want_read ? TLSC_WANT_READ : TLSC_WANT_WRITE;
}

static bool is_mbedtls_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* A write that failed because the server closed first: report the alert
 * it sent before closing, if one is waiting, rather than the reset (a
 * TLS 1.3 server refuses our certificate after our Finished, so the next
 * write after the handshake meets the closed socket too). */
static tlsc_err fail_sending(tlsc_conn *c, int ret, const char *during)
{
    if (c->io_err != TLSC_OK && c->io_err_on_send) {
        tlsc_err saved = c->io_err;
        c->io_err = TLSC_OK;
        tlsc__time_enter(c->cfg);
        int alert = tlsc__peek_pending_alert(&c->ssl);
        tlsc__time_leave();
        if (alert >= 0)
            return tlsc__conn_fail_alert(c, alert, during);
        c->io_err = saved;
    }
    return tlsc__conn_fail_mbedtls(c, ret, during);
}

static tlsc_err fail_handshake(tlsc_conn *c, int ret)
{
    if (c->io_err != TLSC_OK && c->io_err_on_send)
        return fail_sending(c, ret, "during the handshake, then closed the connection");
    return tlsc__conn_fail_mbedtls(c, ret, "during the handshake");
}

static tlsc_err step_handshake(tlsc_conn *c)
{
    if (past(c->handshake_deadline))
        return tlsc__conn_fail(c, TLSC_ERR_TIMEOUT_HANDSHAKE,
                               "TLS handshake with %s port %u not completed within %lu ms",
                               c->host, c->port, (unsigned long)c->cfg->handshake_ms);
    int ret = 0;
    tlsc__conn_enter(c);
    while (ret == 0 && !mbedtls_ssl_is_handshake_over(&c->ssl)) {
        ret = mbedtls_ssl_handshake_step(&c->ssl);
        observe_handshake(c);
    }
    if (tlsc__alloc_failures() != c->alloc_mark)
        c->hs_alloc_failed = true;
    tlsc__time_leave();
    if (is_mbedtls_want(ret))
        return mbedtls_want(c, ret);
    if (ret != 0)
        return fail_handshake(c, ret);
    return finish_handshake(c);
}

tlsc_err tlsc_conn_step(tlsc_conn *c)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->err != TLSC_OK)
        return c->err;
    tlsc_err err = TLSC_OK;
    if (c->state == TLSC__CONNECTING)
        err = step_connect(c);
    if (err == TLSC_OK && c->state == TLSC__HANDSHAKE)
        err = step_handshake(c);
    if (err == TLSC_OK && c->state != TLSC__OPEN)
        return TLSC_ERR_STATE;
    return err;
}

void tlsc_conn_poll_info(const tlsc_conn *c, int *fd, bool *want_read,
                         bool *want_write, uint64_t *deadline_ms)
{
    uint64_t deadline = 0;
    if (c != NULL && c->state == TLSC__CONNECTING)
        deadline = c->connect_deadline;
    else if (c != NULL && c->state == TLSC__HANDSHAKE)
        deadline = c->handshake_deadline;
    if (fd != NULL)
        *fd = c ? tlsc__tcp_fd(c->tcp) : -1;
    if (want_read != NULL)
        *want_read = c ? c->want_read : false;
    if (want_write != NULL)
        *want_write = c ? c->want_write : false;
    if (deadline_ms != NULL)
        *deadline_ms = deadline;
}

/* ---- data ----------------------------------------------------------------- */

static tlsc_err check_open(tlsc_conn *c)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->err != TLSC_OK)
        return c->err;
    return c->state == TLSC__OPEN ? TLSC_OK : TLSC_ERR_STATE;
}

/*
 * The peer's close_notify is answered with ours (RFC 5246 7.2.1 requires
 * it; RFC 8446 6.1 lets a TLS 1.3 peer expect it), in one non-blocking
 * attempt: the peer may have gone already, and nothing more is owed. A
 * transport error here is not the connection's error.
 */
static void answer_close_notify(tlsc_conn *c)
{
    tlsc__conn_enter(c);
    (void)mbedtls_ssl_close_notify(&c->ssl);
    tlsc__time_leave();
    c->io_err = TLSC_OK;
}

static tlsc_err read_error(tlsc_conn *c, int ret)
{
    if (ret == 0)
        return tlsc__conn_fail(c, TLSC_ERR_TRUNCATED,
                               "peer closed the connection without close_notify");
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
        tlsc__log(c->cfg, TLSC_LOG_INFO, "%s sent close_notify; answered", c->host);
        answer_close_notify(c);
        return tlsc__conn_fail(c, TLSC_ERR_CLOSED, "peer sent close_notify");
    }
    return tlsc__conn_fail_mbedtls(c, ret, "while reading");
}

/*
 * Whether a read must be repeated at once: a TLS 1.3 ticket was received
 * (keep it), or mbedTLS answered WANT_READ while it still holds a complete
 * message it will only process on the next call (check_pending) — waiting
 * on the socket then would stall until more data or the timeout.
 */
static bool again(tlsc_conn *c, int ret)
{
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        tlsc__session_capture(c);
        tlsc__conn_cc_accepted(c); /* the server went on after our Finished */
        return true;
    }
    return ret == MBEDTLS_ERR_SSL_WANT_READ && mbedtls_ssl_check_pending(&c->ssl);
}

tlsc_err tlsc_conn_recv(tlsc_conn *c, void *buf, size_t len, size_t *got)
{
    tlsc_err err = check_open(c);
    if (err != TLSC_OK)
        return err;
    if (buf == NULL || len == 0 || got == NULL)
        return TLSC_ERR_INVALID_ARG;
    *got = 0;
    int ret;
    tlsc__conn_enter(c);
    c->in_read = true;
    /* TLS 1.3 tickets arrive as post-handshake messages: keep each, read on. */
    while (again(c, ret = mbedtls_ssl_read(&c->ssl, buf, (size_t)clip(len))))
        ;
    tlsc__time_leave();
    c->in_read = false;
    if (ret > 0) {
        tlsc__conn_cc_accepted(c);
        c->hs_alloc_failed = false; /* the peer took our Finished */
        *got = (size_t)ret;
        return TLSC_OK;
    }
    return is_mbedtls_want(ret) ? mbedtls_want(c, ret) : read_error(c, ret);
}

/*
 * A zero-length mbedtls_ssl_read processes handshake records (tickets)
 * and stops at application data without consuming it. It also answers 0
 * at end of stream, which the BIO's peer_closed flag tells apart.
 */
tlsc_err tlsc__conn_pump(tlsc_conn *c)
{
    tlsc_err err = check_open(c);
    if (err != TLSC_OK)
        return err;
    unsigned char none[1];
    int ret;
    tlsc__conn_enter(c);
    c->in_read = true;
    while (again(c, ret = mbedtls_ssl_read(&c->ssl, none, 0)))
        ;
    tlsc__time_leave();
    c->in_read = false;
    if (ret == 0 && !c->peer_closed) {
        tlsc__conn_cc_accepted(c); /* application data is waiting */
        c->hs_alloc_failed = false;
        return TLSC_OK;
    }
    return is_mbedtls_want(ret) ? mbedtls_want(c, ret) : read_error(c, ret);
}

tlsc_err tlsc_conn_send(tlsc_conn *c, const void *buf, size_t len, size_t *sent)
{
    tlsc_err err = check_open(c);
    if (err != TLSC_OK)
        return err;
    if (buf == NULL || sent == NULL)
        return TLSC_ERR_INVALID_ARG;
    *sent = 0;
    /* At most one record of the (possibly shrunk) output buffer. */
    size_t max = tlsc__conn_send_max(c);
    len = len < max ? len : max;
    int ret;
    tlsc__conn_enter(c);
    /* mbedTLS also processes incoming tickets when asked to write. */
    while ((ret = mbedtls_ssl_write(&c->ssl, buf, (size_t)clip(len))) ==
           MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        tlsc__session_capture(c);
    tlsc__time_leave();
    if (ret >= 0) {
        *sent = (size_t)ret;
        return TLSC_OK;
    }
    if (is_mbedtls_want(ret))
        return mbedtls_want(c, ret);
    return fail_sending(c, ret, "while writing");
}

tlsc_err tlsc_conn_shutdown(tlsc_conn *c)
{
    tlsc_err err = check_open(c);
    if (err != TLSC_OK)
        return err;
    int ret;
    tlsc__conn_enter(c);
    while ((ret = mbedtls_ssl_close_notify(&c->ssl)) ==
           MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        tlsc__session_capture(c);
    tlsc__time_leave();
    if (ret == 0)
        return TLSC_OK;
    if (is_mbedtls_want(ret))
        return mbedtls_want(c, ret);
    return fail_sending(c, ret, "while sending close_notify");
}

/* Used by blocking.c: drop the transport and mark the connection closed. */
void tlsc__conn_close_transport(tlsc_conn *c)
{
    close_transport(c);
    if (c->state != TLSC__FAILED)
        c->state = TLSC__CLOSED;
}

/* ---- facts ---------------------------------------------------------------- */

tlsc_err tlsc_conn_error(const tlsc_conn *c)
{
    return c ? c->err : TLSC_ERR_INVALID_ARG;
}

/* Without memory for the detail, the error's static message. */
const char *tlsc_conn_errmsg(const tlsc_conn *c)
{
    if (c == NULL || c->err == TLSC_OK)
        return "";
    return c->errmsg != NULL ? c->errmsg : tlsc_strerror(c->err);
}

static bool handshake_done(const tlsc_conn *c)
{
    return c != NULL && c->cipher != NULL;
}

const char *tlsc_conn_protocol(const tlsc_conn *c)
{
    return handshake_done(c) ? mbedtls_ssl_get_version(&c->ssl) : "";
}

const char *tlsc_conn_cipher(const tlsc_conn *c)
{
    return handshake_done(c) ? c->cipher : "";
}

const char *tlsc_conn_group(const tlsc_conn *c)
{
    return c && c->group ? c->group : "";
}

const char *tlsc_conn_alpn(const tlsc_conn *c)
{
    const char *p = handshake_done(c) ? mbedtls_ssl_get_alpn_protocol(&c->ssl) : NULL;
    return p ? p : "";
}

const char *tlsc_conn_peer_subject(const tlsc_conn *c)
{
    return c ? tlsc__conn_subject(c) : "";
}

uint32_t tlsc_conn_verify_flags(const tlsc_conn *c)
{
    return c ? c->v.vflags : 0;
}

bool tlsc_conn_resumed(const tlsc_conn *c)
{
    return c ? c->resumed : false;
}

uint32_t tlsc_conn_handshake_ms(const tlsc_conn *c)
{
    return c ? c->handshake_ms : 0;
}

size_t tlsc_conn_handshake_heap_peak(const tlsc_conn *c)
{
    return c ? c->handshake_heap_peak : 0;
}

/* ---- the client certificate --------------------------------------------- */

void tlsc__conn_cc_accepted(tlsc_conn *c)
{
    if (c->cert_requested && c->cc_verdict == TLSC__CC_UNKNOWN)
        c->cc_verdict = TLSC__CC_ACCEPTED;
}

bool tlsc_conn_client_cert_requested(const tlsc_conn *c)
{
    return c != NULL && c->cert_requested;
}

tlsc_client_cert_status tlsc_conn_client_cert_status(const tlsc_conn *c)
{
    if (c == NULL || !c->cert_requested)
        return TLSC_CLIENT_CERT_NOT_REQUESTED;
    if (c->cfg->own == NULL)
        return TLSC_CLIENT_CERT_NONE_SENT;
    if (c->cc_verdict == TLSC__CC_ACCEPTED)
        return TLSC_CLIENT_CERT_ACCEPTED;
    return c->cc_verdict == TLSC__CC_REJECTED ? TLSC_CLIENT_CERT_REJECTED : TLSC_CLIENT_CERT_SENT;
}

uint64_t tlsc_now_ms(void)
{
    return tlsc__monotonic_ms();
}
