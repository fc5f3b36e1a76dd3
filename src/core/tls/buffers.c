/*
 * Small-memory mode: per-configuration record buffer sizes, the version
 * and extension policy they imply, and the error when a record still does
 * not fit. The rule is documented at tlsc_config_set_buffers
 * (include/tlsc/config.h); peek_buffers.c does the resizing.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/config/config.h"
#include "core/config/log.h"
#include "core/mbedtls/peek_buffers.h"
#include "core/tls/buffers.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"

#define TLS_MAX_RECORD 16384u

#if defined(MBEDTLS_RSA_C)
#define PROFILE_HAS_RSA true
#else
#define PROFILE_HAS_RSA false
#endif
#if defined(MBEDTLS_SSL_RECORD_SIZE_LIMIT)
#define RSL_OFFERED ((size_t)MBEDTLS_SSL_IN_CONTENT_LEN) /* what mbedTLS writes */
#else
#define RSL_OFFERED ((size_t)0)
#endif
#ifndef TLSC_PROFILE_NAME
#define TLSC_PROFILE_NAME "custom"
#endif
#define MIN_BUFFER 512u
/* The elastic input buffer's size when it holds nothing (bytes, overhead
 * included): room for the record header and small records. */
#define IN_IDLE 512u

/* The max_fragment_length values RFC 6066 defines, largest first. */
static const struct {
    size_t len;
    unsigned char code;
} MFL[] = {
    { 4096, MBEDTLS_SSL_MAX_FRAG_LEN_4096 },
    { 2048, MBEDTLS_SSL_MAX_FRAG_LEN_2048 },
    { 1024, MBEDTLS_SSL_MAX_FRAG_LEN_1024 },
    { 512, MBEDTLS_SSL_MAX_FRAG_LEN_512 },
};

void tlsc_record_max(size_t *in, size_t *out)
{
    if (in != NULL)
        *in = tlsc__record_max_in();
    if (out != NULL)
        *out = tlsc__record_max_out();
}

/* Effective input size: the profile maximum if it covers a full TLS record,
 * else the largest max_fragment_length value that fits what was asked. */
static size_t effective_in(size_t asked)
{
    size_t max = tlsc__record_max_in();
    size_t in = (asked == 0 || asked > max) ? max : asked;
    if (in >= TLS_MAX_RECORD)
        return TLS_MAX_RECORD;
    for (size_t i = 0; i < sizeof MFL / sizeof MFL[0]; i++) {
        if (MFL[i].len <= in)
            return MFL[i].len;
    }
    return MIN_BUFFER;
}

static size_t effective_out(size_t asked)
{
    size_t max = tlsc__record_max_out();
    return (asked == 0 || asked > max) ? max : asked;
}

tlsc_err tlsc_config_set_buffers(tlsc_config *cfg, size_t in, size_t out)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    size_t max_in = tlsc__record_max_in(), max_out = tlsc__record_max_out();
    if ((in != 0 && (in < MIN_BUFFER || in > max_in)) ||
        (out != 0 && (out < MIN_BUFFER || out > max_out)))
        return tlsc__config_fail(cfg, TLSC_ERR_INVALID_ARG,
                                 "record buffers in=%lu out=%lu: each must be 0 (the "
                                 "maximum) or %u..%lu (in) / %u..%lu (out) bytes in this "
                                 "build (profile %s)", (unsigned long)in, (unsigned long)out,
                                 MIN_BUFFER, (unsigned long)max_in,
                                 MIN_BUFFER, (unsigned long)max_out, tlsc_profile());
    cfg->buf_in = effective_in(in);
    cfg->buf_out = effective_out(out);
    return TLSC_OK;
}

tlsc_err tlsc_config_set_buffers_elastic(tlsc_config *cfg, bool elastic)
{
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->buf_fixed = !elastic;
    return TLSC_OK;
}

void tlsc_config_get_buffers(const tlsc_config *cfg, size_t *in, size_t *out)
{
    size_t i = cfg != NULL && cfg->buf_in != 0 ? cfg->buf_in : effective_in(0);
    size_t o = cfg != NULL && cfg->buf_out != 0 ? cfg->buf_out : effective_out(0);
    if (in != NULL)
        *in = i;
    if (out != NULL)
        *out = o;
}

static unsigned char mfl_code_for(size_t in)
{
    for (size_t i = 0; i < sizeof MFL / sizeof MFL[0]; i++) {
        if (MFL[i].len == in)
            return MFL[i].code;
    }
    return MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
}

