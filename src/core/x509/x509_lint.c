/*
 * The certificate profile tlsc requires of every certificate in a server's
 * chain: the structural rules of RFC 5280 and the CA/Browser Forum
 * Baseline Requirements that browsers and webpki (rustls) enforce and
 * mbedTLS does not — criticality of extensions, key identifiers, serial
 * numbers, names, and the leaf's EKU and CN. Each rule gives its reason.
 *
 * mbedTLS records most extensions but not whether they were critical, so
 * the extension list is walked here again with mbedTLS's ASN.1 reader
 * (the certificate has already been parsed and checked by mbedTLS).
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/base/hostname.h"
#include "core/base/text.h"
#include "core/mbedtls/peek_x509.h"
#include "core/x509/x509.h"

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"

#define SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

/* id-pe-authorityInfoAccess, 1.3.6.1.5.5.7.1.1 */
#define OID_AIA MBEDTLS_OID_PKIX "\x01\x01"

enum { X_AKI, X_SKI, X_AIA, X_BC, X_NC, X_PC, X_EKU, X_SAN, X_COUNT };

static const struct {
    const char *oid;
    size_t len;
} KNOWN[X_COUNT] = {
    [X_AKI] = { MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER,
                MBEDTLS_OID_SIZE(MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER) },
    [X_SKI] = { MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER,
                MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER) },
    [X_AIA] = { OID_AIA, MBEDTLS_OID_SIZE(OID_AIA) },
    [X_BC] = { MBEDTLS_OID_BASIC_CONSTRAINTS, MBEDTLS_OID_SIZE(MBEDTLS_OID_BASIC_CONSTRAINTS) },
    [X_NC] = { MBEDTLS_OID_NAME_CONSTRAINTS, MBEDTLS_OID_SIZE(MBEDTLS_OID_NAME_CONSTRAINTS) },
    [X_PC] = { MBEDTLS_OID_POLICY_CONSTRAINTS,
               MBEDTLS_OID_SIZE(MBEDTLS_OID_POLICY_CONSTRAINTS) },
    [X_EKU] = { MBEDTLS_OID_EXTENDED_KEY_USAGE,
                MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE) },
    [X_SAN] = { MBEDTLS_OID_SUBJECT_ALT_NAME, MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME) },
};

typedef struct ext {
    bool present, critical;
    unsigned char *val;
    size_t len;
} ext;

static void note_ext(ext *x, const mbedtls_x509_buf *oid, int critical, unsigned char *val,
                     size_t len)
{
    for (int i = 0; i < X_COUNT; i++) {
        if (oid->len == KNOWN[i].len && memcmp(oid->p, KNOWN[i].oid, oid->len) == 0)
            x[i] = (ext){ true, critical != 0, val, len };
    }
}

typedef void (*ext_fn)(void *ud, const mbedtls_x509_buf *oid, int critical, unsigned char *val,
                       size_t len);

/* Extensions ::= SEQUENCE OF Extension { extnID, critical DEFAULT FALSE,
 * extnValue OCTET STRING }, calling fn for each. mbedTLS accepted the
 * list; -1 cannot happen for a parsed certificate but is handled as
 * malformed. */
static int walk_exts(const mbedtls_x509_buf *exts, ext_fn fn, void *ud)
{
    if (exts->p == NULL || exts->len == 0)
        return 0;
    unsigned char *p = exts->p;
    const unsigned char *end = p + exts->len;
    size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0)
        return -1;
    end = p + len;
    while (p < end) {
        mbedtls_x509_buf oid;
        int critical = 0;
        if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0)
            return -1;
        const unsigned char *ext_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ext_end, &oid.len, MBEDTLS_ASN1_OID) != 0)
            return -1;
        oid.p = p;
        p += oid.len;
        if (mbedtls_asn1_get_bool(&p, ext_end, &critical) != 0)
            critical = 0;
        if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) != 0 ||
            p + len != ext_end)
            return -1;
        fn(ud, &oid, critical, p, len);
        p += len;
    }
    return 0;
}

