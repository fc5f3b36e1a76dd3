/*
 * Path building: from the leaf to a trust anchor, among the certificates
 * the server sent (any order, extras and duplicates ignored) and every
 * trusted CA (added CAs, bundle roots; several may share a name). mbedTLS
 * 3.6 takes the first issuer by name and never backtracks; here the
 * search is depth first with backtracking, and bounded. The algorithm and
 * its invariants are in docs/internals.md ("Path building"); in short:
 *   - the issuers of a certificate are the candidates whose subject is its
 *     issuer name (mbedTLS's name comparison), that may sign certificates
 *     (CA, keyCertSign, pathLenConstraint with self-issued ones not
 *     counted) and are not on the path yet, tried in order: key
 *     identifiers not contradicting, currently valid, trusted, key
 *     identifiers matching;
 *   - each try costs one signature check (mbedTLS's pk_verify); at most
 *     cfg->max_sig_checks, then the search stops (TLSC_VERIFY_PATH_BUDGET);
 *   - a path ends at a trusted CA, or where no issuer's signature checks;
 *     each such path is checked with the whole policy of verify.c (dates,
 *     profile, usages, name constraints, depth, host, pins), without the
 *     application's callback; the first that passes is chosen;
 *   - the chosen path, or else the closest one (the first ending at a
 *     trusted CA, else the longest), is checked once more with the
 *     application's callback: that is the verdict and its words.
 * tlsc_verify_chain calls tlsc__path_build directly; a handshake calls it
 * from mbedTLS's CA callback (tlsc__path_ca_cb below).
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/alloc.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"
#include "core/config/config.h"
#include "core/config/log.h"
#include "core/mbedtls/peek_x509.h"
#include "core/verify/trust.h"
#include "core/verify/verify.h"
#include "core/x509/x509.h"

#include "mbedtls/asn1.h"

#define CAND_MAX 32   /* issuers tried per certificate (same name): more are ignored */
#define LOOKUP_MAX 16 /* issuer names already looked up in the bundle */

typedef struct entry {
    const mbedtls_x509_crt *crt;
    bool trusted;
} entry;

typedef struct builder {
    tlsc__verify *v;
    const tlsc_config *cfg;
    entry *pool;                /* sent certificates and trust anchors */
    size_t pool_n, pool_cap;
    mbedtls_x509_crt *roots;    /* bundle roots written for this search (owned) */
    const mbedtls_x509_buf *looked[LOOKUP_MAX];
    unsigned looked_n;
    const mbedtls_x509_crt *path[TLSC__CHAIN_MAX];
    const mbedtls_x509_crt *best[TLSC__CHAIN_MAX];
    int best_n;                 /* 0: none yet */
    bool best_anchored;
    bool defer_leaf;            /* a handshake: mbedTLS checks the leaf's signature */
    bool exhausted;
    int error;                  /* an mbedTLS error (out of memory) */
} builder;

enum { SEARCH_ON, SEARCH_FOUND, SEARCH_STOP };

/* ---- names and keys ------------------------------------------------------- */

