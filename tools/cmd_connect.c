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

/* Usage errors name the subcommand being parsed: connect, or one that
 * shares its TLS options (cli_tls_parse). */
static const char *cmd_name = "connect";
#define CMD cmd_name

/* Debian's bundle of the system's trusted roots. */
#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/* How long the server may stay silent after stdin ended, by default. */
#define DEFAULT_GRACE_MS 1000u

/* A DNS name is at most 253 bytes; an IPv6 literal with a zone fits too. */
#define HOST_MAX 256

/* The largest --timeout: poll() takes an int. */
#define TIMEOUT_MAX 2147483647u

typedef struct strlist {
    const char **items; /* borrowed from argv; capacity argc */
    size_t count;
} strlist;

typedef struct connect_opts {
    char host[HOST_MAX];
    uint16_t port;
    strlist cas;
    const char *bundle;     /* --bundle FILE */
    strlist pins;
    const char *cert;
    const char *key;
    const char *key_pass;
    const char *psk;        /* "IDENTITY:HEXKEY" */
    const char *alpn;
    const char *servername;
    const char *sess_in;
    const char *sess_out;
    tlsc_resumption resumption;
    bool have_resumption;
    tlsc_tls_version version; /* 0 = the default range */
    bool insecure;
    bool summary_only;
    bool have_timeout;
    uint32_t timeout_ms;
    uint32_t debug;
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

static int opt_ca(void *p, const char *v)
{
    connect_opts *o = p;
    o->cas.items[o->cas.count++] = v;
    return CLI_EXIT_OK;
}

static int opt_bundle(void *p, const char *v)
{
    ((connect_opts *)p)->bundle = v;
    return CLI_EXIT_OK;
}

static int opt_pin(void *p, const char *v)
{
    connect_opts *o = p;
    o->pins.items[o->pins.count++] = v;
    return CLI_EXIT_OK;
}

static int opt_cert(void *p, const char *v)
{
    ((connect_opts *)p)->cert = v;
    return CLI_EXIT_OK;
}

static int opt_key(void *p, const char *v)
{
    ((connect_opts *)p)->key = v;
    return CLI_EXIT_OK;
}

static int opt_key_pass(void *p, const char *v)
{
    ((connect_opts *)p)->key_pass = v;
    return CLI_EXIT_OK;
}

static int opt_psk(void *p, const char *v)
{
    if (strchr(v, ':') == NULL)
        return cli_usage_error(CMD, "--psk needs IDENTITY:HEXKEY");
    ((connect_opts *)p)->psk = v;
    return CLI_EXIT_OK;
}

static int opt_alpn(void *p, const char *v)
{
    ((connect_opts *)p)->alpn = v;
    return CLI_EXIT_OK;
}

static int set_version(connect_opts *o, tlsc_tls_version v)
{
    if (o->version != 0 && o->version != v)
        return cli_usage_error(CMD, "--tls1.2 and --tls1.3 exclude each other");
    o->version = v;
    return CLI_EXIT_OK;
}

static int opt_tls12(void *p, const char *v)
{
    (void)v;
    return set_version(p, TLSC_TLS1_2);
}

static int opt_tls13(void *p, const char *v)
{
    (void)v;
    return set_version(p, TLSC_TLS1_3);
}

static int opt_servername(void *p, const char *v)
{
    if (v[0] == '\0')
        return cli_usage_error(CMD, "--servername needs a name");
    ((connect_opts *)p)->servername = v;
    return CLI_EXIT_OK;
}

static int opt_insecure(void *p, const char *v)
{
    (void)v;
    ((connect_opts *)p)->insecure = true;
    return CLI_EXIT_OK;
}

static int opt_timeout(void *p, const char *v)
{
    connect_opts *o = p;
    o->have_timeout = true;
    return cli_parse_u32(CMD, "--timeout", v, 0, TIMEOUT_MAX, &o->timeout_ms);
}

static int opt_debug(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--debug level", v, TLSC_LOG_NONE,
                         TLSC_LOG_VERBOSE, &((connect_opts *)p)->debug);
}

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

