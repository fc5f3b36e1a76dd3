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

#define SYSTEM_CA_FILE CLI_SYSTEM_CA_FILE

/* How long the server may stay silent after stdin ended, by default. */
#define DEFAULT_GRACE_MS 1000u

/* A DNS name is at most 253 bytes; an IPv6 literal with a zone fits too. */
#define HOST_MAX 256

typedef struct connect_opts {
    cli_tls_opts tls;       /* first: the shared option handlers fill it */
    char host[HOST_MAX];
    uint16_t port;
    const char *sess_in;
    const char *sess_out;
    bool summary_only;
    bool event_driver;      /* --driver event */
} connect_opts;

/* ---- help ---------------------------------------------------------------- */

static const char *const connect_help[] = {
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
    "Server verification:",
    "  --ca FILE             trust the CA certificates in FILE (PEM bundle or",
    "                        one DER certificate); repeatable",
    "  --bundle FILE         trust the roots of a root CA bundle (tlsc or",
    "                        ESP-IDF format; see 'tlsc bundle'); with --ca,",
    "                        both are trusted",
    "  --pin sha256//BASE64  require the server's public key to match: the",
    "                        base64 SHA-256 of its SubjectPublicKeyInfo, as",
    "                        curl --pinnedpubkey; repeatable, or several",
    "                        joined by ';'. Without --ca the pin is the only",
    "                        trust (dates and host name are still checked).",
    "  --insecure            accept any server certificate (lab use only;",
    "                        pins are still enforced)",
    "  --servername NAME     send NAME as SNI and verify the certificate",
    "                        against NAME while connecting to HOST",
    "  Without --ca, --bundle, --pin, --psk and --insecure, the system CA file",
    "  " SYSTEM_CA_FILE " is trusted if it exists;",
    "  otherwise the connection fails with 'no trust configured'.",
    "",
    "Client authentication:",
    "  --cert FILE           client certificate chain, leaf first (PEM/DER);",
    "                        needs --key",
    "  --key FILE            its private key (PKCS#8, SEC1 or PKCS#1, PEM or",
    "                        DER); needs --cert",
    "  --key-pass PASS       password of an encrypted key",
    "  --psk IDENTITY:HEXKEY pre-shared key, split at the first ':'. Without",
    "                        --ca, --pin or --insecure only PSK suites are",
    "                        offered.",
    "",
    "Protocol:",
    "  --alpn P1,P2          offer these ALPN protocols, most preferred first",
    "  --tls1.2              allow TLS 1.2 only",
    "  --tls1.3              allow TLS 1.3 only",
    "",
    "Behaviour:",
    "  --timeout MS          limit in milliseconds for the TCP connect, the TLS",
    "                        handshake and each write (defaults 10000, 15000",
    "                        and 30000), and how long the server may stay",
    "                        silent after stdin ends (default 1000);",
    "                        0 = no limit",
    "  --summary             print the summary, then close (close_notify)",
    "                        right after the handshake",
    "  --sess-in FILE        offer the session saved in FILE (resumption); a",
    "                        missing, corrupt or foreign file only warns and a",
    "                        full handshake follows; see 'resumed:'",
    "  --sess-out FILE       save the session to FILE (mode 0600; it holds the",
    "                        session secret): after the handshake for TLS 1.2,",
    "                        once a ticket arrives (up to 2 s) for TLS 1.3",
    "  --resumption MODE     off, on (default: TLS 1.3 tickets resume with",
    "                        psk_dhe_ke) or psk-ke (resume with psk_ke",
    "                        instead: no ECDHE, cheapest, no forward secrecy)",
    "  --driver D            blocking (default) or event: run the same session",
    "                        through the event API (tlsc/event.h) instead",
    "  --debug N             log to stderr as 'tlsc[LEVEL]: text' up to level",
    "                        N: 0 none, 1 errors, 2 info, 3 debug, 4 verbose",
    "                        and mbedTLS's own debug output",
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
    for (size_t i = 0; i < sizeof connect_help / sizeof connect_help[0]; i++)
        printf("%s\n", connect_help[i]);
}

/* ---- options -------------------------------------------------------------- */

static int opt_sess_in(void *p, const char *v)
{
    ((connect_opts *)p)->sess_in = v;
    return CLI_EXIT_OK;
}

static int opt_sess_out(void *p, const char *v)
{
    ((connect_opts *)p)->sess_out = v;
    return CLI_EXIT_OK;
}

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

/* Besides the shared TLS options (cli_tls_options). */
static const cli_option connect_own_options[] = {
    {"summary", false, opt_summary},
    {"sess-in", true, opt_sess_in},
    {"sess-out", true, opt_sess_out},
    {"driver", true, opt_driver},
};

