/*
 * Names have one canonical form (issue 14, "policy holes"): host matching,
 * the name-constraint check and the profile check must agree on case and
 * trailing dots, the legacy CN fallback must meet the constraints of the
 * type it is matched as (IP or DNS), and a leaf with an empty subject must
 * print as "" everywhere. Certificates come from tests/pki/names.sh, made
 * at test time; each case runs through tlsc_verify_chain and the main ones
 * through real handshakes with openssl s_server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"

enum { CN_OFF, CN_ON };

typedef struct outcome {
    tlsc_err err;
    uint32_t flags;
    char detail[1024];
} outcome;

/*
 * Fill the stack below the caller with non-zero bytes, so that a text
 * buffer tlsc leaves unwritten holds garbage rather than the zeros of a
 * fresh stack: the empty-subject bug (dn_text) then shows as a wrong
 * string even without valgrind.
 */
static void __attribute__((noinline)) dirty_stack(void)
{
    volatile unsigned char junk[64 * 1024];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 7;
}

static char *slurp(const char *file, size_t *len)
{
    char *buf = pki_read(file, len);
    assert_non_null(buf);
    return buf;
}

static tlsc_config *config_for(const char *root, int cn)
{
    char ca[64];
    snprintf(ca, sizeof ca, "%s.pem", root);
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path(ca)), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    if (cn == CN_ON)
        assert_int_equal(tlsc_config_allow_cn_fallback(cfg, true), TLSC_OK);
    return cfg;
}

/* tlsc_verify_chain of leaf NAME.pem under ROOT.pem for host. */
static outcome verify(const char *root, const char *leaf, const char *host, int cn)
{
    char file[64];
    snprintf(file, sizeof file, "%s.pem", leaf);
    size_t len;
    char *data = slurp(file, &len);
    tlsc_config *cfg = config_for(root, cn);
    outcome o;
    dirty_stack();
    o.err = tlsc_verify_chain(cfg, data, len, host, -1, &o.flags, o.detail, sizeof o.detail);
    tlsc_config_free(cfg);
    free(data);
    return o;
}

/* One expectation: accepted (flag 0), or refused with flag among the
 * failures and words in the detail. */
typedef struct name_case {
    const char *root, *leaf, *host;
    int cn;
    uint32_t flag;
    const char *words;
} name_case;

static int check(const name_case *c, const outcome *o)
{
    bool ok = c->flag == 0 ? o->err == TLSC_OK && o->flags == 0
                           : o->err != TLSC_OK && (o->flags & c->flag) &&
                                 (c->words == NULL || strstr(o->detail, c->words) != NULL);
    if (!ok)
        print_error("%s under %s for %s (CN fallback %s): got %s flags 0x%x detail '%s'\n",
                    c->leaf, c->root, c->host, c->cn ? "on" : "off", tlsc_strerror(o->err),
                    o->flags, o->detail);
    return ok ? 0 : 1;
}

static void run_table(const name_case *cases, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        outcome o = verify(cases[i].root, cases[i].leaf, cases[i].host, cases[i].cn);
        failures += check(&cases[i], &o);
    }
    assert_int_equal(failures, 0);
}

#define NC TLSC_VERIFY_NAME_CONSTRAINTS
#define PROFILE TLSC_VERIFY_PROFILE
#define HOST TLSC_VERIFY_HOSTNAME
#define ABS_SAN "absolute dNSName (trailing dot) in subjectAltName"
#define ABS_NC "is an absolute name (trailing dot)"
#define EXCLUDED "is in an excluded subtree"

/* ---- offline ------------------------------------------------------------------ */

/* Under a CA whose nameConstraints exclude example.com, no spelling of a
 * name in example.com verifies, for any spelling of the host. */
