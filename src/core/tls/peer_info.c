/*
 * What the server sent, for sizing a device (tlsc probe): the chain as
 * received and the largest handshake message.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/config/config.h"
#include "core/mbedtls/text.h"
#include "core/tls/conn.h"

tlsc_err tlsc_config_keep_peer_chain(tlsc_config *cfg, bool keep)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err == TLSC_OK)
        cfg->keep_peer_chain = keep;
    return err;
}

bool tlsc_conn_peer_cert(const tlsc_conn *c, size_t index, tlsc_peer_cert *out)
{
    if (c == NULL || out == NULL || c->state == TLSC__NEW)
        return false;
    /* With MBEDTLS_SSL_KEEP_PEER_CERTIFICATE the session keeps the whole
     * chain as the server sent it, in order. */
    const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&c->ssl);
    for (size_t i = 0; crt != NULL && i < index; i++)
        crt = crt->next;
    if (crt == NULL || crt->raw.p == NULL)
        return false;
    out->der = crt->raw.p;
    out->der_len = crt->raw.len;
    tlsc__describe_key(&crt->pk, out->key, sizeof out->key);
    return true;
}

size_t tlsc_conn_max_handshake_message(const tlsc_conn *c)
{
    return c != NULL ? c->hs_msg_max : 0;
}
