/*
 * Session capture, export, import and the decision to offer. mbedTLS does
 * the protocol and serializes its own session (mbedtls_ssl_session_save);
 * tlsc wraps that in a small envelope that binds it to a server name and a
 * configuration and carries its expiry (docs/session-format.md):
 *
 *   0  "TLSCSES" magic, 1 byte format version (1)
 *   8  created, int64 Unix seconds (0 = clock unknown)
 *  16  lifetime, uint32 seconds (ticket lifetime, or 24 h for a session ID)
 *  20  configuration fingerprint, 32 bytes (SHA-256, see fingerprint below)
 *  52  name length (1 byte), subject length (2), mbedTLS blob length (4)
 *  59  server name, peer subject, mbedTLS session blob
 *  ..  SHA-256 of everything before it (catches corruption and truncation)
 * Integers are big-endian.
 */
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/base/hostname.h"
#include "core/base/reader.h"
#include "core/config/config.h"
#include "core/config/log.h"
#include "core/mbedtls/peek.h"
#include "core/tls/blocking.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/session.h"

#include "mbedtls/sha256.h"

#define MAGIC "TLSCSES"
#define FORMAT_VERSION 1
#define HEAD_LEN 59
#define SUM_LEN 32
/* RFC 5246 suggests session IDs be kept at most a day. */
#define SESSION_ID_LIFETIME 86400u
/* RFC 8446 4.6.1: no ticket lives longer than 7 days. */
#define TICKET_LIFETIME_MAX 604800u
/* Longest peer subject an envelope may carry (as tlsc writes them). */
#define SUBJECT_MAX 255

/* An imported session: allocated by tlsc_conn_set_session only. */
struct tlsc__offer {
    mbedtls_ssl_session s;
    unsigned char id[32];       /* configuration fingerprint */
    int64_t expires;            /* Unix seconds, 0 = unknown */
    size_t size;                /* of the block, to zeroize it */
    const char *subject;        /* in text, after the name */
    char text[];                /* name NUL subject NUL */
};

/* ---- configuration fingerprint ---------------------------------------------- */

static void hash_u32(mbedtls_sha256_context *h, uint32_t v)
{
    unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v };
    mbedtls_sha256_update(h, b, sizeof b);
}

static void hash_bytes(mbedtls_sha256_context *h, const void *p, size_t len)
{
    hash_u32(h, (uint32_t)len); /* length-prefixed: fields cannot run together */
    mbedtls_sha256_update(h, p, len);
}

static void hash_chain(mbedtls_sha256_context *h, const mbedtls_x509_crt *crt)
{
    for (; crt != NULL && crt->raw.p != NULL; crt = crt->next)
        hash_bytes(h, crt->raw.p, crt->raw.len);
    hash_u32(h, 0xffffffffu);
}

/*
 * What a resumed session must not outlive: the trust the server was
 * verified with, our own credentials and the protocol limits. The verify
 * callback cannot be included (a function address changes from one boot to
 * the next); an application that changes its callback's policy should drop
 * its saved sessions.
 */
int tlsc__config_fingerprint(tlsc_config *cfg)
{
    mbedtls_sha256_context h;
    mbedtls_sha256_init(&h);
    int ret = mbedtls_sha256_starts(&h, 0);
    hash_bytes(&h, "tlsc-config-v1", 14);
    hash_u32(&h, (uint32_t)cfg->vmin << 16 | (uint32_t)cfg->vmax);
    hash_u32(&h, (uint32_t)cfg->insecure << 8 | (uint32_t)cfg->allow_unknown_time);
    /* A TLS 1.3 ticket is only usable under the key exchange mode it was
     * received with, so the resumption mode is part of the fit. */
    hash_u32(&h, (uint32_t)cfg->resumption);
    hash_chain(&h, &cfg->ca);
    /* the rest of the verification policy: a session verified under a
     * laxer one must not be resumed under a stricter one */
    hash_u32(&h, (uint32_t)cfg->allow_cn << 8 | cfg->max_depth);
    for (const mbedtls_x509_crl *crl = cfg->crl; crl != NULL; crl = crl->next)
        hash_bytes(&h, crl->raw.p, crl->raw.len);
    hash_bytes(&h, cfg->bundle.data, cfg->bundle.data ? cfg->bundle.len : 0);
    hash_bytes(&h, cfg->pins, cfg->pin_count * 32);
    hash_chain(&h, cfg->own != NULL ? &cfg->own->crt : NULL);
    hash_bytes(&h, cfg->psk_identity, cfg->psk != NULL ? strlen(cfg->psk_identity) : 0);
    hash_bytes(&h, cfg->psk, cfg->psk_len);
    for (size_t i = 0; cfg->alpn != NULL && cfg->alpn[i] != NULL; i++)
        hash_bytes(&h, cfg->alpn[i], strlen(cfg->alpn[i]));
    if (ret == 0)
        ret = mbedtls_sha256_finish(&h, cfg->id);
    mbedtls_sha256_free(&h);
    return ret;
}

