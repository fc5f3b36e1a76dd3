/*
 * tools/cli_tls.c — the TLS options every connecting subcommand shares
 * (tlsc connect, tlsc get): their table, their help text, and turning
 * them into a tlsc_config. A subcommand's option struct starts with a
 * cli_tls_opts, so these options' apply functions can take it as theirs.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --key names a key in a PKCS#11 token rather than a file. */
static bool is_pkcs11(const char *key)
{
    return key != NULL && strncmp(key, "pkcs11:", 7) == 0;
}

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
    "  --key pkcs11:URI      or a key inside a PKCS#11 token (RFC 7512 URI:",
    "                        token=, object=, id=, pin-value=, pin-source=),",
    "                        e.g. 'pkcs11:token=dev;object=client'; it never",
    "                        leaves the token",
    "  --key-pass SECRET     password of an encrypted key, or the token's PIN",
    "  --pkcs11-module PATH  PKCS#11 module for --key pkcs11:... (default:",
    "                        p11-kit's proxy, i.e. every module p11-kit knows)",
    "  --psk SECRET          pre-shared key IDENTITY:HEXKEY, split at the",
    "                        first ':'. Without --ca, --pin or --insecure only",
    "                        PSK suites are offered.",
    "  SECRET is env:VAR (the environment variable VAR), file:PATH or @PATH",
    "  (the first line of the regular file PATH), pass:TEXT or plain TEXT;",
    "  the plain forms are visible to every user in ps: prefer env: or file:.",
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
    "                        and mbedTLS's own debug output. Key material",
    "                        (secrets, keys, PSKs) is never logged: use",
    "                        --keylog to decrypt a capture",
    "  --keylog FILE         append the connection's secrets to FILE in the",
    "                        NSS key log format (Wireshark: TLS '(Pre)-Master-",
    "                        Secret log filename'); created 0600, never",
    "                        through a symlink. Also from the SSLKEYLOGFILE",
    "                        environment variable, as curl. Whoever reads",
    "                        FILE can decrypt the traffic: a warning is",
    "                        printed whenever it is used",
    "  --heap-limit BYTES    let tlsc and mbedTLS hold at most BYTES of heap",
    "                        at once (tlsc_heap_set_limit), to rehearse a",
    "                        device: beyond it the command fails with",
    "                        'out of memory' (status 10); 0 = no limit",
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

/* "env:", "file:", "@", "pass:": see cli_secret. */
static bool secret_source(const char *v)
{
    return strncmp(v, "env:", 4) == 0 || strncmp(v, "file:", 5) == 0 || v[0] == '@';
}

static int opt_pkcs11_module(void *p, const char *v)
{
    ((cli_tls_opts *)p)->pkcs11_module = v;
    return CLI_EXIT_OK;
}

