/*
 * tools/cli_tls.c — the TLS options every connecting subcommand shares
 * (tlsc connect, tlsc get): their table, their help text, and turning
 * them into a tlsc_config. A subcommand's option struct starts with a
 * cli_tls_opts, so these options' apply functions can take it as theirs.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest --timeout: poll() takes an int. */
#define TIMEOUT_MAX 2147483647u

static const char *const tls_help[] = {
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
    "  --crl FILE            refuse certificates revoked by the CRLs in FILE",
    "                        (PEM or DER, issued by the --ca CAs); repeatable",
    "  --allow-cn-fallback   LEGACY: match the host against the subject CN",
    "                        when the certificate has no subjectAltName",
    "  --max-signature-checks N",
    "                        give up searching for a path to a trusted CA",
    "                        after N signature checks (1..1000, default 16)",
    "  --servername NAME     send NAME as SNI and verify the certificate",
    "                        against NAME while connecting to HOST",
    "  Without --ca, --bundle, --pin, --psk and --insecure, the system CA file",
    "  " CLI_SYSTEM_CA_FILE " is trusted if it exists;",
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
    "  --buffers IN[,OUT]    record buffers in bytes (512..the build's",
    "                        maximum; 0 = maximum): IN for the server's",
    "                        records, OUT for ours (default: OUT = IN, at",
    "                        most the build's maximum).",
    "                        IN below 16384 is rounded down to 4096, 2048,",
    "                        1024 or 512, offers max_fragment_length and,",
    "                        without --tls1.3, limits the connection to",
    "                        TLS 1.2 (OpenSSL-based TLS 1.3 servers ignore",
    "                        record_size_limit). A record that still does",
    "                        not fit fails with 'record too large'.",
    "",
    "Sessions and diagnostics:",
    "  --sess-in FILE        offer the session saved in FILE (resumption); a",
    "                        missing, corrupt or foreign file only warns and a",
    "                        full handshake follows",
    "  --sess-out FILE       save the session to FILE (mode 0600; it holds the",
    "                        session secret): after the handshake for TLS 1.2,",
    "                        once a ticket arrives (up to 2 s) for TLS 1.3",
    "  --resumption MODE     off, on (default: TLS 1.3 tickets resume with",
    "                        psk_dhe_ke) or psk-ke (resume with psk_ke",
    "                        instead: no ECDHE, cheapest, no forward secrecy)",
    "  --debug N             log to stderr as 'tlsc[LEVEL]: text' up to level",
    "                        N: 0 none, 1 errors, 2 info, 3 debug, 4 verbose",
    "                        and mbedTLS's own debug output",
};

void cli_tls_help(void)
{
    for (size_t i = 0; i < sizeof tls_help / sizeof tls_help[0]; i++)
        printf("%s\n", tls_help[i]);
}

/* ---- options ------------------------------------------------------------ */

static int opt_ca(void *p, const char *v)
{
    cli_tls_opts *o = p;
    o->cas.items[o->cas.count++] = v;
    return CLI_EXIT_OK;
}

static int opt_bundle(void *p, const char *v)
{
    ((cli_tls_opts *)p)->bundle = v;
    return CLI_EXIT_OK;
}

static int opt_pin(void *p, const char *v)
{
    cli_tls_opts *o = p;
    o->pins.items[o->pins.count++] = v;
    return CLI_EXIT_OK;
}

static int opt_cert(void *p, const char *v)
{
    ((cli_tls_opts *)p)->cert = v;
    return CLI_EXIT_OK;
}

static int opt_key(void *p, const char *v)
{
    ((cli_tls_opts *)p)->key = v;
    return CLI_EXIT_OK;
}

static int opt_key_pass(void *p, const char *v)
{
    ((cli_tls_opts *)p)->key_pass = v;
    return CLI_EXIT_OK;
}

static int opt_psk(void *p, const char *v)
{
    if (strchr(v, ':') == NULL)
        return cli_usage_error(((cli_tls_opts *)p)->cmd, "--psk needs IDENTITY:HEXKEY");
    ((cli_tls_opts *)p)->psk = v;
    return CLI_EXIT_OK;
}

static int opt_alpn(void *p, const char *v)
{
    ((cli_tls_opts *)p)->alpn = v;
    return CLI_EXIT_OK;
}