static int opt_resumption(void *p, const char *v)
{
    static const char *const names[] = {"off", "on", "psk-ke"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(v, names[i]) == 0) {
            ((connect_opts *)p)->resumption = (tlsc_resumption)i;
            ((connect_opts *)p)->have_resumption = true;
            return CLI_EXIT_OK;
        }
    }
    return cli_usage_error(CMD, "--resumption takes off, on or psk-ke, not '%s'", v);
}

static int opt_summary(void *p, const char *v)
{
    (void)v;
    ((connect_opts *)p)->summary_only = true;
    return CLI_EXIT_OK;
}

static const cli_option connect_options[] = {
    {"ca", true, opt_ca},
    {"bundle", true, opt_bundle},
    {"cert", true, opt_cert},
    {"key", true, opt_key},
    {"key-pass", true, opt_key_pass},
    {"psk", true, opt_psk},
    {"alpn", true, opt_alpn},
    {"tls1.2", false, opt_tls12},
    {"tls1.3", false, opt_tls13},
    {"servername", true, opt_servername},
    {"pin", true, opt_pin},
    {"insecure", false, opt_insecure},
    {"timeout", true, opt_timeout},
    {"debug", true, opt_debug},
    {"summary", false, opt_summary},
    {"sess-in", true, opt_sess_in},
    {"sess-out", true, opt_sess_out},
    {"resumption", true, opt_resumption},
};

static const cli_spec connect_spec = {
    .cmd = "connect",
    .options = connect_options,
    .option_count = sizeof connect_options / sizeof connect_options[0],
    .max_positional = 1,
};

/* HOST:PORT split into its parts (host not NUL-terminated). */
typedef struct hostport {
    const char *host;
    size_t host_len;
    const char *port;
} hostport;

/* "[::1]:443" */
static int split_bracketed(const char *arg, hostport *hp)
{
    const char *end = strchr(arg, ']');

    if (end == NULL || end[1] != ':')
        return cli_usage_error(CMD, "invalid address '%s' (expected "
                                    "[IPv6]:PORT)", arg);
    hp->host = arg + 1;
    hp->host_len = (size_t)(end - hp->host);
    hp->port = end + 2;
    return CLI_EXIT_OK;
}

/* "name:443", "192.0.2.1:443" */
static int split_plain(const char *arg, hostport *hp)
{
    const char *colon = strchr(arg, ':');

    if (colon == NULL)
        return cli_usage_error(CMD, "missing port in '%s' (expected "
                                    "HOST:PORT)", arg);
    if (strchr(colon + 1, ':') != NULL)
        return cli_usage_error(CMD, "IPv6 address in '%s' must be in "
                                    "brackets: [ADDRESS]:PORT", arg);
    hp->host = arg;
    hp->host_len = (size_t)(colon - arg);
    hp->port = colon + 1;
    return CLI_EXIT_OK;
}

static int parse_hostport(const char *arg, connect_opts *o)
{
    hostport hp = {NULL, 0, NULL};
    uint32_t port = 0;
    int rc = arg[0] == '[' ? split_bracketed(arg, &hp) : split_plain(arg, &hp);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (hp.host_len == 0 || hp.host_len >= sizeof o->host)
        return cli_usage_error(CMD, "invalid host in '%s'", arg);
    rc = cli_parse_u32(CMD, "port", hp.port, 1, 65535, &port);
    if (rc != CLI_EXIT_OK)
        return rc;
    memcpy(o->host, hp.host, hp.host_len);
    o->host[hp.host_len] = '\0';
    o->port = (uint16_t)port;
    return CLI_EXIT_OK;
}

/* Rules that involve more than one option. */
static int check_combinations(const connect_opts *o)
{
    if ((o->cert == NULL) != (o->key == NULL))
        return cli_usage_error(CMD, "--cert and --key must be given together");
    if (o->key_pass != NULL && o->key == NULL)
        return cli_usage_error(CMD, "--key-pass needs --cert and --key");
    return CLI_EXIT_OK;
}

