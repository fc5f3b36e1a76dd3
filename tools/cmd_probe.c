/*
 * tools/cmd_probe.c — `tlsc probe HOST:PORT [TLS options of tlsc connect]`:
 * connect the way a device would, several times, and report what the
 * server needs from it as stable `key: value` lines.
 *
 * Each trial is a verified handshake over the library's own transport,
 * whose record framing cli_wire.c reads through the library's tap
 * (tlsc_conn_set_tap); the library adds what the wire cannot show
 * (the negotiated parameters, the chain as sent, the largest handshake
 * message — encrypted in TLS 1.3). The max_fragment_length trial's
 * 512-byte input buffer may end its handshake early: its verdict is the
 * wire's.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#define CMD "probe"
#define KEYS_MAX 256
/* The max_fragment_length offered: the smallest (RFC 6066), which a
 * certificate chain always exceeds, so ignoring the offer shows. */
#define PROBE_LIMIT 512

/* HOST, as connect's: a DNS name is at most 253 bytes. */
#define HOST_MAX 256

typedef struct probe_opts {
    cli_tls_opts tls;           /* first: see cli_tls_opts */
    char host[HOST_MAX];
    uint16_t port;
} probe_opts;

static const char *const probe_help_head[] = {
    "Usage: tlsc probe HOST:PORT [options]",
    "",
    "Connect to HOST:PORT the way a device would, several times (both TLS",
    "versions, then each one alone, then each cipher suite tlsc supports,",
    "then TLS 1.2 offering max_fragment_length 512), and print what the server",
    "needs from a device, one 'key: value' line each on stdout. Every",
    "connection is verified with the trust options below, as by 'tlsc",
    "connect'; --tls1.2 / --tls1.3 limit the probe to that version;",
    "--sess-in, --sess-out and --resumption do not apply. --timeout MS limits",
    "each connection's TCP connect and handshake.",
    "",
};

static const char *const probe_help[] = {
    "",
    "Output, in this order (sizes in bytes):",
    "  server                 HOST:PORT",
    "  tls1.2, tls1.3         yes, no, or skipped (excluded by an option)",
    "  protocol, cipher,      what a client allowing every version and suite",
    "  group                  negotiates; the lines below describe that",
    "                         connection unless prefixed by a version",
    "  suites                 suites the server accepted, comma-separated",
    "  suites_rejected        suites it refused (PSK suites only with --psk)",
    "  max_fragment_length    whether the server honours a TLS 1.2",
    "                         max_fragment_length offer of 512: yes (every",
    "                         record it sent fits), no (a larger record, or it",
    "                         refused the offer), skipped (no TLS 1.2)",
    "  record_size_limit      whether the server honours TLS 1.3's",
    "                         record_size_limit: yes (it sent its own, RFC",
    "                         8449), no, skipped (no TLS 1.3), or unknown: this",
    "                         build of tlsc does not offer record_size_limit",
    "                         (only the small mbedTLS profiles do, with their",
    "                         input record size)",
    "  max_record_in          largest record the server sent (fragment bytes",
    "                         after the 5-byte header, as on the wire)",
    "  max_record_out         largest record tlsc sent",
    "  max_handshake_message  largest handshake message the server sent,",
    "                         with its 4-byte header (TLS 1.3 encrypts them:",
    "                         tlsc reads their length as mbedTLS parses them)",
    "  chain_certs            certificates the server sent",
    "  chain_bytes            their total DER size",
    "  leaf_key               key of the server's certificate: 'ec secp256r1',",
    "                         'rsa 2048', ...",
    "  chain_keys             key of each certificate sent, leaf first",
    "  buffers                the smallest input,output record buffers that",
    "                         hold this handshake: plaintext bytes of the",
    "                         largest record or handshake message each way",
    "  buffers_tls1.2,        the same for a device limited to that version",
    "  buffers_tls1.3         (when the server accepts it)",
    "  buffers_setting        'IN,OUT VERSIONS': the smallest --buffers setting",
    "                         (tlsc_config_set_buffers) confirmed by one more",
    "                         connection made with it. When the server accepts",
    "                         TLS 1.2 and honours max_fragment_length: the",
    "                         smallest of 512/1024/2048/4096 holding its TLS 1.2",
    "                         records and handshake messages, VERSIONS 'tls1.2'",
    "                         (tlsc then offers only TLS 1.2 with that",
    "                         max_fragment_length, so the server's records stay",
    "                         that small). Otherwise the build's maximum, 'any'.",
    "                         'none' when no setting worked",
    "  verdict                always the last line: 'yes', 'yes — with",
    "                         --buffers IN,OUT --tls1.2' (the smallest",
    "                         buffers), or 'no — <why, in words>'",
    "",
    "When tlsc cannot connect, probe asks the server what it wants with",
    "hand-built ClientHellos, one family at a time, and prints instead:",
    "  server_versions        TLS 1.3, TLS 1.2, TLS 1.1, TLS 1.0 it answers",
    "  server_suites_tls1.2   suite families it accepts: ecdhe-aead (tlsc's),",
    "                         cbc, rsa-kex, dhe, ccm",
    "  server_suites_tls1.3   aes-gcm-chacha20 (tlsc's), ccm",
    "  server_groups          groups it accepts (secp256r1, x25519, secp384r1",
    "                         are tlsc's; secp521r1, x448, ffdhe*, brainpool*)",
    "  server_key             its certificate's key: 'ec secp256r1', 'ed25519'",
    "  verdict                e.g. 'no — the server only accepts TLS 1.1 and",
    "                         older; tlsc requires TLS 1.2 or 1.3'",
    "",
    "Exit status: 0 when tlsc connected; otherwise that of 'tlsc connect'",
    "for tlsc's own handshake error (printed on stderr as 'tlsc: <error>:",
    "<detail>', after the lines on stdout).",
};

