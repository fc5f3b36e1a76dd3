/*
 * mbedTLS's own GCM known answers, for unit_gcm_nettle: its self-test
 * (mbedtls_gcm_self_test, run against whatever implements mbedtls/gcm.h,
 * here the Nettle ALT) and the NIST vectors that self-test holds, read from
 * mbedTLS's library/gcm.c itself (gcm_nist.c), so no vector is retyped.
 */
#ifndef TLSC_TESTS_GCM_NIST_H
#define TLSC_TESTS_GCM_NIST_H

#include <stddef.h>

typedef struct gcm_nist_vector {
    unsigned keybits;                /* 128, 192 or 256 */
    const unsigned char *key;        /* keybits / 8 bytes */
    const unsigned char *iv;
    size_t iv_len;                   /* 12, 8 or 60 */
    const unsigned char *ad;
    size_t ad_len;
    const unsigned char *pt, *ct;    /* pt_len bytes each */
    size_t pt_len;
    const unsigned char *tag;        /* 16 bytes */
} gcm_nist_vector;

/* mbedtls_gcm_self_test(1); its report goes to log (NUL-terminated,
 * truncated to log_size - 1) instead of stdout. */
int gcm_nist_self_test(char *log, size_t log_size);

/* The number of vectors (18: 6 for each key size). */
size_t gcm_nist_count(void);

/* Vector i < gcm_nist_count(). */
gcm_nist_vector gcm_nist_get(size_t i);

#endif /* TLSC_TESTS_GCM_NIST_H */