static void note_known(void *ud, const mbedtls_x509_buf *oid, int critical, unsigned char *val,
                       size_t len)
{
    note_ext(ud, oid, critical, val, len);
}

static int read_exts(const mbedtls_x509_crt *crt, ext x[X_COUNT])
{
    memset(x, 0, X_COUNT * sizeof *x);
    return walk_exts(&crt->v3_ext, note_known, x);
}

typedef struct find {
    const char *oid;
    size_t len;
    bool found, critical;
} find;

static void note_one(void *ud, const mbedtls_x509_buf *oid, int critical, unsigned char *val,
                     size_t len)
{
    find *f = ud;
    (void)val;
    (void)len;
    if (oid->len == f->len && memcmp(oid->p, f->oid, f->len) == 0) {
        f->found = true;
        f->critical = critical != 0;
    }
}

bool tlsc__x509_find_ext(const mbedtls_x509_buf *exts, const char *oid, size_t oid_len,
                         bool *critical)
{
    find f = { oid, oid_len, false, false };
    if (walk_exts(exts, note_one, &f) != 0)
        return false;
    *critical = f.critical;
    return f.found;
}

/* ---- individual rules ---------------------------------------------------- */

typedef struct lint {
    const mbedtls_x509_crt *crt;
    tlsc__role role;
    ext x[X_COUNT];
    char *why;
    size_t cap;
} lint;

static uint32_t fail(lint *l, uint32_t bit, const char *text)
{
    snprintf(l->why, l->cap, "%s", text);
    return bit;
}

static bool is_ca_role(const lint *l)
{
    return l->role != TLSC__ROLE_LEAF;
}

static bool self_issued(const mbedtls_x509_crt *crt)
{
    return crt->issuer_raw.len == crt->subject_raw.len &&
           memcmp(crt->issuer_raw.p, crt->subject_raw.p, crt->subject_raw.len) == 0;
}

/* A Name TLV with no RDN. */
static bool empty_name(const mbedtls_x509_buf *raw)
{
    unsigned char *p = raw->p;
    size_t len;
    return mbedtls_asn1_get_tag(&p, raw->p + raw->len, &len, SEQ) != 0 || len == 0;
}

/* RFC 5280 4.1.2.2: a positive integer of at most 20 octets. */
static uint32_t check_serial(lint *l)
{
    if (l->role == TLSC__ROLE_ANCHOR)
        return 0; /* trusted as configured (some old roots have serial 0) */
    const mbedtls_x509_buf *s = &l->crt->serial;
    bool zero = true;
    for (size_t i = 0; i < s->len; i++)
        zero = zero && s->p[i] == 0;
    if (s->len == 0 || s->len > 20)
        return fail(l, TLSC_VERIFY_PROFILE, "serial number longer than 20 octets");
    if (s->p[0] & 0x80)
        return fail(l, TLSC_VERIFY_PROFILE, "negative serial number");
    if (zero)
        return fail(l, TLSC_VERIFY_PROFILE, "serial number is zero");
    return 0;
}

static uint32_t check_names(lint *l)
{
    if (empty_name(&l->crt->issuer_raw))
        return fail(l, TLSC_VERIFY_PROFILE, "empty issuer name");
    if (is_ca_role(l) && empty_name(&l->crt->subject_raw))
        return fail(l, TLSC_VERIFY_PROFILE, "CA certificate with an empty subject name");
    return 0;
}

/* Key identifiers link a certificate to its issuer's key (RFC 5280
 * 4.2.1.1/4.2.1.2, CA/B BR 7.1.2): AKI with keyIdentifier on everything
 * but self-issued roots, SKI on every CA, neither critical. */