void cmd_probe_help(void)
{
    for (size_t i = 0; i < sizeof probe_help_head / sizeof probe_help_head[0]; i++)
        printf("%s\n", probe_help_head[i]);
    cli_tls_help();
    for (size_t i = 0; i < sizeof probe_help / sizeof probe_help[0]; i++)
        printf("%s\n", probe_help[i]);
}

/* ---- one trial connection --------------------------------------------------- */

typedef struct trial {
    tlsc_err err;
    char detail[512];
    char protocol[16];
    char cipher[64];
    char group[24];
    wire w;
    size_t hs_max;
    size_t peer_rsl;            /* record_size_limit the server sent (TLS 1.3) */
    size_t chain_certs, chain_bytes;
    char leaf_key[32];
    char chain_keys[KEYS_MAX];
} trial;

/* What one trial asks for beyond the user's options. */
typedef struct trial_spec {
    tlsc_tls_version version;   /* 0 = the user's range */
    const char *suite;          /* NULL = every suite */
    size_t record_limit;        /* input buffer (below 16384 and TLS 1.2 only: offers
                                   that max_fragment_length); 0 = the user's */
    size_t out_limit;           /* output buffer; 0 = the build's maximum */
} trial_spec;

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src != NULL && src[0] != '\0' ? src : "none");
}

static void append_key(trial *t, const char *key)
{
    size_t at = strlen(t->chain_keys);
    snprintf(t->chain_keys + at, sizeof t->chain_keys - at, "%s%s", at ? "," : "", key);
}

static void collect(trial *t, const tlsc_conn *conn)
{
    tlsc_peer_cert pc;
    copy(t->protocol, sizeof t->protocol, tlsc_conn_protocol(conn));
    copy(t->cipher, sizeof t->cipher, tlsc_conn_cipher(conn));
    copy(t->group, sizeof t->group, tlsc_conn_group(conn));
    t->hs_max = tlsc_conn_max_handshake_message(conn);
    t->peer_rsl = tlsc_conn_peer_record_size_limit(conn);
    for (size_t i = 0; tlsc_conn_peer_cert(conn, i, &pc); i++) {
        if (i == 0)
            copy(t->leaf_key, sizeof t->leaf_key, pc.key);
        t->chain_certs++;
        t->chain_bytes += pc.der_len;
        append_key(t, pc.key);
    }
    if (t->chain_certs == 0) {
        copy(t->leaf_key, sizeof t->leaf_key, NULL);
        copy(t->chain_keys, sizeof t->chain_keys, NULL);
    }
}

