/*
 * tlsc's transport over lwIP's raw TCP API (NO_SYS=1): see tlsc/lwip.h for
 * the contract. The lwIP callbacks only queue and set flags; the work
 * happens when tlsc calls send/recv.
 */
#include <string.h>

#include "core/alloc.h"
#include "platform/lwip/lwip_internal.h"
#include "tlsc/lwip.h"

#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"

enum lw_state { LW_RESOLVING, LW_CONNECTING, LW_OPEN, LW_FAILED };

struct tlsc_lwip {
    struct tcp_pcb *pcb;     /* NULL once lwIP freed it (err callback) */
    enum lw_state state;
    tlsc_err failure;        /* set with LW_FAILED */
    struct pbuf *rx;         /* received, not yet read by tlsc */
    u16_t rx_off;            /* bytes of rx (first pbuf) already read */
    bool fin;                /* the peer sent FIN after rx */
    bool orphan;             /* closed while the DNS query was pending */
    uint16_t port;
    tlsc_ev *ev;             /* readiness goes here (event driver) */
};

static void (*g_poll)(void *ud);
static void *g_poll_ud;
static const char *(*g_map)(void *ud, const char *host);
static void *g_map_ud;

void tlsc_lwip_set_host_map(const char *(*map)(void *ud, const char *host), void *ud)
{
    g_map = map;
    g_map_ud = ud;
}

void tlsc_lwip_set_poll(void (*poll)(void *ud), void *ud)
{
    g_poll = poll;
    g_poll_ud = ud;
}

static void notify(tlsc_lwip *t, bool readable, bool writable)
{
    if (t->ev != NULL)
        tlsc_ev_transport_ready(t->ev, readable, writable);
}

static void fail(tlsc_lwip *t, tlsc_err why)
{
    t->state = LW_FAILED;
    t->failure = why;
    notify(t, true, true);
}

/* ---- lwIP callbacks --------------------------------------------------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)pcb;
    tlsc_lwip *t = arg;
    if (p == NULL) {
        t->fin = true;
    } else if (err != ERR_OK) {
        pbuf_free(p);
        return ERR_OK;
    } else if (t->rx == NULL) {
        t->rx = p;
    } else {
        pbuf_cat(t->rx, p); /* queued, not copied; acknowledged when read */
    }
    notify(t, true, false);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    notify(arg, false, true);
    return ERR_OK;
}

/* lwIP has already freed the pcb when this runs. */
static void on_err(void *arg, err_t err)
{
    tlsc_lwip *t = arg;
    t->pcb = NULL;
    if (err == ERR_RST)
        fail(t, t->state == LW_CONNECTING ? TLSC_ERR_CONN_REFUSED : TLSC_ERR_CONN_RESET);
    else if (err == ERR_CLSD) {
        t->fin = true;
        notify(t, true, true);
    } else
        fail(t, TLSC_ERR_NETWORK);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)pcb;
    tlsc_lwip *t = arg;
    if (err != ERR_OK) {
        fail(t, TLSC_ERR_NETWORK);
        return ERR_OK;
    }
    t->state = LW_OPEN;
    notify(t, true, true);
    return ERR_OK;
}

static void start_connect(tlsc_lwip *t, const ip_addr_t *addr)
{
    t->pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (t->pcb == NULL) {
        fail(t, TLSC_ERR_NO_MEMORY);
        return;
    }
    tcp_arg(t->pcb, t);
    tcp_recv(t->pcb, on_recv);
    tcp_sent(t->pcb, on_sent);
    tcp_err(t->pcb, on_err);
    tcp_nagle_disable(t->pcb); /* TLS records go out whole; no 200 ms stall */
    t->state = LW_CONNECTING;
    err_t e = tcp_connect(t->pcb, addr, t->port, on_connected);
    if (e != ERR_OK) {
        tcp_err(t->pcb, NULL);
        tcp_abort(t->pcb);
        t->pcb = NULL;
        fail(t, e == ERR_RTE ? TLSC_ERR_UNREACHABLE : TLSC_ERR_NETWORK);
    }
}

static void release(tlsc_lwip *t)
{
    if (t->rx != NULL)
        pbuf_free(t->rx);
    tlsc__free(t);
}

static void on_dns(const char *name, const ip_addr_t *addr, void *arg)
{
    (void)name;
    tlsc_lwip *t = arg;
    if (t->orphan) {
        release(t);
        return;
    }
    if (addr == NULL)
        fail(t, TLSC_ERR_DNS);
    else
        start_connect(t, addr);
}

/* ---- opening ------------------------------------------------------------ */

