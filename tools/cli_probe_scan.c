/*
 * tools/cli_probe_scan.c — when tlsc cannot connect, `tlsc probe` asks the
 * server what it wants with hand-built ClientHellos (cli_hello.c), one
 * family at a time: versions (TLS 1.0 .. 1.3), suite families (TLS 1.2:
 * ECDHE with AEAD, CBC, RSA key exchange, DHE, CCM; TLS 1.3: GCM/ChaCha20,
 * CCM), groups, and (TLS 1.3, whose certificate is encrypted) signature
 * algorithms, which tell the server's key type. Then it says in words why
 * tlsc and the server have nothing in common.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct family {
    const char *name;
    const uint16_t *ids;
    size_t count;
} family;

/* ---- what is offered --------------------------------------------------------- */

static const uint16_t S13_TLSC[] = {0x1301, 0x1302, 0x1303};
static const uint16_t S13_CCM[] = {0x1304, 0x1305};
static const uint16_t S13_ALL[] = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};
static const uint16_t S12_AEAD[] = {0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8};
static const uint16_t S12_CBC[] = {0xc009, 0xc00a, 0xc023, 0xc024, 0xc013, 0xc014, 0xc027, 0xc028};
static const uint16_t S12_RSA[] = {0x009c, 0x009d, 0x002f, 0x0035, 0x003c, 0x003d, 0xc09c,
                                   0xc09d, 0x000a};
static const uint16_t S12_DHE[] = {0x009e, 0x009f, 0xccaa, 0x0033, 0x0039, 0x0067, 0x006b,
                                   0xc09e, 0xc09f};
static const uint16_t S12_CCM[] = {0xc0ac, 0xc0ad, 0xc0ae, 0xc0af, 0xc09c, 0xc09d, 0xc09e, 0xc09f};
/* What TLS 1.0 and 1.1 have: CBC (and 3DES) suites. */
static const uint16_t S10[] = {0xc009, 0xc00a, 0xc013, 0xc014, 0x0033, 0x0039, 0x002f, 0x0035,
                               0x000a};

static const family SUITES12[] = {
    {"ecdhe-aead", S12_AEAD, N(S12_AEAD)}, {"cbc", S12_CBC, N(S12_CBC)},
    {"rsa-kex", S12_RSA, N(S12_RSA)},      {"dhe", S12_DHE, N(S12_DHE)},
    {"ccm", S12_CCM, N(S12_CCM)},
};
static const family SUITES13[] = {
    {"aes-gcm-chacha20", S13_TLSC, N(S13_TLSC)},
    {"ccm", S13_CCM, N(S13_CCM)},
};

/* TLS 1.3 group ids (brainpool has its own TLS 1.3 ids, RFC 8734). */
static const uint16_t G_P256[] = {0x0017}, G_X25519[] = {0x001d}, G_P384[] = {0x0018},
                      G_P521[] = {0x0019}, G_X448[] = {0x001e}, G_FF2048[] = {0x0100},
                      G_FF3072[] = {0x0101}, G_FF4096[] = {0x0102}, G_BP256[] = {0x001f},
                      G_BP384[] = {0x0020}, G_BP512[] = {0x0021};
static const family GROUPS[] = {
    {"secp256r1", G_P256, 1},       {"x25519", G_X25519, 1},     {"secp384r1", G_P384, 1},
    {"secp521r1", G_P521, 1},       {"x448", G_X448, 1},         {"ffdhe2048", G_FF2048, 1},
    {"ffdhe3072", G_FF3072, 1},     {"ffdhe4096", G_FF4096, 1},  {"brainpoolP256r1", G_BP256, 1},
    {"brainpoolP384r1", G_BP384, 1}, {"brainpoolP512r1", G_BP512, 1},
};
#define TLSC_GROUPS 3 /* the first three are what tlsc offers */
static const uint16_t ALL_GROUPS[] = {0x0017, 0x001d, 0x0018, 0x0019, 0x001e, 0x0100,
                                      0x0101, 0x0102, 0x001f, 0x0020, 0x0021,
                                      0x001a, 0x001b, 0x001c}; /* + TLS 1.2 brainpool */

