/* mbedtls_gcm_context for MBEDTLS_GCM_ALT over GNU Nettle (gcm_nettle.c).
 * Included by mbedtls/gcm.h; the fields are private to gcm_nettle.c. */
#ifndef TLSC_GCM_ALT_H
#define TLSC_GCM_ALT_H

#include <stdint.h>
#include <nettle/gcm.h>

typedef struct mbedtls_gcm_context {
    /* Nettle's per-key-size contexts: the hashing subkey's table (4 KiB),
     * the per-message counter and hash, the AES round keys. */
    union {
        struct gcm_aes128_ctx a128;
        struct gcm_aes192_ctx a192;
        struct gcm_aes256_ctx a256;
    } MBEDTLS_PRIVATE(n);
    uint64_t MBEDTLS_PRIVATE(len);      /* data bytes given so far */
    uint64_t MBEDTLS_PRIVATE(add_len);  /* associated data bytes so far */
    /* Nettle takes whole blocks except in its last call of each kind, so
     * a partial block of associated data or input waits here (the input's
     * output is given at once all the same: gcm_nettle.c). */
    unsigned char MBEDTLS_PRIVATE(buf)[16];
    unsigned char MBEDTLS_PRIVATE(buf_len);
    unsigned char MBEDTLS_PRIVATE(key_len);  /* 0: no key yet; 16, 24 or 32 */
    unsigned char MBEDTLS_PRIVATE(mode);     /* MBEDTLS_GCM_ENCRYPT or _DECRYPT */
    unsigned char MBEDTLS_PRIVATE(state);    /* see gcm_nettle.c */
} mbedtls_gcm_context;

#endif
