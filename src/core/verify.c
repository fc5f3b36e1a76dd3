/*
 * Server verification policy. mbedTLS builds and checks the chain; for each
 * certificate it calls tlsc__verify_cb with its findings, and here tlsc
 * applies its own rules on top:
 *   - host names are matched by tlsc (SAN DNS per RFC 6125, SAN IP), never
 *     against the subject CN, replacing mbedTLS's check (which falls back
 *     to CN);
 *   - pins are checked on the leaf;
 *   - pin-only trust and insecure mode relax exactly what they name;
 *   - an unknown clock, when allowed, skips the date checks only;
 *   - the application's callback may add failures, never remove them;
 *   - every failure is written down in words for the error detail.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

#include "mbedtls/base64.h"
#include "mbedtls/sha256.h"

/* tlsc bit for each mbedTLS BADCERT flag it corresponds to. */
static const struct {
    uint32_t mbedtls;
    uint32_t tlsc;
} FLAG_MAP[] = {
    { MBEDTLS_X509_BADCERT_EXPIRED, TLSC_VERIFY_EXPIRED },
    { MBEDTLS_X509_BADCERT_FUTURE, TLSC_VERIFY_NOT_YET_VALID },
    { MBEDTLS_X509_BADCERT_CN_MISMATCH, TLSC_VERIFY_HOSTNAME },
    { MBEDTLS_X509_BADCERT_NOT_TRUSTED, TLSC_VERIFY_UNTRUSTED },
    { MBEDTLS_X509_BADCERT_KEY_USAGE, TLSC_VERIFY_KEY_USAGE },
    { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, TLSC_VERIFY_KEY_USAGE },
    { MBEDTLS_X509_BADCERT_NS_CERT_TYPE, TLSC_VERIFY_KEY_USAGE },
    { MBEDTLS_X509_BADCERT_BAD_MD, TLSC_VERIFY_WEAK },
    { MBEDTLS_X509_BADCERT_BAD_PK, TLSC_VERIFY_WEAK },
    { MBEDTLS_X509_BADCERT_BAD_KEY, TLSC_VERIFY_WEAK },
};
#define FLAG_MAP_N (sizeof FLAG_MAP / sizeof FLAG_MAP[0])

static uint32_t to_tlsc(uint32_t mf)
{
    uint32_t t = 0, known = 0;
    for (size_t i = 0; i < FLAG_MAP_N; i++) {
        known |= FLAG_MAP[i].mbedtls;
        if (mf & FLAG_MAP[i].mbedtls)
            t |= FLAG_MAP[i].tlsc;
    }
    return (mf & ~known) ? t | TLSC_VERIFY_OTHER : t;
}

/* The mbedTLS flags still justified by the tlsc bits that remain. */
static uint32_t keep_mbedtls(uint32_t mf, uint32_t t)
{
    uint32_t kept = 0;
    for (size_t i = 0; i < FLAG_MAP_N; i++) {
        if ((mf & FLAG_MAP[i].mbedtls) && (t & FLAG_MAP[i].tlsc))
            kept |= FLAG_MAP[i].mbedtls;
    }
    return kept != 0 ? kept : MBEDTLS_X509_BADCERT_OTHER;
}

int tlsc__no_ca_cb(void *ctx, mbedtls_x509_crt const *child,
                   mbedtls_x509_crt **candidates)
{
    (void)ctx;
    (void)child;
    *candidates = NULL;
    return 0;
}

static void dn_text(const mbedtls_x509_name *dn, char *out, size_t cap)
{
    if (mbedtls_x509_dn_gets(out, cap, dn) < 0)
        snprintf(out, cap, "(unprintable name)");
}

static int64_t x509_unix(const mbedtls_x509_time *t)
{
    return tlsc__utc_to_unix(t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

/* ---- host name ------------------------------------------------------------ */

/* Append "DNS:x" / "IP:y" to the list of names the certificate has. */
static void note_san(char *have, size_t cap, const mbedtls_x509_subject_alternative_name *san)
{
    const mbedtls_x509_buf *b = &san->san.unstructured_name;
    const char *sep = have[0] ? ", " : "";
    if (san->type == MBEDTLS_X509_SAN_DNS_NAME) {
        tlsc__str_append(have, cap, "%sDNS:%.*s", sep, (int)b->len, (const char *)b->p);
    } else if (san->type == MBEDTLS_X509_SAN_IP_ADDRESS && b->len == 4) {
        tlsc__str_append(have, cap, "%sIP:%u.%u.%u.%u", sep, b->p[0], b->p[1], b->p[2], b->p[3]);
    } else if (san->type == MBEDTLS_X509_SAN_IP_ADDRESS && b->len == 16) {
        tlsc__str_append(have, cap, "%sIP:", sep);
        for (int i = 0; i < 16; i += 2)
            tlsc__str_append(have, cap, "%x%s", (unsigned)(b->p[i] << 8 | b->p[i + 1]),
                             i < 14 ? ":" : "");
    }
}

static bool san_matches(const tlsc_conn *c, const mbedtls_x509_subject_alternative_name *san)
{
    const mbedtls_x509_buf *b = &san->san.unstructured_name;
    if (c->ip_len != 0)
        return san->type == MBEDTLS_X509_SAN_IP_ADDRESS && b->len == c->ip_len &&
               memcmp(b->p, c->ip, c->ip_len) == 0;
    return san->type == MBEDTLS_X509_SAN_DNS_NAME &&
           tlsc__dns_name_matches((const char *)b->p, b->len, c->name);
}

/* Returns TLSC_VERIFY_HOSTNAME (with words in c->vdetail) or 0. */
static uint32_t check_host(tlsc_conn *c, const mbedtls_x509_crt *crt)
{
    char have[200] = "";
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names;
         s != NULL && s->buf.p != NULL; s = s->next) {
        mbedtls_x509_subject_alternative_name san;
        if (mbedtls_x509_parse_subject_alt_name(&s->buf, &san) != 0)
            continue;
        bool ok = san_matches(c, &san);
        note_san(have, sizeof have, &san);
        mbedtls_x509_free_subject_alt_name(&san);
        if (ok)
            return 0;
    }
    const char *sep = c->vdetail[0] ? "; " : "";
    if (have[0] == '\0')
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%shostname mismatch: wanted %s, certificate has no subjectAltName "
                         "(the subject CN is not used for host names)", sep, c->name);
    else
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%shostname mismatch: wanted %s, certificate has %s", sep, c->name, have);
    return TLSC_VERIFY_HOSTNAME;
}