static int set_version(cli_tls_opts *o, tlsc_tls_version v)
{
    if (o->version != 0 && o->version != v)
        return cli_usage_error(o->cmd, "--tls1.2 and --tls1.3 exclude each other");
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
        return cli_usage_error(((cli_tls_opts *)p)->cmd, "--servername needs a name");
    ((cli_tls_opts *)p)->servername = v;
    return CLI_EXIT_OK;
}

static int opt_crl(void *p, const char *v)
{
    cli_tls_opts *o = p;
    o->crls.items[o->crls.count++] = v;
    return CLI_EXIT_OK;
}

static int opt_allow_cn(void *p, const char *v)
{
    (void)v;
    ((cli_tls_opts *)p)->allow_cn = true;
    return CLI_EXIT_OK;
}

static int opt_sig_checks(void *p, const char *v)
{
    return cli_parse_u32(((cli_tls_opts *)p)->cmd, "--max-signature-checks", v, 1, 1000,
                         &((cli_tls_opts *)p)->sig_checks);
}

static int opt_insecure(void *p, const char *v)
{
    (void)v;
    ((cli_tls_opts *)p)->insecure = true;
    return CLI_EXIT_OK;
}

static int opt_timeout(void *p, const char *v)
{
    cli_tls_opts *o = p;
    o->have_timeout = true;
    return cli_parse_u32(((cli_tls_opts *)p)->cmd, "--timeout", v, 0, TIMEOUT_MAX, &o->timeout_ms);
}

static int opt_debug(void *p, const char *v)
{
    return cli_parse_u32(((cli_tls_opts *)p)->cmd, "--debug level", v, TLSC_LOG_NONE,
                         TLSC_LOG_VERBOSE, &((cli_tls_opts *)p)->debug);
}

static int opt_sess_in(void *p, const char *v)
{
    ((cli_tls_opts *)p)->sess_in = v;
    return CLI_EXIT_OK;
}

static int opt_sess_out(void *p, const char *v)
{
    ((cli_tls_opts *)p)->sess_out = v;
    return CLI_EXIT_OK;
}

/* "IN" or "IN,OUT"; the range is checked by tlsc_config_set_buffers. */
static int opt_buffers(void *p, const char *v)
{
    cli_tls_opts *o = p;
    char in[16];
    const char *comma = strchr(v, ',');
    size_t n = comma ? (size_t)(comma - v) : strlen(v);
    if (n == 0 || n >= sizeof in)
        return cli_usage_error(o->cmd, "--buffers takes IN[,OUT] in bytes, not '%s'", v);
    memcpy(in, v, n);
    in[n] = '\0';
    int rc = cli_parse_u32(o->cmd, "--buffers IN", in, 0, 1u << 20, &o->buf_in);
    size_t max_out;
    tlsc_record_max(NULL, &max_out);
    o->buf_out = o->buf_in < max_out ? o->buf_in : (uint32_t)max_out;
    if (rc == CLI_EXIT_OK && comma != NULL)
        rc = cli_parse_u32(o->cmd, "--buffers OUT", comma + 1, 0, 1u << 20, &o->buf_out);
    o->have_buffers = true;
    return rc;
}

static int opt_resumption(void *p, const char *v)
{
    static const char *const names[] = {"off", "on", "psk-ke"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(v, names[i]) == 0) {
            ((cli_tls_opts *)p)->resumption = (tlsc_resumption)i;
            ((cli_tls_opts *)p)->have_resumption = true;
            return CLI_EXIT_OK;
        }
    }
    return cli_usage_error(((cli_tls_opts *)p)->cmd, "--resumption takes off, on or psk-ke, not '%s'", v);
}

static const cli_option tls_options[] = {
    {"ca", true, opt_ca},
    {"bundle", true, opt_bundle},
    {"cert", true, opt_cert},
    {"key", true, opt_key},
    {"key-pass", true, opt_key_pass},
    {"psk", true, opt_psk},
    {"alpn", true, opt_alpn},
    {"tls1.2", false, opt_tls12},
    {"tls1.3", false, opt_tls13},
    {"buffers", true, opt_buffers},
    {"servername", true, opt_servername},
    {"pin", true, opt_pin},
    {"insecure", false, opt_insecure},
    {"crl", true, opt_crl},
    {"allow-cn-fallback", false, opt_allow_cn},
    {"max-signature-checks", true, opt_sig_checks},
    {"timeout", true, opt_timeout},
    {"debug", true, opt_debug},
    {"sess-in", true, opt_sess_in},
    {"sess-out", true, opt_sess_out},
    {"resumption", true, opt_resumption},
};

