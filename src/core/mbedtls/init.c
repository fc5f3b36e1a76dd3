/*
 * Process-wide setup: route mbedTLS's memory and time through tlsc,
 * initialise PSA crypto (which TLS 1.3 needs) once and seed tlsc's random
 * generator (rng.c).
 *
 * Time: mbedTLS asks one global function for the time when it checks a
 * certificate's dates. tlsc wants the clock of the *configuration* the
 * handshake runs under, which the connection layer marks around each call
 * into mbedTLS (tls/context.c); the hook asks it (tlsc__context_time). An
 * unknown time is reported as 0 (1970), which makes every certificate "not
 * yet valid"; the verify callback then decides (clock not set, or dates
 * skipped when the configuration allows unknown time).
 */
#include "tlsc/tlsc.h"
#include "core/mbedtls/init.h"
#include "core/mbedtls/rng.h"

#include "core/alloc.h"
#include "platform/platform.h"

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/version.h"
#include "psa/crypto.h"

static void *mbedtls_calloc_hook(size_t n, size_t size)
{
    return tlsc__calloc(n, size);
}

static mbedtls_time_t mbedtls_time_hook(mbedtls_time_t *timer)
{
    int64_t now = tlsc__context_time();
    mbedtls_time_t t = (mbedtls_time_t)(now < 0 ? 0 : now);
    if (timer != NULL)
        *timer = t;
    return t;
}

static void init_once(void)
{
    mbedtls_platform_set_calloc_free(mbedtls_calloc_hook, tlsc__free);
    mbedtls_platform_set_time(mbedtls_time_hook);
}

tlsc_err tlsc__global_init(void)
{
    tlsc__once(init_once);
    /* psa_crypto_init is idempotent and thread-safe in 3.6; calling it each
     * time lets a failed first attempt (out of memory) be retried. */
    psa_status_t st = psa_crypto_init();
    if (st == PSA_ERROR_INSUFFICIENT_MEMORY)
        return TLSC_ERR_NO_MEMORY;
    if (st != PSA_SUCCESS)
        return TLSC_ERR_INTERNAL;
    /* Seeded here, not at the first random byte, so that a failing entropy
     * source stops tlsc_config_new instead of a handshake (tlsc/platform.h). */
    return tlsc__rng_init();
}

void tlsc_global_free(void)
{
    mbedtls_psa_crypto_free();
    tlsc__rng_free();
}

const char *tlsc_version(void)
{
    return TLSC_VERSION_STRING;
}

const char *tlsc_mbedtls_version(void)
{
    return MBEDTLS_VERSION_STRING;
}
