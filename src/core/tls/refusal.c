/*
 * A server that refuses the ClientHello (handshake_failure,
 * insufficient_security, protocol_version, or a close without an alert)
 * says only "no": the error then says what tlsc offered, in words, and
 * what it never offers, so the reader can compare with the server's
 * configuration (`tlsc probe` asks the server what it wants). A version
 * range narrowed by the input buffer (TLS 1.2 below 16384 bytes) or by the
 * application is named as the likely cause of a protocol_version alert.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/suites.h"
#include "core/mbedtls/peek.h"
#include "core/tls/buffers.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/errors.h"
#include "core/tls/freeze.h"

/* The versions the ClientHello offered (the buffers policy included). */
static void offered_versions(const tlsc_config *cfg, int *vmin, int *vmax)
{
    tlsc__suite_versions(cfg, vmin, vmax);
    if (tlsc__buffers_limit_tls12(cfg) && *vmax > TLSC_TLS1_2)
        *vmax = TLSC_TLS1_2;
}

static const char *versions_text(int vmin, int vmax)
{
    if (vmin == vmax)
        return vmin == TLSC_TLS1_3 ? "TLS 1.3 only" : "TLS 1.2 only";
    return "TLS 1.2 and 1.3";
}

/* Without a --suites choice, the families (the list is long); with one,
 * the suites themselves. */
static void suites_text(const tlsc_config *cfg, int vmin, int vmax, char *out, size_t cap)
{
    if (cfg->suite_allow != 0) {
        tlsc__offered_suites_text(cfg, vmin, vmax, out, cap);
        return;
    }
    snprintf(out, cap, "%s%s%s", vmax == TLSC_TLS1_3 ? "TLS 1.3 AES-GCM and ChaCha20" : "",
             vmax == TLSC_TLS1_3 && vmin == TLSC_TLS1_2 ? ", " : "",
             vmin != TLSC_TLS1_2                ? ""
             : tlsc__config_psk_only(cfg)      ? "PSK with AES-GCM or ChaCha20"
             : cfg->psk_len != 0               ? "ECDHE-ECDSA, ECDHE-RSA and PSK with AES-GCM or "
                                                 "ChaCha20"
                                               : "ECDHE-ECDSA and ECDHE-RSA with AES-GCM or "
                                                 "ChaCha20");
}

static void groups_text(const tlsc_config *cfg, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < 4 && cfg->groups[i] != 0; i++)
        tlsc__str_append(out, cap, "%s%s", i ? ", " : "", tlsc__group_name(cfg->groups[i]));
}

/* Why a protocol_version alert is likely ours: the range was narrowed. */
static const char *version_cause(const tlsc_config *cfg, int vmin, int vmax, char *buf,
                                 size_t cap)
{
    size_t in;
    tlsc_config_get_buffers(cfg, &in, NULL);
    if (vmax == TLSC_TLS1_2 && tlsc__buffers_limit_tls12(cfg)) {
        snprintf(buf, cap, "; likely because an input buffer of %lu bytes (%s) limits this "
                 "connection to TLS 1.2: use 16384 or a server that speaks TLS 1.2",
                 (unsigned long)in,
                 cfg->buf_in != 0 ? "--buffers, tlsc_config_set_buffers" : "this build");
        return buf;
    }
    if (vmax == TLSC_TLS1_2 && cfg->vmax == TLSC_TLS1_2)
        return "; likely because TLS 1.2 only was asked for (--tls1.2, tlsc_config_set_"
               "versions) and the server speaks only TLS 1.3";
    if (vmin == TLSC_TLS1_3 && cfg->vmin == TLSC_TLS1_3)
        return "; likely because TLS 1.3 only was asked for (--tls1.3, tlsc_config_set_"
               "versions) and the server speaks only TLS 1.2 or older";
    if (vmin == vmax)
        return "; the cipher suites allowed (--suites, tlsc_config_set_suites) leave only "
               "that version";
    return "";
}

tlsc_err tlsc__conn_fail_refused_hello(tlsc_conn *c, int alert, const char *during,
                                       const char *hint)
{
    const tlsc_config *cfg = c->cfg;
    int vmin, vmax;
    char suites[200], groups[48], cause[200];
    offered_versions(cfg, &vmin, &vmax);
    suites_text(cfg, vmin, vmax, suites, sizeof suites);
    groups_text(cfg, groups, sizeof groups);
    const char *why = alert == 70 ? version_cause(cfg, vmin, vmax, cause, sizeof cause) : "";
    char head[96];
    tlsc_err err = TLSC_ERR_TRUNCATED;
    if (alert >= 0) {
        err = tlsc__alert_error(alert);
        snprintf(head, sizeof head, "peer sent fatal alert %s (%d) %s", tlsc__alert_name(alert),
                 alert, during);
    } else {
        snprintf(head, sizeof head, "peer closed the connection %s (no alert)", during);
    }
    /* A version refusal is about versions: the list of what tlsc never
     * offers would only push the cause out of the detail. */
    const char *never = why[0] != '\0' ? ""
                        : ". Never offered: TLS 1.0/1.1, CBC, RSA key exchange, DHE, CCM, "
                          "ffdhe/X448/P-521, EdDSA (try 'tlsc probe')";
    return tlsc__conn_fail(c, err,
                           "%s%s: %s refused tlsc's ClientHello, which offered %s; suites %s; "
                           "groups %s; signatures %s%s%s",
                           head, hint, alert >= 0 ? "it" : "if it speaks TLS, it",
                           versions_text(vmin, vmax), suites, groups, tlsc__sig_algs_text, why,
                           never);
}
