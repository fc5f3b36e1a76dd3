/*
 * Between the stand-in (sha256_standin.c) and mbedTLS's own SHA-256
 * compiled under other names (sha256_real.c): contexts are passed as
 * opaque storage of TLSC_STANDIN_CTX_BYTES bytes.
 */
#ifndef TLSC_TEST_SHA256_STANDIN_H
#define TLSC_TEST_SHA256_STANDIN_H

#include <stddef.h>

#define TLSC_STANDIN_CTX_BYTES 256

void standin_real_init(void *ctx);
void standin_real_free(void *ctx);
void standin_real_clone(void *dst, const void *src);
int standin_real_starts(void *ctx, int is224);
int standin_real_update(void *ctx, const unsigned char *input, size_t ilen);
int standin_real_finish(void *ctx, unsigned char *output);
int standin_real_process(void *ctx, const unsigned char data[64]);

/* What the stand-in was asked to do (read by standin_test.c). */
extern unsigned long tlsc_standin_sha256_starts;
extern unsigned long long tlsc_standin_sha256_bytes;

#endif