static uint32_t check_key_ids(lint *l)
{
    const mbedtls_x509_authority *aki = &l->crt->authority_key_id;
    const ext *a = &l->x[X_AKI], *s = &l->x[X_SKI];
    if (a->critical || s->critical)
        return fail(l, TLSC_VERIFY_PROFILE, "critical authority or subject key identifier");
    if (!a->present && !self_issued(l->crt))
        return fail(l, TLSC_VERIFY_PROFILE, "no authorityKeyIdentifier");
    if (a->present && (aki->keyIdentifier.len == 0 || aki->authorityCertIssuer.buf.p != NULL ||
                       aki->authorityCertSerialNumber.len != 0))
        return fail(l, TLSC_VERIFY_PROFILE, "authorityKeyIdentifier must hold exactly a "
                                            "keyIdentifier");
    if (is_ca_role(l) && !s->present)
        return fail(l, TLSC_VERIFY_PROFILE, "CA certificate without subjectKeyIdentifier");
    if (a->present && s->present && l->role == TLSC__ROLE_ANCHOR && self_issued(l->crt) &&
        (aki->keyIdentifier.len != l->crt->subject_key_id.len ||
         memcmp(aki->keyIdentifier.p, l->crt->subject_key_id.p, aki->keyIdentifier.len) != 0))
        return fail(l, TLSC_VERIFY_PROFILE, "self-signed certificate whose "
                                            "authorityKeyIdentifier is not its own key");
    return 0;
}

static uint32_t check_ca_flags(lint *l)
{
    const mbedtls_x509_crt *crt = l->crt;
    bool ca = tlsc__peek_is_ca(crt);
    if (is_ca_role(l) && crt->version >= 3 && l->x[X_BC].present && !l->x[X_BC].critical)
        return fail(l, TLSC_VERIFY_NOT_CA, "basicConstraints of a CA must be critical");
    if (l->role == TLSC__ROLE_LEAF && ca)
        return fail(l, TLSC_VERIFY_NOT_CA, "the server's own certificate is a CA "
                                           "(basicConstraints CA:TRUE)");
    if (!ca && mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_KEY_USAGE) &&
        mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) == 0)
        return fail(l, TLSC_VERIFY_KEY_USAGE, "keyUsage keyCertSign on a certificate that is "
                                              "not a CA");
    return 0;
}

static uint32_t check_constraint_exts(lint *l)
{
    if (l->x[X_PC].present)
        return fail(l, TLSC_VERIFY_CRITICAL_EXT, "policyConstraints are not supported");
    if (l->x[X_NC].present && l->role == TLSC__ROLE_LEAF)
        return fail(l, TLSC_VERIFY_NAME_CONSTRAINTS, "nameConstraints on a certificate that "
                                                     "is not a CA");
    if (l->x[X_NC].present && !l->x[X_NC].critical)
        return fail(l, TLSC_VERIFY_NAME_CONSTRAINTS, "nameConstraints must be critical");
    return 0;
}

static bool has_any_eku(const mbedtls_x509_crt *crt)
{
    static const char any[] = MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE;
    for (const mbedtls_x509_sequence *s = &crt->ext_key_usage; s != NULL && s->buf.p; s = s->next) {
        if (s->buf.len == sizeof any - 1 && memcmp(s->buf.p, any, sizeof any - 1) == 0)
            return true;
    }
    return false;
}

/* EKU: required and non-critical on the leaf (webpki), absent on roots
 * (CA/B BR 7.1.2.1). */
static uint32_t check_eku(lint *l)
{
    const ext *e = &l->x[X_EKU];
    if (l->role == TLSC__ROLE_LEAF && !e->present)
        return fail(l, TLSC_VERIFY_EKU, "no extendedKeyUsage (a server certificate must "
                                        "list serverAuth)");
    if (l->role == TLSC__ROLE_LEAF && e->critical)
        return fail(l, TLSC_VERIFY_EKU, "critical extendedKeyUsage");
    if (l->role == TLSC__ROLE_LEAF &&
        mbedtls_x509_crt_check_extended_key_usage(l->crt, MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE,
                                                  MBEDTLS_OID_SIZE(
                                                      MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE)) == 0 &&
        has_any_eku(l->crt))
        return fail(l, TLSC_VERIFY_EKU, "anyExtendedKeyUsage in a server certificate");
    if (l->role == TLSC__ROLE_ANCHOR && e->present && self_issued(l->crt))
        return fail(l, TLSC_VERIFY_EKU, "a root certificate must not have an "
                                        "extendedKeyUsage");
    return 0;
}