/* ---- pins ----------------------------------------------------------------- */

static uint32_t check_pin(tlsc_conn *c, const mbedtls_x509_crt *crt)
{
    const tlsc_config *cfg = c->cfg;
    const unsigned char *spki;
    size_t spki_len;
    unsigned char hash[32];
    tlsc__peek_spki(crt, &spki, &spki_len);
    if (mbedtls_sha256(spki, spki_len, hash, 0) != 0)
        return TLSC_VERIFY_PIN;
    for (size_t i = 0; i < cfg->pin_count; i++) {
        if (memcmp(hash, cfg->pins[i], 32) == 0)
            return 0;
    }
    unsigned char b64[48];
    size_t n = 0;
    mbedtls_base64_encode(b64, sizeof b64, &n, hash, sizeof hash);
    tlsc__str_append(c->vdetail, sizeof c->vdetail,
                     "%spublic key pin mismatch: server key is sha256//%.*s, which matches "
                     "none of the %zu configured pin%s", c->vdetail[0] ? "; " : "",
                     (int)n, (const char *)b64, cfg->pin_count, cfg->pin_count == 1 ? "" : "s");
    return TLSC_VERIFY_PIN;
}

/* ---- words ---------------------------------------------------------------- */

static void describe_dates(tlsc_conn *c, const mbedtls_x509_crt *crt, uint32_t t,
                           const char *who)
{
    char when[21];
    const char *sep = c->vdetail[0] ? "; " : "";
    if (t & TLSC_VERIFY_EXPIRED) {
        tlsc__format_utc(x509_unix(&crt->valid_to), when);
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%scertificate expired on %s (%s)", sep, when, who);
        sep = "; ";
    }
    if (t & TLSC_VERIFY_NOT_YET_VALID) {
        tlsc__format_utc(x509_unix(&crt->valid_from), when);
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%scertificate not valid before %s (%s)", sep, when, who);
    }
}

static void describe_untrusted(tlsc_conn *c, const mbedtls_x509_crt *crt, int depth,
                               const char *who)
{
    char issuer[200];
    const char *sep = c->vdetail[0] ? "; " : "";
    dn_text(&crt->issuer, issuer, sizeof issuer);
    bool self_signed = crt->issuer_raw.len == crt->subject_raw.len &&
                       memcmp(crt->issuer_raw.p, crt->subject_raw.p, crt->issuer_raw.len) == 0;
    if (self_signed)
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%sself-signed certificate is not trusted (%s)", sep, who);
    else if (depth == 0)
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%sunknown issuer %s (the server sent no chain to a trusted CA; "
                         "is its intermediate certificate missing?)", sep, issuer);
    else
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%sunknown issuer %s (chain ends at %s)", sep, issuer, who);
}

