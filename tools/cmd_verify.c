/*
 * tools/cmd_verify.c — `tlsc verify --ca FILE --chain FILE [--host NAME]`:
 * verify a server's certificate chain offline with exactly the policy of
 * `tlsc connect` (tlsc_verify_chain on a configuration built the same way).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "verify"

/* The chain a server sends is a few KiB; refuse anything absurd. */
#define CHAIN_MAX (1024 * 1024)

typedef struct verify_opts {
    const char **cas;       /* borrowed from argv; capacity argc */
    size_t ca_count;
    const char *bundle;
    const char **pins;
    size_t pin_count;
    const char **crls;
    size_t crl_count;
    const char *chain;
    const char *host;
    bool have_time;
    int64_t time;
    bool allow_cn;
    bool have_depth;
    uint32_t depth;
    uint32_t sig_checks;    /* --max-signature-checks; 0 = default */
    uint32_t debug;         /* --debug */
} verify_opts;

static const char *const verify_help[] = {
    "Usage: tlsc verify --ca FILE [--bundle FILE] --chain FILE [--host NAME|IP]",
    "                   [--time UNIX_SECONDS] [--pin sha256//BASE64] [--crl FILE]",
    "                   [--allow-cn-fallback] [--max-chain-depth N]",
    "                   [--max-signature-checks N] [--debug N]",
    "",
    "Verify a server certificate chain offline, with exactly the policy",
    "'tlsc connect' applies to a server: chain to a trusted CA, dates, host",
    "name (subjectAltName only), extendedKeyUsage serverAuth, CA flags and",
    "path lengths, name constraints, no RSA under 2048 bits, no SHA-1, no",
    "unknown critical extension. See 'tlsc connect --help' for the trust",
    "options, which mean the same here.",
    "",
    "Options:",
    "  --ca FILE             trust the CA certificates in FILE; repeatable",
    "  --bundle FILE         trust the roots of a root CA bundle",
    "  --chain FILE          the chain to verify: PEM, the leaf first, then",
    "                        the intermediates the server would send (or one",
    "                        DER certificate)",
    "  --host NAME|IP        the host the certificate must be valid for;",
    "                        without it the host name is not checked",
    "  --time UNIX_SECONDS   verify at this time (default: now)",
    "  --pin sha256//BASE64  require the leaf's public key to match; repeatable",
    "  --crl FILE            check revocation against the CRLs in FILE (PEM or",
    "                        DER) of the --ca CAs; repeatable",
    "  --allow-cn-fallback   LEGACY: match the host against the subject CN",
    "                        when the leaf has no subjectAltName",
    "  --max-chain-depth N   allow at most N intermediate CAs (0..8, default 8)",
    "  --max-signature-checks N",
    "                        give up searching for a path to a trusted CA",
    "                        after N signature checks (1..1000, default 16)",
    "  --debug N             log to stderr up to level N (3: the signature",
    "                        checks and paths the search spent)",
    "  -h, --help            show this help",
    "",
    "Output: 'ok' on stdout when the chain is valid. Otherwise the reasons on",
    "stderr, one error line 'tlsc: <message>: <reasons>' with every reason",
    "found (which certificate, which rule), separated by '; '.",
    "",
    "Exit status: 0 valid, 2 usage, 3 configuration (a file unreadable, no",
    "certificate in --chain or --ca), 9 verification failed (the chain is",
    "refused), 10 out of memory, 1 internal error.",
    "",
    "Example:",
    "  tlsc verify --ca root.pem --chain server-chain.pem --host example.com",
    NULL,
};

void cmd_verify_help(void)
{
    for (size_t i = 0; verify_help[i] != NULL; i++)
        puts(verify_help[i]);
}

/* ---- options ------------------------------------------------------------ */

static int opt_ca(void *p, const char *v)
{
    verify_opts *o = p;
    o->cas[o->ca_count++] = v;
    return CLI_EXIT_OK;
}

static int opt_bundle(void *p, const char *v)
{
    verify_opts *o = p;
    if (o->bundle != NULL)
        return cli_usage_error(CMD, "--bundle given twice");
    o->bundle = v;
    return CLI_EXIT_OK;
}

static int opt_pin(void *p, const char *v)
{
    verify_opts *o = p;
    o->pins[o->pin_count++] = v;
    return CLI_EXIT_OK;
}

static int opt_crl(void *p, const char *v)
{
    verify_opts *o = p;
    o->crls[o->crl_count++] = v;
    return CLI_EXIT_OK;
}

static int opt_chain(void *p, const char *v)
{
    verify_opts *o = p;
    if (o->chain != NULL)
        return cli_usage_error(CMD, "--chain given twice");
    o->chain = v;
    return CLI_EXIT_OK;
}

static int opt_host(void *p, const char *v)
{
    if (v[0] == '\0')
        return cli_usage_error(CMD, "--host needs a name or an IP address");
    ((verify_opts *)p)->host = v;
    return CLI_EXIT_OK;
}

/* Digits only, up to the year 9999. */
static int opt_time(void *p, const char *v)
{
    verify_opts *o = p;
    char *end = NULL;
    errno = 0;
    unsigned long long t = (v[0] >= '0' && v[0] <= '9') ? strtoull(v, &end, 10) : 0;
    if (end == NULL || *end != '\0' || errno == ERANGE || t > 253402300799ull)
        return cli_usage_error(CMD, "invalid --time '%s' (Unix seconds, 0..253402300799)", v);
    o->time = (int64_t)t;
    o->have_time = true;
    return CLI_EXIT_OK;
}

