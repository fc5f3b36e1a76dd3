/*
 * The key log (tlsc_config_set_keylog): each secret mbedTLS derives is
 * handed to the application as one line of the NSS key log format that
 * Wireshark and curl's SSLKEYLOGFILE use:
 *   CLIENT_RANDOM <client random> <master secret>          (TLS 1.2)
 *   <LABEL> <client random> <secret>                         (TLS 1.3)
 * in lowercase hex. Off unless the application asks: anyone holding these
 * lines can decrypt the connection.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/base/codec.h"
#include "core/config/config.h"
#include "core/tls/conn.h"
#include "core/tls/keylog.h"

#include "mbedtls/platform_util.h"

/* NSS labels by mbedtls_ssl_key_export_type, whose values run 0..6 in the
 * order of ssl.h (the TLS 1.3 names exist only in builds with TLS 1.3, so
 * they are not spelled here). NULL: not part of the NSS format. */
static const char *const labels[] = {
    "CLIENT_RANDOM",                    /* TLS12_MASTER_SECRET */
    "CLIENT_EARLY_TRAFFIC_SECRET",      /* TLS1_3_CLIENT_EARLY_SECRET */
    "EARLY_EXPORTER_SECRET",            /* TLS1_3_EARLY_EXPORTER_SECRET */
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",          /* TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET */
    "SERVER_TRAFFIC_SECRET_0",
};

/* The longest secret: SHA-384's 48 bytes (a TLS 1.2 master secret too). */
#define SECRET_MAX 64

static void export_keys(void *ctx, mbedtls_ssl_key_export_type type,
                        const unsigned char *secret, size_t secret_len,
                        const unsigned char client_random[32],
                        const unsigned char server_random[32],
                        mbedtls_tls_prf_types prf)
{
    const tlsc_config *cfg = ctx;
    (void)server_random;
    (void)prf;
    size_t t = (size_t)type;
    if (t >= sizeof labels / sizeof labels[0] || secret_len > SECRET_MAX)
        return;
    char line[40 + 2 * 32 + 2 * SECRET_MAX + 3];
    size_t at = (size_t)snprintf(line, sizeof line, "%s ", labels[t]);
    at += tlsc__hex(line + at, client_random, 32);
    line[at++] = ' ';
    at += tlsc__hex(line + at, secret, secret_len);
    line[at] = '\0';
    cfg->keylog_fn(cfg->keylog_ud, line);
    mbedtls_platform_zeroize(line, sizeof line);
}

void tlsc__keylog_attach(tlsc_conn *c)
{
    if (c->cfg->keylog_fn != NULL)
        mbedtls_ssl_set_export_keys_cb(&c->ssl, export_keys, (void *)c->cfg);
}

tlsc_err tlsc_config_set_keylog(tlsc_config *cfg, tlsc_keylog_fn fn, void *ud)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->keylog_fn = fn;
    cfg->keylog_ud = ud;
    return TLSC_OK;
}