static const uint16_t A_P256[] = {0x0403}, A_P384[] = {0x0503}, A_P521[] = {0x0603},
                      A_ED25519[] = {0x0807}, A_ED448[] = {0x0808},
                      A_RSAE[] = {0x0804, 0x0805, 0x0806}, A_PSS[] = {0x0809, 0x080a, 0x080b},
                      A_BP[] = {0x081a, 0x081b, 0x081c};
/* The key each signature algorithm family signs with (tlsc_cert_key's words). */
static const family SIGALGS[] = {
    {"ec secp256r1", A_P256, 1},  {"ec secp384r1", A_P384, 1},  {"ec secp521r1", A_P521, 1},
    {"ed25519", A_ED25519, 1},    {"ed448", A_ED448, 1},        {"rsa", A_RSAE, 3},
    {"rsassa-pss", A_PSS, 3},     {"ec brainpool", A_BP, 3},
};
static const uint16_t ALL_SIGALGS[] = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805,
                                       0x0806, 0x0809, 0x080a, 0x080b, 0x081a, 0x081b, 0x081c,
                                       0x0401, 0x0501, 0x0601, 0x0203, 0x0201};

/* ---- one exchange ------------------------------------------------------------- */

typedef struct scan_ctx {
    const char *host;
    uint16_t port;
    uint32_t timeout_ms;
    const char *sni;
    scan_result *r;
} scan_ctx;

static bool ask(scan_ctx *c, const hello_spec *s, hello_answer *a)
{
    hello_spec spec = *s;
    spec.server_name = c->sni;
    tlsc_err err = hello_exchange(c->host, c->port, c->timeout_ms, &spec, a, c->r->detail,
                                  sizeof c->r->detail);
    if (err != TLSC_OK)
        c->r->net_err = err;
    if (err == TLSC_OK && a->alert >= 0)
        c->r->last_alert = a->alert;
    return err == TLSC_OK;
}

static void list_add(char *list, size_t cap, const char *name)
{
    size_t at = strlen(list);
    snprintf(list + at, cap - at, "%s%s", at ? ", " : "", name);
}

static hello_spec classic(unsigned version, const uint16_t *suites, size_t n)
{
    hello_spec s = {version, suites, n, ALL_GROUPS, N(ALL_GROUPS), ALL_SIGALGS, N(ALL_SIGALGS),
                    false, NULL};
    return s;
}

static hello_spec tls13(const uint16_t *suites, size_t n)
{
    hello_spec s = {0x0304, suites, n, ALL_GROUPS, 11, ALL_SIGALGS, N(ALL_SIGALGS), true, NULL};
    return s;
}

/* ---- the scans ----------------------------------------------------------------- */

static void scan_versions(scan_ctx *c)
{
    static const uint16_t every12[] = {0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8, 0xc009,
                                       0xc00a, 0xc023, 0xc024, 0xc013, 0xc014, 0xc027, 0xc028,
                                       0x009c, 0x009d, 0x002f, 0x0035, 0x003c, 0x003d, 0x009e,
                                       0x009f, 0xccaa, 0x0033, 0x0039, 0x0067, 0x006b, 0xc0ac,
                                       0xc0ad, 0xc0ae, 0xc0af, 0xc09c, 0xc09d, 0xc09e, 0xc09f,
                                       0x000a};
    scan_result *r = c->r;
    hello_answer a;
    r->last_alert = -1;
    hello_spec s = tls13(S13_ALL, N(S13_ALL));
    if (ask(c, &s, &a))
        r->v13 = a.answered && a.version == 0x0304;
    s = classic(0x0303, every12, N(every12));
    if (r->net_err == TLSC_OK && ask(c, &s, &a)) {
        r->v12 = a.answered && a.version == 0x0303;
        if (a.answered && a.key[0] != '\0') {
            snprintf(r->key, sizeof r->key, "%s", a.key);
            r->key_known = true;
            r->key_usable = a.key_usable;
        }
    }
    for (unsigned v = 0x0302; v >= 0x0301 && r->net_err == TLSC_OK; v--) {
        s = classic(v, S10, N(S10));
        if (ask(c, &s, &a) && a.answered && a.version == v)
            r->v_old |= v == 0x0302 ? 2 : 1;
        if (a.answered && a.key[0] != '\0' && !r->key_known) {
            snprintf(r->key, sizeof r->key, "%s", a.key);
            r->key_known = true;
            r->key_usable = a.key_usable;
        }
    }
}

