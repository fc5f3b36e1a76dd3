/*
 * X.509 extensions tlsc handles itself, on top of mbedTLS's parser.
 *
 * mbedTLS 3.6 refuses a certificate with a critical extension it does not
 * know, and nameConstraints is one of them. Every certificate tlsc parses
 * itself (trusted CAs, chains given to tlsc_verify_chain) goes through
 * mbedtls_x509_crt_parse_der_with_ext_cb with the handler below, which
 * accepts nameConstraints (enforced by the verify callback, verify.c) and
 * refuses every other unknown critical extension, naming it.
 *
 * mbedTLS keeps no trace of an extension its handler accepted, so the
 * verify callback finds a CA's nameConstraints again by re-parsing the
 * CA's DER with a handler that records where the extension's value is.
 * The value (NameConstraints, RFC 5280 4.2.1.10) is read with mbedTLS's
 * ASN.1 reader (mbedtls_asn1_get_tag): tlsc only interprets the names.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/base/hostname.h"
#include "core/base/ip.h"
#include "core/x509/x509.h"

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"

/* ---- parsing with tlsc's extension handler -------------------------------- */

typedef struct ext_ctx {
    char *why;
    size_t cap;
} ext_ctx;

static int ext_cb(void *p_ctx, mbedtls_x509_crt const *crt, mbedtls_x509_buf const *oid,
                  int critical, const unsigned char *p, const unsigned char *end)
{
    ext_ctx *ctx = p_ctx;
    (void)crt;
    (void)p;
    (void)end;
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_NAME_CONSTRAINTS, oid) == 0)
        return 0; /* enforced by the verify callback */
    /* Policies other than anyPolicy: accepted and not enforced, as browsers
     * and webpki do for server certificates. */
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_CERTIFICATE_POLICIES, oid) == 0)
        return 0;
    if (!critical)
        return 0;
    if (ctx != NULL && ctx->why != NULL && ctx->cap != 0 &&
        mbedtls_oid_get_numeric_string(ctx->why, ctx->cap, oid) <= 0)
        snprintf(ctx->why, ctx->cap, "(unprintable OID)");
    return TLSC__ERR_X509_UNKNOWN_CRITICAL;
}

int tlsc__x509_parse_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len,
                         int make_copy, char *why, size_t cap)
{
    ext_ctx ctx = { why, cap };
    if (why != NULL && cap != 0)
        why[0] = '\0';
    return mbedtls_x509_crt_parse_der_with_ext_cb(chain, der, len, make_copy, ext_cb, &ctx);
}

/* The same contract as mbedtls_x509_crt_parse for PEM input. */
int tlsc__x509_parse_pem(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
    int failed = 0, first_error = 0;
    bool any = false;
    while (len > 1) {
        mbedtls_pem_context pem;
        size_t used = 0;
        mbedtls_pem_init(&pem);
        int ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
                                          "-----END CERTIFICATE-----", buf, NULL, 0, &used);
        if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT || used == 0 || used > len) {
            mbedtls_pem_free(&pem);
            break;
        }
        buf += used;
        len -= used;
        size_t der_len = 0;
        const unsigned char *der = ret == 0 ? mbedtls_pem_get_buffer(&pem, &der_len) : NULL;
        if (der != NULL)
            ret = tlsc__x509_parse_der(chain, der, der_len, 1, NULL, 0);
        mbedtls_pem_free(&pem);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED)
            return ret;
        if (ret != 0) {
            first_error = first_error ? first_error : ret;
            failed++;
            continue;
        }
        any = true;
    }
    if (any)
        return failed;
    return first_error ? first_error : MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
}

/* ---- finding a CA's nameConstraints ----------------------------------------- */

typedef struct nc_find {
    const unsigned char *p;
    size_t len;
} nc_find;