static void describe_other(tlsc_conn *c, uint32_t mf, uint32_t t, const char *who)
{
    static const uint32_t mine = TLSC_VERIFY_EXPIRED | TLSC_VERIFY_NOT_YET_VALID |
                                 TLSC_VERIFY_HOSTNAME | TLSC_VERIFY_UNTRUSTED |
                                 TLSC_VERIFY_PIN | TLSC_VERIFY_REJECTED;
    if ((t & ~mine) == 0)
        return;
    char info[160] = "";
    uint32_t rest = mf & ~(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE |
                           MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    if (mbedtls_x509_crt_verify_info(info, sizeof info, "", rest) < 0 || info[0] == '\0')
        snprintf(info, sizeof info, "certificate rejected");
    char *nl;
    while ((nl = strchr(info, '\n')) != NULL)
        *nl = nl[1] ? ',' : '\0';
    tlsc__str_append(c->vdetail, sizeof c->vdetail, "%s%s (%s)",
                     c->vdetail[0] ? "; " : "", info, who);
}

static void describe(tlsc_conn *c, const mbedtls_x509_crt *crt, int depth,
                     uint32_t mf, uint32_t t)
{
    char subject[200], who[240];
    dn_text(&crt->subject, subject, sizeof subject);
    snprintf(who, sizeof who, "depth %d, %s", depth, subject);
    describe_dates(c, crt, t, who);
    if (t & TLSC_VERIFY_UNTRUSTED)
        describe_untrusted(c, crt, depth, who);
    describe_other(c, mf, t, who);
    if (t & TLSC_VERIFY_REJECTED)
        tlsc__str_append(c->vdetail, sizeof c->vdetail,
                         "%srejected by the application's verify callback (%s)",
                         c->vdetail[0] ? "; " : "", who);
}

/* ---- the callback --------------------------------------------------------- */

static uint32_t call_user(tlsc_conn *c, const mbedtls_x509_crt *crt, int depth,
                          uint32_t t)
{
    const tlsc_config *cfg = c->cfg;
    char subject[256], issuer[256];
    dn_text(&crt->subject, subject, sizeof subject);
    dn_text(&crt->issuer, issuer, sizeof issuer);
    tlsc_cert_view view = {
        .depth = depth, .der = crt->raw.p, .der_len = crt->raw.len,
        .subject = subject, .issuer = issuer,
        .not_before = x509_unix(&crt->valid_from), .not_after = x509_unix(&crt->valid_to),
    };
    uint32_t added = cfg->verify_fn(cfg->verify_ud, &view, t);
    uint32_t all = (TLSC_VERIFY_REJECTED << 1) - 1;
    /* Unknown bits still mean "refuse": the callback cannot widen trust. */
    return (added & ~all) ? (added & all) | TLSC_VERIFY_REJECTED : added;
}

/* What tlsc's trust mode forgives. */
static uint32_t apply_policy(const tlsc_conn *c, uint32_t t)
{
    const tlsc_config *cfg = c->cfg;
    if (cfg->insecure)
        return t & TLSC_VERIFY_PIN;
    if (cfg->ca_count == 0 && cfg->bundle.data == NULL && cfg->pin_count != 0)
        t &= ~TLSC_VERIFY_UNTRUSTED; /* pin-only: the pin is the trust */
    if (tlsc__config_now(cfg) < 0 && cfg->allow_unknown_time)
        t &= ~(TLSC_VERIFY_EXPIRED | TLSC_VERIFY_NOT_YET_VALID);
    return t;
}

int tlsc__verify_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
                    uint32_t *flags)
{
    tlsc_conn *c = p_vrfy;
    uint32_t mf = *flags;
    uint32_t t = to_tlsc(mf) & ~TLSC_VERIFY_HOSTNAME;
    if (depth == 0 && tlsc__trust_local_ee(c->cfg, crt))
        t &= ~TLSC_VERIFY_UNTRUSTED; /* as mbedTLS does when it has the CA list */
    if (depth == 0) {
        dn_text(&crt->subject, c->peer_subject, sizeof c->peer_subject);
        if (!c->cfg->insecure)
            t |= check_host(c, crt);
        if (c->cfg->pin_count != 0)
            t |= check_pin(c, crt);
    }
    c->vflags |= t; /* what was seen, even if the policy forgives it */
    t = apply_policy(c, t);
    if (c->cfg->verify_fn != NULL)
        t |= call_user(c, crt, depth, t);
    describe(c, crt, depth, mf, t & ~(TLSC_VERIFY_HOSTNAME | TLSC_VERIFY_PIN));
    c->vfail |= t;
    c->vflags |= t;
    *flags = t ? keep_mbedtls(mf, t) : 0;
    return 0;
}

/* The one code that names the failure best; several reasons -> generic. */
tlsc_err tlsc__verify_error(tlsc_conn *c)
{
    static const struct {
        uint32_t bit;
        tlsc_err err;
    } ONE[] = {
        { TLSC_VERIFY_EXPIRED, TLSC_ERR_CERT_EXPIRED },
        { TLSC_VERIFY_NOT_YET_VALID, TLSC_ERR_CERT_NOT_YET_VALID },
        { TLSC_VERIFY_HOSTNAME, TLSC_ERR_HOSTNAME_MISMATCH },
        { TLSC_VERIFY_UNTRUSTED, TLSC_ERR_UNKNOWN_ISSUER },
        { TLSC_VERIFY_PIN, TLSC_ERR_PIN_MISMATCH },
        { TLSC_VERIFY_REJECTED, TLSC_ERR_VERIFY_CALLBACK },
        { TLSC_VERIFY_BAD_SIGNATURE, TLSC_ERR_CERT_BAD },
        { TLSC_VERIFY_KEY_USAGE, TLSC_ERR_CERT_BAD },
        { TLSC_VERIFY_WEAK, TLSC_ERR_CERT_BAD },
    };
    for (size_t i = 0; i < sizeof ONE / sizeof ONE[0]; i++) {
        if (c->vfail == ONE[i].bit)
            return ONE[i].err;
    }
    return TLSC_ERR_VERIFY;
}