static int parse_connect(connect_opts *o, int argc, char **argv)
{
    const char *pos[1] = {NULL};
    size_t npos = 0;
    cli_spec spec = connect_spec;
    spec.cmd = CMD;
    int rc = cli_parse(&spec, argc, argv, o, pos, &npos);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (npos == 0)
        return cli_usage_error(CMD, "missing HOST:PORT");
    rc = parse_hostport(pos[0], o);
    return rc != CLI_EXIT_OK ? rc : check_combinations(o);
}

/* ---- configuration -------------------------------------------------------- */

static bool use_system_ca(const connect_opts *o)
{
    return o->cas.count == 0 && o->bundle == NULL && o->pins.count == 0 &&
           o->psk == NULL && !o->insecure && access(SYSTEM_CA_FILE, F_OK) == 0;
}

static tlsc_err apply_log(tlsc_config *cfg, const connect_opts *o)
{
    if (o->debug == TLSC_LOG_NONE)
        return TLSC_OK;
    /* mbedTLS level 3 traces every handshake message; level 4 adds a hex
     * dump of every record, which drowns them. */
    int mbedtls_level = o->debug >= TLSC_LOG_VERBOSE ? 3 : 0;
    return tlsc_config_set_log(cfg, cli_log_line, NULL, (int)o->debug,
                               mbedtls_level);
}

static tlsc_err apply_versions(tlsc_config *cfg, const connect_opts *o)
{
    if (o->version == 0)
        return TLSC_OK;
    return tlsc_config_set_versions(cfg, o->version, o->version);
}

