/*
 * A stand-in SHA-256 "accelerator" behind mbedTLS's MBEDTLS_SHA256_ALT
 * interface (the functions sha256.c leaves out under the ALT), as an
 * ESP32 port provides them for its SHA engine. It counts what it is asked
 * to do — so tests/build/sha256_alt.sh can tell that mbedTLS, the TLS
 * handshake and tlsc_http_download really went through it — and forwards
 * to mbedTLS's own code (sha256_real.c).
 */
#include "mbedtls/sha256.h"

#include "sha256_standin.h"

unsigned long tlsc_standin_sha256_starts;
unsigned long long tlsc_standin_sha256_bytes;

void mbedtls_sha256_init(mbedtls_sha256_context *ctx)
{
    standin_real_init(ctx->real.bytes);
}

void mbedtls_sha256_free(mbedtls_sha256_context *ctx)
{
    if (ctx != NULL)
        standin_real_free(ctx->real.bytes);
}

void mbedtls_sha256_clone(mbedtls_sha256_context *dst, const mbedtls_sha256_context *src)
{
    standin_real_clone(dst->real.bytes, src->real.bytes);
}

int mbedtls_sha256_starts(mbedtls_sha256_context *ctx, int is224)
{
    tlsc_standin_sha256_starts++;
    return standin_real_starts(ctx->real.bytes, is224);
}

int mbedtls_sha256_update(mbedtls_sha256_context *ctx, const unsigned char *input, size_t ilen)
{
    tlsc_standin_sha256_bytes += ilen;
    return standin_real_update(ctx->real.bytes, input, ilen);
}

int mbedtls_sha256_finish(mbedtls_sha256_context *ctx, unsigned char *output)
{
    return standin_real_finish(ctx->real.bytes, output);
}

int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx, const unsigned char data[64])
{
    tlsc_standin_sha256_bytes += 64;
    return standin_real_process(ctx->real.bytes, data);
}