static int find_cb(void *p_ctx, mbedtls_x509_crt const *crt, mbedtls_x509_buf const *oid,
                   int critical, const unsigned char *p, const unsigned char *end)
{
    nc_find *f = p_ctx;
    (void)crt;
    (void)critical;
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_NAME_CONSTRAINTS, oid) == 0) {
        f->p = p;
        f->len = (size_t)(end - p);
    }
    return 0;
}

/* Whether the bytes of the nameConstraints OID (06 03 55 1d 1e) occur in
 * the extensions at all: a cheap test that spares a re-parse of every CA
 * without them. A hit only means "look properly". */
static bool may_have_nc(const mbedtls_x509_crt *crt)
{
    static const unsigned char oid_tlv[] = { MBEDTLS_ASN1_OID, 3, 0x55, 0x1d, 0x1e };
    const mbedtls_x509_buf *e = &crt->v3_ext;
    for (size_t i = 0; e->p != NULL && i + sizeof oid_tlv <= e->len; i++) {
        if (memcmp(e->p + i, oid_tlv, sizeof oid_tlv) == 0)
            return true;
    }
    return false;
}

int tlsc__x509_name_constraints(const mbedtls_x509_crt *crt, const unsigned char **p,
                                size_t *len)
{
    if (!may_have_nc(crt))
        return 0;
    nc_find f = { NULL, 0 };
    mbedtls_x509_crt tmp;
    mbedtls_x509_crt_init(&tmp);
    /* No copy: the value found points into crt's own DER. */
    int ret = mbedtls_x509_crt_parse_der_with_ext_cb(&tmp, crt->raw.p, crt->raw.len, 0,
                                                     find_cb, &f);
    mbedtls_x509_crt_free(&tmp);
    if (ret != 0)
        return ret;
    *p = f.p;
    *len = f.len;
    return f.p != NULL;
}

/* ---- names and subtrees ------------------------------------------------------- */

#define CTX(n) (MBEDTLS_ASN1_CONTEXT_SPECIFIC | (n))
#define CTX_C(n) (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | (n))
#define SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

/* GeneralName tags (RFC 5280 4.2.1.6), as they appear in both SANs and
 * subtrees. */
static const struct {
    unsigned char tag;
    const char *name;
} GN_TAGS[] = {
    { CTX(2), "dNSName" },          { CTX(7), "iPAddress" },
    { CTX_C(4), "directoryName" },  { CTX(1), "rfc822Name" },
    { CTX(6), "URI" },              { CTX_C(0), "otherName" },
    { CTX_C(3), "x400Address" },    { CTX_C(5), "ediPartyName" },
    { CTX(8), "registeredID" },
};
#define GN_N (sizeof GN_TAGS / sizeof GN_TAGS[0])

static const char *gn_name(unsigned char tag)
{
    for (size_t i = 0; i < GN_N; i++) {
        if (GN_TAGS[i].tag == tag)
            return GN_TAGS[i].name;
    }
    return "unknown name type";
}

/* One name: the GeneralName's tag and content. */
typedef struct gname {
    unsigned char tag;
    const unsigned char *p;
    size_t len;
} gname;

/* Read one GeneralName at *p with mbedTLS's reader, trying each known tag
 * (an unknown tag is malformed for tlsc's purpose). */