const cli_option *const cli_tls_options = tls_options;
const size_t cli_tls_option_count = sizeof tls_options / sizeof tls_options[0];

int cli_tls_init(cli_tls_opts *o, const char *cmd, int argc)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    /* Each repeatable option can occur at most argc times. */
    o->cas.items = calloc((size_t)argc + 1, sizeof *o->cas.items);
    o->pins.items = calloc((size_t)argc + 1, sizeof *o->pins.items);
    o->crls.items = calloc((size_t)argc + 1, sizeof *o->crls.items);
    if (o->cas.items == NULL || o->pins.items == NULL || o->crls.items == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    return CLI_EXIT_OK;
}

void cli_tls_release(cli_tls_opts *o)
{
    free(o->cas.items);
    free(o->pins.items);
    free(o->crls.items);
}

int cli_tls_check(const cli_tls_opts *o)
{
    if ((o->cert == NULL) != (o->key == NULL))
        return cli_usage_error(o->cmd, "--cert and --key must be given together");
    if (o->key_pass != NULL && o->key == NULL)
        return cli_usage_error(o->cmd, "--key-pass needs --cert and --key");
    return CLI_EXIT_OK;
}

const char *cli_tls_verify_label(const cli_tls_opts *o, const tlsc_conn *conn)
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

int cli_tls_report_new(tlsc_err err, const tlsc_config *cfg)
{
    if (err == TLSC_ERR_NO_TRUST)
        return cli_report(err, "give --ca, --bundle, --pin, --psk or --insecure (no "
                               "system CA file " CLI_SYSTEM_CA_FILE ")");
    return cli_report(err, tlsc_config_errmsg(cfg));
}

/* ---- configuration ------------------------------------------------------ */

static bool use_system_ca(const cli_tls_opts *o)
{
    return o->cas.count == 0 && o->bundle == NULL && o->pins.count == 0 &&
           o->psk == NULL && !o->insecure && access(CLI_SYSTEM_CA_FILE, F_OK) == 0;
}

static tlsc_err apply_log(tlsc_config *cfg, const cli_tls_opts *o)
{
    if (o->debug == TLSC_LOG_NONE)
        return TLSC_OK;
    /* mbedTLS level 3 traces every handshake message; level 4 adds a hex
     * dump of every record, which drowns them. */
    int mbedtls_level = o->debug >= TLSC_LOG_VERBOSE ? 3 : 0;
    return tlsc_config_set_log(cfg, cli_log_line, NULL, (int)o->debug,
                               mbedtls_level);
}

static tlsc_err apply_versions(tlsc_config *cfg, const cli_tls_opts *o)
{
    if (o->version == 0)
        return TLSC_OK;
    return tlsc_config_set_versions(cfg, o->version, o->version);
}

