/*
 * The cipher suites tlsc supports, by IANA name, and which of them a
 * configuration offers. Modern suites only: TLS 1.3, ECDHE with AEAD, PSK
 * with AEAD (no CBC, no static RSA, no SHA-1 MACs).
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/suites.h"

typedef enum suite_kind { KIND_TLS13, KIND_CERT, KIND_PSK } suite_kind;

typedef struct suite {
    int id;
    suite_kind kind;
    const char *name;
} suite;

/* In order of preference; at most 16 (the bits of suite_allow). */
static const suite SUITES[] = {
    {MBEDTLS_TLS1_3_AES_128_GCM_SHA256, KIND_TLS13, "TLS_AES_128_GCM_SHA256"},
    {MBEDTLS_TLS1_3_AES_256_GCM_SHA384, KIND_TLS13, "TLS_AES_256_GCM_SHA384"},
    {MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, KIND_TLS13, "TLS_CHACHA20_POLY1305_SHA256"},
    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, KIND_CERT,
     "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, KIND_CERT,
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, KIND_CERT,
     "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, KIND_CERT,
     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, KIND_CERT,
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, KIND_CERT,
     "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, KIND_PSK,
     "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256, KIND_PSK, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384, KIND_PSK, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
    {MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256, KIND_PSK,
     "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"},
};
#define SUITE_COUNT (sizeof SUITES / sizeof SUITES[0])

const char *tlsc_suite_name(size_t index)
{
    return index < SUITE_COUNT ? SUITES[index].name : NULL;
}

/* tlsc offers only these suites, so the negotiated one is among them. */
const char *tlsc__suite_iana_name(int id)
{
    for (size_t i = 0; i < SUITE_COUNT; i++) {
        if (SUITES[i].id == id)
            return SUITES[i].name;
    }
    return NULL;
}

static bool kind_usable(const tlsc_config *cfg, suite_kind kind)
{
    switch (kind) {
    case KIND_TLS13: return true;
    case KIND_CERT: return !tlsc__config_psk_only(cfg);
    case KIND_PSK: return cfg->psk_len != 0;
    }
    return false;
}

static bool offered(const tlsc_config *cfg, size_t i)
{
    bool allowed = cfg->suite_allow == 0 || ((cfg->suite_allow >> i) & 1u) != 0;
    return allowed && kind_usable(cfg, SUITES[i].kind);
}

size_t tlsc__choose_suites(const tlsc_config *cfg, int *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < SUITE_COUNT && n + 1 < cap; i++) {
        if (offered(cfg, i))
            out[n++] = SUITES[i].id;
    }
    out[n] = 0;
    return n;
}

/*
 * The version range cfg offers: its own, narrowed to the versions that
 * some allowed suite exists for, so that allowing only TLS 1.2 suites does
 * not offer TLS 1.3 (a TLS 1.3 server would pick it, then find no suite).
 */
void tlsc__suite_versions(const tlsc_config *cfg, int *vmin, int *vmax)
{
    bool tls12 = false, tls13 = false;
    for (size_t i = 0; i < SUITE_COUNT; i++) {
        if (offered(cfg, i)) {
            tls13 = tls13 || SUITES[i].kind == KIND_TLS13;
            tls12 = tls12 || SUITES[i].kind != KIND_TLS13;
        }
    }
    *vmin = (int)cfg->vmin;
    *vmax = (int)cfg->vmax;
    /* A signer's RSA key cannot sign RSA-PSS, the only RSA scheme of TLS 1.3
     * (include/tlsc/signer.h). */
    if (cfg->own != NULL && cfg->own->rsa_signer && *vmax > TLSC_TLS1_2)
        *vmax = TLSC_TLS1_2;
    if (!tls13 && *vmin <= TLSC_TLS1_2)
        *vmax = TLSC_TLS1_2;
    if (!tls12 && *vmax >= TLSC_TLS1_3)
        *vmin = TLSC_TLS1_3;
}

static int suite_version(size_t i)
{
    return SUITES[i].kind == KIND_TLS13 ? TLSC_TLS1_3 : TLSC_TLS1_2;
}

void tlsc__offered_suites_text(const tlsc_config *cfg, int vmin, int vmax, char *out,
                               size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < SUITE_COUNT; i++) {
        int v = suite_version(i);
        if (offered(cfg, i) && v >= vmin && v <= vmax)
            tlsc__str_append(out, cap, "%s%s", out[0] ? ", " : "", SUITES[i].name);
    }
}

bool tlsc__suites_offerable(const tlsc_config *cfg)
{
    int vmin, vmax;
    tlsc__suite_versions(cfg, &vmin, &vmax);
    for (size_t i = 0; i < SUITE_COUNT; i++) {
        int v = suite_version(i);
        if (offered(cfg, i) && v >= vmin && v <= vmax)
            return true;
    }
    return false;
}

/* Index of the suite named by the len bytes at name, or -1. */
static int find_suite(const char *name, size_t len)
{
    for (size_t i = 0; i < SUITE_COUNT; i++) {
        if (strlen(SUITES[i].name) == len && memcmp(SUITES[i].name, name, len) == 0)
            return (int)i;
    }
    return -1;
}

tlsc_err tlsc_config_set_suites(tlsc_config *cfg, const char *suites)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    uint16_t allow = 0;
    for (const char *p = suites; p != NULL && *p != '\0';) {
        size_t len = strcspn(p, ",");
        int i = find_suite(p, len);
        if (i < 0)
            return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG,
                                     "unknown cipher suite '%.*s' (tlsc supports TLS 1.3 "
                                     "suites and ECDHE/PSK suites with AES-GCM or "
                                     "ChaCha20-Poly1305, IANA names)",
                                     (int)(len > 80 ? 80 : len), p);
        allow = (uint16_t)(allow | 1u << i);
        p += len + (p[len] == ',');
    }
    cfg->suite_allow = allow;
    return TLSC_OK;
}