static int read_gname(unsigned char **p, const unsigned char *end, gname *g)
{
    for (size_t i = 0; i < GN_N; i++) {
        size_t len;
        if (mbedtls_asn1_get_tag(p, end, &len, GN_TAGS[i].tag) == 0) {
            g->tag = GN_TAGS[i].tag;
            g->p = *p;
            g->len = len;
            *p += len;
            return 0;
        }
    }
    return -1;
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool same_ci(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

/* A dNSName constraint: letters, digits, '-' and '.', nothing else, and
 * not starting with '.' (that form is defined for URIs only; webpki
 * refuses it for DNS) nor ending with one (an absolute name: tlsc compares
 * relative names only, see tlsc__host_copy; webpki refuses it too). */
static bool dns_constraint_ok(const gname *c)
{
    if (c->len != 0 && (c->p[0] == '.' || c->p[c->len - 1] == '.'))
        return false;
    for (size_t i = 0; i < c->len; i++) {
        unsigned char ch = lower(c->p[i]);
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
            return false;
    }
    return true;
}

/* Name n (len) inside the DNS subtree c (RFC 5280: adding labels on the
 * left; a leading '.' means subdomains only; "" means everything). */
static bool dns_within(const unsigned char *n, size_t nlen, const gname *c)
{
    if (c->len == 0)
        return true;
    if (c->p[0] == '.')
        return nlen > c->len && same_ci(n + nlen - c->len, c->p, c->len);
    if (nlen == c->len)
        return same_ci(n, c->p, nlen);
    return nlen > c->len && n[nlen - c->len - 1] == '.' &&
           same_ci(n + nlen - c->len, c->p, c->len);
}

/*
 * For excluded subtrees a wildcard name counts if ANY name it covers is
 * inside: "*.example.com" is excluded by "example.com" (all of it) and by
 * "foo.example.com" (one of the names it covers).
 */
static bool dns_intersects(const unsigned char *n, size_t nlen, const gname *c)
{
    if (dns_within(n, nlen, c))
        return true;
    if (nlen < 2 || n[0] != '*' || n[1] != '.')
        return false;
    const unsigned char *base = n + 2, *cp = c->p;
    size_t blen = nlen - 2, clen = c->len;
    if (clen != 0 && cp[0] == '.') {
        cp++;
        clen--;
    }
    const unsigned char *dot = memchr(cp, '.', clen);
    return dot != NULL && (size_t)(cp + clen - dot - 1) == blen && dot > cp &&
           same_ci(dot + 1, base, blen);
}

/* iPAddress subtree: address + mask (8 or 32 bytes), the mask a prefix. */
static bool ip_constraint_ok(const gname *c)
{
    if (c->len != 8 && c->len != 32)
        return false;
    const unsigned char *mask = c->p + c->len / 2;
    bool zeros = false;
    for (size_t i = 0; i < c->len / 2; i++) {
        for (int b = 7; b >= 0; b--) {
            bool one = (mask[i] >> b) & 1;
            if (one && zeros)
                return false;
            zeros = zeros || !one;
        }
    }
    return true;
}

static bool ip_within(const gname *n, const gname *c)
{
    if (n->len * 2 != c->len)
        return false;
    const unsigned char *mask = c->p + n->len;
    for (size_t i = 0; i < n->len; i++) {
        if ((n->p[i] & mask[i]) != (c->p[i] & mask[i]))
            return false;
    }
    return true;
}

/* The content of a Name (SEQUENCE OF RDN) TLV at p. */
static bool name_content(const unsigned char *p, size_t len, const unsigned char **c,
                         size_t *clen)
{
    unsigned char *q = (unsigned char *)p;
    if (mbedtls_asn1_get_tag(&q, p + len, clen, SEQ) != 0 || q + *clen != p + len)
        return false;
    *c = q;
    return true;
}

/*
 * directoryName subtree: the constraint's RDNs are the first RDNs of the
 * name. DER RDNs are self-delimiting, so a byte prefix of whole RDN
 * encodings is an RDN prefix. Exact bytes for permitted subtrees (a
 * differently encoded but equal name is refused: fail closed); for
 * excluded subtrees ASCII case is ignored too, so a name differing only in
 * case is still excluded.
 */
static int dn_within(const gname *n, const gname *c, bool excluded)
{
    const unsigned char *nc, *cc;
    size_t nlen, clen;
    if (!name_content(n->p, n->len, &nc, &nlen) || !name_content(c->p, c->len, &cc, &clen))
        return -1;
    if (clen > nlen)
        return 0;
    return excluded ? same_ci(nc, cc, clen) : memcmp(nc, cc, clen) == 0;
}

/* 1 inside, 0 not, -1 the constraint is malformed or cannot be checked. */
static int within(const gname *n, const gname *c, bool excluded)
{
    switch (c->tag) {
    case CTX(2):
        if (!dns_constraint_ok(c))
            return -1;
        return excluded ? dns_intersects(n->p, n->len, c) : dns_within(n->p, n->len, c);
    case CTX(7):
        return ip_constraint_ok(c) ? ip_within(n, c) : -1;
    case CTX_C(4):
        return dn_within(n, c, excluded);
    default:
        return -1; /* a type tlsc does not interpret: fail closed */
    }
}

typedef struct verdict {
    bool seen;      /* a subtree of the name's type exists */
    bool inside;    /* the name is inside one of them */
    bool bad;       /* a subtree is malformed or uncheckable */
} verdict;

/* Walk GeneralSubtrees (content at p..end) for name n. */
static int scan_subtrees(unsigned char *p, const unsigned char *end, const gname *n,
                         bool excluded, verdict *v)
{
    while (p < end) {
        size_t len;
        if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0)
            return -1;
        const unsigned char *sub_end = p + len;
        gname base;
        /* minimum/maximum (RFC 5280: must be absent) make it malformed */
        if (read_gname(&p, sub_end, &base) != 0 || p != sub_end)
            return -1;
        if (base.tag != n->tag)
            continue;
        v->seen = true;
        int r = within(n, &base, excluded);
        if (r < 0)
            v->bad = true;
        else if (r > 0)
            v->inside = true;
    }
    return 0;
}

typedef struct subtrees {
    unsigned char *perm, *perm_end, *excl, *excl_end;
} subtrees;

static int split_nc(const unsigned char *nc, size_t nc_len, subtrees *s)
{
    unsigned char *p = (unsigned char *)nc;
    const unsigned char *end = nc + nc_len;
    size_t len;
    memset(s, 0, sizeof *s);
    if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0 || p + len != end)
        return -1;
    if (p < end && mbedtls_asn1_get_tag(&p, end, &len, CTX_C(0)) == 0) {
        s->perm = p;
        s->perm_end = p + len;
        p += len;
    }
    if (p < end && mbedtls_asn1_get_tag(&p, end, &len, CTX_C(1)) == 0) {
        s->excl = p;
        s->excl_end = p + len;
        p += len;
    }
    /* RFC 5280 4.2.1.10: at least one of them, and no empty one. */
    if ((s->perm == NULL && s->excl == NULL) || (s->perm != NULL && s->perm == s->perm_end) ||
        (s->excl != NULL && s->excl == s->excl_end))
        return -1;
    return p == end ? 0 : -1;
}

