/*
 * tools/cli_evconnect.c — `tlsc connect --driver event`: the same session
 * as the blocking path (summary, stdin -> server -> stdout, grace period
 * after stdin's end, --summary, --sess-out), driven by the event API.
 *
 * It is also the example of a foreign loop: one poll() here watches stdin
 * and the descriptors tlsc_loop_watches asks for, with the loop's timers,
 * then hands readiness back with tlsc_loop_fd_ready / tlsc_loop_process.
 * stdin is read only while the send queue has room, so a slow server
 * slows the reader instead of growing memory.
 */
#include "cli.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_WATCH 4
/* How long --summary --sess-out waits for a TLS 1.3 ticket (as the
 * blocking path's tlsc_conn_await_session). */
#define TICKET_WAIT_MS 2000u
#define QUEUE_LIMIT 65536u

typedef struct evc {
    const cli_ev_params *p;
    tlsc_loop *loop;
    tlsc_ev *ev;
    int rc;                 /* exit status once done */
    bool done, connected, have_session, stdin_open, summarized;
    uint64_t verdict_deadline; /* TLS 1.3 client certificate verdict; 0 = none */
    uint64_t grace_deadline;  /* after stdin's end; 0 = none */
    uint64_t ticket_deadline; /* --summary waiting for a ticket */
    unsigned char buf[16384];
} evc;

static void arm_grace(evc *c)
{
    c->grace_deadline = c->p->grace_ms ? tlsc_now_ms() + c->p->grace_ms : 0;
}

static void close_once(evc *c)
{
    /* TLSC_ERR_STATE: already closing or ended; nothing to do. */
    (void)tlsc_ev_close(c->ev);
    c->grace_deadline = c->ticket_deadline = 0;
}

/* The summary, once the handshake (and a certificate verdict) is in. */
static void summarize(evc *c)
{
    c->verdict_deadline = 0;
    if (c->summarized)
        return;
    c->summarized = true;
    c->p->summary(c->p->ctx, tlsc_ev_conn(c->ev));
    if (!c->p->summary_only)
        return;
    if (c->p->sess_out != NULL && !c->have_session)
        c->ticket_deadline = tlsc_now_ms() + TICKET_WAIT_MS;
    else
        close_once(c);
}

/* A TLS 1.3 server judges our certificate after the handshake: its
 * verdict (an alert, or a ticket or data) comes before the summary, as
 * in the blocking path's tlsc_conn_await_client_cert_verdict. */
static void on_connected(evc *c, tlsc_ev *ev)
{
    c->connected = true;
    if (!cli_client_cert_verdict_pending(tlsc_ev_conn(ev))) {
        summarize(c);
        return;
    }
    c->verdict_deadline = tlsc_now_ms() + (c->p->grace_ms ? c->p->grace_ms : 1000u);
}

static void on_receive(evc *c, const tlsc_event *e)
{
    const unsigned char *p = e->data;
    size_t len = e->len;
    summarize(c);
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "tlsc: cannot write to stdout: %s\n", strerror(errno));
            c->rc = CLI_EXIT_INTERNAL;
            close_once(c);
            return;
        }
        p += n;
        len -= (size_t)n;
    }
    if (!c->stdin_open && c->grace_deadline != 0)
        arm_grace(c); /* data keeps the session alive */
}

static void on_disconnected(evc *c, tlsc_ev *ev, const tlsc_event *e)
{
    c->done = true;
    if (c->connected && !c->summarized) {
        c->summarized = true;
        c->p->summary(c->p->ctx, tlsc_ev_conn(ev));
    }
    bool ok = e->how == TLSC_CLOSE_CLEAN || (e->how == TLSC_CLOSE_LOCAL && e->err == TLSC_OK);
    if (!ok && c->rc == CLI_EXIT_OK)
        c->rc = cli_report(e->err, e->detail);
    if (ok && c->rc == CLI_EXIT_OK && c->connected && c->p->sess_out != NULL)
        /* The connection keeps the newest session whatever the order of
         * events: export it (TLSC_ERR_NO_SESSION when none came). */
        c->rc = cli_session_write(tlsc_ev_conn(ev), c->p->sess_out, TLSC_OK);
}

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    evc *c = ud;
    switch (e->kind) {
    case TLSC_EV_CONNECTED: on_connected(c, ev); break;
    case TLSC_EV_SESSION:
        c->have_session = true;
        summarize(c);
        if (c->ticket_deadline != 0)
            close_once(c);
        break;
    case TLSC_EV_RECEIVE: on_receive(c, e); break;
    case TLSC_EV_DISCONNECTED: on_disconnected(c, ev, e); break;
    default: break;
    }
}

