/*
 * Root bundles inside the core (see tlsc/bundle.h for what they are and
 * docs/bundle-format.md for the bytes): the validated view of a bundle, one
 * stored root, key templates, and the trusted-CA callback. Internal; names
 * are `tlsc__`.
 */
#ifndef TLSC_CORE_BUNDLE_H
#define TLSC_CORE_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/bundle.h"

#include "mbedtls/x509_crt.h"

/* ---- the tlsc format (docs/bundle-format.md) --------------------------- */

#define TLSC__BUNDLE_MAGIC "TLSCB"
#define TLSC__BUNDLE_VERSION 1
#define TLSC__BUNDLE_HEADER 24      /* magic, version, flags, count, length, check */
#define TLSC__BUNDLE_CHECK_AT 16    /* the 8-byte checksum inside the header */
#define TLSC__BUNDLE_ENTRY 12       /* index entry: name hash + record offset */
#define TLSC__NAME_HASH 8           /* bytes of SHA-256(subject DER) kept */
#define TLSC__BUNDLE_MAX_ROOTS 65535u

/* Record kind byte: key template in the low 4 bits, then what follows. */
#define TLSC__KIND_KEY 0x0fu
#define TLSC__KIND_PATHLEN 0x10u    /* a pathLenConstraint byte follows */
#define TLSC__KIND_SUBJECT 0x20u    /* the subject DER follows (u16 length) */

/* Key templates: how a SubjectPublicKeyInfo is stored (bundle_key.c). */
enum {
    TLSC__KEY_RAW = 0,              /* u16 length + the SPKI DER as is */
    TLSC__KEY_RSA2048 = 1,          /* modulus only; exponent 65537 */
    TLSC__KEY_RSA3072 = 2,
    TLSC__KEY_RSA4096 = 3,
    TLSC__KEY_P256 = 4,             /* compressed point: 02|03 + x */
    TLSC__KEY_P384 = 5
};

/* A validated bundle, referenced in place: no bytes per root. */
typedef struct tlsc__bundle {
    const unsigned char *data;      /* NULL: no bundle */
    size_t len;
    uint32_t count;
    tlsc_bundle_format format;
    unsigned char *owned;           /* block read from a file, or NULL */
} tlsc__bundle;

/* One root as stored; pointers into the bundle. */
typedef struct tlsc__root {
    const unsigned char *name_hash; /* TLSC__NAME_HASH bytes, or NULL */
    const unsigned char *subject;   /* subject DER, or NULL when not stored */
    size_t subject_len;
    unsigned key_kind;              /* TLSC__KEY_* */
    const unsigned char *key;       /* template body, or the SPKI DER */
    size_t key_len;
    bool has_dates;
    int64_t not_before, not_after;  /* Unix seconds, if has_dates */
    int path_len;                   /* -1: no constraint */
} tlsc__root;

/* ---- bundle_format.c ----------------------------------------------------- */

/* Recognise and validate data as a bundle (any format); fills b (not
 * b->owned). Errors: TLSC_ERR_BUNDLE with the reason in detail. */
tlsc_err tlsc__bundle_open(tlsc__bundle *b, const void *data, size_t len,
                           char *detail, size_t cap);

/* Sequential access to every format: start with *cursor = 0. Returns false
 * after the last root or on malformed data. */
bool tlsc__bundle_next(const tlsc__bundle *b, uint32_t index, size_t *cursor,
                       tlsc__root *r);

/* Call fn for each root whose subject is the DER name `name` (stops early
 * when fn returns nonzero, and returns that value). Binary search for the
 * tlsc and ESP-IDF formats, a linear scan for the legacy one. */
int tlsc__bundle_find(const tlsc__bundle *b, const unsigned char *name,
                      size_t name_len,
                      int (*fn)(void *ud, const tlsc__root *r), void *ud);

/* The first TLSC__NAME_HASH bytes of SHA-256(name). */
int tlsc__name_hash(const unsigned char *name, size_t len,
                    unsigned char out[TLSC__NAME_HASH]);

/* The 8-byte checksum of a tlsc bundle of len >= TLSC__BUNDLE_HEADER bytes:
 * SHA-256 over everything but the checksum field itself, truncated. */
int tlsc__bundle_checksum(const unsigned char *p, size_t len, unsigned char out[8]);

/* Drop the bundle (freeing a block read from a file). */
void tlsc__bundle_release(tlsc__bundle *b);

/* ---- bundle_key.c -------------------------------------------------------- */

/* Stored body length of a template kind; 0 for RAW or an unknown kind. */
size_t tlsc__key_body_len(unsigned kind);
/* Whether a template body is well-formed (RSA top bit, EC point prefix). */
bool tlsc__key_body_ok(unsigned kind, const unsigned char *body);
/* Whether the kind is an elliptic-curve template (stored compressed). */
bool tlsc__key_is_ec(unsigned kind);
/* The template for spki (or TLSC__KEY_RAW); writes the body to out. */
unsigned tlsc__key_compact(const unsigned char *spki, size_t len,
                           unsigned char *out, size_t cap, size_t *out_len);
/* Length of the SubjectPublicKeyInfo of r's key as rebuilt. */
size_t tlsc__root_spki_len(const tlsc__root *r);
/* Rebuild it into out (cap >= tlsc__root_spki_len); returns its length. */
size_t tlsc__root_spki(const tlsc__root *r, unsigned char *out, size_t cap);

#endif /* TLSC_CORE_BUNDLE_H */
