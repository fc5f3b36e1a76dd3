/*
 * tools/cmd_connect.c — `tlsc connect HOST:PORT [options]`: open a verified
 * TLS connection, print a summary of it, then relay stdin/stdout.
 *
 * Three phases, each a function: parse the options into connect_opts (argv
 * strings are borrowed, nothing is applied yet, so usage errors come before
 * any file is read), turn them into a tlsc_config, then connect and run the
 * session.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CMD "connect"

/* How long the server may stay silent after stdin ended, by default. */
#define DEFAULT_GRACE_MS 1000u

/* A DNS name is at most 253 bytes; an IPv6 literal with a zone fits too. */
#define HOST_MAX 256

typedef struct connect_opts {
    cli_tls_opts tls;       /* first: see cli_tls_opts */
    char host[HOST_MAX];
    uint16_t port;
    bool summary_only;
    bool event_driver;      /* --driver event */
} connect_opts;

/* ---- help ---------------------------------------------------------------- */

static const char *const connect_help_head[] = {
    "Usage: tlsc connect HOST:PORT [options]",
    "",
    "Open a TLS connection to HOST:PORT, verify the server, print a summary of",
    "the session to stderr, then copy stdin to the server and the server's",
    "data to stdout until either side ends the session.",
    "",
    "HOST:PORT is a name (example.com:443), an IPv4 address (192.0.2.1:443)",
    "or an IPv6 address in brackets ([::1]:443).",
    "",
    "Options take their value as '--opt VALUE' or '--opt=VALUE'.",
    "",
};

static const char *const connect_help[] = {
    "",
    "Behaviour:",
    "  --timeout MS          limit in milliseconds for the TCP connect, the TLS",
    "                        handshake and each write (defaults 10000, 15000",
    "                        and 30000), and how long the server may stay",
    "                        silent after stdin ends (default 1000);",
    "                        0 = no limit",
    "  --summary             print the summary, then close (close_notify)",
    "                        right after the handshake",
    "  --driver D            blocking (default) or event: run the same session",
    "                        through the event API (tlsc/event.h) instead",
    "  -h, --help            show this help",
    "",
    "Summary (stderr, after the handshake, one 'key: value' line each, in",
    "this order):",
    "  protocol         TLSv1.2 or TLSv1.3",
    "  cipher           IANA cipher suite name",
    "  group            key exchange group (x25519, secp256r1, ...) or none",
    "  alpn             protocol chosen by ALPN, or none",
    "  peer             subject of the server's certificate, or none",
    "  verify           ok, insecure (--insecure), pin-only (pins without",
    "                   --ca) or psk (authenticated by the PSK)",
    "  resumed          yes or no",
    "  handshake_ms     duration of the TLS handshake",
    "  heap_peak_bytes  peak heap used during the handshake",
    "  record_limit     in=N out=N: the negotiated maximum record size (bytes",
    "                   of plaintext) the server may send and tlsc sends",
    "",
    "End of the session:",
    "  close_notify from the server ends the session with status 0. At the",
    "  end of stdin tlsc keeps copying the server's data until the server",
    "  closes or stays silent for the grace period (see --timeout), then sends",
    "  close_notify and exits with 0. A server that closes without",
    "  close_notify is reported, with status 11, as its data may be",
    "  truncated.",
    "",
    "Exit status:",
    "   0  success                   6  timeout",
    "   1  internal or local error   7  TLS protocol error",
    "   2  usage error               8  fatal alert from the server",
    "   3  configuration error       9  server verification failed",
    "   4  network error            10  out of memory",
    "   5  DNS error                11  connection truncated",
    "  Errors are printed as 'tlsc: <error>: <detail>'.",
};

void cmd_connect_help(void)
{
    for (size_t i = 0; i < sizeof connect_help_head / sizeof connect_help_head[0]; i++)
        printf("%s\n", connect_help_head[i]);
    cli_tls_help();
    for (size_t i = 0; i < sizeof connect_help / sizeof connect_help[0]; i++)
        printf("%s\n", connect_help[i]);
}

/* ---- options -------------------------------------------------------------- */

static int opt_summary(void *p, const char *v)
{
    (void)v;
    ((connect_opts *)p)->summary_only = true;
    return CLI_EXIT_OK;
}

static int opt_driver(void *p, const char *v)
{
    connect_opts *o = p;
    if (strcmp(v, "event") != 0 && strcmp(v, "blocking") != 0)
        return cli_usage_error(CMD, "--driver takes event or blocking, not '%s'", v);
    o->event_driver = strcmp(v, "event") == 0;
    return CLI_EXIT_OK;
}

static const cli_option connect_options[] = {
    {"summary", false, opt_summary},
    {"driver", true, opt_driver},
};

static const cli_spec connect_spec = {
    .cmd = CMD,
    .options = connect_options,
    .option_count = sizeof connect_options / sizeof connect_options[0],
    .max_positional = 1,
};

static int parse_connect(connect_opts *o, int argc, char **argv)
{
    const char *pos[1] = {NULL};
    size_t npos = 0;
    cli_spec spec = connect_spec;
    spec.more_options = cli_tls_options;
    spec.more_option_count = cli_tls_option_count;
    int rc = cli_parse(&spec, argc, argv, o, pos, &npos);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (npos == 0)
        return cli_usage_error(CMD, "missing HOST:PORT");
    rc = cli_parse_hostport(CMD, pos[0], o->host, sizeof o->host, &o->port);
    return rc != CLI_EXIT_OK ? rc : cli_tls_check(&o->tls);
}