/* The user's options plus the trial's version and suite. */
static int trial_config(const probe_opts *o, const trial_spec *s, tlsc_config **out)
{
    int rc = cli_tls_build_config(&o->tls, out);
    tlsc_err err = TLSC_OK;
    if (rc != CLI_EXIT_OK)
        return rc;
    err = tlsc_config_keep_peer_chain(*out, true); /* chain_* lines */
    if (err == TLSC_OK && s->version != 0)
        err = tlsc_config_set_versions(*out, s->version, s->version);
    if (err == TLSC_OK && s->suite != NULL)
        err = tlsc_config_set_suites(*out, s->suite);
    /* An input buffer below 16384 offers max_fragment_length of its size
     * when the version range is TLS 1.2 only (tlsc_config_set_buffers). */
    if (err == TLSC_OK && s->record_limit != 0)
        err = tlsc_config_set_buffers(*out, s->record_limit, s->out_limit);
    if (err == TLSC_OK)
        return CLI_EXIT_OK;
    rc = cli_report(err, tlsc_config_errmsg(*out));
    tlsc_config_free(*out);
    *out = NULL;
    return rc;
}

static void handshake(const probe_opts *o, tlsc_conn *conn, trial *t)
{
    t->err = o->tls.servername != NULL ? tlsc_conn_set_server_name(conn, o->tls.servername)
                                       : TLSC_OK;
    if (t->err != TLSC_OK) {
        snprintf(t->detail, sizeof t->detail, "invalid --servername");
        return;
    }
    t->err = tlsc_conn_set_tap(conn, wire_tap, &t->w);
    if (t->err == TLSC_OK)
        t->err = tlsc_conn_connect(conn, o->host, o->port);
    if (t->err == TLSC_OK) {
        collect(t, conn);
        (void)tlsc_conn_close(conn);
    } else if (t->detail[0] == '\0') {
        snprintf(t->detail, sizeof t->detail, "%s", tlsc_conn_errmsg(conn));
    }
}

static int new_conn(tlsc_config *cfg, tlsc_conn **conn)
{
    tlsc_err err = tlsc_conn_new(cfg, conn);
    return err == TLSC_OK ? CLI_EXIT_OK : cli_tls_report_new(err, cfg);
}

/* Returns an exit status for local failures; the trial's own outcome is
 * in t->err. */
static int run_trial(const probe_opts *o, const trial_spec *s, trial *t)
{
    tlsc_config *cfg = NULL;
    tlsc_conn *conn = NULL;
    memset(t, 0, sizeof *t);
    int rc = trial_config(o, s, &cfg);
    if (rc == CLI_EXIT_OK)
        rc = new_conn(cfg, &conn);
    tlsc_config_free(cfg); /* the connection keeps its own reference */
    if (rc == CLI_EXIT_OK)
        handshake(o, conn, t);
    tlsc_conn_free(conn);
    return rc;
}

/* A refusal by the server (an alert, nothing in common, a close in the
 * middle of the handshake), as opposed to a failure that says nothing
 * about what it accepts (network, timeout, verification). */
static bool refused(tlsc_err err)
{
    tlsc_category cat = tlsc_err_category(err);
    return cat == TLSC_CAT_PROTOCOL || cat == TLSC_CAT_ALERT || cat == TLSC_CAT_CLOSED;
}

static void progress(const char *what)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "tlsc: probing %s ...\n", what);
}

/* ---- the probe -------------------------------------------------------------- */

typedef struct probe {
    const probe_opts *o;
    trial base;                 /* every version and suite allowed */
    trial v12, v13;             /* one version each */
    const char *ver12, *ver13;  /* yes / no / skipped */
    const char *mfl, *rsl;      /* yes / no / unknown / skipped */
    char setting[48];           /* buffers_setting: "IN,OUT VERSIONS" or "" */
    bool setting_stop;
    char suites[1024], rejected[1024];
    char base_error[640];       /* tlsc's own error, for the verdict */
} probe;

static size_t expansion(const trial *t)
{
    if (strcmp(t->protocol, "TLSv1.3") == 0)
        return 16 + 1; /* AEAD tag + inner content type */
    return strstr(t->cipher, "GCM") != NULL ? 8 + 16 : 16; /* explicit nonce + tag */
}

