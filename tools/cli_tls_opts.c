/*
 * tools/cli_tls_opts.c — the TLS options every network subcommand shares
 * (--ca, --bundle, --pin, --cert/--key, --psk, --alpn, --tls1.x,
 * --servername, --insecure, --timeout, --debug, --resumption): their
 * parsing into a cli_tls_opts, the rules between them, and the
 * tlsc_config they describe. Also HOST:PORT parsing.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest --timeout: poll() takes an int. */
#define TIMEOUT_MAX 2147483647u

/* ---- options ---------------------------------------------------------------- */

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
    return cli_parse_u32(o->cmd, "--timeout", v, 0, TIMEOUT_MAX, &o->timeout_ms);
}

static int opt_debug(void *p, const char *v)
{
    return cli_parse_u32(((cli_tls_opts *)p)->cmd, "--debug level", v, TLSC_LOG_NONE,
                         TLSC_LOG_VERBOSE, &((cli_tls_opts *)p)->debug);
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


const cli_option cli_tls_options[] = {
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
    {"resumption", true, opt_resumption},
};
const size_t cli_tls_option_count = sizeof cli_tls_options / sizeof cli_tls_options[0];

int cli_tls_init(cli_tls_opts *o, const char *cmd, int argc)
{
    o->cmd = cmd;
    /* Each repeatable option can occur at most argc times. */
    o->cas.items = calloc((size_t)argc, sizeof *o->cas.items);
    o->pins.items = calloc((size_t)argc, sizeof *o->pins.items);
    if (o->cas.items == NULL || o->pins.items == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    return CLI_EXIT_OK;
}

void cli_tls_free(cli_tls_opts *o)
{
    free(o->cas.items);
    free(o->pins.items);
}

static size_t join_options(const cli_option *own, size_t own_count, cli_option *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cli_tls_option_count && n < cap; i++)
        out[n++] = cli_tls_options[i];
    for (size_t i = 0; i < own_count && n < cap; i++)
        out[n++] = own[i];
    return n;
}

/* ---- HOST:PORT ---------------------------------------------------------------- */

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
                       uint16_t *port)
{
    hostport hp = {NULL, 0, NULL};
    uint32_t num = 0;
    int rc = arg[0] == '[' ? split_bracketed(cmd, arg, &hp) : split_plain(cmd, arg, &hp);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (hp.host_len == 0 || hp.host_len >= cap)
        return cli_usage_error(cmd, "invalid host in '%s'", arg);
    rc = cli_parse_u32(cmd, "port", hp.port, 1, 65535, &num);
    if (rc != CLI_EXIT_OK)
        return rc;
    memcpy(host, hp.host, hp.host_len);
    host[hp.host_len] = '\0';
    *port = (uint16_t)num;
    return CLI_EXIT_OK;
}

/* Rules that involve more than one option. */
int cli_tls_check(const cli_tls_opts *o)
{
    if ((o->cert == NULL) != (o->key == NULL))
        return cli_usage_error(o->cmd, "--cert and --key must be given together");
    if (o->key_pass != NULL && o->key == NULL)
        return cli_usage_error(o->cmd, "--key-pass needs --cert and --key");
    return CLI_EXIT_OK;
}

/* ---- configuration -------------------------------------------------------- */


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

/* Applied in this order; logging first so later steps can be traced. */
static tlsc_err (*const config_steps[])(tlsc_config *, const cli_tls_opts *) = {
    apply_log,      apply_versions,    apply_cas,       apply_bundle,
    apply_pins,     apply_insecure,    apply_client_cert,
    apply_psk,      apply_alpn,        apply_timeout,
    apply_resumption,
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


/* ---- a whole command line ----------------------------------------------------- */

int cli_parse_tls_command(const char *cmd, const cli_option *own, size_t own_count, int argc,
                          char **argv, void *opts, char *host, size_t cap, uint16_t *port)
{
    cli_option table[48];
    const cli_spec spec = {
        .cmd = cmd,
        .options = table,
        .option_count = join_options(own, own_count, table, sizeof table / sizeof table[0]),
        .max_positional = 1,
    };
    const char *pos[1] = {NULL};
    size_t npos = 0;
    int rc = cli_parse(&spec, argc, argv, opts, pos, &npos);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (npos == 0)
        return cli_usage_error(cmd, "missing HOST:PORT");
    rc = cli_parse_hostport(cmd, pos[0], host, cap, port);
    return rc != CLI_EXIT_OK ? rc : cli_tls_check(opts);
}