static int opt_psk(void *p, const char *v)
{
    if (!secret_source(v) && strchr(v, ':') == NULL)
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

/* Process-wide, as on a device: applied at once, before any file is read. */
static int opt_heap_limit(void *p, const char *v)
{
    uint32_t bytes = 0;
    int rc = cli_parse_u32(((cli_tls_opts *)p)->cmd, "--heap-limit", v, 0, UINT32_MAX, &bytes);
    if (rc == CLI_EXIT_OK)
        tlsc_heap_set_limit(bytes);
    return rc;
}

static int opt_sess_in(void *p, const char *v)
{
    ((cli_tls_opts *)p)->sess_in = v;
    return CLI_EXIT_OK;
}

static int opt_keylog(void *p, const char *v)
{
    ((cli_tls_opts *)p)->keylog = v;
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
    {"pkcs11-module", true, opt_pkcs11_module},
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
    {"heap-limit", true, opt_heap_limit},
    {"sess-in", true, opt_sess_in},
    {"sess-out", true, opt_sess_out},
    {"resumption", true, opt_resumption},
    {"keylog", true, opt_keylog},
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

static int g_keylog_fd = -1; /* --keylog / SSLKEYLOGFILE, opened once */
/* The token's key: opened by apply_client_cert, used by the configuration
 * (and its connections) until cli_tls_release, after they are freed. */
static cli_pkcs11 *token_key;
static char token_why[CLI_PATH_MAX + 512];

void cli_tls_release(cli_tls_opts *o)
{
    if (g_keylog_fd >= 0)
        close(g_keylog_fd);
    g_keylog_fd = -1;
    cli_pkcs11_close(token_key);
    token_key = NULL;
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
    if (o->pkcs11_module != NULL && !is_pkcs11(o->key))
        return cli_usage_error(o->cmd, "--pkcs11-module needs --key pkcs11:...");
    if (is_pkcs11(o->key))
        return cli_pkcs11_check(o->cmd);
    return CLI_EXIT_OK;
}

/* "ok", "insecure", "pin-only" or "psk", for the summary. */
static const char *cli_tls_verify_label(const cli_tls_opts *o, const tlsc_conn *conn)
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

/* client_cert: in the summary: "not requested", "requested, none sent",
 * "sent, accepted", "sent, rejected" or "sent, no verdict yet". */
static const char *cli_client_cert_label(const tlsc_conn *conn)
{
    switch (tlsc_conn_client_cert_status(conn)) {
    case TLSC_CLIENT_CERT_NOT_REQUESTED: return "not requested";
    case TLSC_CLIENT_CERT_NONE_SENT: return "requested, none sent";
    case TLSC_CLIENT_CERT_ACCEPTED: return "sent, accepted";
    case TLSC_CLIENT_CERT_REJECTED: return "sent, rejected";
    case TLSC_CLIENT_CERT_SENT: break;
    }
    return "sent, no verdict yet";
}

bool cli_client_cert_verdict_pending(const tlsc_conn *conn)
{
    /* Only TLS 1.3 servers judge the certificate after our handshake. */
    return tlsc_conn_client_cert_requested(conn) &&
           strcmp(tlsc_conn_protocol(conn), "TLSv1.3") == 0 &&
           tlsc_conn_client_cert_status(conn) != TLSC_CLIENT_CERT_ACCEPTED &&
           tlsc_conn_client_cert_status(conn) != TLSC_CLIENT_CERT_REJECTED;
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

/* A CA file of which some certificates were skipped still loads; say so,
 * or a root the user counts on is silently missing. */
tlsc_err cli_tls_add_ca_file(tlsc_config *cfg, const char *path)
{
    tlsc_err err = tlsc_config_add_ca_file(cfg, path);
    if (err == TLSC_OK && tlsc_config_errmsg(cfg)[0] != '\0')
        fprintf(stderr, "tlsc: warning: %s\n", tlsc_config_errmsg(cfg));
    return err;
}

static tlsc_err apply_cas(tlsc_config *cfg, const cli_tls_opts *o)
{
    if (use_system_ca(o))
        return cli_tls_add_ca_file(cfg, CLI_SYSTEM_CA_FILE);
    for (size_t i = 0; i < o->cas.count; i++) {
        tlsc_err err = cli_tls_add_ca_file(cfg, o->cas.items[i]);
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

/* The URI to show in messages: a pin-value's digits are not shown. */
static void token_key_name(const char *uri, char *out, size_t cap)
{
    const char *pin = strstr(uri, "pin-value=");
    if (pin == NULL) {
        snprintf(out, cap, "%s", uri);
        return;
    }
    size_t head = (size_t)(pin - uri) + strlen("pin-value=");
    const char *rest = pin + strcspn(pin, ";?&");
    snprintf(out, cap, "%.*s***%s", (int)head, uri, rest);
}

/* The certificate from its file, the key from the token. */
static tlsc_err apply_token_key(tlsc_config *cfg, const cli_tls_opts *o, const char *pass)
{
    size_t len = 0;
    unsigned char *cert = NULL;
    char why[CLI_WHY_MAX];
    tlsc_err err = tlsc_file_read(o->cert, TLSC_FILE_MAX, &cert, &len, NULL, why, sizeof why);
    if (err != TLSC_OK) {
        snprintf(token_why, sizeof token_why, "client certificate %s", why);
        return err;
    }
    char name[200];
    token_key_name(o->key, name, sizeof name);
    why[0] = '\0';
    token_key = cli_pkcs11_open(o->key, o->pkcs11_module, pass, why, sizeof why);
    if (token_key == NULL)
        snprintf(token_why, sizeof token_why, "client key signer '%s': %s", name, why);
    err = token_key ? tlsc_config_set_client_signer(cfg, cert, len, name, cli_pkcs11_sign,
                                                    token_key)
                    : TLSC_ERR_SIGNER;
    tlsc_file_free(cert, len);
    return err;
}

static tlsc_err apply_client_cert(tlsc_config *cfg, const cli_tls_opts *o, const char *pass)
{
    if (o->cert == NULL)
        return TLSC_OK;
    if (is_pkcs11(o->key))
        return apply_token_key(cfg, o, pass);
    return tlsc_config_set_client_cert_file(cfg, o->cert, o->key, pass);
}

/* text is "IDENTITY:HEXKEY"; the identity may not contain ':', the hex key
 * cannot. */
static tlsc_err apply_psk(tlsc_config *cfg, char *text)
{
    char *colon = strchr(text, ':');
    *colon = '\0';
    tlsc_err err = tlsc_config_set_psk_hex(cfg, text, colon + 1);
    *colon = ':';
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
    apply_alpn,     apply_timeout,
    apply_resumption, apply_buffers,
};

/* ---- secrets: --psk, --key-pass, --keylog ---------------------------------- */

typedef struct secrets {
    char *psk;          /* resolved by cli_secret, or NULL */
    char *key_pass;
} secrets;

static void secrets_free(secrets *s)
{
    cli_free_secret(s->psk, s->psk ? strlen(s->psk) : 0);
    cli_free_secret(s->key_pass, s->key_pass ? strlen(s->key_pass) : 0);
}

static int secrets_resolve(const cli_tls_opts *o, secrets *s)
{
    int rc = o->psk != NULL ? cli_secret("--psk", o->psk, &s->psk) : CLI_EXIT_OK;
    if (rc == CLI_EXIT_OK && o->key_pass != NULL)
        rc = cli_secret("--key-pass", o->key_pass, &s->key_pass);
    if (rc == CLI_EXIT_OK && s->psk != NULL && strchr(s->psk, ':') == NULL)
        rc = cli_report(TLSC_ERR_PSK, "--psk: expected IDENTITY:HEXKEY");
    return rc;
}

/* One write per line: O_APPEND keeps concurrent writers' lines whole. */
static void keylog_line(void *ud, const char *line)
{
    (void)ud;
    char buf[512];
    size_t n = strlen(line);
    if (n + 1 > sizeof buf)
        return;
    memcpy(buf, line, n);
    buf[n] = '\n';
    ssize_t w = write(g_keylog_fd, buf, n + 1);
    (void)w;
    memset(buf, 0, sizeof buf);
}

/* Appending to an existing key log is what curl and browsers do; a new one
 * is created 0600, and a symlink is never followed (O_NOFOLLOW), nor a FIFO
 * waited on. Returns an errno value. */
static int keylog_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                  O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == ELOOP ? EMLINK : errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return EINVAL;
    }
    if ((st.st_mode & 077) != 0)
        fprintf(stderr, "tlsc: warning: key log %s is accessible by others (mode %04o)\n", path,
                (unsigned)(st.st_mode & 07777));
    g_keylog_fd = fd;
    return 0;
}

static const char *keylog_error(int e)
{
    if (e == EMLINK)
        return "it is a symlink (not followed)";
    return e == EINVAL ? "not a regular file" : strerror(e);
}

/* --keylog FILE, else SSLKEYLOGFILE (which only warns when unusable, as
 * curl). An exit status. */
static int setup_keylog(tlsc_config *cfg, const cli_tls_opts *o)
{
    const char *env = getenv("SSLKEYLOGFILE");
    const char *path = o->keylog != NULL ? o->keylog : (env != NULL && env[0] ? env : NULL);
    const char *from = o->keylog != NULL ? "--keylog" : "SSLKEYLOGFILE";
    int e = path != NULL && g_keylog_fd < 0 ? keylog_open(path) : 0;
    if (e != 0 && o->keylog != NULL) {
        fprintf(stderr, "tlsc: %s: --keylog %s: %s\n", tlsc_strerror(TLSC_ERR_FILE), path,
                keylog_error(e));
        return cli_exit_status(TLSC_ERR_FILE);
    }
    if (e != 0) {
        fprintf(stderr, "tlsc: warning: SSLKEYLOGFILE %s not used: %s\n", path, keylog_error(e));
        return CLI_EXIT_OK;
    }
    if (path == NULL)
        return CLI_EXIT_OK;
    static bool warned;
    if (!warned)
        fprintf(stderr, "tlsc: warning: writing TLS secrets to %s (%s): whoever reads it can "
                "decrypt this connection\n", path, from);
    warned = true;
    tlsc_err err = tlsc_config_set_keylog(cfg, keylog_line, NULL);
    return err == TLSC_OK ? CLI_EXIT_OK : cli_report(err, tlsc_config_errmsg(cfg));
}

static tlsc_err apply_steps(tlsc_config *cfg, const cli_tls_opts *o, secrets *s)
{
    for (size_t i = 0; i < sizeof config_steps / sizeof config_steps[0]; i++) {
        tlsc_err err = config_steps[i](cfg, o);
        if (err != TLSC_OK)
            return err;
    }
    tlsc_err err = apply_client_cert(cfg, o, s->key_pass);
    if (err == TLSC_OK && s->psk != NULL)
        err = apply_psk(cfg, s->psk);
    return err;
}

int cli_tls_build_config(const cli_tls_opts *o, tlsc_config **out)
{
    tlsc_config *cfg = NULL;
    tlsc_err err = tlsc_config_new(&cfg);

    if (err != TLSC_OK)
        return cli_report(err, NULL);
    secrets s = {NULL, NULL};
    int rc = secrets_resolve(o, &s);
    if (rc == CLI_EXIT_OK) {
        err = apply_steps(cfg, o, &s);
        /* A token that could not be opened has its words here, not in cfg. */
        rc = err != TLSC_OK ? cli_report(err, token_key == NULL && token_why[0] != '\0'
                                                  ? token_why : tlsc_config_errmsg(cfg))
                            : CLI_EXIT_OK;
    }
    secrets_free(&s);
    if (rc == CLI_EXIT_OK)
        rc = setup_keylog(cfg, o);
    if (rc != CLI_EXIT_OK) {
        tlsc_config_free(cfg);
        return rc;
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

/* ---- the summary ----------------------------------------------------------- */

static const char *or_none(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "none";
}

void cli_tls_print_summary(const cli_tls_opts *o, const tlsc_conn *conn)
{
    fprintf(stderr, "protocol: %s\n", or_none(tlsc_conn_protocol(conn)));
    fprintf(stderr, "cipher: %s\n", or_none(tlsc_conn_cipher(conn)));
    fprintf(stderr, "group: %s\n", or_none(tlsc_conn_group(conn)));
    fprintf(stderr, "alpn: %s\n", or_none(tlsc_conn_alpn(conn)));
    fprintf(stderr, "peer: %s\n", or_none(tlsc_conn_peer_subject(conn)));
    fprintf(stderr, "verify: %s\n", cli_tls_verify_label(o, conn));
    fprintf(stderr, "resumed: %s\n", tlsc_conn_resumed(conn) ? "yes" : "no");
    fprintf(stderr, "handshake_ms: %lu\n",
            (unsigned long)tlsc_conn_handshake_ms(conn));
    /* %lu, not %zu: newlib (the device build) has no C99 size formats. */
    fprintf(stderr, "heap_peak_bytes: %lu\n",
            (unsigned long)tlsc_conn_handshake_heap_peak(conn));
    size_t rin, rout;
    tlsc_conn_record_limit(conn, &rin, &rout);
    fprintf(stderr, "record_limit: in=%lu out=%lu\n", (unsigned long)rin, (unsigned long)rout);
    fprintf(stderr, "client_cert: %s\n", cli_client_cert_label(conn));
}