tlsc_err tlsc_config_set_resumption(tlsc_config *cfg, tlsc_resumption mode)
{
    if (cfg == NULL || (unsigned)mode > (unsigned)TLSC_RESUMPTION_PSK_KE) /* and < 0 */
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__config_editable(cfg);
    if (err != TLSC_OK)
        return err;
    cfg->resumption = mode;
    return TLSC_OK;
}

/* ---- capture -------------------------------------------------------------- */

/* mbedtls_ssl_session_free zeroizes the session (master secret, ticket). */
static void free_session(mbedtls_ssl_session *s)
{
    if (s == NULL)
        return;
    mbedtls_ssl_session_free(s);
    tlsc__free(s);
}

/* The serialized form holds the same secrets. */
static void free_saved(tlsc__saved *s)
{
    if (s != NULL)
        tlsc__free_secret(s, sizeof *s + s->len);
}

static uint32_t lifetime_of(const mbedtls_ssl_session *s);

/* s serialized into one block (NULL without memory or on failure). */
static tlsc__saved *serialize(const mbedtls_ssl_session *s)
{
    size_t len = 0;
    int ret = mbedtls_ssl_session_save(s, NULL, 0, &len);
    if (ret != 0 && ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL)
        return NULL;
    tlsc__saved *out = tlsc__calloc(1, sizeof *out + len);
    if (out == NULL)
        return NULL;
    out->len = len;
    out->lifetime = lifetime_of(s);
    size_t written = 0;
    if (mbedtls_ssl_session_save(s, out->blob, len, &written) != 0 || written != len) {
        free_saved(out);
        return NULL;
    }
    return out;
}

static void free_offer(tlsc__offer *o)
{
    if (o == NULL)
        return;
    mbedtls_ssl_session_free(&o->s);
    tlsc__free_secret(o, o->size);
}

/* Without memory the session is not kept, as when mbedTLS cannot copy it.
 * It is kept serialized: what export writes, and ~0.5 KB less heap for as
 * long as the connection lives than the mbedtls_ssl_session it comes from. */
void tlsc__session_capture(tlsc_conn *c)
{
    if (c->cfg->resumption == TLSC_RESUMPTION_OFF)
        return;
    mbedtls_ssl_session *s = tlsc__calloc(1, sizeof *s);
    if (s == NULL)
        return;
    mbedtls_ssl_session_init(s);
    if (mbedtls_ssl_get_session(&c->ssl, s) != 0 || !tlsc__session_resumable(s)) {
        free_session(s);
        return;
    }
    tlsc__session_drop_peer_cert(s); /* not needed to resume; ~1 KB */
    tlsc__saved *kept = serialize(s);
    free_session(s);
    if (kept == NULL)
        return;
    free_saved(c->saved);
    c->saved = kept;
    tlsc__log(c->cfg, TLSC_LOG_DEBUG, "resumable session from %s captured", c->name);
}

void tlsc__session_free(tlsc_conn *c)
{
    free_saved(c->saved);
    free_offer(c->offer);
    c->saved = NULL;
    c->offer = NULL;
}

const char *tlsc__conn_subject(const tlsc_conn *c)
{
    if (c->v.peer_subject != NULL)
        return c->v.peer_subject;
    /* resumed: no certificate this time; the subject it was verified with */
    return c->resumed && c->offer != NULL ? c->offer->subject : "";
}

/* ---- export --------------------------------------------------------------- */

static uint32_t lifetime_of(const mbedtls_ssl_session *s)
{
    uint32_t t = tlsc__session_lifetime(s);
    if (t == 0)
        t = SESSION_ID_LIFETIME;
    return t > TICKET_LIFETIME_MAX ? TICKET_LIFETIME_MAX : t;
}

