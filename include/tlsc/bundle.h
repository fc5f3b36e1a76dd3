/*
 * tlsc/bundle.h — many trusted roots in a compact bundle that stays in flash.
 *
 * Loading the system's 140-odd root certificates from PEM costs hundreds of
 * KB of RAM. A bundle keeps, per root, only what verifying a chain needs —
 * its public key, a hash of its subject name, its validity dates and its
 * path-length constraint — in about 48 KB for Debian's 144 Mozilla roots,
 * and is used IN PLACE: it can sit in flash or any read-only memory, is
 * never copied and costs no RAM per root.
 *
 * How it is used: when mbedTLS checks the server's chain it asks tlsc, for
 * each certificate, which trusted CAs could have issued it. tlsc finds the
 * roots whose subject matches that certificate's issuer by binary search
 * and gives mbedTLS, for each, a small certificate made from the stored
 * key, dates and constraint, which mbedTLS frees right after. So mbedTLS
 * builds and checks the chain itself, exactly as with CAs loaded from PEM:
 * cross-signed chains and several candidate issuers work, an expired root
 * is reported as expired, and the verify callback stays the application's.
 * A bundle belongs to one configuration and combines with CAs added by
 * tlsc_config_add_ca (both are searched).
 *
 * Formats (docs/bundle-format.md), recognised by their first bytes:
 *   TLSC_BUNDLE_TLSC            tlsc's own: "TLSCB" magic, version 1, a
 *                               checksum, roots sorted by subject hash.
 *   TLSC_BUNDLE_ESP_IDF         ESP-IDF's x509_crt_bundle as the current
 *                               gen_crt_bundle.py writes it: a table of
 *                               32-bit offsets first.
 *   TLSC_BUNDLE_ESP_IDF_LEGACY  its earlier layout: a 16-bit big-endian
 *                               count first.
 * ESP-IDF bundles store each root's subject name and key only: their roots
 * never expire and carry no path-length constraint, as in ESP-IDF.
 *
 * Names are matched byte for byte (DER), as ESP-IDF, Go and browsers do;
 * CAs added with tlsc_config_add_ca keep mbedTLS's own matching.
 *
 * The bundle's limits: 1..65535 roots; each subject name and key at most
 * 65535 bytes of DER.
 */
#ifndef TLSC_BUNDLE_H
#define TLSC_BUNDLE_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"

TLSC_BEGIN_DECLS

typedef enum tlsc_bundle_format {
    TLSC_BUNDLE_TLSC = 1,
    TLSC_BUNDLE_ESP_IDF = 2,
    TLSC_BUNDLE_ESP_IDF_LEGACY = 3
} tlsc_bundle_format;

/* ---- using a bundle ---------------------------------------------------- */

/*
 * Trust the roots of the bundle in data[0..len), in any of the formats
 * above. The whole bundle is validated now — header, every length and
 * offset, sort order, the structure of every stored name and key, and the
 * checksum of a tlsc bundle — so a truncated, corrupt, unsorted or hostile
 * bundle is rejected here, with the reason in tlsc_config_errmsg, and is
 * never read outside [data, data + len).
 *
 * data is NOT copied (TLSC_KEEPS): it must stay valid and unchanged for as
 * long as the configuration lives, e.g. a const array in flash. Attaching
 * allocates nothing. A second call replaces the first bundle.
 * Errors: TLSC_ERR_BUNDLE (not a valid bundle; the detail says which byte
 * and why), TLSC_ERR_INVALID_ARG, TLSC_ERR_CONFIG_FROZEN.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_bundle(tlsc_config *cfg,
                                                        TLSC_KEEPS const void *data,
                                                        size_t len);

/* Same from a file, read into one block that the configuration owns and
 * frees. Errors: as above, and TLSC_ERR_FILE, TLSC_ERR_NO_MEMORY. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_bundle_file(tlsc_config *cfg,
                                                             const char *path);

/* ---- describing roots -------------------------------------------------- */

/* One root, as the builder sees a certificate or as a bundle stores it.
 * Every pointer is valid only during the callback that receives it. */