static int opt_allow_cn(void *p, const char *v)
{
    (void)v;
    ((verify_opts *)p)->allow_cn = true;
    return CLI_EXIT_OK;
}

static int opt_depth(void *p, const char *v)
{
    verify_opts *o = p;
    o->have_depth = true;
    return cli_parse_u32(CMD, "--max-chain-depth", v, 0, 8, &o->depth);
}

static int opt_sig_checks(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--max-signature-checks", v, 1, 1000,
                         &((verify_opts *)p)->sig_checks);
}

static int opt_debug(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--debug level", v, TLSC_LOG_NONE, TLSC_LOG_DEBUG,
                         &((verify_opts *)p)->debug);
}

static const cli_option verify_options[] = {
    {"max-chain-depth", true, opt_depth},
    {"max-signature-checks", true, opt_sig_checks},
    {"debug", true, opt_debug},
    {"ca", true, opt_ca},
    {"bundle", true, opt_bundle},
    {"pin", true, opt_pin},
    {"crl", true, opt_crl},
    {"chain", true, opt_chain},
    {"host", true, opt_host},
    {"time", true, opt_time},
    {"allow-cn-fallback", false, opt_allow_cn},
};

static const cli_spec verify_spec = {
    .cmd = CMD,
    .options = verify_options,
    .option_count = sizeof verify_options / sizeof verify_options[0],
    .max_positional = 0,
};

/* ---- configuration ------------------------------------------------------ */

static tlsc_err build_trust(tlsc_config *cfg, const verify_opts *o)
{
    tlsc_err err = TLSC_OK;
    for (size_t i = 0; err == TLSC_OK && i < o->ca_count; i++)
        err = cli_tls_add_ca_file(cfg, o->cas[i]);
    if (err == TLSC_OK && o->bundle != NULL)
        err = tlsc_config_set_bundle_file(cfg, o->bundle);
    for (size_t i = 0; err == TLSC_OK && i < o->crl_count; i++)
        err = tlsc_config_add_crl_file(cfg, o->crls[i]);
    for (size_t i = 0; err == TLSC_OK && i < o->pin_count; i++)
        err = tlsc_config_add_pin(cfg, o->pins[i]);
    if (err == TLSC_OK && o->allow_cn)
        err = tlsc_config_allow_cn_fallback(cfg, true);
    if (err == TLSC_OK && o->have_depth)
        err = tlsc_config_set_max_chain_depth(cfg, o->depth);
    if (err == TLSC_OK && o->sig_checks != 0)
        err = tlsc_config_set_max_signature_checks(cfg, o->sig_checks);
    if (err == TLSC_OK && o->debug != TLSC_LOG_NONE)
        err = tlsc_config_set_log(cfg, cli_log_line, NULL, (int)o->debug, 0);
    return err;
}

/* The whole file, NUL-terminated (not counted in *len). */
static int read_chain(const char *path, char **out, size_t *len)
{
    unsigned char *buf = NULL;
    char why[4096 + 128];
    tlsc_err err = tlsc_file_read(path, CHAIN_MAX, &buf, len, NULL, why, sizeof why);
    if (err == TLSC_OK && *len == 0) {
        tlsc_file_free(buf, 0);
        snprintf(why, sizeof why, "%s: empty", path);
        err = TLSC_ERR_FILE;
    }
    if (err != TLSC_OK)
        return cli_report(err, why);
    *out = (char *)buf;
    return CLI_EXIT_OK;
}

static int run(const verify_opts *o)
{
    char *chain = NULL;
    size_t len = 0;
    int rc = read_chain(o->chain, &chain, &len);
    if (rc != CLI_EXIT_OK)
        return rc;
    tlsc_config *cfg = NULL;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err == TLSC_OK)
        err = build_trust(cfg, o);
    if (err != TLSC_OK) {
        rc = cli_report(err, cfg != NULL ? tlsc_config_errmsg(cfg) : NULL);
        tlsc_config_free(cfg);
        tlsc_file_free((unsigned char *)chain, len);
        return rc;
    }
    char detail[1024];
    uint32_t flags = 0;
    err = tlsc_verify_chain(cfg, chain, len, o->host, o->have_time ? o->time : -1, &flags,
                            detail, sizeof detail);
    tlsc_config_free(cfg);
    tlsc_file_free((unsigned char *)chain, len);
    if (err == TLSC_ERR_HOSTNAME)
        return cli_usage_error(CMD, "invalid --host '%s'", o->host);
    if (err != TLSC_OK)
        return cli_report(err, detail);
    puts("ok");
    return CLI_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o;
    memset(&o, 0, sizeof o);
    const char **lists = calloc(3 * (size_t)argc, sizeof *lists);
    if (lists == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    o.cas = lists;
    o.pins = lists + argc;
    o.crls = lists + 2 * argc;
    size_t npos = 0;
    int rc = cli_parse(&verify_spec, argc, argv, &o, NULL, &npos);
    if (rc == CLI_HELP) {
        cmd_verify_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK && o.chain == NULL) {
        rc = cli_usage_error(CMD, "--chain FILE is required");
    } else if (rc == CLI_EXIT_OK && o.ca_count == 0 && o.bundle == NULL && o.pin_count == 0) {
        rc = cli_usage_error(CMD, "give the trust to verify against: --ca, --bundle or --pin");
    } else if (rc == CLI_EXIT_OK) {
        rc = run(&o);
    }
    free(lists);
    return rc;
}
