/*
 * mbedTLS's own SHA-256 (library/sha256.c), compiled a second time without
 * MBEDTLS_SHA256_ALT and with every public name renamed, so that the
 * stand-in accelerator (sha256_standin.c) can forward to it. Nothing here
 * computes anything itself.
 */
#define TLSC_STANDIN_REAL_SHA256 /* standin_config.h: no ALT in this file */
#define mbedtls_sha256_init standin_real_sha256_init
#define mbedtls_sha256_free standin_real_sha256_free
#define mbedtls_sha256_clone standin_real_sha256_clone
#define mbedtls_sha256_starts standin_real_sha256_starts
#define mbedtls_sha256_update standin_real_sha256_update
#define mbedtls_sha256_finish standin_real_sha256_finish
#define mbedtls_sha256 standin_real_sha256
#define mbedtls_sha256_self_test standin_real_sha256_self_test
#define mbedtls_internal_sha256_process standin_real_internal_sha256_process
#define mbedtls_internal_sha256_process_c standin_real_internal_sha256_process_c
#define mbedtls_internal_sha256_process_a64_crypto standin_real_internal_sha256_process_a64_crypto

#include "sha256.c" /* mbedTLS's library/ directory is on the include path */

#include "sha256_standin.h"

_Static_assert(sizeof(mbedtls_sha256_context) <= TLSC_STANDIN_CTX_BYTES,
               "the stand-in's context storage is too small for mbedTLS's");

void standin_real_init(void *ctx)
{
    standin_real_sha256_init(ctx);
}

void standin_real_free(void *ctx)
{
    standin_real_sha256_free(ctx);
}

void standin_real_clone(void *dst, const void *src)
{
    standin_real_sha256_clone(dst, src);
}

int standin_real_starts(void *ctx, int is224)
{
    return standin_real_sha256_starts(ctx, is224);
}

int standin_real_update(void *ctx, const unsigned char *input, size_t ilen)
{
    return standin_real_sha256_update(ctx, input, ilen);
}

int standin_real_finish(void *ctx, unsigned char *output)
{
    return standin_real_sha256_finish(ctx, output);
}

int standin_real_process(void *ctx, const unsigned char data[64])
{
    return standin_real_internal_sha256_process(ctx, data);
}