/* ---- connecting ------------------------------------------------------------ */

static int new_conn(tlsc_config *cfg, tlsc_conn **out)
{
    tlsc_err err = tlsc_conn_new(cfg, out);

    return err == TLSC_OK ? CLI_EXIT_OK : cli_tls_report_new(err, cfg);
}

/* --servername: verify and send SNI for NAME while connecting to HOST. */
static int open_conn(const connect_opts *o, tlsc_conn *conn)
{
    tlsc_err err = TLSC_OK;

    if (o->tls.servername != NULL)
        err = tlsc_conn_set_server_name(conn, o->tls.servername);
    if (err != TLSC_OK)
        return cli_report(err, "invalid --servername");
    if (o->tls.sess_in != NULL)
        cli_session_load(conn, o->tls.sess_in);
    err = tlsc_conn_connect(conn, o->host, o->port);
    if (err != TLSC_OK)
        return cli_report(err, tlsc_conn_errmsg(conn));
    return CLI_EXIT_OK;
}

/* ---- the session ------------------------------------------------------------ */

static const char *or_none(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "none";
}

static void print_summary(const connect_opts *o, const tlsc_conn *conn)
{
    fprintf(stderr, "protocol: %s\n", or_none(tlsc_conn_protocol(conn)));
    fprintf(stderr, "cipher: %s\n", or_none(tlsc_conn_cipher(conn)));
    fprintf(stderr, "group: %s\n", or_none(tlsc_conn_group(conn)));
    fprintf(stderr, "alpn: %s\n", or_none(tlsc_conn_alpn(conn)));
    fprintf(stderr, "peer: %s\n", or_none(tlsc_conn_peer_subject(conn)));
    fprintf(stderr, "verify: %s\n", cli_tls_verify_label(&o->tls, conn));
    fprintf(stderr, "resumed: %s\n", tlsc_conn_resumed(conn) ? "yes" : "no");
    fprintf(stderr, "handshake_ms: %lu\n",
            (unsigned long)tlsc_conn_handshake_ms(conn));
    /* %lu, not %zu: newlib (the device build) has no C99 size formats. */
    fprintf(stderr, "heap_peak_bytes: %lu\n",
            (unsigned long)tlsc_conn_handshake_heap_peak(conn));
    size_t rin, rout;
    tlsc_conn_record_limit(conn, &rin, &rout);
    fprintf(stderr, "record_limit: in=%lu out=%lu\n", (unsigned long)rin, (unsigned long)rout);
}

static int run_session(const connect_opts *o, tlsc_conn *conn)
{
    int fd = -1;

    print_summary(o, conn);
    if (o->summary_only) {
        int rc = o->tls.sess_out ? cli_session_save(conn, o->tls.sess_out) : CLI_EXIT_OK;
        tlsc_err err = tlsc_conn_close(conn);
        if (err != TLSC_OK)
            return cli_report(err, tlsc_conn_errmsg(conn));
        return rc;
    }
    tlsc_conn_poll_info(conn, &fd, NULL, NULL, NULL);
    int rc = cli_relay(conn, fd, o->tls.have_timeout ? o->tls.timeout_ms : DEFAULT_GRACE_MS);
    /* Tickets seen during the relay were kept; save the newest one. */
    if (rc == CLI_EXIT_OK && o->tls.sess_out != NULL)
        rc = cli_session_save(conn, o->tls.sess_out);
    return rc;
}

static void summary_cb(const void *ctx, const tlsc_conn *conn)
{
    print_summary(ctx, conn);
}

/* --driver event: the same session through tlsc/event.h. */
static int run_event_driver(const connect_opts *o, tlsc_config *cfg)
{
    const cli_ev_params p = {
        .cfg = cfg,
        .host = o->host,
        .port = o->port,
        .servername = o->tls.servername,
        .sess_in = o->tls.sess_in,
        .sess_out = o->tls.sess_out,
        .summary_only = o->summary_only,
        .grace_ms = o->tls.have_timeout ? o->tls.timeout_ms : DEFAULT_GRACE_MS,
        .summary = summary_cb,
        .ctx = o,
    };
    return cli_event_connect(&p);
}

static int run_connect(const connect_opts *o)
{
    tlsc_config *cfg = NULL;
    tlsc_conn *conn = NULL;
    int rc = cli_tls_build_config(&o->tls, &cfg);

    if (rc == CLI_EXIT_OK && o->event_driver) {
        rc = run_event_driver(o, cfg);
        tlsc_config_free(cfg);
        return rc;
    }

    if (rc == CLI_EXIT_OK)
        rc = new_conn(cfg, &conn);
    tlsc_config_free(cfg); /* the connection keeps its own reference */
    if (rc == CLI_EXIT_OK)
        rc = open_conn(o, conn);
    if (rc == CLI_EXIT_OK)
        rc = run_session(o, conn);
    tlsc_conn_free(conn);
    return rc;
}

/* ---- entry ------------------------------------------------------------------ */

int cmd_connect(int argc, char **argv)
{
    connect_opts o;
    memset(&o, 0, sizeof o);
    int rc = cli_tls_init(&o.tls, CMD, argc);

    if (rc == CLI_EXIT_OK)
        rc = parse_connect(&o, argc, argv);
    if (rc == CLI_HELP) {
        cmd_connect_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK) {
        rc = run_connect(&o);
    }
    cli_tls_release(&o.tls);
    return rc;
}
