/* Logging through the application's callback; tlsc never prints itself. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

void tlsc__log(const tlsc_config *cfg, int level, const char *fmt, ...)
{
    if (cfg == NULL || cfg->log_fn == NULL || level > cfg->log_level)
        return;
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    cfg->log_fn(cfg->log_ud, level, line);
}

/* mbedTLS's debug hook: the threshold is process-wide in mbedTLS, so each
 * configuration filters to its own mbedtls_level here. */
void tlsc__mbedtls_debug(void *ctx, int level, const char *file, int line,
                         const char *msg)
{
    const tlsc_config *cfg = ctx;
    if (cfg == NULL || cfg->log_fn == NULL || level > cfg->mbedtls_level)
        return;
    const char *base = strrchr(file, '/');
    size_t len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        len--;
    char text[320];
    snprintf(text, sizeof text, "mbedtls: %s:%d: %.*s", base ? base + 1 : file, line,
             (int)len, msg);
    cfg->log_fn(cfg->log_ud, TLSC_LOG_VERBOSE, text);
}