static tlsc_err apply_cas(tlsc_config *cfg, const connect_opts *o)
{
    if (use_system_ca(o))
        return tlsc_config_add_ca_file(cfg, SYSTEM_CA_FILE);
    for (size_t i = 0; i < o->cas.count; i++) {
        tlsc_err err = tlsc_config_add_ca_file(cfg, o->cas.items[i]);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static tlsc_err apply_bundle(tlsc_config *cfg, const connect_opts *o)
{
    return o->bundle != NULL ? tlsc_config_set_bundle_file(cfg, o->bundle) : TLSC_OK;
}

static tlsc_err apply_pins(tlsc_config *cfg, const connect_opts *o)
{
    for (size_t i = 0; i < o->pins.count; i++) {
        tlsc_err err = tlsc_config_add_pin(cfg, o->pins.items[i]);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static tlsc_err apply_insecure(tlsc_config *cfg, const connect_opts *o)
{
    return o->insecure ? tlsc_config_insecure_skip_verify(cfg) : TLSC_OK;
}

static tlsc_err apply_client_cert(tlsc_config *cfg, const connect_opts *o)
{
    if (o->cert == NULL)
        return TLSC_OK;
    return tlsc_config_set_client_cert_file(cfg, o->cert, o->key,
                                            o->key_pass);
}

static tlsc_err apply_psk(tlsc_config *cfg, const connect_opts *o)
{
    if (o->psk == NULL)
        return TLSC_OK;
    /* The identity may not contain ':'; the hex key cannot. */
    const char *colon = strchr(o->psk, ':');
    size_t id_len = (size_t)(colon - o->psk);
    char *identity = malloc(id_len + 1);
    if (identity == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(identity, o->psk, id_len);
    identity[id_len] = '\0';
    tlsc_err err = tlsc_config_set_psk_hex(cfg, identity, colon + 1);
    free(identity);
    return err;
}

static tlsc_err apply_alpn(tlsc_config *cfg, const connect_opts *o)
{
    return o->alpn != NULL ? tlsc_config_set_alpn(cfg, o->alpn) : TLSC_OK;
}

static tlsc_err apply_timeout(tlsc_config *cfg, const connect_opts *o)
{
    if (!o->have_timeout)
        return TLSC_OK;
    return tlsc_config_set_timeouts(cfg, o->timeout_ms, o->timeout_ms,
                                    o->timeout_ms);
}

static tlsc_err apply_resumption(tlsc_config *cfg, const connect_opts *o)
{
    return o->have_resumption ? tlsc_config_set_resumption(cfg, o->resumption) : TLSC_OK;
}

/* Applied in this order; logging first so later steps can be traced. */
static tlsc_err (*const config_steps[])(tlsc_config *, const connect_opts *) = {
    apply_log,      apply_versions,    apply_cas,       apply_bundle,
    apply_pins,     apply_insecure,    apply_client_cert,
    apply_psk,      apply_alpn,        apply_timeout,
    apply_resumption,
};

static int build_config(const connect_opts *o, tlsc_config **out)
{
    tlsc_config *cfg = NULL;
    tlsc_err err = tlsc_config_new(&cfg);

    if (err != TLSC_OK)
        return cli_report(err, NULL);
    for (size_t i = 0; i < sizeof config_steps / sizeof config_steps[0]; i++) {
        err = config_steps[i](cfg, o);
        if (err != TLSC_OK) {
            int rc = cli_report(err, tlsc_config_errmsg(cfg));
            tlsc_config_free(cfg);
            return rc;
        }
    }
    *out = cfg;
    return CLI_EXIT_OK;
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

    if (o->servername != NULL)
        err = tlsc_conn_set_server_name(conn, o->servername);
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
    if (o->insecure)
        return "insecure";
    /* No server certificate with a PSK configured: the PSK authenticated. */
    if (o->psk != NULL && tlsc_conn_peer_subject(conn)[0] == '\0')
        return "psk";
    if (o->pins.count > 0 && o->cas.count == 0 && o->bundle == NULL)
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
    int rc = cli_relay(conn, fd, o->have_timeout ? o->timeout_ms : DEFAULT_GRACE_MS);
    /* Tickets seen during the relay were kept; save the newest one. */
    if (rc == CLI_EXIT_OK && o->sess_out != NULL)
        rc = cli_session_save(conn, o->sess_out);
    return rc;
}

static int run_connect(const connect_opts *o)
{
    tlsc_config *cfg = NULL;
    tlsc_conn *conn = NULL;
    int rc = build_config(o, &cfg);

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
    connect_opts *o = NULL;
    int rc = cli_tls_parse("connect", argc, argv, &o);

    if (rc == CLI_HELP) {
        cmd_connect_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK) {
        rc = run_connect(o);
    }
    cli_tls_free(o);
    return rc;
}

/* ---- the TLS options, shared with other subcommands (cli.h) ---------------- */

int cli_tls_parse(const char *cmd, int argc, char **argv, connect_opts **out)
{
    connect_opts *o = calloc(1, sizeof *o);
    *out = o;
    if (o == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    cmd_name = cmd;
    /* Each repeatable option can occur at most argc times. */
    o->cas.items = calloc((size_t)argc, sizeof *o->cas.items);
    o->pins.items = calloc((size_t)argc, sizeof *o->pins.items);
    if (o->cas.items == NULL || o->pins.items == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    return parse_connect(o, argc, argv);
}

void cli_tls_free(connect_opts *o)
{
    if (o == NULL)
        return;
    free(o->cas.items);
    free(o->pins.items);
    free(o);
}

void cli_tls_target(const connect_opts *o, cli_target *t)
{
    t->host = o->host;
    t->port = o->port;
    t->servername = o->servername;
    t->version = o->version;
    t->timeout_ms = o->have_timeout ? o->timeout_ms : 0;
    t->have_timeout = o->have_timeout;
    t->psk = o->psk != NULL;
    t->cert_trust = o->cas.count > 0 || o->bundle != NULL || o->pins.count > 0 ||
                    o->insecure || use_system_ca(o);
    t->session_opts = o->summary_only || o->sess_in != NULL || o->sess_out != NULL ||
                      o->have_resumption;
}

int cli_tls_config(const connect_opts *o, tlsc_config **out)
{
    return build_config(o, out);
}
