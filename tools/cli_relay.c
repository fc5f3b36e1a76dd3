/*
 * tools/cli_relay.c — the interactive part of `tlsc connect`: stdin goes to
 * the server, the server's data goes to stdout, until either side ends.
 *
 * The server side uses the non-blocking tlsc_conn_recv so one poll() can
 * watch both stdin and the socket. mbedTLS may hold decrypted data that the
 * socket no longer signals, so the relay always reads the connection until
 * it answers WANT_* before it polls again.
 *
 * At the end of stdin the relay does not hang up at once (that loses the
 * answer to a request piped in, the classic `echo ... | openssl s_client`
 * surprise): it keeps copying the server's data until the server closes or
 * stays silent for the grace period, then sends close_notify.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One TLS record's worth of plaintext. */
#define RELAY_BUF_SIZE 16384

/* Internal result meaning "keep relaying"; every other value is an exit
 * status. */
#define RELAY_MORE (-1)

typedef struct relay {
    tlsc_conn *conn;
    int fd;                 /* the socket under conn */
    short sock_events;      /* what the connection last waited for */
    bool stdin_open;
    uint32_t grace_ms;      /* 0 = wait for the server to close */
    uint64_t idle_deadline; /* after stdin's end; 0 = none */
    unsigned char buf[RELAY_BUF_SIZE];
} relay;

/* ---- helpers ---------------------------------------------------------------- */

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void arm_grace(relay *r)
{
    r->idle_deadline = r->grace_ms != 0 ? tlsc_now_ms() + r->grace_ms : 0;
}

static bool grace_over(const relay *r)
{
    return !r->stdin_open && r->idle_deadline != 0 &&
           tlsc_now_ms() >= r->idle_deadline;
}

static int poll_timeout(const relay *r)
{
    if (r->stdin_open || r->idle_deadline == 0)
        return -1;
    uint64_t now = tlsc_now_ms();
    if (now >= r->idle_deadline)
        return 0;
    uint64_t left = r->idle_deadline - now;
    return left > (uint64_t)INT_MAX ? INT_MAX : (int)left;
}

/* The connection ended or failed (err is never OK or WANT_*). */
static int server_ended(relay *r, tlsc_err err)
{
    /* close_notify from the server is the clean end of the session:
     * answer it and succeed. */
    if (err == TLSC_ERR_CLOSED) {
        (void)tlsc_conn_close(r->conn);
        return CLI_EXIT_OK;
    }
    return cli_report(err, tlsc_conn_errmsg(r->conn));
}

/* We end the session: stdin is done and the server went quiet. */
static int hang_up(relay *r)
{
    tlsc_err err = tlsc_conn_close(r->conn);
    if (err != TLSC_OK)
        return cli_report(err, tlsc_conn_errmsg(r->conn));
    return CLI_EXIT_OK;
}

/* ---- the two directions ------------------------------------------------------ */

/* Copy everything the connection can give now to stdout. */
static int drain_server(relay *r)
{
    for (;;) {
        size_t got = 0;
        tlsc_err err = tlsc_conn_recv(r->conn, r->buf, sizeof r->buf, &got);

        if (err == TLSC_WANT_READ || err == TLSC_WANT_WRITE) {
            r->sock_events = err == TLSC_WANT_READ ? POLLIN : POLLOUT;
            return RELAY_MORE;
        }
        if (err != TLSC_OK)
            return server_ended(r, err);
        int werr = write_all(STDOUT_FILENO, r->buf, got);
        if (werr != 0) {
            fprintf(stderr, "tlsc: cannot write to stdout: %s\n",
                    strerror(werr));
            return CLI_EXIT_INTERNAL;
        }
        /* Data keeps the session alive during the grace period. */
        if (!r->stdin_open)
            arm_grace(r);
    }
}

/* stdin is readable (or ended): forward one chunk to the server. */
static int pump_stdin(relay *r)
{
    ssize_t n = read(STDIN_FILENO, r->buf, sizeof r->buf);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return RELAY_MORE;
    if (n < 0) {
        fprintf(stderr, "tlsc: cannot read stdin: %s\n", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    if (n == 0) {
        r->stdin_open = false;
        arm_grace(r);
        return RELAY_MORE;
    }
    tlsc_err err = tlsc_conn_write(r->conn, r->buf, (size_t)n);
    return err == TLSC_OK ? RELAY_MORE : server_ended(r, err);
}

/* Wait for the socket or stdin; returns RELAY_MORE or an exit status. */
static int wait_ready(relay *r, bool *stdin_ready)
{
    struct pollfd p[2] = {
        {.fd = r->fd, .events = r->sock_events},
        {.fd = STDIN_FILENO, .events = POLLIN},
    };
    nfds_t count = r->stdin_open ? 2 : 1;

    *stdin_ready = false;
    if (poll(p, count, poll_timeout(r)) < 0) {
        if (errno == EINTR)
            return RELAY_MORE;
        fprintf(stderr, "tlsc: poll: %s\n", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    if (r->stdin_open && (p[1].revents & POLLNVAL)) {
        /* No stdin at all (closed descriptor): same as an empty one. */
        r->stdin_open = false;
        arm_grace(r);
        return RELAY_MORE;
    }
    *stdin_ready = r->stdin_open && p[1].revents != 0;
    return RELAY_MORE;
}

int cli_relay(tlsc_conn *conn, int fd, uint32_t grace_ms)
{
    relay r = {.conn = conn,
               .fd = fd,
               .sock_events = POLLIN,
               .stdin_open = true,
               .grace_ms = grace_ms};

    for (;;) {
        bool stdin_ready = false;
        int rc = drain_server(&r);

        if (rc == RELAY_MORE && grace_over(&r))
            return hang_up(&r);
        if (rc == RELAY_MORE)
            rc = wait_ready(&r, &stdin_ready);
        if (rc == RELAY_MORE && stdin_ready)
            rc = pump_stdin(&r);
        if (rc != RELAY_MORE)
            return rc;
    }
}
