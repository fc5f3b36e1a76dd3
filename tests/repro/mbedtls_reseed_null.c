/*
 * Reproducer of an mbedTLS 3.6.6 bug (not a test: it crashes by design).
 * When an allocation fails inside a CTR/HMAC-DRBG reseed, the entropy
 * context is left without its hash context; the next reseed dereferences
 * NULL (sha512.c:775). Found by tests/api/test_alloc_fail.c when the full
 * profile had MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS; still reachable in the
 * small profiles. On a device it is a hard fault after an out-of-memory.
 * Build against a check build and run:
 *   cc -Iinclude -Ibuild/_deps/mbedtls/src/mbedtls-3.6.6/include \
 *      tests/repro/mbedtls_reseed_null.c -Lbuild/release -ltlsc && ./a.out
 * Fix upstream, or use MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG with a platform RNG.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tlsc/tlsc.h"
#include "psa/crypto.h"
static int fail_all;
static void *c(void *ud, size_t n, size_t s) { (void)ud; return fail_all ? NULL : calloc(n, s); }
static void f(void *ud, void *p) { (void)ud; free(p); }
int main(void) {
    if (tlsc_set_allocator(c, f, NULL) != TLSC_OK) return 1;
    tlsc_config *cfg; if (tlsc_config_new(&cfg) != TLSC_OK) return 2;
    unsigned char b[1]; int errs = 0;
    fail_all = 1; /* the reseed's mbedtls_md_setup fails */
    for (int i = 0; i < 12000; i++) errs += psa_generate_random(b, 1) != PSA_SUCCESS;
    fail_all = 0;
    printf("failed calls while allocations fail: %d\n", errs);
    for (int i = 0; i < 24000; i++) errs += psa_generate_random(b, 1) != PSA_SUCCESS;
    printf("after: %d errors total, no crash\n", errs);
    tlsc_config_free(cfg);
    return 0;
}