static void write_head(const tlsc_conn *c, unsigned char *p, size_t name_len,
                       size_t subj_len, size_t blob_len)
{
    int64_t now = tlsc__config_now(c->cfg);
    tlsc__writer w = { p, HEAD_LEN, 0 };
    tlsc__wr_bytes(&w, MAGIC, 7);
    tlsc__wr_be(&w, FORMAT_VERSION, 1);
    tlsc__wr_be(&w, (uint64_t)(now < 0 ? 0 : now), 8);
    tlsc__wr_be(&w, c->saved->lifetime, 4);
    tlsc__wr_bytes(&w, c->cfg->id, 32);
    tlsc__wr_be(&w, name_len, 1);
    tlsc__wr_be(&w, subj_len, 2);
    tlsc__wr_be(&w, blob_len, 4); /* HEAD_LEN bytes in all */
}

tlsc_err tlsc_conn_export_session(const tlsc_conn *c, void *buf, size_t cap, size_t *len)
{
    if (c == NULL || len == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->saved == NULL)
        return TLSC_ERR_NO_SESSION;
    size_t blob_len = c->saved->len;
    const char *subject = tlsc__conn_subject(c);
    size_t name_len = strlen(c->name), subj_len = strlen(subject);
    *len = HEAD_LEN + name_len + subj_len + blob_len + SUM_LEN;
    if (buf == NULL || cap < *len)
        return buf == NULL ? TLSC_OK : TLSC_ERR_BUFFER_SIZE;
    unsigned char *p = buf;
    write_head(c, p, name_len, subj_len, blob_len);
    memcpy(p + HEAD_LEN, c->name, name_len);
    memcpy(p + HEAD_LEN + name_len, subject, subj_len);
    memcpy(p + HEAD_LEN + name_len + subj_len, c->saved->blob, blob_len);
    return mbedtls_sha256(p, *len - SUM_LEN, p + *len - SUM_LEN, 0) == 0 ? TLSC_OK
                                                                         : TLSC_ERR_INTERNAL;
}

/* ---- import --------------------------------------------------------------- */

static tlsc_err reject(tlsc_conn *c, const char *why)
{
    tlsc__log(c->cfg, TLSC_LOG_DEBUG, "session data rejected: %s", why);
    return TLSC_ERR_SESSION;
}

/* An envelope as read_head and read_body find it (pointers into it). */
typedef struct envelope {
    tlsc__reader r;
    const unsigned char *magic, *id;
    uint32_t version, lifetime;
    uint64_t created;
    size_t name_len, subj_len, blob_len;
    const unsigned char *name, *subject, *blob;
} envelope;

/* The fixed head, in write_head's order; false when p is shorter. */
static bool read_head(envelope *e, const unsigned char *p, size_t len)
{
    e->r = tlsc__reader_at(p, len, 0);
    e->magic = tlsc__rd_bytes(&e->r, 7);
    e->version = tlsc__rd_be(&e->r, 1);
    e->created = tlsc__rd_be64(&e->r, 8);
    e->lifetime = tlsc__rd_be(&e->r, 4);
    e->id = tlsc__rd_bytes(&e->r, 32);
    e->name_len = tlsc__rd_be(&e->r, 1);
    e->subj_len = tlsc__rd_be(&e->r, 2);
    e->blob_len = tlsc__rd_be(&e->r, 4);
    return !e->r.bad;
}

/* The name, subject and session blob after the head. */
static bool read_body(envelope *e)
{
    e->name = tlsc__rd_bytes(&e->r, e->name_len);
    e->subject = tlsc__rd_bytes(&e->r, e->subj_len);
    e->blob = tlsc__rd_bytes(&e->r, e->blob_len);
    return !e->r.bad;
}

/* Check the envelope: magic, version, lengths, checksum, field ranges. */
static tlsc_err check_envelope(tlsc_conn *c, envelope *e, const unsigned char *p, size_t len)
{
    if (len < HEAD_LEN + SUM_LEN || !read_head(e, p, len) || memcmp(e->magic, MAGIC, 7) != 0)
        return reject(c, "not a tlsc session (bad magic or too short)");
    if (e->version != FORMAT_VERSION)
        return reject(c, "unknown session format version");
    /* 64-bit sum: on a 32-bit device a hostile blob length must not wrap. */
    uint64_t body64 = HEAD_LEN + (uint64_t)e->name_len + e->subj_len + e->blob_len;
    if (body64 + SUM_LEN != (uint64_t)len || !read_body(e))
        return reject(c, "lengths do not add up (truncated or extended)");
    size_t body = (size_t)body64;
    unsigned char sum[32];
    if (mbedtls_sha256(p, body, sum, 0) != 0 || memcmp(sum, p + body, SUM_LEN) != 0)
        return reject(c, "checksum mismatch (corrupted or tampered)");
    if (e->name_len == 0 || e->name_len > TLSC_HOST_MAX || e->subj_len > SUBJECT_MAX)
        return reject(c, "name or subject out of range");
    return TLSC_OK;
}