/*
 * At freeze: an input buffer below a full TLS record offers
 * max_fragment_length (TLS 1.2) and, unless the application chose the
 * versions itself, limits the configuration to TLS 1.2, where that
 * extension exists and OpenSSL, GnuTLS and mbedTLS servers honour it.
 * When TLS 1.3 stays on offer, no max_fragment_length is offered at all:
 * mbedTLS 3.6 writes it into a ClientHello that offers both versions, and
 * a TLS 1.3 server that honours it (OpenSSL) echoes it in its
 * EncryptedExtensions, which mbedTLS's TLS 1.3 client rejects as an
 * unsupported extension.
 */
bool tlsc__buffers_limit_tls12(const tlsc_config *cfg)
{
    size_t in;
    tlsc_config_get_buffers(cfg, &in, NULL);
    return in < TLS_MAX_RECORD && !cfg->versions_set && cfg->vmin == TLSC_TLS1_2 &&
           cfg->vmax != TLSC_TLS1_2;
}

int tlsc__buffers_apply(tlsc_config *cfg)
{
    size_t in;
    tlsc_config_get_buffers(cfg, &in, NULL);
    if (in >= TLS_MAX_RECORD)
        return 0;
    if (tlsc__buffers_limit_tls12(cfg))
        mbedtls_ssl_conf_max_tls_version(&cfg->ssl, MBEDTLS_SSL_VERSION_TLS1_2);
    else if (cfg->vmax != TLSC_TLS1_2)
        return 0;
    return tlsc__conf_set_mfl(&cfg->ssl, mfl_code_for(in), in);
}

/* The input buffer's largest size: records of the configured `in`. */
static size_t in_max_total(const tlsc_config *cfg)
{
    size_t in;
    tlsc_config_get_buffers(cfg, &in, NULL);
    return in + tlsc__record_overhead();
}

size_t tlsc__conn_in_max(const tlsc_conn *c)
{
    return in_max_total(c->cfg);
}

/* Its size when it holds nothing (elastic) or always (fixed). */
static size_t in_idle_total(const tlsc_config *cfg)
{
    size_t max = in_max_total(cfg);
    return cfg->buf_fixed || max < IN_IDLE ? max : IN_IDLE;
}

tlsc_err tlsc__conn_ssl_setup(tlsc_conn *c)
{
    int ret = tlsc__ssl_setup_sized(&c->ssl, &c->cfg->ssl, in_idle_total(c->cfg));
    if (ret == 0)
        return TLSC_OK;
    return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSC_ERR_NO_MEMORY : TLSC_ERR_INTERNAL;
}

int tlsc__conn_in_fit(tlsc_conn *c, const unsigned char *buf, size_t got)
{
    size_t have = tlsc__in_buffer_len(&c->ssl), want = 0;
    int ret = tlsc__in_buffer_fit(&c->ssl, buf, got, in_max_total(c->cfg), &want);
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY,
                        "out of memory: the input buffer could not grow from %lu to %lu bytes "
                        "for the record the server sent (heap in use %lu bytes); "
                        "tlsc_config_set_buffers_elastic(cfg, false) allocates it whole when "
                        "the connection is created", (unsigned long)have, (unsigned long)want,
                        (unsigned long)(tlsc_heap_current()));
    return ret;
}

void tlsc__conn_buffers_idle(tlsc_conn *c)
{
    /* Failing to shrink (no memory for the smaller block) keeps the larger
     * one, which is safe. */
    if (!c->cfg->buf_fixed)
        (void)tlsc__in_buffer_idle(&c->ssl, in_idle_total(c->cfg));
}

static size_t negotiated_in(const tlsc_conn *c)
{
    bool tls13 = mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
    if (tls13)
        return tlsc__peer_rsl(&c->ssl) != 0 ? tlsc__record_max_in() : TLS_MAX_RECORD;
    /* TLS 1.2: mbedTLS 3.6 holds the server to the offered length once
     * ServerHelloDone is read (it does not record the server's echo). */
    int code = tlsc__conf_mfl_code(&c->cfg->ssl);
    for (size_t i = 0; i < sizeof MFL / sizeof MFL[0]; i++) {
        if (MFL[i].code == code)
            return MFL[i].len;
    }
    return TLS_MAX_RECORD;
}

/*
 * Once the handshake is over: record the negotiated limits, give the input
 * buffer its idle size (elastic) or back its configured size (fixed),
 * shrink the output buffer (the handshake needed the compile-time size),
 * and drop the verified peer certificate. The fixed input side: at the end
 * of the handshake mbedTLS resizes the input buffer to the
 * max_fragment_length in force, which without one (TLS 1.3) it takes as
 * min(in, out maximum) — 1-2 KiB in the small profiles, whose output
 * maximum is small. A 16 KiB record could then no longer be read.
 */