static int parse_connect(connect_opts *o, int argc, char **argv)
{
    return cli_parse_tls_command(CMD, connect_own_options,
                                 sizeof connect_own_options / sizeof connect_own_options[0],
                                 argc, argv, o, o->host, sizeof o->host, &o->port);
}

/* ---- connecting ------------------------------------------------------------ */

static int new_conn(tlsc_config *cfg, tlsc_conn **out)
{
    tlsc_err err = tlsc_conn_new(cfg, out);

    if (err == TLSC_ERR_NO_TRUST)
        return cli_report(err, "give --ca, --bundle, --pin, --psk or --insecure (no "
                               "system CA file " SYSTEM_CA_FILE ")");
    if (err != TLSC_OK)
        return cli_report(err, tlsc_config_errmsg(cfg));
    return CLI_EXIT_OK;
}

/* --servername: verify and send SNI for NAME while connecting to HOST. */
static int open_conn(const connect_opts *o, tlsc_conn *conn)
{
    tlsc_err err = TLSC_OK;

    if (o->tls.servername != NULL)
        err = tlsc_conn_set_server_name(conn, o->tls.servername);
    if (err != TLSC_OK)
        return cli_report(err, "invalid --servername");
    if (o->sess_in != NULL)
        cli_session_load(conn, o->sess_in);
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

static const char *verify_label(const connect_opts *o, const tlsc_conn *conn)
{
    if (o->tls.insecure)
        return "insecure";
    /* No server certificate with a PSK configured: the PSK authenticated. */
    if (o->tls.psk != NULL && tlsc_conn_peer_subject(conn)[0] == '\0')
        return "psk";
    if (o->tls.pins.count > 0 && o->tls.cas.count == 0 && o->tls.bundle == NULL)
        return "pin-only";
    return "ok";
}

static void print_summary(const connect_opts *o, const tlsc_conn *conn)
{
    fprintf(stderr, "protocol: %s\n", or_none(tlsc_conn_protocol(conn)));
    fprintf(stderr, "cipher: %s\n", or_none(tlsc_conn_cipher(conn)));
    fprintf(stderr, "group: %s\n", or_none(tlsc_conn_group(conn)));
    fprintf(stderr, "alpn: %s\n", or_none(tlsc_conn_alpn(conn)));
    fprintf(stderr, "peer: %s\n", or_none(tlsc_conn_peer_subject(conn)));
    fprintf(stderr, "verify: %s\n", verify_label(o, conn));
    fprintf(stderr, "resumed: %s\n", tlsc_conn_resumed(conn) ? "yes" : "no");
    fprintf(stderr, "handshake_ms: %lu\n",
            (unsigned long)tlsc_conn_handshake_ms(conn));
    fprintf(stderr, "heap_peak_bytes: %zu\n",
            tlsc_conn_handshake_heap_peak(conn));
}

static int run_session(const connect_opts *o, tlsc_conn *conn)
{
    int fd = -1;

    print_summary(o, conn);
    if (o->summary_only) {
        int rc = o->sess_out ? cli_session_save(conn, o->sess_out) : CLI_EXIT_OK;
        tlsc_err err = tlsc_conn_close(conn);
        if (err != TLSC_OK)
            return cli_report(err, tlsc_conn_errmsg(conn));
        return rc;
    }
    tlsc_conn_poll_info(conn, &fd, NULL, NULL, NULL);
    int rc = cli_relay(conn, fd, o->tls.have_timeout ? o->tls.timeout_ms : DEFAULT_GRACE_MS);
    /* Tickets seen during the relay were kept; save the newest one. */
    if (rc == CLI_EXIT_OK && o->sess_out != NULL)
        rc = cli_session_save(conn, o->sess_out);
    return rc;
}

static void summary_cb(const void *ctx, const tlsc_conn *conn)
{
    print_summary(ctx, conn);
}

static int run_event_driver(const connect_opts *o, tlsc_config *cfg)
{
    const cli_ev_params p = {
        .cfg = cfg,
        .host = o->host,
        .port = o->port,
        .servername = o->tls.servername,
        .sess_in = o->sess_in,
        .sess_out = o->sess_out,
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
    connect_opts o = {0};
    int rc = cli_tls_init(&o.tls, CMD, argc);

    if (rc == CLI_EXIT_OK)
        rc = parse_connect(&o, argc, argv);
    if (rc == CLI_HELP) {
        cmd_connect_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK) {
        rc = run_connect(&o);
    }
    cli_tls_free(&o.tls);
    return rc;
}