typedef struct tlsc_bundle_root {
    const char *subject;        /* "CN=..., O=..."; "" when the bundle does
                                   not store names (tlsc format without
                                   TLSC_BUNDLE_NAMES) */
    const char *key_type;       /* "RSA", "EC" or "unknown" */
    unsigned key_bits;          /* 2048, 384, ...; 0 if unknown */
    unsigned char key_sha256[32]; /* SHA-256 of its DER SubjectPublicKeyInfo
                                     (the value of a sha256// pin) */
    bool has_cert_sha256;
    unsigned char cert_sha256[32]; /* SHA-256 of the whole certificate (the
                                      usual fingerprint); builder only */
    bool has_dates;             /* false for ESP-IDF bundles */
    int64_t not_before;         /* Unix seconds (UTC) */
    int64_t not_after;
    int path_len;               /* pathLenConstraint, or -1 for none */
    const char *skip;           /* builder only: why this certificate cannot
                                   be a root (NULL if it can) */
} tlsc_bundle_root;

/* Called once per root; see each function for what the result means. */
typedef bool (*tlsc_bundle_root_fn)(void *ud, const tlsc_bundle_root *root);

/*
 * Validate the bundle in data[0..len) as tlsc_config_set_bundle does, then
 * call fn for each root in stored order until fn returns false. *format
 * (may be NULL) receives the format. Decoding a root allocates a little
 * (its key and a certificate for it) and frees it before the next call.
 * detail (may be NULL) receives the reason of a failure.
 * Errors: TLSC_ERR_BUNDLE, TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_bundle_foreach(const void *data, size_t len,
                                                     tlsc_bundle_root_fn fn, void *ud,
                                                     tlsc_bundle_format *format,
                                                     char *detail, size_t detail_cap);

/* ---- building a bundle ------------------------------------------------- */

typedef struct tlsc_bundle_builder tlsc_bundle_builder;

/* Create an empty builder. Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_bundle_builder_new(tlsc_bundle_builder **out);

/* Free the builder and its copies of the roots. NULL is allowed. */
TLSC_API void tlsc_bundle_builder_free(tlsc_bundle_builder *b);

/*
 * Offer the certificates in data[0..len): PEM with any number of
 * certificates (text around them is ignored) or one DER certificate.
 * For each, fn (may be NULL) is called with its description:
 *   - root->skip != NULL: it cannot be a root and is left out whatever fn
 *     returns. Reasons: it does not parse (mbedTLS's reason); it is not a
 *     CA (a v3 certificate without basicConstraints CA:TRUE); its key usage
 *     forbids signing certificates; it has name constraints, which mbedTLS
 *     cannot enforce (trusting it without them would widen its power); it
 *     duplicates a root already added; the builder already holds 65535.
 *   - otherwise fn returns true to add it, false to leave it out (filters).
 * Without fn every usable certificate is added. Expired roots are added
 * (mbedTLS reports them as expired, as from PEM).
 * Errors: TLSC_ERR_CERT_PARSE (data is neither PEM with a certificate
 * block nor one DER certificate mbedTLS parses; fn is not called, the
 * reason is in tlsc_bundle_builder_errmsg), TLSC_ERR_NO_MEMORY,
 * TLSC_ERR_INVALID_ARG. Roots added before an error stay added.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_bundle_builder_add(tlsc_bundle_builder *b,
                                                         const void *data, size_t len,
                                                         tlsc_bundle_root_fn fn, void *ud);

/* Number of roots added so far. */
TLSC_API size_t tlsc_bundle_builder_count(const tlsc_bundle_builder *b);

/* Detail of the builder's last error, or "". Owned by b. */
TLSC_API const char *tlsc_bundle_builder_errmsg(const tlsc_bundle_builder *b);

/* Flags of tlsc_bundle_builder_write. */
enum {
    /* tlsc format: also store each root's subject name (about 100 bytes a
     * root), so that tlsc_bundle_foreach and `tlsc bundle list` can show it
     * and names are compared in full rather than by their SHA-256. */
    TLSC_BUNDLE_NAMES = 1u << 0
};

/*
 * Write the roots added so far as a bundle in `format` into out[0..cap),
 * setting *len to its size. With out == NULL only *len is set. The output
 * is deterministic: the same roots give the same bytes in any order.
 * Errors: TLSC_ERR_BUFFER_SIZE (cap too small; *len says how much is
 * needed), TLSC_ERR_BUNDLE (no roots, or a limit of the format exceeded),
 * TLSC_ERR_INVALID_ARG (unknown format or flag).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_bundle_builder_write(const tlsc_bundle_builder *b,
                                                           tlsc_bundle_format format,
                                                           unsigned flags, void *out,
                                                           size_t cap, size_t *len);

TLSC_END_DECLS

#endif /* TLSC_BUNDLE_H */