static void excluded_every_form(void **state)
{
    (void)state;
    static const name_case cases[] = {
        { "excl-root", "excl-san", "evil.example.com", CN_OFF, NC, "DNS:evil.example.com " EXCLUDED },
        { "excl-root", "excl-san", "EVIL.example.COM.", CN_OFF, NC, EXCLUDED },
        { "excl-root", "excl-san-upper", "evil.example.com", CN_OFF, NC, "DNS:EVIL.EXAMPLE.COM " EXCLUDED },
        { "excl-root", "excl-san-abs", "evil.example.com", CN_OFF, PROFILE, ABS_SAN },
        { "excl-root", "excl-san-abs", "evil.example.com", CN_OFF, NC, "DNS:evil.example.com. " ABS_NC },
        { "excl-root", "excl-san-abs", "evil.example.com.", CN_OFF, NC, ABS_NC },
        { "excl-root", "excl-wild", "evil.example.com", CN_OFF, NC, "DNS:*.example.com " EXCLUDED },
        { "excl-root", "excl-wild-abs", "evil.example.com", CN_OFF, NC, ABS_NC },
        { "excl-root", "excl-wild-abs", "evil.example.com", CN_OFF, PROFILE, ABS_SAN },
        { "excl-root", "excl-apex", "example.com", CN_OFF, NC, EXCLUDED },
        { "excl-root", "excl-apex-abs", "example.com", CN_OFF, NC, ABS_NC },
        { "excl-root", "excl-apex-abs", "example.com.", CN_OFF, PROFILE, ABS_SAN },
        { "excl-root", "excl-cn", "evil.example.com", CN_ON, NC, "DNS:evil.example.com " EXCLUDED },
        { "excl-root", "excl-cn", "evil.example.com", CN_OFF, HOST, "no subjectAltName" },
        { "excl-root", "excl-cn-upper", "evil.example.com", CN_ON, NC, EXCLUDED },
        { "excl-root", "excl-cn-abs", "evil.example.com", CN_ON, NC, ABS_NC },
        { "excl-root", "excl-cn-abs", "evil.example.com.", CN_ON, HOST,
          "subject CN evil.example.com. " ABS_NC },
        { "excl-root", "excl-lh-abs", "localhost", CN_OFF, NC, "DNS:localhost. " ABS_NC },
        { "excl-root", "excl-lh-cn-abs", "localhost", CN_ON, NC, "DNS:localhost. " ABS_NC },
        /* names outside the exclusion verify, the host in any spelling */
        { "excl-root", "excl-other", "good.test", CN_OFF, 0, NULL },
        { "excl-root", "excl-other", "GOOD.Test.", CN_OFF, 0, NULL },
        { "excl-root", "excl-other", "good.test", CN_ON, 0, NULL },
        /* an absolute constraint is malformed: compared with nothing */
        { "absnc-root", "absnc-san", "evil.example.com", CN_OFF, NC,
          "DNS:evil.example.com cannot be checked against the dNSName constraints" },
    };
    run_table(cases, sizeof cases / sizeof cases[0]);
}

/* Under a CA permitting only example.com (and localhost), every relative
 * spelling inside verifies and every absolute one is refused for being
 * absolute; a name outside is refused. */
static void permitted_every_form(void **state)
{
    (void)state;
    static const name_case cases[] = {
        { "perm-root", "perm-san", "evil.example.com", CN_OFF, 0, NULL },
        { "perm-root", "perm-san", "Evil.Example.Com.", CN_OFF, 0, NULL },
        { "perm-root", "perm-san-upper", "evil.example.com", CN_OFF, 0, NULL },
        { "perm-root", "perm-san-abs", "evil.example.com", CN_OFF, PROFILE, ABS_SAN },
        { "perm-root", "perm-san-abs", "evil.example.com.", CN_OFF, NC, ABS_NC },
        { "perm-root", "perm-wild", "evil.example.com", CN_OFF, 0, NULL },
        { "perm-root", "perm-wild", "EVIL.EXAMPLE.COM.", CN_OFF, 0, NULL },
        { "perm-root", "perm-wild-abs", "evil.example.com", CN_OFF, PROFILE, ABS_SAN },
        { "perm-root", "perm-apex", "example.com", CN_OFF, 0, NULL },
        { "perm-root", "perm-apex", "example.com.", CN_OFF, 0, NULL },
        { "perm-root", "perm-apex-abs", "example.com", CN_OFF, NC, ABS_NC },
        { "perm-root", "perm-cn", "evil.example.com", CN_ON, 0, NULL },
        { "perm-root", "perm-cn", "evil.example.com.", CN_ON, 0, NULL },
        { "perm-root", "perm-cn", "evil.example.com", CN_OFF, HOST, "no subjectAltName" },
        { "perm-root", "perm-cn-upper", "evil.example.com", CN_ON, 0, NULL },
        { "perm-root", "perm-cn-abs", "evil.example.com", CN_ON, NC, ABS_NC },
        { "perm-root", "perm-cn-abs", "evil.example.com", CN_ON, HOST, ABS_NC },
        { "perm-root", "perm-lh-abs", "localhost", CN_OFF, PROFILE, ABS_SAN },
        { "perm-root", "perm-other", "good.test", CN_OFF, NC,
          "DNS:good.test is outside the permitted subtrees" },
    };
    run_table(cases, sizeof cases / sizeof cases[0]);
}