static tlsc_err apply_cas(tlsc_config *cfg, const cli_tls_opts *o)
{
    if (use_system_ca(o))
        return tlsc_config_add_ca_file(cfg, CLI_SYSTEM_CA_FILE);
    for (size_t i = 0; i < o->cas.count; i++) {
        tlsc_err err = tlsc_config_add_ca_file(cfg, o->cas.items[i]);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static tlsc_err apply_bundle(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->bundle != NULL ? tlsc_config_set_bundle_file(cfg, o->bundle) : TLSC_OK;
}

static tlsc_err apply_pins(tlsc_config *cfg, const cli_tls_opts *o)
{
    for (size_t i = 0; i < o->pins.count; i++) {
        tlsc_err err = tlsc_config_add_pin(cfg, o->pins.items[i]);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static tlsc_err apply_crls(tlsc_config *cfg, const cli_tls_opts *o)
{
    for (size_t i = 0; i < o->crls.count; i++) {
        tlsc_err err = tlsc_config_add_crl_file(cfg, o->crls.items[i]);
        if (err != TLSC_OK)
            return err;
    }
    return TLSC_OK;
}

static tlsc_err apply_cn_fallback(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->allow_cn ? tlsc_config_allow_cn_fallback(cfg, true) : TLSC_OK;
}

static tlsc_err apply_sig_checks(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->sig_checks != 0 ? tlsc_config_set_max_signature_checks(cfg, o->sig_checks)
                              : TLSC_OK;
}

static tlsc_err apply_insecure(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->insecure ? tlsc_config_insecure_skip_verify(cfg) : TLSC_OK;
}

static tlsc_err apply_client_cert(tlsc_config *cfg, const cli_tls_opts *o)
{
    if (o->cert == NULL)
        return TLSC_OK;
    return tlsc_config_set_client_cert_file(cfg, o->cert, o->key,
                                            o->key_pass);
}

static tlsc_err apply_psk(tlsc_config *cfg, const cli_tls_opts *o)
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

static tlsc_err apply_alpn(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->alpn != NULL ? tlsc_config_set_alpn(cfg, o->alpn) : TLSC_OK;
}

static tlsc_err apply_timeout(tlsc_config *cfg, const cli_tls_opts *o)
{
    if (!o->have_timeout)
        return TLSC_OK;
    return tlsc_config_set_timeouts(cfg, o->timeout_ms, o->timeout_ms,
                                    o->timeout_ms);
}

static tlsc_err apply_resumption(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->have_resumption ? tlsc_config_set_resumption(cfg, o->resumption) : TLSC_OK;
}

static tlsc_err apply_buffers(tlsc_config *cfg, const cli_tls_opts *o)
{
    return o->have_buffers ? tlsc_config_set_buffers(cfg, o->buf_in, o->buf_out) : TLSC_OK;
}

/* Applied in this order; logging first so later steps can be traced. */
static tlsc_err (*const config_steps[])(tlsc_config *, const cli_tls_opts *) = {
    apply_log,      apply_versions,    apply_cas,       apply_bundle,
    apply_crls,     apply_pins,        apply_insecure,  apply_cn_fallback, apply_sig_checks,
    apply_client_cert,
    apply_psk,      apply_alpn,        apply_timeout,
    apply_resumption, apply_buffers,
};

int cli_tls_build_config(const cli_tls_opts *o, tlsc_config **out)
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

/* ---- HOST:PORT ------------------------------------------------------------ */

/* HOST:PORT split into its parts (host not NUL-terminated). */
typedef struct hostport {
    const char *host;
    size_t host_len;
    const char *port;
} hostport;

/* "[::1]:443" */
static int split_bracketed(const char *cmd, const char *arg, hostport *hp)
{
    const char *end = strchr(arg, ']');

    if (end == NULL || end[1] != ':')
        return cli_usage_error(cmd, "invalid address '%s' (expected "
                                    "[IPv6]:PORT)", arg);
    hp->host = arg + 1;
    hp->host_len = (size_t)(end - hp->host);
    hp->port = end + 2;
    return CLI_EXIT_OK;
}

/* "name:443", "192.0.2.1:443" */
static int split_plain(const char *cmd, const char *arg, hostport *hp)
{
    const char *colon = strchr(arg, ':');

    if (colon == NULL)
        return cli_usage_error(cmd, "missing port in '%s' (expected "
                                    "HOST:PORT)", arg);
    if (strchr(colon + 1, ':') != NULL)
        return cli_usage_error(cmd, "IPv6 address in '%s' must be in "
                                    "brackets: [ADDRESS]:PORT", arg);
    hp->host = arg;
    hp->host_len = (size_t)(colon - arg);
    hp->port = colon + 1;
    return CLI_EXIT_OK;
}

int cli_parse_hostport(const char *cmd, const char *arg, char *host, size_t cap,
                       uint16_t *port_out)
{
    hostport hp = {NULL, 0, NULL};
    uint32_t port = 0;
    int rc = arg[0] == '[' ? split_bracketed(cmd, arg, &hp) : split_plain(cmd, arg, &hp);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (hp.host_len == 0 || hp.host_len >= cap)
        return cli_usage_error(cmd, "invalid host in '%s'", arg);
    rc = cli_parse_u32(cmd, "port", hp.port, 1, 65535, &port);
    if (rc != CLI_EXIT_OK)
        return rc;
    memcpy(host, hp.host, hp.host_len);
    host[hp.host_len] = '\0';
    *port_out = (uint16_t)port;
    return CLI_EXIT_OK;
}