static tlsc_err load_envelope(tlsc_conn *c, const envelope *e)
{
    size_t size = sizeof(tlsc__offer) + e->name_len + 1 + e->subj_len + 1;
    tlsc__offer *o = tlsc__calloc(1, size);
    if (o == NULL)
        return TLSC_ERR_NO_MEMORY;
    o->size = size;
    memcpy(o->text, e->name, e->name_len);
    o->subject = o->text + e->name_len + 1;
    memcpy(o->text + e->name_len + 1, e->subject, e->subj_len);
    mbedtls_ssl_session_init(&o->s);
    int ret = mbedtls_ssl_session_load(&o->s, e->blob, e->blob_len);
    if (ret == 0)
        ret = tlsc__session_pin_hostname(&o->s, o->text);
    if (ret != 0) {
        free_offer(o);
        return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSC_ERR_NO_MEMORY
                                                   : reject(c, "mbedTLS cannot load the session");
    }
    memcpy(o->id, e->id, 32);
    int64_t created = (int64_t)e->created;
    o->expires = created > 0 ? created + (int64_t)e->lifetime : 0;
    c->offer = o;
    return TLSC_OK;
}

tlsc_err tlsc_conn_set_session(tlsc_conn *c, const void *blob, size_t len)
{
    if (c == NULL || blob == NULL)
        return TLSC_ERR_INVALID_ARG;
    if (c->state != TLSC__NEW)
        return TLSC_ERR_STATE;
    free_offer(c->offer);
    c->offer = NULL;
    envelope e;
    tlsc_err err = check_envelope(c, &e, blob, len);
    return err == TLSC_OK ? load_envelope(c, &e) : err;
}

/* ---- offer ---------------------------------------------------------------- */

/* Why the imported session must not be offered here, or NULL. */
static const char *unfit(const tlsc_conn *c, int64_t now)
{
    if (c->cfg->resumption == TLSC_RESUMPTION_OFF)
        return "resumption is off in this configuration";
    const tlsc__offer *o = c->offer;
    if (strcmp(o->text, c->name) != 0) /* both lower-case */
        return "it was saved for another server name";
    if (memcmp(o->id, c->cfg->id, 32) != 0)
        return "it was saved under a different trust or credential configuration";
    if (now >= 0 && o->expires != 0 && now >= o->expires)
        return "it has expired";
    return NULL;
}

tlsc_err tlsc__session_offer(tlsc_conn *c)
{
    if (c->offer == NULL)
        return TLSC_OK;
    const char *why = unfit(c, tlsc__config_now(c->cfg));
    if (why != NULL) {
        tlsc__log(c->cfg, TLSC_LOG_DEBUG, "saved session (for %s) not offered to %s: %s",
                  c->offer->text, c->name, why);
        return TLSC_OK;
    }
    int ret = mbedtls_ssl_set_session(&c->ssl, &c->offer->s);
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        return tlsc__conn_fail(c, TLSC_ERR_NO_MEMORY, "no memory to offer the saved session");
    if (ret != 0) {
        tlsc__log(c->cfg, TLSC_LOG_DEBUG, "saved session not offered: mbedTLS -0x%04x",
                  (unsigned)-ret);
        return TLSC_OK;
    }
    tlsc__log(c->cfg, TLSC_LOG_DEBUG, "offering saved session to %s", c->name);
    c->offered = true;
    return TLSC_OK;
}

/* ---- awaiting a TLS 1.3 ticket ------------------------------------------- */

static bool session_done(const tlsc_conn *c)
{
    return c->saved != NULL || c->cfg->resumption == TLSC_RESUMPTION_OFF;
}

tlsc_err tlsc_conn_await_session(tlsc_conn *c, uint32_t timeout_ms)
{
    if (c == NULL)
        return TLSC_ERR_INVALID_ARG;
    tlsc_err err = tlsc__conn_pump_until(c, timeout_ms, session_done);
    if (err != TLSC_OK && c->saved == NULL)
        return err;
    return c->saved != NULL ? TLSC_OK : TLSC_ERR_NO_SESSION;
}