/* A CN used as an IP address meets the iPAddress constraints, exactly as
 * the same address in a SAN does. */
static void cn_ip_constraints(void **state)
{
    (void)state;
    static const name_case cases[] = {
        { "ip-root", "ip-cn-lo", "127.0.0.1", CN_ON, NC, "IP:127.0.0.1 " EXCLUDED },
        { "ip-root", "ip-san-lo", "127.0.0.1", CN_OFF, NC, "IP:127.0.0.1 " EXCLUDED },
        { "ip-root", "ip-cn-out", "10.0.0.1", CN_ON, NC,
          "IP:10.0.0.1 is outside the permitted subtrees" },
        { "ip-root", "ip-cn-in", "192.168.1.10", CN_ON, 0, NULL },
        { "ip-root", "ip-san-in", "192.168.1.10", CN_OFF, 0, NULL },
        { "ip-root", "ip-cn-in", "192.168.1.10", CN_OFF, HOST, "no subjectAltName" },
        /* the CN is constrained whether or not this host matches it */
        { "ip-root", "ip-cn-lo", "192.168.1.10", CN_ON, NC, "IP:127.0.0.1 " EXCLUDED },
        { "ip-root", "ip-cn-lo", NULL, CN_ON, NC, "IP:127.0.0.1 " EXCLUDED },
    };
    run_table(cases, sizeof cases / sizeof cases[0]);
}

/* What the verify callback saw of the leaf. */
typedef struct seen {
    int calls;
    char subject[256], issuer[256];
} seen;

static uint32_t note_leaf(void *ud, const tlsc_cert_view *cert, uint32_t flags)
{
    seen *s = ud;
    (void)flags;
    if (cert->depth == 0) {
        s->calls++;
        snprintf(s->subject, sizeof s->subject, "%s", cert->subject);
        snprintf(s->issuer, sizeof s->issuer, "%s", cert->issuer);
    }
    return 0;
}

static void empty_subject_offline(void **state)
{
    (void)state;
    size_t len;
    char *data = slurp("empty-subject.pem", &len);
    tlsc_config *cfg = config_for("plain-root", CN_OFF);
    seen s = { 0, "x", "x" };
    assert_int_equal(tlsc_config_set_verify_callback(cfg, note_leaf, &s), TLSC_OK);
    uint32_t flags = 1;
    char detail[256];
    dirty_stack();
    assert_int_equal(tlsc_verify_chain(cfg, data, len, "localhost", -1, &flags, detail,
                                       sizeof detail), TLSC_OK);
    assert_int_equal(flags, 0);
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.subject, "");
    assert_string_equal(s.issuer, "CN=tlsc Names Plain Root");
    /* a failure names the empty subject as empty, not as garbage */
    dirty_stack();
    assert_int_equal(tlsc_verify_chain(cfg, data, len, "other.test", -1, &flags, detail,
                                       sizeof detail), TLSC_ERR_HOSTNAME_MISMATCH);
    assert_non_null(strstr(detail, "wanted other.test"));
    tlsc_config_free(cfg);
    free(data);
}

/* ---- through a handshake -------------------------------------------------------- */

/* openssl s_server with leaf NAME and the shared leaf key, `accepts`
 * connections, extra options (NULL-terminated) after. */