static void name_text(const gname *n, char *out, size_t cap)
{
    if (n->tag == CTX(2))
        snprintf(out, cap, "DNS:%.*s", (int)(n->len > 120 ? 120 : n->len), (const char *)n->p);
    else if (n->tag == CTX(7) && n->len == 4)
        snprintf(out, cap, "IP:%u.%u.%u.%u", n->p[0], n->p[1], n->p[2], n->p[3]);
    else if (n->tag == CTX(7))
        snprintf(out, cap, "an IPv6 address");
    else if (n->tag == CTX_C(4))
        snprintf(out, cap, "its directory name");
    else
        snprintf(out, cap, "a name of type %s", gn_name(n->tag));
}

/* 0, or the NAME_CONSTRAINTS bit with the reason for name n. */
static uint32_t check_name(const subtrees *s, const gname *n, char *why, size_t cap)
{
    verdict pv = { false, false, false }, ev = { false, false, false };
    char text[160];
    /* "evil.example.com." is not inside "example.com" byte for byte, yet
     * names the same host: refuse the form rather than compare it (host
     * matching refuses it too, tlsc__dns_name_matches). */
    if (n->tag == CTX(2) && tlsc__dns_name_is_absolute((const char *)n->p, n->len)) {
        name_text(n, text, sizeof text);
        snprintf(why, cap, "%s is an absolute name (trailing dot), which tlsc does not "
                 "accept under name constraints", text);
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    if ((s->perm != NULL && scan_subtrees(s->perm, s->perm_end, n, false, &pv) != 0) ||
        (s->excl != NULL && scan_subtrees(s->excl, s->excl_end, n, true, &ev) != 0)) {
        snprintf(why, cap, "malformed nameConstraints");
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    name_text(n, text, sizeof text);
    if (pv.bad || ev.bad) {
        snprintf(why, cap, "%s cannot be checked against the %s constraints (unsupported or "
                 "malformed subtree)", text, gn_name(n->tag));
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    if (ev.inside) {
        snprintf(why, cap, "%s is in an excluded subtree", text);
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    if (pv.seen && !pv.inside) {
        snprintf(why, cap, "%s is outside the permitted subtrees", text);
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    return 0;
}

static bool empty_name(const mbedtls_x509_buf *raw)
{
    const unsigned char *c;
    size_t clen;
    return !name_content(raw->p, raw->len, &c, &clen) || clen == 0;
}

/* Name checks one certificate may cost: names x subtrees. A CA with
 * thousands of subtrees over a leaf with thousands of names is a known
 * denial-of-service pattern (quadratic); webpki caps it too. */
#define NC_BUDGET 65536u

static size_t count_subtrees(unsigned char *p, const unsigned char *end)
{
    size_t n = 0, len;
    while (p != NULL && p < end && mbedtls_asn1_get_tag(&p, end, &len, SEQ) == 0) {
        p += len;
        n++;
    }
    return n;
}

static size_t count_names(const mbedtls_x509_crt *crt)
{
    size_t n = 2; /* subject, CN */
    for (const mbedtls_x509_sequence *q = &crt->subject_alt_names; q != NULL && q->buf.p;
         q = q->next)
        n++;
    return n;
}

/* The CN of the legacy fallback as the name host matching reads it
 * (verify.c cn_matches): an IP literal, else a DNS name. */
static gname cn_name(const char *cn, unsigned char ip[16])
{
    size_t ip_len;
    if (tlsc__parse_ip(cn, ip, &ip_len))
        return (gname){ CTX(7), ip, ip_len };
    return (gname){ CTX(2), (const unsigned char *)cn, strlen(cn) };
}

uint32_t tlsc__x509_nc_check(const unsigned char *nc, size_t nc_len,
                             const mbedtls_x509_crt *crt, const char *cn_host,
                             char *why, size_t cap)
{
    subtrees s;
    if (split_nc(nc, nc_len, &s) != 0) {
        snprintf(why, cap, "malformed or empty nameConstraints");
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    size_t cost = (count_subtrees(s.perm, s.perm_end) + count_subtrees(s.excl, s.excl_end)) *
                  count_names(crt);
    if (cost > NC_BUDGET) {
        snprintf(why, cap, "%lu name checks needed, more than the limit of %u", (unsigned long)cost,
                 NC_BUDGET);
        return TLSC_VERIFY_NAME_CONSTRAINTS;
    }
    uint32_t r = 0;
    for (const mbedtls_x509_sequence *q = &crt->subject_alt_names;
         r == 0 && q != NULL && q->buf.p != NULL; q = q->next) {
        gname n = { (unsigned char)q->buf.tag, q->buf.p, q->buf.len };
        r = check_name(&s, &n, why, cap);
    }
    if (r == 0 && !empty_name(&crt->subject_raw)) {
        gname dn = { CTX_C(4), crt->subject_raw.p, crt->subject_raw.len };
        r = check_name(&s, &dn, why, cap);
    }
    if (r == 0 && cn_host != NULL) {
        unsigned char ip[16];
        gname cn = cn_name(cn_host, ip);
        r = check_name(&s, &cn, why, cap);
    }
    return r;
}

bool tlsc__x509_has_pem(const unsigned char *p, size_t len)
{
    static const char marker[] = "-----BEGIN CERTIFICATE-----";
    size_t m = sizeof marker - 1;
    for (size_t i = 0; i + m <= len; i++) {
        if (memcmp(p + i, marker, m) == 0)
            return true;
    }
    return false;
}