tlsc_err tlsc_lwip_open(tlsc_lwip **out, const char *host, uint16_t port)
{
    if (out == NULL || host == NULL || host[0] == '\0' || port == 0)
        return TLSC_ERR_INVALID_ARG;
    *out = NULL;
    if (strlen(host) > DNS_MAX_NAME_LENGTH)
        return TLSC_ERR_HOSTNAME;
    tlsc_lwip *t = tlsc__calloc(1, sizeof *t);
    if (t == NULL)
        return TLSC_ERR_NO_MEMORY;
    t->port = port;
    t->state = LW_RESOLVING;
    if (g_map != NULL) {
        const char *mapped = g_map(g_map_ud, host);
        host = mapped != NULL ? mapped : host;
    }
    ip_addr_t addr;
    err_t e = dns_gethostbyname(host, &addr, on_dns, t);
    if (e == ERR_OK)
        start_connect(t, &addr);
    else if (e != ERR_INPROGRESS)
        fail(t, TLSC_ERR_DNS);
    if (t->state == LW_FAILED && t->failure == TLSC_ERR_NO_MEMORY) {
        release(t);
        return TLSC_ERR_NO_MEMORY;
    }
    *out = t;
    return TLSC_OK;
}

/* ---- the transport ------------------------------------------------------ */

tlsc_err tlsc__lwip_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    tlsc_lwip *t = ctx;
    *sent = 0;
    if (t->state == LW_FAILED)
        return t->failure;
    /* Before the pcb test: while the name resolves there is no pcb yet. */
    if (t->state != LW_OPEN)
        return TLSC_WANT_WRITE;
    if (t->pcb == NULL)
        return TLSC_ERR_CONN_RESET; /* closed by the peer and gone */
    size_t room = tcp_sndbuf(t->pcb);
    if (room == 0 || tcp_sndqueuelen(t->pcb) >= TCP_SND_QUEUELEN)
        return TLSC_WANT_WRITE;
    u16_t n = (u16_t)(len < room ? len : room);
    err_t e = tcp_write(t->pcb, buf, n, TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM)
        return TLSC_WANT_WRITE; /* out of segments: retried after on_sent */
    if (e != ERR_OK)
        return TLSC_ERR_NETWORK;
    (void)tcp_output(t->pcb);
    *sent = n;
    return TLSC_OK;
}

tlsc_err tlsc__lwip_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    tlsc_lwip *t = ctx;
    size_t n = 0;
    /* One copy, from the queued pbufs into tlsc's buffer; each pbuf is
     * released as soon as it is fully read. */
    while (t->rx != NULL && n < len) {
        struct pbuf *p = t->rx;
        size_t take = p->len - t->rx_off;
        if (take > len - n)
            take = len - n;
        memcpy(buf + n, (const unsigned char *)p->payload + t->rx_off, take);
        n += take;
        t->rx_off = (u16_t)(t->rx_off + take);
        if (t->rx_off == p->len) {
            t->rx = p->next;
            if (t->rx != NULL)
                pbuf_ref(t->rx);
            pbuf_free(p);
            t->rx_off = 0;
        }
    }
    *got = n;
    if (n > 0) {
        if (t->pcb != NULL)
            tcp_recved(t->pcb, (u16_t)n); /* reopen the window by what tlsc took */
        return TLSC_OK;
    }
    if (t->fin)
        return TLSC_OK; /* end of stream after the data */
    if (t->state == LW_FAILED)
        return t->failure;
    return TLSC_WANT_READ;
}

tlsc_err tlsc__lwip_wait(void *ctx, bool want_read, bool want_write, int timeout_ms)
{
    (void)want_read;
    (void)want_write;
    (void)timeout_ms;
    (void)ctx;
    /* One pass of the application's main loop; the caller re-checks the
     * transport and its deadline. */
    if (g_poll == NULL)
        return TLSC_ERR_CONFIG;
    g_poll(g_poll_ud);
    return TLSC_OK;
}

void tlsc__lwip_close(void *ctx)
{
    tlsc_lwip *t = ctx;
    t->ev = NULL;
    if (t->pcb != NULL) {
        tcp_arg(t->pcb, NULL);
        tcp_recv(t->pcb, NULL);
        tcp_sent(t->pcb, NULL);
        tcp_err(t->pcb, NULL);
        if (tcp_close(t->pcb) != ERR_OK)
            tcp_abort(t->pcb);
        t->pcb = NULL;
    }
    if (t->state == LW_RESOLVING) {
        t->orphan = true; /* on_dns frees it: lwIP still holds the pointer */
        return;
    }
    release(t);
}

const tlsc_transport tlsc_lwip_transport = { tlsc__lwip_send, tlsc__lwip_recv, tlsc__lwip_wait,
                                             tlsc__lwip_close };

tlsc_err tlsc_lwip_connected(const tlsc_lwip *t)
{
    if (t == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (t->state == LW_FAILED)
        return t->failure;
    return t->state == LW_OPEN ? TLSC_OK : TLSC_WANT_WRITE;
}

tlsc_err tlsc_lwip_ev_connect(tlsc_ev *ev, const char *host, uint16_t port,
                              const char *server_name)
{
    if (ev == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_lwip *t;
    tlsc_err err = tlsc_lwip_open(&t, host, port);
    if (err != TLSC_OK)
        return err;
    err = tlsc_ev_connect_transport(ev, server_name != NULL ? server_name : host,
                                    &tlsc_lwip_transport, t);
    if (err != TLSC_OK) {
        tlsc__lwip_close(t);
        return err;
    }
    t->ev = ev;
    notify(t, true, true);
    return TLSC_OK;
}