static void buffers(const trial *t, size_t *in, size_t *out)
{
    bool tls13 = strcmp(t->protocol, "TLSv1.3") == 0;
    *in = wire_max_plaintext(&t->w.in, tls13, expansion(t));
    if (t->hs_max > *in)
        *in = t->hs_max;
    *out = wire_max_plaintext(&t->w.out, tls13, expansion(t));
}

static int try_version(probe *p, tlsc_tls_version v, trial *t, const char **verdict)
{
    *verdict = "skipped";
    if (p->o->tls.version != 0 && p->o->tls.version != v)
        return CLI_EXIT_OK;
    progress(v == TLSC_TLS1_2 ? "TLS 1.2" : "TLS 1.3");
    trial_spec s = {v, NULL, 0, 0};
    int rc = run_trial(p->o, &s, t);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (t->err != TLSC_OK && !refused(t->err))
        return cli_report(t->err, t->detail);
    *verdict = t->err == TLSC_OK ? "yes" : "no";
    return CLI_EXIT_OK;
}

/* ---- the record size limits ------------------------------------------------- */

/*
 * max_fragment_length: a TLS 1.2 trial offering PROBE_LIMIT. The verdict
 * comes from the wire, not from the handshake's outcome: mbedTLS 3.6
 * reassembles a handshake message only if it fits whole in the input
 * buffer, so the trial usually ends with TLSC_ERR_RECORD_TOO_LARGE (the
 * server's ~1 KB Certificate message) even when the server honours the
 * offer. "yes" when every record the server sent fits PROBE_LIMIT
 * (cli_wire.c counts a record from its header, so the oversize record that
 * stopped mbedTLS is counted), "no" when one did not or the server refused
 * the offer, "skipped" when TLS 1.2 is not accepted.
 */
static bool mfl_outcome_known(tlsc_err err)
{
    return err == TLSC_OK || err == TLSC_ERR_RECORD_TOO_LARGE || refused(err);
}

static int try_mfl(probe *p)
{
    p->mfl = "skipped";
    if (strcmp(p->ver12, "yes") != 0)
        return CLI_EXIT_OK;
    progress("max_fragment_length");
    trial *t = malloc(sizeof *t);
    trial_spec s = {TLSC_TLS1_2, NULL, PROBE_LIMIT, 0};
    int rc = t != NULL ? run_trial(p->o, &s, t) : cli_report(TLSC_ERR_NO_MEMORY, NULL);
    if (rc == CLI_EXIT_OK && !mfl_outcome_known(t->err))
        rc = cli_report(t->err, t->detail);
    if (rc == CLI_EXIT_OK) {
        bool refusal = t->err != TLSC_OK && t->err != TLSC_ERR_RECORD_TOO_LARGE;
        bool fits = wire_max_plaintext(&t->w.in, false, expansion(t)) <= PROBE_LIMIT;
        p->mfl = !refusal && fits ? "yes" : "no";
    }
    free(t);
    return rc;
}

/*
 * record_size_limit: mbedTLS offers it (with its compile-time input record
 * size) in every TLS 1.3 ClientHello of the builds that have it, so the
 * TLS 1.3 trial already asked; a server that supports it answers with its
 * own in EncryptedExtensions. The full profile does not offer it: then
 * nothing can be learnt ("unknown", kept a bare word for scripts).
 */
static const char *rsl_verdict(const probe *p)
{
    if (strcmp(p->ver13, "yes") != 0)
        return "skipped";
    if (tlsc_record_size_limit_offered() == 0)
        return "unknown";
    return p->v13.peer_rsl != 0 ? "yes" : "no";
}

/* A PSK and no certificate trust: tlsc offers PSK suites only. */
static bool psk_only(const cli_tls_opts *t)
{
    return t->psk != NULL && t->cas.count == 0 && t->bundle == NULL && t->pins.count == 0 &&
           !t->insecure;
}