/* AIA: non-critical, SEQUENCE OF AccessDescription { OID, GeneralName }. */
static uint32_t check_aia(lint *l)
{
    const ext *a = &l->x[X_AIA];
    if (!a->present)
        return 0;
    if (a->critical)
        return fail(l, TLSC_VERIFY_PROFILE, "critical authorityInfoAccess");
    unsigned char *p = a->val;
    const unsigned char *end = a->val + a->len;
    size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0 || p + len != end || len == 0)
        return fail(l, TLSC_VERIFY_PROFILE, "malformed authorityInfoAccess");
    while (p < end) {
        if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0)
            return fail(l, TLSC_VERIFY_PROFILE, "malformed authorityInfoAccess");
        const unsigned char *ad_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ad_end, &len, MBEDTLS_ASN1_OID) != 0 || p + len >= ad_end)
            return fail(l, TLSC_VERIFY_PROFILE, "malformed authorityInfoAccess");
        p = (unsigned char *)ad_end;
    }
    return 0;
}

/* ---- names of the leaf --------------------------------------------------- */

static bool ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-';
}

/* A presented dNSName: LDH labels of 1..63, optionally "*." first, and
 * relative: the trailing dot of an absolute name ends in an empty label. */
static bool dns_name_ok(const unsigned char *p, size_t len)
{
    if (len >= 2 && p[0] == '*' && p[1] == '.') {
        p += 2;
        len -= 2;
    }
    if (len == 0 || len > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '.') {
            if (label == 0 || p[i - 1] == '-')
                return false;
            label = 0;
        } else if (!ldh(p[i]) || (label == 0 && p[i] == '-') || ++label > 63) {
            return false;
        }
    }
    return label != 0;
}

/* A dNSName that would be valid but for its trailing dot. Refused with a
 * reason of its own: host matching and the name-constraint check agree on
 * relative names only (tlsc__dns_name_matches, x509_ext.c check_name). */
static uint32_t absolute_dns(lint *l, const mbedtls_x509_buf *b)
{
    snprintf(l->why, l->cap, "absolute dNSName (trailing dot) in subjectAltName: %.*s; "
             "tlsc accepts relative names only", (int)(b->len > 120 ? 120 : b->len),
             (const char *)b->p);
    return TLSC_VERIFY_PROFILE;
}

static uint32_t check_san(lint *l)
{
    const ext *s = &l->x[X_SAN];
    bool empty_subject = empty_name(&l->crt->subject_raw);
    if (l->role != TLSC__ROLE_LEAF)
        return 0;
    if (empty_subject && (!s->present || !s->critical))
        return fail(l, TLSC_VERIFY_PROFILE, "empty subject without a critical "
                                            "subjectAltName");
    if (!empty_subject && s->critical)
        return fail(l, TLSC_VERIFY_PROFILE, "critical subjectAltName with a non-empty "
                                            "subject");
    for (const mbedtls_x509_sequence *q = &l->crt->subject_alt_names; q != NULL && q->buf.p;
         q = q->next) {
        const mbedtls_x509_buf *b = &q->buf;
        bool dns = b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2);
        if (dns && tlsc__dns_name_is_absolute((const char *)b->p, b->len) &&
            dns_name_ok(b->p, b->len - 1))
            return absolute_dns(l, b);
        if (dns && !dns_name_ok(b->p, b->len))
            return fail(l, TLSC_VERIFY_PROFILE, "invalid dNSName in subjectAltName");
        if (b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && b->len != 4 && b->len != 16)
            return fail(l, TLSC_VERIFY_PROFILE, "invalid iPAddress in subjectAltName");
    }
    return 0;
}

/* RFC 5952 text of an IPv6 address: lower case, no leading zeros, the
 * longest run of two or more zero groups (the first of equals) as "::". */
