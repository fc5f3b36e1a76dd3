/*
 * Process-wide setup: route mbedTLS's memory and time through tlsc,
 * initialise PSA crypto (which TLS 1.3 needs) once and seed tlsc's random
 * generator (rng.c).
 *
 * Time: mbedTLS asks one global function for the time when it checks a
 * certificate's dates. tlsc wants the clock of the *configuration* the
 * handshake runs under, so the core marks the active configuration in a
 * thread-local variable around each call into mbedTLS, and the global hook
 * reads it. An unknown time is reported as 0 (1970), which makes every
 * certificate "not yet valid"; the verify callback then decides (clock not
 * set, or dates skipped when the configuration allows unknown time).
 */
#include "core/internal.h"

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "psa/crypto.h"

static TLSC__THREAD_LOCAL const tlsc_config *tl_cfg;
static TLSC__THREAD_LOCAL tlsc_conn *tl_conn;
static TLSC__THREAD_LOCAL bool tl_fixed;     /* tlsc_verify_chain's given time */
static TLSC__THREAD_LOCAL int64_t tl_fixed_time;

static void *mbedtls_calloc_hook(size_t n, size_t size)
{
    return tlsc__calloc(n, size);
}

static mbedtls_time_t mbedtls_time_hook(mbedtls_time_t *timer)
{
    int64_t now = tl_fixed ? tl_fixed_time
                  : tl_cfg ? tlsc__config_now(tl_cfg) : tlsc__system_time();
    mbedtls_time_t t = (mbedtls_time_t)(now < 0 ? 0 : now);
    if (timer != NULL)
        *timer = t;
    return t;
}

/*
 * mbedTLS stamps a TLS 1.3 ticket with this clock when it arrives and
 * computes the ticket's age from it when resuming. Its default is time
 * since boot, which restarts after deep sleep; tlsc answers wall time from
 * the active configuration's clock instead (or the system's wall clock).
 */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    if (tl_cfg != NULL && tl_cfg->clock_fn != NULL) {
        int64_t now = tl_cfg->clock_fn(tl_cfg->clock_ud);
        return (mbedtls_ms_time_t)(now < 0 ? 0 : now) * 1000;
    }
    return (mbedtls_ms_time_t)tlsc__wall_ms();
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

void tlsc__time_enter(const tlsc_config *cfg)
{
    tl_cfg = cfg;
    tl_conn = NULL;
}

void tlsc__conn_enter(tlsc_conn *c)
{
    tl_cfg = c->cfg;
    tl_conn = c;
    tlsc__path_enter(&c->v);
    c->alloc_mark = tlsc__alloc_failures();
}

void tlsc__time_enter_at(const tlsc_config *cfg, int64_t unix_time)
{
    tl_cfg = cfg;
    tl_conn = NULL;
    tl_fixed = true;
    tl_fixed_time = unix_time;
}

tlsc_conn *tlsc__active_conn(void)
{
    return tl_conn;
}

void tlsc__time_leave(void)
{
    tl_cfg = NULL;
    tl_conn = NULL;
    tl_fixed = false;
    tlsc__path_enter(NULL);
}

const char *tlsc_version(void)
{
    return TLSC_VERSION_STRING;
}

const char *tlsc_mbedtls_version(void)
{
    return MBEDTLS_VERSION_STRING;
}