static void scan_suites(scan_ctx *c)
{
    hello_answer a;
    for (size_t i = 0; c->r->v12 && i < N(SUITES12) && c->r->net_err == TLSC_OK; i++) {
        hello_spec s = classic(0x0303, SUITES12[i].ids, SUITES12[i].count);
        if (ask(c, &s, &a) && a.answered && a.version == 0x0303)
            list_add(c->r->suites12, sizeof c->r->suites12, SUITES12[i].name);
    }
    for (size_t i = 0; c->r->v13 && i < N(SUITES13) && c->r->net_err == TLSC_OK; i++) {
        hello_spec s = tls13(SUITES13[i].ids, SUITES13[i].count);
        if (ask(c, &s, &a) && a.answered && a.version == 0x0304)
            list_add(c->r->suites13, sizeof c->r->suites13, SUITES13[i].name);
    }
}

/* TLS 1.3 without key shares: a server that accepts the one group offered
 * asks for it in a HelloRetryRequest. */
static void scan_groups(scan_ctx *c)
{
    hello_answer a;
    for (size_t i = 0; c->r->v13 && i < N(GROUPS) && c->r->net_err == TLSC_OK; i++) {
        hello_spec s = tls13(S13_ALL, N(S13_ALL));
        s.groups = GROUPS[i].ids;
        s.group_count = 1;
        s.key_shares = false;
        if (ask(c, &s, &a) && a.answered) {
            list_add(c->r->groups, sizeof c->r->groups, GROUPS[i].name);
            c->r->tlsc_group |= i < TLSC_GROUPS;
        }
    }
}

/* TLS 1.2 (when the server has no TLS 1.3): ECDHE suites with one group;
 * the ServerKeyExchange names the group the server used. */
static const uint16_t G12_IDS[] = {0x0017, 0x001d, 0x0018, 0x0019, 0x001e, 0x001a, 0x001b, 0x001c};
static const char *const G12_NAMES[] = {"secp256r1", "x25519", "secp384r1", "secp521r1",
                                        "x448", "brainpoolP256r1", "brainpoolP384r1",
                                        "brainpoolP512r1"};

static void scan_groups12(scan_ctx *c)
{
    static const uint16_t ecdhe[] = {0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8, 0xc009,
                                     0xc00a, 0xc023, 0xc024, 0xc013, 0xc014, 0xc027, 0xc028,
                                     0xc0ac, 0xc0ad, 0xc0ae, 0xc0af};
    hello_answer a;
    for (size_t i = 0; c->r->v12 && !c->r->v13 && i < N(G12_IDS) && c->r->net_err == TLSC_OK;
         i++) {
        /* In TLS 1.2 supported_groups also limits the curves of ECDSA
         * certificates: offer the others after the one asked about, and
         * see whether the server takes it (it follows the client's order
         * unless configured otherwise). */
        uint16_t groups[N(G12_IDS)];
        size_t n = 0;
        groups[n++] = G12_IDS[i];
        for (size_t j = 0; j < N(G12_IDS); j++) {
            if (j != i)
                groups[n++] = G12_IDS[j];
        }
        hello_spec s = classic(0x0303, ecdhe, N(ecdhe));
        s.groups = groups;
        s.group_count = n;
        if (ask(c, &s, &a) && a.answered && a.group == G12_IDS[i]) {
            list_add(c->r->groups, sizeof c->r->groups, G12_NAMES[i]);
            c->r->tlsc_group |= i < TLSC_GROUPS;
        }
    }
}

