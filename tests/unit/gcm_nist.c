/*
 * mbedTLS's library/gcm.c compiled a second time, for its self-test only:
 * with MBEDTLS_GCM_ALT everything else in that file is left out (the
 * library's copy of gcm.c, without MBEDTLS_SELF_TEST, defines no symbol at
 * all, so nothing clashes with libtlsc.a). The self-test calls the
 * mbedtls_gcm_* functions, i.e. the Nettle ALT linked from libtlsc.a.
 * Its report goes through MBEDTLS_PLATFORM_PRINTF_MACRO into a buffer so
 * the test can see how far it went (see test_gcm_nettle.c: it stops early,
 * returning 0, on any ALT that buffers output). Compiled without tlsc's
 * warnings: this is mbedTLS's code.
 */
#include <stdarg.h>
#include <stdio.h>

#include "gcm_nist.h"

int gcm_nist_printf(const char *fmt, ...);

#define MBEDTLS_SELF_TEST
#define MBEDTLS_PLATFORM_PRINTF_MACRO gcm_nist_printf
#include "gcm.c"

#if !defined(MBEDTLS_GCM_ALT)
#error "unit_gcm_nettle is for builds whose GCM is the Nettle ALT"
#endif

static char *log_buf;
static size_t log_size, log_len;

int gcm_nist_printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(log_buf + log_len, log_size - log_len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        log_len += (size_t) n < log_size - log_len ? (size_t) n : log_size - log_len - 1;
    }
    return n;
}

int gcm_nist_self_test(char *log, size_t size)
{
    int ret;

    log_buf = log;
    log_size = size;
    log_len = 0;
    log[0] = '\0';
    ret = mbedtls_gcm_self_test(1);
    log_buf = NULL;
    return ret;
}

size_t gcm_nist_count(void)
{
    return sizeof(ct_test_data) / sizeof(*ct_test_data);
}

gcm_nist_vector gcm_nist_get(size_t n)
{
    size_t j = n / MAX_TESTS, i = n % MAX_TESTS;
    gcm_nist_vector v;

    v.keybits = (unsigned) (128 + 64 * j);
    v.key = key_test_data[key_index_test_data[i]];
    v.iv = iv_test_data[iv_index_test_data[i]];
    v.iv_len = iv_len_test_data[i];
    v.ad = additional_test_data[add_index_test_data[i]];
    v.ad_len = add_len_test_data[i];
    v.pt = pt_test_data[pt_index_test_data[i]];
    v.ct = ct_test_data[n];
    v.pt_len = pt_len_test_data[i];
    v.tag = tag_test_data[n];
    return v;
}
