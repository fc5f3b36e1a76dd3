/*
 * Server verification policy. path.c builds candidate paths (with
 * mbedTLS's signature checks) and, for each, calls tlsc__verify_cb with
 * the findings mbedTLS would report (dates, tlsc's profile: RSA >= 2048
 * bits, SHA-256/384/512, CRLs, no trusted top), root first, and here tlsc
 * applies its own rules on top (the list is in tlsc/config.h):
 *   - host names are matched by tlsc (SAN DNS per RFC 6125, SAN IP), never
 *     against the subject CN unless the legacy CN fallback is on and the
 *     leaf has no SAN, replacing mbedTLS's check (which falls back to CN);
 *   - extendedKeyUsage / keyUsage of the leaf, EKU of intermediates;
 *   - nameConstraints of every CA, on the certificates below it;
 *   - when the chain does not reach a CA, why: an issuer that is no CA,
 *     or whose pathLenConstraint is exceeded (mbedTLS just finds no parent);
 *   - pins are checked on the leaf;
 *   - pin-only trust and insecure mode relax exactly what they name;
 *   - an unknown clock, when allowed, skips the date checks only;
 *   - the application's callback may add failures, never remove them;
 *   - every failure is written down in words for the error detail.
 * The state lives in a tlsc__verify, shared by connections and
 * tlsc_verify_chain (verify_chain.c), so both apply the same policy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/calendar.h"
#include "core/base/hostname.h"
#include "core/base/ip.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/mbedtls/peek_x509.h"
#include "core/mbedtls/text.h"
#include "core/verify/trust.h"
#include "core/verify/verify.h"
#include "core/x509/x509.h"

#include "mbedtls/base64.h"
#include "mbedtls/oid.h"
#include "mbedtls/sha256.h"

/* SHA-2 only, any key type tlsc is built with, RSA from 2048 bits, the
 * curves tlsc is built with (P-256, P-384). */
const mbedtls_x509_crt_profile tlsc__profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    0xFFFFFFF,
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1),
    2048,
};

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
    { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, TLSC_VERIFY_EKU },
    { MBEDTLS_X509_BADCERT_NS_CERT_TYPE, TLSC_VERIFY_KEY_USAGE },
    { MBEDTLS_X509_BADCERT_BAD_MD, TLSC_VERIFY_WEAK },
    { MBEDTLS_X509_BADCERT_BAD_PK, TLSC_VERIFY_WEAK },
    { MBEDTLS_X509_BADCERT_BAD_KEY, TLSC_VERIFY_WEAK },
    { MBEDTLS_X509_BADCERT_REVOKED, TLSC_VERIFY_REVOKED },
};
#define FLAG_MAP_N (sizeof FLAG_MAP / sizeof FLAG_MAP[0])

/* Bits tlsc finds and describes itself (describe_other skips them). */
#define OWN_BITS (TLSC_VERIFY_HOSTNAME | TLSC_VERIFY_PIN | TLSC_VERIFY_REJECTED | \
                  TLSC_VERIFY_NOT_CA | TLSC_VERIFY_PATH_LEN | TLSC_VERIFY_NAME_CONSTRAINTS | \
                  TLSC_VERIFY_CRITICAL_EXT | TLSC_VERIFY_CLOCK | TLSC_VERIFY_EKU | \
                  TLSC_VERIFY_PROFILE | TLSC_VERIFY_CHAIN_DEPTH | TLSC_VERIFY_REVOKED | \
                  TLSC_VERIFY_PATH_BUDGET)
#define ALL_BITS ((TLSC_VERIFY_PATH_BUDGET << 1) - 1)

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

uint32_t tlsc__verify_mbedtls_flags(const tlsc__verify *v)
{
    uint32_t mf = 0, t = v->vfail;
    for (size_t i = 0; i < FLAG_MAP_N; i++) {
        if (t & FLAG_MAP[i].tlsc)
            mf |= FLAG_MAP[i].mbedtls;
    }
    return t == 0 ? 0 : mf != 0 ? mf : MBEDTLS_X509_BADCERT_OTHER;
}