/* Whether suite i is worth trying with the options given. */
static bool suite_applies(const probe *p, const char *name, tlsc_tls_version *v)
{
    bool tls13 = strstr(name, "_WITH_") == NULL;
    bool psk = strstr(name, "PSK") != NULL;
    *v = tls13 ? TLSC_TLS1_3 : TLSC_TLS1_2;
    if (strcmp(tls13 ? p->ver13 : p->ver12, "skipped") == 0)
        return false;
    return psk ? p->o->tls.psk != NULL : (tls13 || !psk_only(&p->o->tls));
}

static void list_add(char *list, size_t cap, const char *name)
{
    size_t at = strlen(list);
    snprintf(list + at, cap - at, "%s%s", at ? "," : "", name);
}

static int try_suites(probe *p)
{
    trial *t = malloc(sizeof *t);
    if (t == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    int rc = CLI_EXIT_OK;
    const char *name;
    for (size_t i = 0; rc == CLI_EXIT_OK && (name = tlsc_suite_name(i)) != NULL; i++) {
        trial_spec s = {0, name, 0, 0};
        if (!suite_applies(p, name, &s.version))
            continue;
        bool version_ok = strcmp(s.version == TLSC_TLS1_3 ? p->ver13 : p->ver12, "yes") == 0;
        if (version_ok)
            progress(name);
        if (version_ok)
            rc = run_trial(p->o, &s, t);
        else
            t->err = TLSC_ERR_NO_COMMON_PARAMS; /* the version itself is refused */
        if (rc == CLI_EXIT_OK && t->err != TLSC_OK && !refused(t->err))
            rc = cli_report(t->err, t->detail);
        if (rc == CLI_EXIT_OK && t->err == TLSC_OK)
            list_add(p->suites, sizeof p->suites, name);
        else if (rc == CLI_EXIT_OK)
            list_add(p->rejected, sizeof p->rejected, name);
    }
    free(t);
    return rc;
}

/* ---- the buffer setting that works ----------------------------------------- */

/*
 * The smallest tlsc_config_set_buffers setting (--buffers IN,OUT) a device
 * can use with this server, confirmed by a connection made with it. The
 * `buffers` lines give bytes; a setting below 16384 is one of the
 * max_fragment_length sizes and offers it, in TLS 1.2 only. So: with a
 * server that accepts TLS 1.2 and honours max_fragment_length, the
 * smallest size holding TLS 1.2's largest record and handshake message,
 * in TLS 1.2 (the server then never sends more); otherwise the build's
 * maximum, in the versions of the user's options. If a size fails with
 * TLSC_ERR_RECORD_TOO_LARGE the next one is tried.
 */
static const size_t SETTING_IN[] = {512, 1024, 2048, 4096, 16384};

static size_t setting_out(const trial *t)
{
    size_t in, out, max_out;
    buffers(t, &in, &out);
    tlsc_record_max(NULL, &max_out);
    out = out < 512 ? 512 : out;
    return out > max_out ? max_out : out;
}

static bool small_setting_fits(const probe *p)
{
    return strcmp(p->ver12, "yes") == 0 && strcmp(p->mfl, "yes") == 0;
}

static int try_setting(probe *p, size_t in, size_t out, tlsc_tls_version v, bool *works)
{
    trial *t = malloc(sizeof *t);
    trial_spec s = {v, NULL, in, out};
    int rc = t != NULL ? run_trial(p->o, &s, t) : cli_report(TLSC_ERR_NO_MEMORY, NULL);
    *works = rc == CLI_EXIT_OK && t->err == TLSC_OK;
    if (rc == CLI_EXIT_OK && t->err != TLSC_OK && t->err != TLSC_ERR_RECORD_TOO_LARGE)
        p->setting_stop = true; /* refused for another reason: a larger one will not help */
    free(t);
    return rc;
}

static int try_buffer_setting(probe *p)
{
    size_t max_in, need, unused;
    tlsc_record_max(&max_in, NULL);
    bool small = small_setting_fits(p);
    const trial *base = small ? &p->v12 : &p->base;
    buffers(base, &need, &unused);
    tlsc_tls_version v = small ? TLSC_TLS1_2 : 0;
    size_t out = setting_out(base);
    int rc = CLI_EXIT_OK;
    progress("the smallest buffer setting");
    for (size_t i = 0; i < sizeof SETTING_IN / sizeof SETTING_IN[0] && rc == CLI_EXIT_OK; i++) {
        size_t in = SETTING_IN[i];
        bool works = false;
        if (in > max_in)
            break;
        if (small ? in < need : in != max_in)
            continue;
        rc = try_setting(p, in, out, v, &works);
        if (works) {
            snprintf(p->setting, sizeof p->setting, "%zu,%zu %s", in, out,
                     small ? "tls1.2" : "any");
            break;
        }
        if (p->setting_stop)
            break;
    }
    return rc;
}

static void print_buffers(const char *key, const trial *t)
{
    size_t in, out;
    if (t->err != TLSC_OK || t->protocol[0] == '\0')
        return;
    buffers(t, &in, &out);
    printf("%s: %zu,%zu\n", key, in, out);
}

static void print_probe(const probe *p)
{
    const trial *b = &p->base;
    printf("server: %s:%u\n", p->o->host, (unsigned)p->o->port);
    printf("tls1.2: %s\ntls1.3: %s\n", p->ver12, p->ver13);
    printf("protocol: %s\ncipher: %s\ngroup: %s\n", b->protocol, b->cipher, b->group);
    printf("suites: %s\n", p->suites[0] ? p->suites : "none");
    printf("suites_rejected: %s\n", p->rejected[0] ? p->rejected : "none");
    printf("max_fragment_length: %s\nrecord_size_limit: %s\n", p->mfl, p->rsl);
    printf("max_record_in: %zu\n", wire_max_record(&b->w.in));
    printf("max_record_out: %zu\n", wire_max_record(&b->w.out));
    printf("max_handshake_message: %zu\n", b->hs_max);
    printf("chain_certs: %zu\nchain_bytes: %zu\n", b->chain_certs, b->chain_bytes);
    printf("leaf_key: %s\nchain_keys: %s\n", b->leaf_key, b->chain_keys);
    print_buffers("buffers", b);
    print_buffers("buffers_tls1.2", &p->v12);
    print_buffers("buffers_tls1.3", &p->v13);
    printf("buffers_setting: %s\n", p->setting[0] ? p->setting : "none");
}

/* "yes", or "yes — with --buffers 4096,1024 --tls1.2" when a device can
 * make do with small buffers in TLS 1.2. */
static void print_yes(const probe *p)
{
    size_t in = 0, out = 0;
    if (strstr(p->setting, "tls1.2") != NULL && sscanf(p->setting, "%zu,%zu", &in, &out) == 2)
        printf("verdict: yes — with --buffers %zu,%zu --tls1.2\n", in, out);
    else
        printf("verdict: yes\n");
}

/* What narrowed tlsc's own offer to one version. */
static void limits(probe *p, probe_limits *lim, char *why, size_t cap)
{
    const cli_tls_opts *t = &p->o->tls;
    size_t max_in = 0;
    tlsc_record_max(&max_in, NULL);
    memset(lim, 0, sizeof *lim);
    lim->only13 = t->version == TLSC_TLS1_3;
    lim->only12 = t->version == TLSC_TLS1_2;
    lim->why12 = "--tls1.2";
    lim->fix12 = "drop --tls1.2";
    if (t->version == 0 && t->have_buffers && t->buf_in != 0 && t->buf_in < 16384) {
        snprintf(why, cap, "--buffers %u", (unsigned)t->buf_in);
        lim->only12 = true;
        lim->why12 = why;
        lim->fix12 = "use --buffers 16384 (TLS 1.3 needs it) or a server that speaks TLS 1.2";
    } else if (t->version == 0 && max_in < 16384) {
        snprintf(why, cap, "this build's %zu-byte input buffer", max_in);
        lim->only12 = true;
        lim->why12 = why;
        lim->fix12 = "use a build with 16384-byte input records";
    }
    snprintf(p->base_error, sizeof p->base_error, "tlsc's handshake fails: %s: %s",
             tlsc_strerror(p->base.err), p->base.detail);
    lim->tlsc_error = p->base_error;
}

/* SNI carries DNS names only (RFC 6066 3). */
static const char *sni_name(const probe_opts *o)
{
    const char *name = o->tls.servername != NULL ? o->tls.servername : o->host;
    unsigned char ip[16];
    bool literal = inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1;
    return literal ? NULL : name;
}

/* tlsc could not connect: ask the server what it wants, say why in
 * words, and exit with the status of tlsc's own error. */
static int explain_failure(probe *p)
{
    scan_result *r = malloc(sizeof *r);
    char verdict[640], why[64];
    probe_limits lim;
    const probe_opts *o = p->o;
    if (r == NULL)
        return cli_report(TLSC_ERR_NO_MEMORY, NULL);
    printf("server: %s:%u\n", o->host, (unsigned)o->port);
    tlsc_category cat = tlsc_err_category(p->base.err);
    if (cat == TLSC_CAT_NETWORK || cat == TLSC_CAT_DNS || cat == TLSC_CAT_TIMEOUT) {
        printf("verdict: no — cannot reach the server: %s\n", p->base.detail);
    } else {
        progress("with hand-built ClientHellos");
        /* Each hand-built hello waits at most 5 s: the server answered
         * tlsc's own, so a silent one is a refusal, not a slow server. */
        uint32_t t = o->tls.have_timeout && o->tls.timeout_ms != 0 && o->tls.timeout_ms < 5000
                         ? o->tls.timeout_ms
                         : 5000;
        probe_scan(o->host, o->port, t, sni_name(o), r);
        probe_scan_print(r);
        limits(p, &lim, why, sizeof why);
        probe_scan_verdict(r, &lim, verdict, sizeof verdict);
        printf("verdict: %s\n", verdict);
    }
    fflush(stdout);
    free(r);
    return cli_report(p->base.err, p->base.detail);
}

static int run_probe(probe *p)
{
    trial_spec all = {0, NULL, 0, 0};
    progress("with every version and suite");
    int rc = run_trial(p->o, &all, &p->base);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (p->base.err != TLSC_OK)
        return explain_failure(p);
    rc = try_version(p, TLSC_TLS1_2, &p->v12, &p->ver12);
    if (rc == CLI_EXIT_OK)
        rc = try_version(p, TLSC_TLS1_3, &p->v13, &p->ver13);
    if (rc == CLI_EXIT_OK)
        rc = try_suites(p);
    if (rc == CLI_EXIT_OK)
        rc = try_mfl(p);
    p->rsl = rsl_verdict(p);
    if (rc == CLI_EXIT_OK)
        rc = try_buffer_setting(p);
    if (rc == CLI_EXIT_OK)
        print_probe(p);
    if (rc == CLI_EXIT_OK)
        print_yes(p);
    return rc;
}

static int parse_probe(probe_opts *o, int argc, char **argv)
{
    const char *pos[1] = {NULL};
    size_t npos = 0;
    cli_spec spec = {.cmd = CMD, .max_positional = 1, .more_options = cli_tls_options,
                     .more_option_count = cli_tls_option_count};
    int rc = cli_parse(&spec, argc, argv, o, pos, &npos);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (npos == 0)
        return cli_usage_error(CMD, "missing HOST:PORT");
    if (o->tls.sess_in != NULL || o->tls.sess_out != NULL || o->tls.have_resumption)
        return cli_usage_error(CMD, "--sess-in, --sess-out and --resumption do not apply "
                                    "to probe");
    rc = cli_parse_hostport(CMD, pos[0], o->host, sizeof o->host, &o->port);
    return rc != CLI_EXIT_OK ? rc : cli_tls_check(&o->tls);
}

int cmd_probe(int argc, char **argv)
{
    probe_opts o;
    probe *p = NULL;
    int rc = cli_tls_init(&o.tls, CMD, argc);

    memset(o.host, 0, sizeof o.host);
    o.port = 0;
    if (rc == CLI_EXIT_OK)
        rc = parse_probe(&o, argc, argv);
    if (rc == CLI_HELP) {
        cmd_probe_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK) {
        p = calloc(1, sizeof *p);
        rc = p != NULL ? CLI_EXIT_OK : cli_report(TLSC_ERR_NO_MEMORY, NULL);
    }
    if (p != NULL) {
        p->o = &o;
        rc = run_probe(p);
    }
    free(p);
    cli_tls_release(&o.tls);
    return rc;
}