static bool same_buf(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

static bool is_string(int tag)
{
    return tag == MBEDTLS_ASN1_UTF8_STRING || tag == MBEDTLS_ASN1_PRINTABLE_STRING;
}

/* mbedTLS's x509_string_cmp: equal, or both UTF8String/PrintableString
 * differing only in the case of ASCII letters. */
static bool same_string(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    if (a->tag == b->tag && same_buf(a, b))
        return true;
    if (!is_string(a->tag) || !is_string(b->tag) || a->len != b->len)
        return false;
    for (size_t i = 0; i < a->len; i++) {
        unsigned char x = a->p[i], y = b->p[i], l = (unsigned char)(x | 32);
        if (x != y && !((x ^ y) == 32 && l >= 'a' && l <= 'z'))
            return false;
    }
    return true;
}

/* mbedTLS's x509_name_cmp (which its own chain building uses), so that
 * every path mbedTLS would find, tlsc finds too. */
static bool same_name(const mbedtls_x509_name *a, const mbedtls_x509_name *b)
{
    for (; a != NULL || b != NULL; a = a->next, b = b->next) {
        if (a == NULL || b == NULL || a->oid.tag != b->oid.tag || !same_buf(&a->oid, &b->oid) ||
            !same_string(&a->val, &b->val) ||
            tlsc__peek_name_merged(a) != tlsc__peek_name_merged(b))
            return false;
    }
    return true;
}

static bool names_child(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent)
{
    if (same_buf(&child->issuer_raw, &parent->subject_raw))
        return true;
    return child->issuer_raw.len == parent->subject_raw.len &&
           same_name(&child->issuer, &parent->subject);
}

static bool self_issued(const mbedtls_x509_crt *crt)
{
    return same_buf(&crt->issuer_raw, &crt->subject_raw);
}

/* 0: the child's authorityKeyIdentifier is the parent's subjectKeyIdentifier;
 * 1: one of them is absent; 2: they differ (another key: tried last). */
static int key_id_match(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent)
{
    const mbedtls_x509_buf *aki = &child->authority_key_id.keyIdentifier;
    const mbedtls_x509_buf *ski = &parent->subject_key_id;
    if (aki->p == NULL || aki->len == 0 || ski->p == NULL || ski->len == 0)
        return 1;
    return same_buf(aki, ski) ? 0 : 2;
}

static bool valid_now(const mbedtls_x509_crt *crt)
{
    return !mbedtls_x509_time_is_past(&crt->valid_to) &&
           !mbedtls_x509_time_is_future(&crt->valid_from);
}

/* ---- the pool --------------------------------------------------------------- */

static bool pool_add(builder *b, const mbedtls_x509_crt *crt, bool trusted)
{
    if (b->pool_n == b->pool_cap) {
        size_t cap = b->pool_cap ? b->pool_cap * 2 : 16;
        entry *grown = tlsc__calloc(cap, sizeof *grown);
        if (grown == NULL) {
            b->error = MBEDTLS_ERR_X509_ALLOC_FAILED;
            return false;
        }
        if (b->pool_n != 0)
            memcpy(grown, b->pool, b->pool_n * sizeof *grown);
        tlsc__free(b->pool);
        b->pool = grown;
        b->pool_cap = cap;
    }
    b->pool[b->pool_n++] = (entry){ crt, trusted };
    return true;
}

static bool in_pool(const builder *b, const mbedtls_x509_crt *crt)
{
    for (size_t i = 0; i < b->pool_n; i++) {
        if (same_buf(&b->pool[i].crt->raw, &crt->raw))
            return true;
    }
    return false;
}

/* The added CAs, then what the server sent after the leaf (a copy of an
 * added CA is that CA: trusted). */
static bool fill_pool(builder *b, const mbedtls_x509_crt *leaf)
{
    const mbedtls_x509_crt *ca = &b->cfg->ca;
    for (; ca != NULL && ca->raw.p != NULL; ca = ca->next) {
        if (!pool_add(b, ca, true))
            return false;
    }
    for (const mbedtls_x509_crt *c = leaf->next; c != NULL && c->raw.p != NULL; c = c->next) {
        if (!same_buf(&c->raw, &leaf->raw) && !in_pool(b, c) && !pool_add(b, c, false))
            return false;
    }
    return true;
}

typedef struct lookup {
    builder *b;
    const mbedtls_x509_buf *name;
} lookup;

static const mbedtls_x509_crt *last_of(const mbedtls_x509_crt *c)
{
    while (c->next != NULL)
        c = c->next;
    return c;
}

/* A bundle root by that name, as mbedTLS-parsed certificate; one whose key
 * mbedTLS cannot read is no candidate. */
static int add_root(void *ud, const tlsc__root *r)
{
    lookup *l = ud;
    int ret = tlsc__root_certificate(r, l->name->p, l->name->len, &l->b->roots);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return ret;
    if (ret == 0 && !pool_add(l->b, last_of(l->b->roots), true))
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    return 0;
}

/* Bring the bundle's roots named `name` into the pool (once per name). */
static bool look_up_bundle(builder *b, const mbedtls_x509_buf *name)
{
    if (b->cfg->bundle.data == NULL)
        return true;
    for (unsigned i = 0; i < b->looked_n; i++) {
        if (same_buf(b->looked[i], name))
            return true;
    }
    if (b->looked_n == LOOKUP_MAX)
        return true; /* a pathological chain: the roots already found must do */
    b->looked[b->looked_n++] = name;
    lookup l = { b, name };
    int ret = tlsc__bundle_find(&b->cfg->bundle, name->p, name->len, add_root, &l);
    if (ret != 0)
        b->error = ret;
    return ret == 0;
}

/* ---- candidates --------------------------------------------------------------- */

static bool on_path(const builder *b, int depth, const mbedtls_x509_crt *crt)
{
    for (int i = 0; i <= depth; i++) {
        if (same_buf(&b->path[i]->raw, &crt->raw))
            return true;
    }
    return false;
}

/* Non-self-issued intermediates among path[1..depth] (RFC 5280 6.1.4 (l)). */
static int intermediates(const builder *b, int depth)
{
    int n = 0;
    for (int i = 1; i <= depth; i++)
        n += !self_issued(b->path[i]);
    return n;
}

/* Whether e may have issued path[depth], apart from the signature. A
 * trusted v1/v2 certificate is a CA by configuration, as in mbedTLS. */
static bool may_issue(const builder *b, int depth, const entry *e)
{
    const mbedtls_x509_crt *p = e->crt;
    if (!names_child(b->path[depth], p) || on_path(b, depth, p))
        return false;
    if (!tlsc__peek_is_ca(p) && !(e->trusted && p->version < 3))
        return false;
    if (mbedtls_x509_crt_check_key_usage(p, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0)
        return false;
    int limit = tlsc__peek_path_len(p);
    return limit < 0 || intermediates(b, depth) <= limit;
}

static int rank(const builder *b, int depth, const entry *e)
{
    int km = key_id_match(b->path[depth], e->crt);
    return (km == 2) * 8 + !valid_now(e->crt) * 4 + !e->trusted * 2 + (km == 1);
}

/* The possible issuers of path[depth], best first (stable within a rank).
 * Returns how many, or -1 when out of memory. */
static int candidates(builder *b, int depth, uint16_t out[CAND_MAX])
{
    int n = 0, ranks[CAND_MAX];
    if (depth + 1 >= TLSC__CHAIN_MAX)
        return 0;
    if (!look_up_bundle(b, &b->path[depth]->issuer_raw))
        return -1;
    for (size_t i = 0; i < b->pool_n && n < CAND_MAX; i++) {
        if (!may_issue(b, depth, &b->pool[i]))
            continue;
        int r = rank(b, depth, &b->pool[i]), at = n++;
        for (; at > 0 && ranks[at - 1] > r; at--) {
            ranks[at] = ranks[at - 1];
            out[at] = out[at - 1];
        }
        ranks[at] = r;
        out[at] = (uint16_t)i;
    }
    return n;
}

/* ---- checking a path with the policy ---------------------------------------------- */

/* What mbedTLS's chain verification would report for path[d] of a path of
 * n certificates (its verify callback's flags). */
static uint32_t findings(const builder *b, int d, int n, bool anchored)
{
    const mbedtls_x509_crt *crt = b->path[d];
    uint32_t f = 0;
    if (mbedtls_x509_time_is_past(&crt->valid_to))
        f |= MBEDTLS_X509_BADCERT_EXPIRED;
    if (mbedtls_x509_time_is_future(&crt->valid_from))
        f |= MBEDTLS_X509_BADCERT_FUTURE;
    if (d == n - 1 && anchored && d > 0)
        return f; /* a trust anchor: trusted as configured */
    f |= tlsc__peek_sig_flags(&tlsc__profile, crt);
    if (d == 0 && !tlsc__peek_key_allowed(&tlsc__profile, &crt->pk))
        f |= MBEDTLS_X509_BADCERT_BAD_KEY;
    if (d == n - 1)
        return anchored ? f : f | MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    const mbedtls_x509_crt *parent = b->path[d + 1];
    if (!tlsc__peek_key_allowed(&tlsc__profile, &parent->pk))
        f |= MBEDTLS_X509_BADCERT_BAD_KEY;
    return f | tlsc__peek_crl_flags(&tlsc__profile, crt, parent, b->cfg->crl, same_name);
}

/* Run the policy over path[0..n-1], root first. 0 or an mbedTLS error. */
static int evaluate(builder *b, int n, bool anchored, bool trial)
{
    tlsc__verify *v = b->v;
    tlsc__verify_path_reset(v);
    v->trial = trial;
    for (int d = n - 1; d >= 0; d--) {
        uint32_t mf = findings(b, d, n, anchored);
        int ret = tlsc__verify_cb(v, (mbedtls_x509_crt *)b->path[d], d, &mf);
        if (ret != 0)
            return ret;
    }
    v->trial = false;
    return 0;
}

/* The closest failure so far: the first path to a trust anchor, else the
 * longest that stops short of one. */
static void remember(builder *b, int n, bool anchored)
{
    bool better = anchored ? !b->best_anchored : !b->best_anchored && n > b->best_n;
    if (!better)
        return;
    memcpy(b->best, b->path, (size_t)n * sizeof *b->path);
    b->best_n = n;
    b->best_anchored = anchored;
}

/* A path is complete: does it pass? */
static int at_end(builder *b, int n, bool anchored)
{
    b->v->paths++;
    int ret = evaluate(b, n, anchored, true);
    if (ret != 0) {
        b->error = ret;
        return SEARCH_STOP;
    }
    if (b->v->vfail == 0) {
        memcpy(b->best, b->path, (size_t)n * sizeof *b->path);
        b->best_n = n;
        b->best_anchored = anchored;
        return SEARCH_FOUND;
    }
    remember(b, n, anchored);
    return SEARCH_ON;
}

/* ---- the search -------------------------------------------------------------------- */

static int search(builder *b, int depth)
{
    uint16_t cand[CAND_MAX];
    int n = candidates(b, depth, cand);
    bool linked = false;
    if (n < 0)
        return SEARCH_STOP;
    /* In a handshake mbedTLS checks the leaf's signature by the issuer tlsc
     * hands it, and fails the handshake if it does not verify (see
     * tlsc__path_vrfy_cb); with one possible issuer there is nothing to
     * choose, so that check is left to mbedTLS rather than made twice. */
    bool defer = depth == 0 && n == 1 && b->defer_leaf;
    for (int i = 0; i < n; i++) {
        const entry *e = &b->pool[cand[i]];
        if (!defer && b->v->sig_checks >= b->cfg->max_sig_checks) {
            b->exhausted = true;
            return SEARCH_STOP;
        }
        b->v->sig_checks += !defer;
        if (!defer && !tlsc__peek_signed_by(b->path[depth], e->crt))
            continue;
        linked = true;
        b->path[depth + 1] = e->crt;
        int r = e->trusted ? at_end(b, depth + 2, true) : search(b, depth + 1);
        if (r != SEARCH_ON)
            return r;
    }
    return linked ? SEARCH_ON : at_end(b, depth + 1, false);
}

/* A self-signed leaf that is itself an added CA is trusted as is (as
 * mbedTLS does with its CA list). */
static bool leaf_is_anchor(const builder *b, const mbedtls_x509_crt *leaf)
{
    if (!self_issued(leaf))
        return false;
    for (const mbedtls_x509_crt *ca = &b->cfg->ca; ca != NULL && ca->raw.p != NULL; ca = ca->next) {
        if (same_buf(&ca->raw, &leaf->raw))
            return true;
    }
    return false;
}

static int run(builder *b, const mbedtls_x509_crt *leaf)
{
    b->path[0] = leaf;
    if (b->cfg->insecure) /* nothing but pins counts: no path to look for */
        return at_end(b, 1, false);
    if (leaf_is_anchor(b, leaf)) {
        int r = at_end(b, 1, true);
        if (r != SEARCH_ON)
            return r;
    }
    return fill_pool(b, leaf) ? search(b, 0) : SEARCH_STOP;
}

/* ---- the verdict --------------------------------------------------------------------- */

/* Put what the search tried before the closest path's reasons. */
static void summarize(builder *b)
{
    tlsc__verify *v = b->v;
    char closest[TLSC_ERRMSG_MAX];
    snprintf(closest, sizeof closest, "%s", tlsc__verify_detail(v));
    if (b->exhausted) {
        v->vflags |= TLSC_VERIFY_PATH_BUDGET;
        v->vfail |= TLSC_VERIFY_PATH_BUDGET;
        tlsc__verify_set_detail(v, "no trusted path within the budget of %u signature checks "
                                   "(tlsc_config_set_max_signature_checks); tried %u path%s; "
                                   "closest: %s", b->cfg->max_sig_checks, v->paths,
                                v->paths == 1 ? "" : "s", closest);
    } else if (v->paths > 1) {
        tlsc__verify_set_detail(v, "no trusted path: tried %u paths; closest: %s", v->paths,
                                closest);
    }
}

/* The chosen or closest path once more, now with the application's
 * callback: its result is the verdict. */
static int conclude(builder *b, int outcome)
{
    if (b->error != 0)
        return b->error;
    if (b->best_n == 0) { /* stopped before any path was complete */
        b->best[0] = b->path[0];
        b->best_n = 1;
    }
    memcpy(b->path, b->best, sizeof b->path);
    int ret = evaluate(b, b->best_n, b->best_anchored, false);
    if (ret == 0 && outcome != SEARCH_FOUND && (b->v->vfail != 0 || b->exhausted))
        summarize(b);
    return ret;
}

/* Whether crt is one of the bundle roots written for this search, which
 * builder_free releases before mbedTLS uses the copy. */
static bool search_root(const builder *b, const mbedtls_x509_crt *crt)
{
    for (const mbedtls_x509_crt *r = b->roots; r != NULL; r = r->next)
        if (r == crt)
            return true;
    return false;
}

/* A copy of the leaf's issuer on the concluded path, for mbedTLS, which
 * frees it before its verification returns. Its DER is shared, not copied,
 * when it outlives that (a configured CA, a certificate the server sent:
 * its size less at the handshake's peak); a bundle root written for this
 * search is gone by then and is copied. */
static int copy_parent(const builder *b, mbedtls_x509_crt **parent)
{
    *parent = NULL;
    if (b->best_n < 2)
        return 0;
    mbedtls_x509_crt *c = tlsc__calloc(1, sizeof *c);
    if (c == NULL)
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    mbedtls_x509_crt_init(c);
    const mbedtls_x509_buf *raw = &b->best[1]->raw;
    int copy = search_root(b, b->best[1]) ? 1 : 0;
    int ret = tlsc__x509_parse_der(c, raw->p, raw->len, copy, NULL, 0);
    if (ret != 0) {
        mbedtls_x509_crt_free(c);
        tlsc__free(c);
        return ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? ret : MBEDTLS_ERR_X509_FATAL_ERROR;
    }
    *parent = c;
    return 0;
}

static void builder_free(builder *b)
{
    tlsc__free(b->pool);
    if (b->roots != NULL) {
        mbedtls_x509_crt_free(b->roots);
        tlsc__free(b->roots);
    }
    tlsc__free(b);
}

int tlsc__path_build(tlsc__verify *v, const mbedtls_x509_crt *leaf, mbedtls_x509_crt **parent)
{
    if (parent != NULL)
        *parent = NULL;
    v->sig_checks = v->paths = 0;
    builder *b = tlsc__calloc(1, sizeof *b);
    if (b == NULL)
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    b->v = v;
    b->cfg = v->cfg;
    b->defer_leaf = parent != NULL;
    int ret = conclude(b, run(b, leaf));
    if (ret == 0 && parent != NULL)
        ret = copy_parent(b, parent);
    tlsc__log(v->cfg, TLSC_LOG_DEBUG, "verify: %u signature check%s, %u path%s checked",
              v->sig_checks, v->sig_checks == 1 ? "" : "s", v->paths, v->paths == 1 ? "" : "s");
    builder_free(b);
    return ret;
}

/* ---- the handshake ------------------------------------------------------------------ */

static TLSC__THREAD_LOCAL tlsc__verify *tl_verify;

void tlsc__path_enter(tlsc__verify *v)
{
    tl_verify = v;
}

/* mbedTLS did not take the leaf's issuer tlsc offered: its signature of the
 * leaf does not verify (the check left to mbedTLS), or mbedTLS reported
 * another chain. Either way the verification fails. */
static void unreliable(tlsc__verify *v)
{
    /* hs_parent is not read: on mbedTLS's second CA lookup it is freed */
    v->vflags |= TLSC_VERIFY_BAD_SIGNATURE;
    v->vfail |= TLSC_VERIFY_BAD_SIGNATURE;
    tlsc__verify_set_detail(v, "the server certificate's signature does not verify with the "
                               "key of its issuer (depth 0)");
}

/*
 * mbedTLS asks first for the leaf's trusted issuers: build the path then,
 * and offer the leaf's issuer on it (chosen or closest) as the one trusted
 * CA, so mbedTLS checks that one signature and stops; the verify callback
 * below reports the verdict. Without such an issuer (a dead end at the
 * leaf, or insecure mode), offer none: mbedTLS then finds no parent, or
 * walks on by itself and asks again; that walk is refused (FATAL) when the
 * verdict is a refusal, so the search's bound holds, and let be when it is
 * "valid" (pin-only, insecure: its findings do not count). If mbedTLS asks
 * again after tlsc offered an issuer, it refused that issuer's signature
 * of the leaf: the verification fails.
 */
int tlsc__path_ca_cb(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **candidates)
{
    tlsc__verify *v = tl_verify;
    *candidates = NULL;
    if (v == NULL || v->cfg != ctx)
        return MBEDTLS_ERR_X509_FATAL_ERROR; /* not a tlsc handshake: fail closed */
    if (v->hs_built && v->hs_parent == NULL) /* mbedTLS walks on by itself */
        return v->vfail == 0 ? 0 : MBEDTLS_ERR_X509_FATAL_ERROR;
    if (v->hs_built) { /* mbedTLS refused tlsc's issuer for the leaf */
        unreliable(v);
        return MBEDTLS_ERR_X509_FATAL_ERROR;
    }
    v->hs_built = true;
    v->hs_mismatch = v->hs_seen_parent = false;
    mbedtls_x509_crt *parent = NULL;
    int ret = tlsc__path_build(v, child, &parent);
    v->hs_parent = parent;
    *candidates = parent;
    if (ret == 0 && parent == NULL && (v->vfail & TLSC_VERIFY_PATH_BUDGET))
        return MBEDTLS_ERR_X509_FATAL_ERROR; /* mbedTLS must not search on */
    return ret;
}

/* mbedTLS reports the chain it walked, root first: [leaf, tlsc's choice]
 * when the path has an issuer. The verdict is tlsc's. */
int tlsc__path_vrfy_cb(void *p_vrfy, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    tlsc__verify *v = p_vrfy;
    if (depth > 0) {
        if (v->hs_parent != NULL && (depth != 1 || crt != v->hs_parent))
            v->hs_mismatch = true;
        v->hs_seen_parent |= depth == 1 && crt == v->hs_parent;
        *flags = 0;
        return 0;
    }
    if (!v->hs_built || v->hs_mismatch || (v->hs_parent != NULL && !v->hs_seen_parent))
        unreliable(v);
    v->hs_built = false;
    v->hs_parent = NULL;
    *flags = tlsc__verify_mbedtls_flags(v);
    return 0;
}