tlsc_err tlsc__conn_buffers_after_handshake(tlsc_conn *c)
{
    size_t in, out;
    tlsc_config_get_buffers(c->cfg, &in, &out);
    tlsc__conn_buffers_idle(c);
    if (c->cfg->buf_fixed && tlsc__resize_in_buffer(&c->ssl, in) != 0)
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY,
                               "no memory to give the input buffer back its %lu bytes after "
                               "the handshake (heap in use %lu bytes)", (unsigned long)in,
                               (unsigned long)(tlsc_heap_current()));
    c->rec_in = negotiated_in(c);
    int max_out = mbedtls_ssl_get_max_out_record_payload(&c->ssl);
    size_t limit = max_out > 0 ? (size_t)max_out : out;
    c->rec_out = limit < out ? limit : out;
    /* Shrinking can only fail for lack of memory: then the buffer keeps
     * its handshake size, which is safe (writes are clamped to `out`). */
    if (tlsc__shrink_out_buffer(&c->ssl, out) != 0)
        tlsc__log(c->cfg, TLSC_LOG_DEBUG, "output buffer kept at its handshake size");
    if (!c->cfg->keep_peer_chain)
        tlsc__drop_live_peer_cert(&c->ssl);
    return TLSC_OK;
}

void tlsc_conn_record_limit(const tlsc_conn *c, size_t *in, size_t *out)
{
    if (in != NULL)
        *in = c != NULL ? c->rec_in : 0;
    if (out != NULL)
        *out = c != NULL ? c->rec_out : 0;
}

size_t tlsc_record_size_limit_offered(void)
{
    return RSL_OFFERED;
}

/* Read from the established session: mbedTLS keeps the server's value
 * there (0 until the handshake is over and without the extension). */
size_t tlsc_conn_peer_record_size_limit(const tlsc_conn *c)
{
    return c != NULL ? tlsc__peer_rsl(&c->ssl) : 0;
}

size_t tlsc__conn_send_max(const tlsc_conn *c)
{
    return c->rec_out != 0 ? c->rec_out : tlsc__record_max_out();
}

/* What to change, by version (known from the ServerHello on). */
static const char *advice(const tlsc_conn *c)
{
    if (mbedtls_ssl_get_version_number(&c->ssl) == MBEDTLS_SSL_VERSION_TLS1_3)
        return "this TLS 1.3 server does not honour record_size_limit: give an input "
               "buffer of 16384 bytes (tlsc_config_set_buffers, --buffers), or allow only "
               "TLS 1.2, where tlsc offers max_fragment_length";
    return "give a larger input buffer (tlsc_config_set_buffers, --buffers)";
}

/* A read failed: was it a record larger than the input buffer? */
bool tlsc__conn_fail_record_size(tlsc_conn *c, const char *during)
{
    size_t len, room, hs_len;
    if (!tlsc__peek_record_too_large(&c->ssl, in_max_total(c->cfg), &len, &room, &hs_len))
        return false;
    size_t in;
    tlsc_config_get_buffers(c->cfg, &in, NULL);
    /* With a build whose buffers already take TLS's largest records, at
     * its maximum no setting helps: the record breaks the protocol's limits
     * or the message the build's; record_error.c names what the server did
     * instead of giving advice. */
    if (tlsc__record_max_in() >= TLS_MAX_RECORD && in >= tlsc__record_max_in())
        return false;
    if (hs_len != 0)
        tlsc__conn_fail(c, TLSC_ERR_RECORD_TOO_LARGE,
                        "the server sent a handshake message of %lu bytes (in records of "
                        "%lu bytes) %s, but it must fit whole in the input buffer of %lu "
                        "bytes; give an input buffer of at least %lu bytes "
                        "(tlsc_config_set_buffers, --buffers)", (unsigned long)hs_len,
                        (unsigned long)len, during, (unsigned long)in,
                        (unsigned long)(hs_len <= 512    ? 512
                                        : hs_len <= 1024 ? 1024
                                        : hs_len <= 2048 ? 2048
                                        : hs_len <= 4096 ? 4096
                                                         : (size_t)TLS_MAX_RECORD));
    else
        tlsc__conn_fail(c, TLSC_ERR_RECORD_TOO_LARGE,
                        "the server sent a record of %lu bytes %s, but the input buffer "
                        "holds records of %lu bytes (tlsc_config_set_buffers in=%lu); %s",
                        (unsigned long)len, during, (unsigned long)room, (unsigned long)in,
                        advice(c));
    return true;
}

const char *tlsc_profile(void)
{
    return TLSC_PROFILE_NAME;
}

bool tlsc_profile_has_rsa(void)
{
    return PROFILE_HAS_RSA;
}