/* stdin is readable: queue what fits. */
static void pump_stdin(evc *c)
{
    size_t room = QUEUE_LIMIT - tlsc_ev_queued(c->ev);
    ssize_t n = read(STDIN_FILENO, c->buf, room < sizeof c->buf ? room : sizeof c->buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        if (n < 0)
            fprintf(stderr, "tlsc: cannot read stdin: %s\n", strerror(errno));
        c->stdin_open = false;
        arm_grace(c);
        return;
    }
    tlsc_err err = tlsc_ev_send(c->ev, c->buf, (size_t)n);
    if (err != TLSC_OK) {
        c->rc = cli_report(err, "stdin data could not be queued");
        close_once(c);
    }
}

static bool stdin_wanted(const evc *c)
{
    return c->stdin_open && c->connected && !c->p->summary_only &&
           tlsc_ev_queued(c->ev) < QUEUE_LIMIT / 2;
}

static uint64_t nearest(uint64_t a, uint64_t b)
{
    return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

static int wait_ms(const evc *c)
{
    uint64_t d = nearest(tlsc_loop_deadline(c->loop),
                         nearest(nearest(c->grace_deadline, c->ticket_deadline),
                                 c->verdict_deadline));
    if (d == 0)
        return -1;
    uint64_t now = tlsc_now_ms();
    return d <= now ? 0 : d - now > 60000 ? 60000 : (int)(d - now);
}

static void check_timers(evc *c)
{
    uint64_t now = tlsc_now_ms();
    if (c->verdict_deadline != 0 && now >= c->verdict_deadline)
        summarize(c); /* no verdict in time: "sent, no verdict yet" */
    if (c->ticket_deadline != 0 && now >= c->ticket_deadline)
        close_once(c); /* no ticket in time: on_disconnected warns */
    if (!c->stdin_open && c->grace_deadline != 0 && now >= c->grace_deadline)
        close_once(c);
}

/* One round of the application's loop. */
static int round_trip(evc *c)
{
    tlsc_watch w[MAX_WATCH];
    size_t n = tlsc_loop_watches(c->loop, w, MAX_WATCH);
    struct pollfd pf[MAX_WATCH + 1];
    if (n > MAX_WATCH)
        n = MAX_WATCH; /* one connection: never more than one watch */
    for (size_t i = 0; i < n; i++)
        pf[i] = (struct pollfd){.fd = w[i].fd,
                                .events = (short)((w[i].read ? POLLIN : 0) |
                                                  (w[i].write ? POLLOUT : 0))};
    bool use_stdin = stdin_wanted(c);
    pf[n] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(pf, n + use_stdin, wait_ms(c)) < 0 && errno != EINTR) {
        fprintf(stderr, "tlsc: poll: %s\n", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        short r = pf[i].revents;
        bool fault = (r & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        if (r != 0)
            tlsc_loop_fd_ready(c->loop, pf[i].fd, fault || (r & POLLIN), fault || (r & POLLOUT));
    }
    if (use_stdin && (pf[n].revents & POLLNVAL)) {
        c->stdin_open = false; /* no stdin at all: as an empty one */
        arm_grace(c);
    } else if (use_stdin && pf[n].revents != 0) {
        pump_stdin(c);
    }
    tlsc_err err = tlsc_loop_process(c->loop);
    if (err != TLSC_OK)
        return cli_report(err, "event loop");
    check_timers(c);
    return CLI_EXIT_OK;
}

static int start(evc *c)
{
    const cli_ev_params *p = c->p;
    tlsc_err err = tlsc_loop_new(&c->loop);
    if (err == TLSC_OK)
        err = tlsc_ev_new(c->loop, p->cfg, on_event, c, &c->ev);
    if (err == TLSC_ERR_NO_TRUST)
        return cli_report(err, "give --ca, --bundle, --pin, --psk or --insecure (no "
                               "system CA file " CLI_SYSTEM_CA_FILE ")");
    if (err != TLSC_OK)
        return cli_report(err, tlsc_config_errmsg(p->cfg));
    if (tlsc_ev_set_queue_limit(c->ev, QUEUE_LIMIT) != TLSC_OK)
        return cli_report(TLSC_ERR_INTERNAL, "queue limit");
    if (p->servername != NULL &&
        tlsc_conn_set_server_name(tlsc_ev_conn(c->ev), p->servername) != TLSC_OK)
        return cli_report(TLSC_ERR_HOSTNAME, "invalid --servername");
    if (p->sess_in != NULL)
        cli_session_load(tlsc_ev_conn(c->ev), p->sess_in);
    err = tlsc_ev_connect(c->ev, p->host, p->port);
    if (err != TLSC_OK)
        return cli_report(err, "invalid host");
    return CLI_EXIT_OK;
}

int cli_event_connect(const cli_ev_params *p)
{
    evc c = {.p = p, .rc = CLI_EXIT_OK, .stdin_open = true};
    int rc = start(&c);
    while (rc == CLI_EXIT_OK && !c.done)
        rc = round_trip(&c);
    tlsc_loop_free(c.loop); /* frees the connection too */
    return rc != CLI_EXIT_OK ? rc : c.rc;
}
