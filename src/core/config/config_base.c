/*
 * The configuration base: what every setter builds on (config.h). It
 * depends on nothing but the layout of struct tlsc_config, so the topic
 * files (credentials, suites, CRLs, bundles, buffers, ...) can use it
 * while tls/config.c, which creates, freezes and frees a configuration
 * from all of them, stays on top: no include cycle between them.
 */
#include "tlsc/tlsc.h"
#include "core/config/config.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/base/text.h"
#include "core/base/file.h"
#include "platform/platform.h"

/* Only the static text changes on a frozen configuration: connections on
 * other threads may be reading it (an atomic pointer to constant text). */
tlsc_err tlsc__config_fail_static(tlsc_config *cfg, tlsc_err err, const char *text)
{
    tlsc__atomic_store(&cfg->errmsg_static, text);
    return err;
}

/* The heap text is kept only when a setter fails (a detail per
 * configuration, exact length); without memory, err's static message. */
tlsc_err tlsc__config_fail(tlsc_config *cfg, tlsc_err err, const char *fmt, ...)
{
    const char *fallback = err != TLSC_OK ? tlsc_strerror(err) : "";
    if (tlsc__atomic_load(&cfg->frozen) != 0)
        return tlsc__config_fail_static(cfg, err, fallback);
    char text[TLSC_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    tlsc__text_vformat(text, sizeof text, fmt, ap);
    va_end(ap);
    tlsc__replace_str(&cfg->errmsg, text);
    return tlsc__config_fail_static(cfg, err, cfg->errmsg != NULL ? NULL : fallback);
}

tlsc_err tlsc__config_detail(tlsc_config *cfg, tlsc_err err, const char *text)
{
    return text[0] != '\0' ? tlsc__config_fail(cfg, err, "%s", text) : err;
}

tlsc_err tlsc__config_fail_file(tlsc_config *cfg, tlsc_err err, const char *path)
{
    char inner[TLSC_ERRMSG_MAX];
    snprintf(inner, sizeof inner, "%s", tlsc_config_errmsg(cfg));
    return tlsc__config_fail(cfg, err, "%s: %s", path, inner);
}

/* Common entry check of every setter: clears the detail, refuses a frozen
 * configuration. */
tlsc_err tlsc__config_editable(tlsc_config *cfg)
{
    if (cfg == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (tlsc__atomic_load(&cfg->frozen) != 0)
        return tlsc__config_fail_static(cfg, TLSC_ERR_CONFIG_FROZEN,
                                        "configuration is in use by a connection");
    tlsc__free(cfg->errmsg);
    cfg->errmsg = NULL;
    tlsc__atomic_store(&cfg->errmsg_static, NULL);
    return TLSC_OK;
}

const char *tlsc_config_errmsg(const tlsc_config *cfg)
{
    if (cfg == NULL)
        return "";
    const char *text = tlsc__atomic_load(&((tlsc_config *)cfg)->errmsg_static);
    if (text != NULL)
        return text;
    return cfg->errmsg != NULL ? cfg->errmsg : "";
}

tlsc_err tlsc__config_load(const char *path, unsigned char **data, size_t *len, char *detail,
                           size_t cap)
{
    char why[TLSC_ERRMSG_MAX] = "";
    unsigned mode = 0;
    tlsc_err err = tlsc__read_file(path, TLSC_FILE_MAX, data, len, &mode, why, sizeof why);
    if (err != TLSC_OK)
        snprintf(detail, cap, "cannot read %s", why);
    return err;
}

tlsc_err tlsc__config_read_file(tlsc_config *cfg, const char *path, unsigned char **data,
                                size_t *len)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    if (path == NULL)
        return TLSC_ERR_INVALID_ARG;
    char why[TLSC_ERRMSG_MAX] = "";
    return tlsc__config_detail(cfg, tlsc__config_load(path, data, len, why, sizeof why), why);
}

/* 2025-01-01T00:00:00Z: anything earlier is an RTC that was never set. */
#define TLSC_EARLIEST_PLAUSIBLE_TIME 1735689600

int64_t tlsc__config_now(const tlsc_config *cfg)
{
    if (cfg->clock_fn != NULL)
        return cfg->clock_fn(cfg->clock_ud);
    int64_t now = tlsc__system_time();
    return now < TLSC_EARLIEST_PLAUSIBLE_TIME ? -1 : now;
}

bool tlsc__config_psk_only(const tlsc_config *cfg)
{
    return cfg->psk_len != 0 && cfg->ca_count == 0 && cfg->bundle.data == NULL &&
           cfg->pin_count == 0 && !cfg->insecure;
}

bool tlsc__config_has_trust(const tlsc_config *cfg)
{
    return cfg->ca_count != 0 || cfg->bundle.data != NULL || cfg->pin_count != 0 ||
           cfg->insecure || cfg->psk_len != 0;
}
