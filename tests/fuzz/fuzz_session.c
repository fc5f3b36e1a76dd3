/*
 * Fuzz target: session blobs given to tlsc_conn_set_session. Each input is
 * tried as is (the envelope checks) and, when long enough, with its
 * checksum recomputed, so the fuzzer also reaches mbedTLS's session loader
 * and a ClientHello written with whatever session that produced.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "transport.h"

#include "mbedtls/sha256.h"

static void offer(const uint8_t *blob, size_t size)
{
    tlsc_conn *c;
    if (tlsc_conn_new(fuzz_config(), &c) != TLSC_OK)
        return;
    feed f = { NULL, 0 };
    if (tlsc_conn_set_session(c, blob, size) == TLSC_OK &&
        tlsc_conn_set_transport(c, &feed_ops, &f) == TLSC_OK &&
        tlsc_conn_start(c, "localhost", 0) == TLSC_OK)
        FUZZ_IGNORE(tlsc_conn_step(c)); /* writes the ClientHello, then sees EOF */
    tlsc_conn_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_reset();
    offer(data, size);
    if (size <= 32 || size > TLSC_SESSION_MAX)
        return 0;
    uint8_t *fixed = malloc(size);
    if (fixed == NULL)
        return 0;
    memcpy(fixed, data, size);
    if (mbedtls_sha256(fixed, size - 32, fixed + size - 32, 0) == 0)
        offer(fixed, size);
    free(fixed);
    return 0;
}