/* TLS 1.3: the signature algorithms the server can sign with name its
 * keys (a server picks its certificate by them, and refuses otherwise). */
static void scan_sigalgs(scan_ctx *c)
{
    static const uint16_t shares[] = {0x001d, 0x0017};
    hello_answer a;
    for (size_t i = 0; c->r->v13 && i < N(SIGALGS) && c->r->net_err == TLSC_OK; i++) {
        hello_spec s = tls13(S13_ALL, N(S13_ALL));
        s.groups = shares;
        s.group_count = N(shares);
        s.sigalgs = SIGALGS[i].ids;
        s.sigalg_count = SIGALGS[i].count;
        if (ask(c, &s, &a) && a.answered && !a.hrr)
            list_add(c->r->keys13, sizeof c->r->keys13, SIGALGS[i].name);
    }
}

void probe_scan(const char *host, uint16_t port, uint32_t timeout_ms, const char *sni,
                scan_result *r)
{
    scan_ctx c = {host, port, timeout_ms, sni, r};
    memset(r, 0, sizeof *r);
    scan_versions(&c);
    scan_suites(&c);
    scan_groups(&c);
    scan_groups12(&c);
    scan_sigalgs(&c);
}

/* ---- the report ------------------------------------------------------------------ */

static const char *or_none(const char *s)
{
    return s[0] != '\0' ? s : "none";
}

void probe_scan_print(const scan_result *r)
{
    char versions[64] = "";
    if (r->v13)
        list_add(versions, sizeof versions, "TLS 1.3");
    if (r->v12)
        list_add(versions, sizeof versions, "TLS 1.2");
    if (r->v_old & 2)
        list_add(versions, sizeof versions, "TLS 1.1");
    if (r->v_old & 1)
        list_add(versions, sizeof versions, "TLS 1.0");
    printf("server_versions: %s\n", or_none(versions));
    printf("server_suites_tls1.2: %s\n", r->v12 ? or_none(r->suites12) : "skipped");
    printf("server_suites_tls1.3: %s\n", r->v13 ? or_none(r->suites13) : "skipped");
    printf("server_groups: %s\n", r->v13 || r->v12 ? or_none(r->groups) : "skipped");
    printf("server_key: %s\n", r->key_known ? r->key : r->v13 ? or_none(r->keys13) : "unknown");
}

/* A key type in words for the verdict. */
static const char *key_words(const char *key)
{
    static const struct {
        const char *key, *words;
    } W[] = {
        {"ed25519", "Ed25519"}, {"ed448", "Ed448"}, {"ec secp521r1", "EC P-521 (secp521r1)"},
        {"ec secp256k1", "EC secp256k1"}, {"ec brainpool", "EC brainpool"}, {"dsa", "DSA"},
        {"rsassa-pss", "RSASSA-PSS (an RSA key restricted to PSS)"},
    };
    for (size_t i = 0; i < N(W); i++) {
        if (strncmp(key, W[i].key, strlen(W[i].key)) == 0)
            return W[i].words;
    }
    return key;
}

/* TLS 1.3 keys: usable when one of them is RSA or EC P-256/P-384. */
static bool keys13_usable(const char *keys)
{
    return strstr(keys, "ec secp256r1") != NULL || strstr(keys, "ec secp384r1") != NULL ||
           strstr(keys, "rsa") == keys || strstr(keys, ", rsa") != NULL;
}

static bool key_verdict(const scan_result *r, char *out, size_t cap)
{
    if (r->key_known && !r->key_usable) {
        snprintf(out, cap, "no — the server's certificate key is %s, which this build cannot "
                 "verify", key_words(r->key));
        return true;
    }
    if (!r->key_known && r->v13 && r->keys13[0] != '\0' && !keys13_usable(r->keys13)) {
        char first[32];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(r->keys13, ","), r->keys13);
        snprintf(out, cap, "no — the server's certificate key is %s, which this build cannot "
                 "verify", key_words(first));
        return true;
    }
    return false;
}