void tlsc__verify_end(tlsc__verify *v)
{
    tlsc__free(v->vdetail);
    tlsc__free(v->peer_subject);
    v->vdetail = v->peer_subject = NULL;
}

void tlsc__verify_begin(tlsc__verify *v, const tlsc_config *cfg, const char *name,
                        const unsigned char *ip, size_t ip_len)
{
    tlsc__verify_end(v);
    memset(v, 0, sizeof *v);
    v->cfg = cfg;
    v->name = name != NULL ? name : "";
    v->ip = ip;
    v->ip_len = ip_len;
    v->unknown_time = tlsc__config_now(cfg) < 0;
}

void tlsc__verify_path_reset(tlsc__verify *v)
{
    v->vflags = v->vfail = 0;
    if (v->vdetail != NULL)
        v->vdetail[0] = '\0';
    v->top = NULL;
    v->top_depth = 0;
    v->top_untrusted = v->top_anchor = false;
    v->nc_count = 0;
    memset(v->self_issued, 0, sizeof v->self_issued);
}

static int64_t x509_unix(const mbedtls_x509_time *t)
{
    return tlsc__utc_to_unix(t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

static bool same_buf(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static bool self_issued(const mbedtls_x509_crt *crt)
{
    return same_buf(&crt->issuer_raw, &crt->subject_raw);
}

/* The detail buffer, allocated on the first failure described (most
 * verifications have none), or NULL without memory. */
static char *detail_buf(tlsc__verify *v)
{
    if (v->vdetail == NULL)
        v->vdetail = tlsc__calloc(1, TLSC_ERRMSG_MAX);
    return v->vdetail;
}

const char *tlsc__verify_detail(const tlsc__verify *v)
{
    return v->vdetail != NULL ? v->vdetail : "";
}

void tlsc__verify_set_detail(tlsc__verify *v, const char *fmt, ...)
{
    char *d = detail_buf(v);
    if (d == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    tlsc__text_vformat(d, TLSC_ERRMSG_MAX, fmt, ap);
    va_end(ap);
}

/* Append "; " + text to the detail. */
static void say(tlsc__verify *v, const char *fmt, ...) TLSC_PRINTF(2, 3);
static void say(tlsc__verify *v, const char *fmt, ...)
{
    char *d = detail_buf(v);
    if (d == NULL)
        return;
    char text[TLSC_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    tlsc__text_vformat(text, sizeof text, fmt, ap);
    va_end(ap);
    tlsc__str_append(d, TLSC_ERRMSG_MAX, "%s%s", d[0] ? "; " : "", text);
}

/* Keep the leaf's subject (tlsc_conn_peer_subject, saved sessions). */
static bool keep_subject(tlsc__verify *v, const mbedtls_x509_crt *leaf)
{
    char text[256];
    tlsc__x509_dn_text(&leaf->subject, text, sizeof text);
    tlsc__replace_str(&v->peer_subject, text);
    return v->peer_subject != NULL;
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

static bool san_matches(const tlsc__verify *v, const mbedtls_x509_subject_alternative_name *san)
{
    const mbedtls_x509_buf *b = &san->san.unstructured_name;
    if (v->ip_len != 0)
        return san->type == MBEDTLS_X509_SAN_IP_ADDRESS && b->len == v->ip_len &&
               memcmp(b->p, v->ip, v->ip_len) == 0;
    return san->type == MBEDTLS_X509_SAN_DNS_NAME &&
           tlsc__dns_name_matches((const char *)b->p, b->len, v->name);
}

static bool has_san(const mbedtls_x509_crt *crt)
{
    return crt->subject_alt_names.buf.p != NULL;
}

/* The last CN of the subject, as text (for the legacy fallback), or NULL. */
static const char *subject_cn(const mbedtls_x509_crt *crt, char *out, size_t cap)
{
    const mbedtls_x509_buf *cn = NULL;
    for (const mbedtls_x509_name *n = &crt->subject; n != NULL; n = n->next) {
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0)
            cn = &n->val;
    }
    if (cn == NULL || cn->len >= cap || memchr(cn->p, '\0', cn->len) != NULL)
        return NULL;
    memcpy(out, cn->p, cn->len);
    out[cn->len] = '\0';
    return out;
}

/* The CN a CN-fallback match would use (no SAN, option on), or NULL. */
static const char *fallback_cn(const tlsc__verify *v, const mbedtls_x509_crt *crt, char *out,
                               size_t cap)
{
    if (!v->cfg->allow_cn || has_san(crt))
        return NULL;
    return subject_cn(crt, out, cap);
}

static bool cn_matches(const tlsc__verify *v, const char *cn)
{
    unsigned char ip[16];
    size_t ip_len;
    if (v->ip_len != 0)
        return tlsc__parse_ip(cn, ip, &ip_len) && ip_len == v->ip_len &&
               memcmp(ip, v->ip, ip_len) == 0;
    return tlsc__dns_name_matches(cn, strlen(cn), v->name);
}

static uint32_t host_mismatch(tlsc__verify *v, const mbedtls_x509_crt *crt, const char *have)
{
    char cn[256];
    if (have[0] != '\0')
        say(v, "hostname mismatch: wanted %s, certificate has %s (the subject CN is not used "
            "when a subjectAltName is present)", v->name, have);
    else if (!v->cfg->allow_cn)
        say(v, "hostname mismatch: wanted %s, certificate has no subjectAltName (the subject "
            "CN is not used for host names unless the legacy CN fallback is enabled)", v->name);
    else if (subject_cn(crt, cn, sizeof cn) && tlsc__dns_name_is_absolute(cn, strlen(cn)))
        say(v, "hostname mismatch: wanted %s, certificate has no subjectAltName and its "
            "subject CN %s is an absolute name (trailing dot), which tlsc does not accept "
            "(legacy CN fallback)", v->name, cn);
    else
        say(v, "hostname mismatch: wanted %s, certificate has no subjectAltName and its "
            "subject CN is %s (legacy CN fallback)", v->name,
            subject_cn(crt, cn, sizeof cn) ? cn : "missing");
    return TLSC_VERIFY_HOSTNAME;
}

/* Returns TLSC_VERIFY_HOSTNAME (with words in the detail) or 0. */
static uint32_t check_host(tlsc__verify *v, const mbedtls_x509_crt *crt)
{
    char have[200] = "", cn[256];
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names;
         s != NULL && s->buf.p != NULL; s = s->next) {
        mbedtls_x509_subject_alternative_name san;
        if (mbedtls_x509_parse_subject_alt_name(&s->buf, &san) != 0)
            continue;
        bool ok = san_matches(v, &san);
        note_san(have, sizeof have, &san);
        mbedtls_x509_free_subject_alt_name(&san);
        if (ok)
            return 0;
    }
    const char *fb = fallback_cn(v, crt, cn, sizeof cn);
    if (fb != NULL && cn_matches(v, fb))
        return 0;
    return host_mismatch(v, crt, have);
}

/* ---- pins ----------------------------------------------------------------- */

static uint32_t check_pin(tlsc__verify *v, const mbedtls_x509_crt *crt)
{
    const tlsc_config *cfg = v->cfg;
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
    say(v, "public key pin mismatch: server key is sha256//%.*s, which matches none of the "
        "%lu configured pin%s", (int)n, (const char *)b64, (unsigned long)cfg->pin_count,
        cfg->pin_count == 1 ? "" : "s");
    return TLSC_VERIFY_PIN;
}

/* ---- key usages ------------------------------------------------------------ */

static bool has_eku(const mbedtls_x509_crt *crt, const char *oid, size_t oid_len)
{
    for (const mbedtls_x509_sequence *s = &crt->ext_key_usage; s != NULL && s->buf.p != NULL;
         s = s->next) {
        if (s->buf.len == oid_len && memcmp(s->buf.p, oid, oid_len) == 0)
            return true;
    }
    return false;
}

#define HAS_EKU(crt, oid) has_eku(crt, oid, MBEDTLS_OID_SIZE(oid))

/*
 * Leaf: an EKU must list serverAuth (webpki; anyExtendedKeyUsage is not
 * a promise to be a TLS server) and a keyUsage must allow signing (every
 * key exchange tlsc offers has the server sign). Intermediates: an EKU
 * must list serverAuth or anyExtendedKeyUsage (it restricts what the CA
 * may issue, as browsers and webpki read it). Trust anchors are not
 * checked: trust in them is configured, not certified.
 */
static uint32_t check_usage(tlsc__verify *v, const mbedtls_x509_crt *crt, int depth,
                            bool anchor, const char *who)
{
    bool eku = mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE);
    uint32_t t = 0;
    if (anchor)
        return 0;
    if (eku && !HAS_EKU(crt, MBEDTLS_OID_SERVER_AUTH) &&
        (depth == 0 || !HAS_EKU(crt, MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE))) {
        say(v, "extendedKeyUsage does not allow serverAuth (%s)", who);
        t |= TLSC_VERIFY_EKU;
    }
    if (depth == 0 &&
        mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0) {
        say(v, "keyUsage does not allow digitalSignature, which a TLS server key needs (%s)",
            who);
        t |= TLSC_VERIFY_KEY_USAGE;
    }
    return t;
}

/* ---- name constraints ------------------------------------------------------- */

/* Check crt against the constraints of the CAs above it, then note its own. */
static uint32_t check_nc(tlsc__verify *v, const mbedtls_x509_crt *crt, int depth,
                         const char *who)
{
    char why[240], cn[256];
    uint32_t t = 0;
    /* RFC 5280 6.1.3 (b): self-issued intermediates are exempt. */
    bool exempt = depth > 0 && self_issued(crt);
    /* the CN a fallback match would use is a name of the leaf like its SAN
     * entries: constrained as the type cn_matches reads it as */
    const char *cn_host = depth == 0 ? fallback_cn(v, crt, cn, sizeof cn) : NULL;
    for (unsigned i = 0; i < v->nc_count && !exempt && t == 0; i++) {
        t = tlsc__x509_nc_check(v->nc[i].p, v->nc[i].len, crt, cn_host, why, sizeof why);
        if (t != 0)
            say(v, "name constraints of the CA at depth %d violated: %s (%s)", v->nc[i].depth,
                why, who);
    }
    if (depth == 0)
        return t;
    const unsigned char *p;
    size_t len;
    int ret = tlsc__x509_name_constraints(crt, &p, &len);
    if (ret == 0)
        return t;
    if (ret < 0 || v->nc_count == TLSC__NC_MAX) { /* fail closed */
        if (ret < 0)
            say(v, "the nameConstraints of a CA could not be read (%s)", who);
        else
            say(v, "more than %d CAs with nameConstraints in one chain (%s)", TLSC__NC_MAX, who);
        return t | TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    v->nc[v->nc_count++] = (tlsc__nc_ref){ p, len, depth };
    return t;
}

/* ---- chain depth -------------------------------------------------------------- */

/* At the top of the chain: intermediates are the certificates between it
 * (if it is the trusted CA) and the leaf, self-issued ones not counted. */
static uint32_t check_depth(tlsc__verify *v)
{
    int last = v->top_anchor ? v->top_depth - 1 : v->top_depth, n = 0;
    for (int d = 1; d <= last && d < TLSC__CHAIN_MAX; d++)
        n += !v->self_issued[d];
    if (n <= (int)v->cfg->max_depth)
        return 0;
    say(v, "the chain has %d intermediate CA%s, more than the %u allowed "
        "(tlsc_config_set_max_chain_depth; at most 8, MBEDTLS_X509_MAX_INTERMEDIATE_CA)", n,
        n == 1 ? "" : "s", v->cfg->max_depth);
    return TLSC_VERIFY_CHAIN_DEPTH;
}

/* ---- why the chain stops ---------------------------------------------------- */

/* The first certificate named as child's issuer among the server's chain
 * (from the leaf) and the configured CAs, other than child itself. */
static const mbedtls_x509_crt *find_issuer(const tlsc__verify *v, const mbedtls_x509_crt *leaf,
                                           const mbedtls_x509_crt *child)
{
    const mbedtls_x509_crt *lists[2] = { leaf, &v->cfg->ca };
    for (int l = 0; l < 2; l++) {
        for (const mbedtls_x509_crt *c = lists[l]; c != NULL && c->raw.p != NULL; c = c->next) {
            if (c != child && !same_buf(&c->raw, &child->raw) &&
                same_buf(&c->subject_raw, &child->issuer_raw))
                return c;
        }
    }
    return NULL;
}

/* Non-self-issued intermediates at depths 1..d (mbedTLS's count). */
static int intermediates_up_to(const tlsc__verify *v, int d)
{
    int n = 0;
    for (int i = 1; i <= d && i < TLSC__CHAIN_MAX; i++)
        n += !v->self_issued[i];
    return n;
}

/*
 * mbedTLS reports only "no trusted parent" for the top of a chain that
 * stops. Tell why when a certificate named as its issuer is at hand but
 * mbedTLS could not use it. Returns the bit that replaces UNTRUSTED.
 */
static uint32_t explain_untrusted(tlsc__verify *v, const mbedtls_x509_crt *leaf)
{
    const mbedtls_x509_crt *top = v->top;
    const mbedtls_x509_crt *issuer = find_issuer(v, leaf, top);
    char name[200];
    if (issuer == NULL || self_issued(top))
        return TLSC_VERIFY_UNTRUSTED;
    tlsc__x509_dn_text(&issuer->subject, name, sizeof name);
    if (!tlsc__peek_is_ca(issuer)) {
        say(v, "issuer %s is not a CA (no basicConstraints CA:TRUE), so it cannot sign the "
            "certificate at depth %d", name, v->top_depth);
        return TLSC_VERIFY_NOT_CA;
    }
    if (mbedtls_x509_crt_check_key_usage(issuer, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0) {
        say(v, "issuer %s has a keyUsage without keyCertSign, so it cannot sign the "
            "certificate at depth %d", name, v->top_depth);
        return TLSC_VERIFY_NOT_CA;
    }
    int path_len = tlsc__peek_path_len(issuer), below = intermediates_up_to(v, v->top_depth);
    if (path_len >= 0 && below > path_len) {
        say(v, "path length constraint exceeded: issuer %s allows %d intermediate CA%s below "
            "it, the chain has %d", name, path_len, path_len == 1 ? "" : "s", below);
        return TLSC_VERIFY_PATH_LEN;
    }
    return TLSC_VERIFY_UNTRUSTED;
}

/* ---- words ---------------------------------------------------------------- */

static void describe_dates(tlsc__verify *v, const mbedtls_x509_crt *crt, uint32_t t,
                           const char *who)
{
    char when[21];
    if (t & TLSC_VERIFY_EXPIRED) {
        tlsc__format_utc(x509_unix(&crt->valid_to), when);
        say(v, "certificate expired on %s (%s)", when, who);
    }
    if (t & TLSC_VERIFY_NOT_YET_VALID) {
        tlsc__format_utc(x509_unix(&crt->valid_from), when);
        say(v, "certificate not valid before %s (%s)", when, who);
    }
}

static void describe_untrusted(tlsc__verify *v, const mbedtls_x509_crt *crt, int depth,
                               const char *who, const mbedtls_x509_crt *leaf)
{
    char issuer[200];
    tlsc__x509_dn_text(&crt->issuer, issuer, sizeof issuer);
    if (self_issued(crt))
        say(v, "self-signed certificate is not trusted (%s)", who);
    else if (leaf != NULL && find_issuer(v, leaf, crt) != NULL)
        say(v, "unknown issuer %s: no certificate of that name, sent or trusted, has the key "
            "that signed %s", issuer, who);
    else if (depth == 0)
        say(v, "unknown issuer %s (the server sent no chain to a trusted CA; is its "
            "intermediate certificate missing?)", issuer);
    else
        say(v, "unknown issuer %s (chain ends at %s)", issuer, who);
}

/* Weak algorithms, in words: which key, which signature. */
static void describe_weak(tlsc__verify *v, const mbedtls_x509_crt *crt, uint32_t mf,
                          const char *who)
{
    const char *alg = NULL;
    if (mf & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK)) {
        if (mbedtls_oid_get_sig_alg_desc(&crt->sig_oid, &alg) != 0)
            alg = "an unknown algorithm";
        say(v, "weak signature: signed with %s; only SHA-256, SHA-384 and SHA-512 signatures "
            "are accepted (%s)", alg, who);
    }
    if (!(mf & MBEDTLS_X509_BADCERT_BAD_KEY))
        return;
    size_t bits = mbedtls_pk_get_bitlen(&crt->pk);
    if (mbedtls_pk_get_type(&crt->pk) == MBEDTLS_PK_RSA && bits < tlsc__profile.rsa_min_bitlen)
        say(v, "weak key: RSA key of %lu bits; at least %u are required (%s)", (unsigned long)bits,
            (unsigned)tlsc__profile.rsa_min_bitlen, who);
    else
        say(v, "weak key: this certificate's key or its issuer's key is too small or on a "
            "curve tlsc does not accept (RSA >= 2048 bits, P-256, P-384) (%s)", who);
}

/* mbedTLS's findings tlsc has no words of its own for. */
static void describe_other(tlsc__verify *v, uint32_t mf, uint32_t t, const char *who)
{
    static const uint32_t worded = TLSC_VERIFY_EXPIRED | TLSC_VERIFY_NOT_YET_VALID |
                                   TLSC_VERIFY_UNTRUSTED | TLSC_VERIFY_WEAK | OWN_BITS;
    if ((t & ~worded) == 0)
        return;
    char info[160] = "";
    uint32_t rest = mf & ~(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE |
                           MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_NOT_TRUSTED |
                           MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
                           MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_REVOKED);
    if (mbedtls_x509_crt_verify_info(info, sizeof info, "", rest) < 0 || info[0] == '\0')
        snprintf(info, sizeof info, "certificate rejected");
    char *nl;
    while ((nl = strchr(info, '\n')) != NULL)
        *nl = nl[1] ? ',' : '\0';
    say(v, "%s (%s)", info, who);
}

/* ---- the callback --------------------------------------------------------- */

static uint32_t call_user(tlsc__verify *v, const mbedtls_x509_crt *crt, int depth,
                          uint32_t t)
{
    const tlsc_config *cfg = v->cfg;
    char subject[256], issuer[256];
    tlsc__x509_dn_text(&crt->subject, subject, sizeof subject);
    tlsc__x509_dn_text(&crt->issuer, issuer, sizeof issuer);
    tlsc_cert_view view = {
        .depth = depth, .der = crt->raw.p, .der_len = crt->raw.len,
        .subject = subject, .issuer = issuer,
        .not_before = x509_unix(&crt->valid_from), .not_after = x509_unix(&crt->valid_to),
    };
    uint32_t added = cfg->verify_fn(cfg->verify_ud, &view, t);
    /* Unknown bits still mean "refuse": the callback cannot widen trust. */
    return (added & ~(uint32_t)ALL_BITS) ? (added & ALL_BITS) | TLSC_VERIFY_REJECTED : added;
}

/* What tlsc's trust mode forgives. */
static uint32_t apply_policy(const tlsc__verify *v, uint32_t t)
{
    const tlsc_config *cfg = v->cfg;
    if (cfg->insecure)
        return t & TLSC_VERIFY_PIN;
    if (cfg->ca_count == 0 && cfg->bundle.data == NULL && cfg->pin_count != 0)
        t &= ~TLSC_VERIFY_UNTRUSTED; /* pin-only: the pin is the trust */
    if (v->unknown_time && cfg->allow_unknown_time)
        t &= ~(TLSC_VERIFY_EXPIRED | TLSC_VERIFY_NOT_YET_VALID);
    return t;
}

/* A root tlsc wrote from a bundle entry (bundle_trust.c): it carries only
 * what the bundle stores (key, name, dates, path length), so the profile
 * rules about extensions were applied when the bundle was built. */
static bool bundle_root(const tlsc__verify *v, const mbedtls_x509_crt *crt)
{
    if (v->cfg->bundle.data == NULL)
        return false;
    for (const mbedtls_x509_crt *ca = &v->cfg->ca; ca != NULL && ca->raw.p != NULL; ca = ca->next) {
        if (same_buf(&ca->raw, &crt->raw))
            return false;
    }
    return true;
}

/* tlsc's own rules for one certificate (before the trust mode applies). */
static uint32_t own_rules(tlsc__verify *v, const mbedtls_x509_crt *crt, int depth,
                          bool anchor, const char *who)
{
    if (v->cfg->insecure)
        return 0;
    char why[200];
    tlsc__role role = depth == 0 ? TLSC__ROLE_LEAF
                      : anchor   ? TLSC__ROLE_ANCHOR : TLSC__ROLE_INTERMEDIATE;
    uint32_t t = role == TLSC__ROLE_ANCHOR && bundle_root(v, crt)
                     ? 0 : tlsc__x509_lint(crt, role, why, sizeof why);
    if (t != 0)
        say(v, "%s (%s)", why, who);
    if ((t & TLSC_VERIFY_EKU) == 0)
        t |= check_usage(v, crt, depth, anchor, who);
    t |= check_nc(v, crt, depth, who);
    if (crt == v->top)
        v->top_anchor = anchor;
    if (depth == 0)
        t |= check_depth(v);
    if (depth == 0 && v->name[0] != '\0')
        t |= check_host(v, crt);
    return t;
}

static void remember_chain(tlsc__verify *v, const mbedtls_x509_crt *crt, int depth)
{
    if (v->top == NULL) {
        v->top = crt;
        v->top_depth = depth;
    }
    if (depth >= 0 && depth < TLSC__CHAIN_MAX)
        v->self_issued[depth] = self_issued(crt);
}

/* At the leaf, once the whole chain has been reported: why the chain
 * stopped at its top, if it did. Returns the bit that counts. */
static uint32_t chain_stop(tlsc__verify *v, const mbedtls_x509_crt *leaf)
{
    char subject[200], who[240];
    uint32_t why = explain_untrusted(v, leaf);
    if (why == TLSC_VERIFY_UNTRUSTED && (v->vfail & TLSC_VERIFY_CHAIN_DEPTH)) {
        /* The path was cut at the depth limit, named already: its top's
         * issuer was not looked for, so it is not "unknown". */
        v->vflags &= ~TLSC_VERIFY_UNTRUSTED;
        return TLSC_VERIFY_CHAIN_DEPTH;
    }
    if (why == TLSC_VERIFY_UNTRUSTED) {
        tlsc__x509_dn_text(&v->top->subject, subject, sizeof subject);
        snprintf(who, sizeof who, "depth %d, %s", v->top_depth, subject);
        describe_untrusted(v, v->top, v->top_depth, who, leaf);
    } else if (!(v->vfail & TLSC_VERIFY_UNTRUSTED)) {
        v->vflags &= ~TLSC_VERIFY_UNTRUSTED; /* explained: not an unknown issuer */
    }
    return why;
}

int tlsc__verify_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
                    uint32_t *flags)
{
    tlsc__verify *v = p_vrfy;
    uint32_t mf = *flags;
    char subject[200], who[240];
    tlsc__x509_dn_text(&crt->subject, subject, sizeof subject);
    snprintf(who, sizeof who, "depth %d, %s", depth, subject);
    remember_chain(v, crt, depth);
    uint32_t t = to_tlsc(mf) & ~TLSC_VERIFY_HOSTNAME;
    if (depth == 0 && tlsc__trust_local_ee(v->cfg, crt))
        t &= ~TLSC_VERIFY_UNTRUSTED; /* as mbedTLS does when it has the CA list */
    bool anchor = crt == v->top && !(mf & MBEDTLS_X509_BADCERT_NOT_TRUSTED) && depth > 0;
    t |= own_rules(v, crt, depth, anchor, who);
    if (depth == 0) {
        if (!keep_subject(v, crt))
            return MBEDTLS_ERR_X509_ALLOC_FAILED; /* a fact lost: fail (no memory) */
        if (v->cfg->pin_count != 0)
            t |= check_pin(v, crt);
    }
    v->vflags |= t; /* what was seen, even if the policy forgives it */
    t = apply_policy(v, t);
    /* The chain stops here: explained at the leaf, which lists the chain. */
    bool stops = (t & TLSC_VERIFY_UNTRUSTED) && crt == v->top;
    v->top_untrusted |= stops;
    if (v->cfg->verify_fn != NULL && !v->trial)
        t |= call_user(v, crt, depth, t);
    describe_dates(v, crt, t, who);
    if ((t & TLSC_VERIFY_UNTRUSTED) && !stops)
        describe_untrusted(v, crt, depth, who, NULL);
    if (t & TLSC_VERIFY_WEAK)
        describe_weak(v, crt, mf, who);
    if (t & TLSC_VERIFY_REVOKED)
        say(v, "certificate revoked: a configured CRL of its issuer lists its serial number "
            "(%s)", who);
    describe_other(v, mf, t & to_tlsc(mf), who);
    if (t & TLSC_VERIFY_REJECTED)
        say(v, "rejected by the application's verify callback (%s)", who);
    uint32_t counted = stops ? t & ~TLSC_VERIFY_UNTRUSTED : t;
    v->vfail |= counted;
    if (depth == 0 && v->top_untrusted) {
        uint32_t why = chain_stop(v, crt);
        v->vfail |= why;
        v->vflags |= why;
    }
    v->vflags |= counted;
    *flags = t ? keep_mbedtls(mf, t) : 0;
    return 0;
}

/* The one code that names the failure best; several reasons -> generic. */
tlsc_err tlsc__verify_error(const tlsc__verify *v)
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
        { TLSC_VERIFY_CLOCK, TLSC_ERR_CLOCK_NOT_SET },
    };
    if (v->vfail & TLSC_VERIFY_PATH_BUDGET)
        return TLSC_ERR_PATH_BUDGET; /* the closest path's reasons are in the detail */
    /* a certificate tlsc will not use, for one or several such reasons */
    static const uint32_t bad = TLSC_VERIFY_BAD_SIGNATURE | TLSC_VERIFY_KEY_USAGE |
                                TLSC_VERIFY_WEAK | TLSC_VERIFY_NOT_CA | TLSC_VERIFY_PATH_LEN |
                                TLSC_VERIFY_NAME_CONSTRAINTS | TLSC_VERIFY_CRITICAL_EXT |
                                TLSC_VERIFY_EKU | TLSC_VERIFY_PROFILE |
                                TLSC_VERIFY_CHAIN_DEPTH | TLSC_VERIFY_REVOKED;
    for (size_t i = 0; i < sizeof ONE / sizeof ONE[0]; i++) {
        if (v->vfail == ONE[i].bit)
            return ONE[i].err;
    }
    if (v->vfail != 0 && (v->vfail & ~bad) == 0)
        return TLSC_ERR_CERT_BAD;
    return TLSC_ERR_VERIFY;
}
