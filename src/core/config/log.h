/*
 * Logging through the configuration's hook (log.c), and mbedTLS's debug
 * lines routed to it.
 */
#ifndef TLSC_CORE_CONFIG_LOG_H
#define TLSC_CORE_CONFIG_LOG_H

#include "tlsc/tlsc.h"

/* log.c */
void tlsc__log(const tlsc_config *cfg, int level, const char *fmt, ...)
    TLSC_PRINTF(3, 4);
void tlsc__mbedtls_debug(void *ctx, int level, const char *file, int line,
                         const char *msg);

#endif /* TLSC_CORE_CONFIG_LOG_H */