/* "cbc, rsa-kex" -> "CBC, RSA key exchange". */
static void family_words(const char *list, char *out, size_t cap)
{
    static const struct {
        const char *name, *words;
    } W[] = {{"ecdhe-aead", "ECDHE with AEAD"}, {"cbc", "CBC"}, {"rsa-kex", "RSA key exchange"},
             {"dhe", "DHE"}, {"ccm", "CCM"}, {"aes-gcm-chacha20", "AES-GCM/ChaCha20"}};
    out[0] = '\0';
    for (const char *p = list; *p != '\0';) {
        size_t len = strcspn(p, ",");
        for (size_t i = 0; i < N(W); i++) {
            if (strlen(W[i].name) == len && strncmp(p, W[i].name, len) == 0)
                list_add(out, cap, W[i].words);
        }
        p += len;
        p += strspn(p, ", ");
    }
}

static bool suite_verdict(const scan_result *r, char *out, size_t cap)
{
    char w12[96], w13[48];
    bool ok12 = strstr(r->suites12, "ecdhe-aead") != NULL;
    bool ok13 = strstr(r->suites13, "aes-gcm-chacha20") != NULL;
    if (ok12 || ok13 || (r->suites12[0] == '\0' && r->suites13[0] == '\0'))
        return false;
    family_words(r->suites12, w12, sizeof w12);
    family_words(r->suites13, w13, sizeof w13);
    snprintf(out, cap, "no — the server accepts only %s%s%s%s%s suites; tlsc offers AES-GCM and "
             "ChaCha20-Poly1305 (TLS 1.3) and ECDHE with them (TLS 1.2)",
             w12[0] ? "TLS 1.2 " : "", w12, w12[0] && w13[0] ? " and " : "",
             w13[0] ? "TLS 1.3 " : "", w13);
    return true;
}

void probe_scan_verdict(const scan_result *r, const probe_limits *lim, char *out, size_t cap)
{
    if (r->net_err != TLSC_OK && !r->v12 && !r->v13 && r->v_old == 0) {
        snprintf(out, cap, "no — cannot reach the server: %s", r->detail);
        return;
    }
    if (!r->v12 && !r->v13 && r->v_old != 0) {
        snprintf(out, cap, "no — the server only accepts TLS 1.%d and older; tlsc requires "
                 "TLS 1.2 or 1.3", (r->v_old & 2) ? 1 : 0);
        return;
    }
    if (!r->v12 && !r->v13 && r->last_alert >= 0) {
        snprintf(out, cap, "no — the server refused every ClientHello (TLS 1.0 to 1.3, every "
                 "suite, group and signature algorithm tried; last alert %d): its certificate "
                 "or configuration suits no client tlsc knows of", r->last_alert);
        return;
    }
    if (!r->v12 && !r->v13) {
        snprintf(out, cap, "no — the server answered no ClientHello (TLS 1.0 to 1.3): it may "
                 "not speak TLS on this port");
        return;
    }
    if (lim->only12 && !r->v12) {
        snprintf(out, cap, "no — the server accepts only TLS 1.3, and %s limits tlsc to TLS 1.2; "
                 "%s", lim->why12, lim->fix12);
        return;
    }
    if (lim->only13 && !r->v13) {
        snprintf(out, cap, "no — the server does not accept TLS 1.3, and --tls1.3 was given; "
                 "drop it");
        return;
    }
    if (key_verdict(r, out, cap) || suite_verdict(r, out, cap))
        return;
    if (r->groups[0] != '\0' && !r->tlsc_group) {
        snprintf(out, cap, "no — the server accepts only the groups %s; tlsc offers secp256r1, "
                 "x25519 and secp384r1", r->groups);
        return;
    }
    snprintf(out, cap, "no — %s", lim->tlsc_error);
}
