/*
 * The thread's active configuration and connection while tlsc calls into
 * mbedTLS (see context.h): mbedTLS's time hook (mbedtls/init.c) and its
 * millisecond clock read the active configuration's clock; a sign
 * callback's failure is recorded on the active connection (signer.c).
 */
#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/tls/context.h"

#include "core/alloc.h"
#include "core/config/config.h"
#include "core/mbedtls/init.h"
#include "core/mbedtls/rng.h"
#include "core/tls/conn.h"
#include "core/verify/verify.h"

#include "mbedtls/platform_time.h"

static TLSC__THREAD_LOCAL const tlsc_config *tl_cfg;
static TLSC__THREAD_LOCAL tlsc_conn *tl_conn;
static TLSC__THREAD_LOCAL bool tl_fixed;     /* tlsc_verify_chain's given time */
static TLSC__THREAD_LOCAL int64_t tl_fixed_time;

int64_t tlsc__context_time(void)
{
    return tl_fixed ? tl_fixed_time : tl_cfg ? tlsc__config_now(tl_cfg) : tlsc__system_time();
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    if (tl_cfg != NULL && tl_cfg->clock_fn != NULL) {
        int64_t now = tl_cfg->clock_fn(tl_cfg->clock_ud);
        return (mbedtls_ms_time_t)(now < 0 ? 0 : now) * 1000;
    }
    return (mbedtls_ms_time_t)tlsc__wall_ms();
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
    c->rng_mark = tlsc__rng_failures();
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