static void ipv6_text(const unsigned char *a, char *out, size_t cap)
{
    unsigned g[8];
    int best = -1, best_len = 1;
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    out[0] = '\0';
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            tlsc__str_append(out, cap, "::");
            i += best_len - 1;
            continue;
        }
        bool colon = i > 0 && i != best + best_len;
        tlsc__str_append(out, cap, "%s%x", colon ? ":" : "", g[i]);
    }
}

static bool cn_is_san(const mbedtls_x509_crt *crt, const mbedtls_x509_buf *cn)
{
    char text[48];
    for (const mbedtls_x509_sequence *q = &crt->subject_alt_names; q != NULL && q->buf.p;
         q = q->next) {
        const mbedtls_x509_buf *b = &q->buf;
        text[0] = '\0';
        if (b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2) && b->len == cn->len &&
            memcmp(b->p, cn->p, cn->len) == 0)
            return true;
        if (b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && b->len == 4)
            snprintf(text, sizeof text, "%u.%u.%u.%u", b->p[0], b->p[1], b->p[2], b->p[3]);
        if (b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && b->len == 16)
            ipv6_text(b->p, text, sizeof text);
        if (text[0] != '\0' && strlen(text) == cn->len && memcmp(text, cn->p, cn->len) == 0)
            return true;
    }
    return false;
}

/* A CN that could be read as a host: only characters of DNS names, IP
 * literals and internationalized names (bytes >= 0x80). A CN with a space
 * or punctuation ("Living room sensor") is a label, not a host claim. */
static bool host_like(const mbedtls_x509_buf *cn)
{
    for (size_t i = 0; i < cn->len; i++) {
        unsigned char c = cn->p[i];
        if (!(ldh(c) || c == '.' || c == ':' || c == '*' || c == '_' || c >= 0x80))
            return false;
    }
    return cn->len != 0;
}

/* CA/B BR 7.1.4.3: a leaf's CN, when it has a SAN, is a verbatim copy of
 * one of its SAN entries (an IP in its canonical text). Applied to CNs
 * that look like a host, so that a CN naming another host than the SAN
 * (or the same host spelled differently) is refused. */
static uint32_t check_cn(lint *l)
{
    if (l->role != TLSC__ROLE_LEAF || l->crt->subject_alt_names.buf.p == NULL)
        return 0;
    for (const mbedtls_x509_name *n = &l->crt->subject; n != NULL; n = n->next) {
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 &&
            host_like(&n->val) && !cn_is_san(l->crt, &n->val))
            return fail(l, TLSC_VERIFY_PROFILE, "the subject CN is not a verbatim copy of "
                                                "one of the subjectAltName entries");
    }
    return 0;
}

/* webpki: an RSA modulus is a whole number of bytes. */
static uint32_t check_key(lint *l)
{
    if (mbedtls_pk_get_type(&l->crt->pk) == MBEDTLS_PK_RSA &&
        mbedtls_pk_get_bitlen(&l->crt->pk) % 8 != 0)
        return fail(l, TLSC_VERIFY_WEAK, "RSA modulus is not a whole number of bytes");
    return 0;
}

uint32_t tlsc__x509_lint(const mbedtls_x509_crt *crt, tlsc__role role, char *why, size_t cap)
{
    static uint32_t (*const RULES[])(lint *) = {
        check_serial, check_names, check_key_ids, check_ca_flags, check_constraint_exts,
        check_eku,    check_aia,   check_san,     check_cn,       check_key,
    };
    lint l = { .crt = crt, .role = role, .why = why, .cap = cap };
    if (crt->version != 3)
        return fail(&l, TLSC_VERIFY_PROFILE, "not an X.509 version 3 certificate");
    if (read_exts(crt, l.x) != 0)
        return fail(&l, TLSC_VERIFY_PROFILE, "malformed extensions");
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++) {
        uint32_t t = RULES[i](&l);
        if (t != 0)
            return t;
    }
    return 0;
}
