/*
 * Fuzz target: the root bundle parser and what a bundle that passes it
 * feeds — root decoding, lookups, the certificates made for mbedTLS and the
 * descriptions of tlsc_bundle_foreach.
 *
 * The first input byte is a switch, the rest is the bundle: with bit 0 set,
 * a tlsc bundle ("TLSCB") gets its checksum recomputed before parsing, so
 * that mutations reach the checks behind it.
 *
 * Seeds (corpus/bundle/): small bundles in the three formats made by
 * `tlsc bundle build` from public Mozilla roots (EC P-256, RSA-2048 with a
 * path length, RSA with exponent 3: a key stored as DER).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/text.h"
#include "core/bundle/bundle.h"
#include "core/mbedtls/init.h"
#include "core/verify/trust.h"

/* A name for roots stored without one (the lookup hashes it). */
static const unsigned char SOME_NAME[] = { 0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                                           0x55, 0x04, 0x03, 0x0c, 0x02, 0x43, 0x41 };

static int build(void *ud, const tlsc__root *r)
{
    const tlsc__root *named = ud;
    mbedtls_x509_crt *crt = NULL;
    const unsigned char *name = named->subject != NULL ? named->subject : SOME_NAME;
    size_t len = named->subject != NULL ? named->subject_len : sizeof SOME_NAME;
    (void)tlsc__root_certificate(r, name, len, &crt);
    mbedtls_x509_crt_free(crt);
    tlsc__free(crt);
    return 0;
}

static bool count(void *ud, const tlsc_bundle_root *root)
{
    (void)root;
    return ++*(size_t *)ud < 64;
}

static void exercise(const tlsc__bundle *b)
{
    tlsc__root r;
    size_t cursor = 0, n = 0;
    for (uint32_t i = 0; i < 64 && tlsc__bundle_next(b, i, &cursor, &r); i++) {
        if (r.subject != NULL)
            tlsc__bundle_find(b, r.subject, r.subject_len, build, &r);
        else
            build(&r, &r);
    }
    tlsc__bundle_find(b, SOME_NAME, sizeof SOME_NAME, build, &r);
    if (tlsc_bundle_foreach(b->data, b->len, count, &n, NULL, NULL, 0) != TLSC_OK)
        n = 0; /* it validated the same bytes; only memory can run out */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_reset();
    if (size == 0 || tlsc__global_init() != TLSC_OK)
        return 0;
    bool fix = (data[0] & 1) != 0;
    size--;
    unsigned char *copy = malloc(size + 1); /* exact size: ASan sees overreads */
    memcpy(copy, data + 1, size);
    if (fix && size >= TLSC__BUNDLE_HEADER && memcmp(copy, TLSC__BUNDLE_MAGIC, 5) == 0)
        (void)tlsc__bundle_checksum(copy, size, copy + TLSC__BUNDLE_CHECK_AT);
    tlsc__bundle b;
    char why[TLSC_ERRMSG_MAX];
    if (tlsc__bundle_open(&b, copy, size, why, sizeof why) == TLSC_OK)
        exercise(&b);
    free(copy);
    return 0;
}
