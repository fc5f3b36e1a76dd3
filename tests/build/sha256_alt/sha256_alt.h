/*
 * The context of the stand-in SHA-256 (MBEDTLS_SHA256_ALT, see
 * standin_config.h): storage for mbedTLS's own context, which
 * sha256_real.c checks is large enough. An accelerator's port keeps its
 * engine's state here instead.
 */
#ifndef TLSC_TEST_SHA256_ALT_H
#define TLSC_TEST_SHA256_ALT_H

#include <stdint.h>

#include "sha256_standin.h"

typedef struct mbedtls_sha256_context {
    union {
        unsigned char bytes[TLSC_STANDIN_CTX_BYTES];
        uint64_t align;
    } real;
} mbedtls_sha256_context;

#endif
