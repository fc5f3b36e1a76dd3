/* What the fuzz targets share (see fuzz.h): the configuration, and the
 * piecewise feeding of the push-parser targets. */
#include <stdlib.h>

#include "fuzz.h"

/* A throw-away test CA (public; its key was discarded when it was made). */
static const char FUZZ_CA[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBlTCCATugAwIBAgIUbi8JCsWNxFCN6MjEic9ZK0DdlZswCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMdGxzYyBmdXp6IENBMCAXDTI2MTEyMjA0NTY0MVoYDzIxMjYx\n"
    "MDI5MDQ1NjQxWjAXMRUwEwYDVQQDDAx0bHNjIGZ1enogQ0EwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAAS6qU8Qp205m//SADVz9NXeeHA3qtSKL5JzUTSS2mPDNTcc\n"
    "Si2MWTYLU0M/07L/6FPkNxrvmfd3pUThXCv7fnI8o2MwYTAdBgNVHQ4EFgQUVkbQ\n"
    "bIEOpa60Ro9OhZpGPSTTAn8wHwYDVR0jBBgwFoAUVkbQbIEOpa60Ro9OhZpGPSTT\n"
    "An8wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZIzj0EAwID\n"
    "SAAwRQIhAOpCokq00hL/FMY0S7edDsD35z6hVtOs44hRYXK3WxufAiAvBiNE9U3z\n"
    "VDc0bFxHJ0QkHSTab0saEAAh4C0qqVbXCA==\n"
    "-----END CERTIFICATE-----\n"
    ;

/* 2027-06-01T00:00:00Z: a fixed clock keeps every run identical. */
static int64_t fixed_clock(void *ud)
{
    (void)ud;
    return 1811808000;
}

tlsc_config *fuzz_config(void)
{
    static tlsc_config *cfg;
    if (cfg != NULL)
        return cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK ||
        tlsc_config_add_ca(cfg, FUZZ_CA, sizeof FUZZ_CA) != TLSC_OK ||
        tlsc_config_set_clock(cfg, fixed_clock, NULL) != TLSC_OK ||
        tlsc_config_set_alpn(cfg, "h2,http/1.1") != TLSC_OK ||
        tlsc_config_set_timeouts(cfg, 0, 0, 0) != TLSC_OK)
        __builtin_trap(); /* the harness itself is broken */
    return cfg;
}

bool fuzz_mode(const uint8_t **data, size_t *size, uint8_t *mode)
{
    if (*size < 1)
        return false;
    *mode = (*data)[0];
    (*data)++;
    (*size)--;
    return true;
}

tlsc_err fuzz_feed(const uint8_t *data, size_t size, uint8_t mode, fuzz_feed_fn feed, void *ctx)
{
    size_t step = (mode & 0x0f) == 0 ? size + 1 : (size_t)(mode & 0x0f);
    size_t off = 0;
    tlsc_err err = TLSC_OK;
    while (off < size && err == TLSC_OK) {
        size_t n = size - off < step ? size - off : step, used = 0;
        err = feed(ctx, data + off, n, &used);
        if (used > n)
            abort();
        off += used;
    }
    return err;
}