static int serve(peer *p, const char *name, const char *accepts, const char *opt)
{
    char cert[64];
    snprintf(cert, sizeof cert, "%s.pem", name);
    const char *args[] = { "-cert", path(cert), "-key", path("leaf.key"), "-naccept", accepts,
                           "-rev", opt, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

/* An absolute host name may not resolve here (the resolver of a test
 * machine need not know "localhost."): such a name is given with
 * tlsc_conn_set_server_name and the connection made to the address. */
static tlsc_err connect_as(tlsc_conn *c, const char *host, int port)
{
    size_t len = strlen(host);
    if (len == 0 || host[len - 1] != '.')
        return tlsc_conn_connect(c, host, (uint16_t)port);
    assert_int_equal(tlsc_conn_set_server_name(c, host), TLSC_OK);
    return tlsc_conn_connect(c, "127.0.0.1", (uint16_t)port);
}

/* Connect to host:port of a server for leaf NAME; cfg is consumed. */
static outcome connect_to(tlsc_config *cfg, const char *name, const char *host)
{
    peer p = { 0 };
    int port = serve(&p, name, "1", NULL);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    outcome o;
    o.err = connect_as(c, host, port);
    o.flags = tlsc_conn_verify_flags(c);
    snprintf(o.detail, sizeof o.detail, "%s", tlsc_conn_errmsg(c));
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    peer_stop(&p);
    return o;
}

static void live(const char *root, const char *leaf, const char *host, int cn, uint32_t flag,
                 const char *words)
{
    name_case c = { root, leaf, host, cn, flag, words };
    outcome o = connect_to(config_for(root, cn), leaf, host);
    assert_int_equal(check(&c, &o), 0);
}

/* The live bypass of the issue: a CA excluding localhost, a leaf for
 * "localhost.", `tlsc connect localhost:PORT`. */
static void handshake_absolute_names(void **state)
{
    (void)state;
    live("excl-root", "excl-lh-abs", "localhost", CN_OFF, NC, "DNS:localhost. " ABS_NC);
    live("excl-root", "excl-lh-abs", "localhost.", CN_OFF, PROFILE, ABS_SAN);
    live("excl-root", "excl-lh-cn-abs", "localhost", CN_ON, NC, "DNS:localhost. " ABS_NC);
    live("perm-root", "perm-lh-abs", "localhost", CN_OFF, PROFILE, ABS_SAN);
}

static void handshake_cn_ip(void **state)
{
    (void)state;
    live("ip-root", "ip-cn-lo", "127.0.0.1", CN_ON, NC, "IP:127.0.0.1 " EXCLUDED);
    live("ip-root", "ip-san-lo", "127.0.0.1", CN_OFF, NC, "IP:127.0.0.1 " EXCLUDED);
}

/* Connect to a TLS 1.2 server for the empty-subject leaf as host, offering
 * blob (if any); checks what the application sees and exports the session
 * into out (if not NULL). Returns whether it resumed. */
static bool connect_empty(int port, const char *host, const unsigned char *blob, size_t len,
                          unsigned char *out, size_t *out_len)
{
    tlsc_config *cfg = config_for("plain-root", CN_OFF);
    seen s = { 0, "x", "x" };
    assert_int_equal(tlsc_config_set_verify_callback(cfg, note_leaf, &s), TLSC_OK);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    if (blob != NULL)
        assert_int_equal(tlsc_conn_set_session(c, blob, len), TLSC_OK);
    dirty_stack();
    assert_int_equal(connect_as(c, host, port), TLSC_OK);
    bool resumed = tlsc_conn_resumed(c);
    assert_string_equal(tlsc_conn_peer_subject(c), "");
    assert_int_equal(s.calls, resumed ? 0 : 1); /* no certificate on resumption */
    if (!resumed)
        assert_string_equal(s.subject, "");
    if (out != NULL)
        assert_int_equal(tlsc_conn_export_session(c, out, TLSC_SESSION_MAX, out_len), TLSC_OK);
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    return resumed;
}

/* An empty subject is "" for tlsc_conn_peer_subject, the verify callback
 * and the saved session, fresh and resumed. The session is made for
 * "localhost." and offered for "localhost": one canonical name. */
static void handshake_empty_subject(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = serve(&p, "empty-subject", "2", "-tls1_2");
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len = 0;
    assert_false(connect_empty(port, "localhost.", NULL, 0, blob, &len));
    /* session-format.md: N at 52, S (big-endian) at 53, name at 59 */
    assert_true(len > 59 + 9);
    assert_int_equal(blob[52], 9);
    assert_memory_equal(blob + 59, "localhost", 9);
    assert_int_equal(blob[53] << 8 | blob[54], 0);
    assert_true(connect_empty(port, "localhost", blob, len, NULL, NULL));
    peer_stop(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(excluded_every_form),
        cmocka_unit_test(permitted_every_form),
        cmocka_unit_test(cn_ip_constraints),
        cmocka_unit_test(empty_subject_offline),
        cmocka_unit_test(handshake_absolute_names),
        cmocka_unit_test(handshake_cn_ip),
        cmocka_unit_test(handshake_empty_subject),
    };
    return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
