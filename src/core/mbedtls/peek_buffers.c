/*
 * Record buffers: the private fields of mbedTLS's SSL context that tlsc
 * reads and resizes (with peek.c and peek_x509.c, the only files that touch
 * mbedTLS's private fields; tlsc pins mbedTLS to 3.6 LTS).
 *
 * Why: mbedTLS 3.6 has no API to choose a context's record buffer sizes.
 * mbedtls_ssl_setup allocates both at the compile-time maxima
 * (MBEDTLS_SSL_IN/OUT_BUFFER_LEN). With MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH
 * it records each buffer's real size (in_buf_len, out_buf_len) and every
 * read path bounds itself by in_buf_len, so a smaller input buffer is safe
 * from the start: a record that does not fit fails cleanly ("requesting
 * more data than fits"). The output side is different: mbedTLS writes
 * handshake messages bounded by the compile-time MBEDTLS_SSL_OUT_CONTENT_LEN,
 * so the output buffer may only shrink once the handshake is over (as
 * mbedTLS itself does after max_fragment_length), and application data is
 * then clamped by tlsc (conn.c) because mbedtls_ssl_write bounds records by
 * the negotiated maximum, not by out_buf_len.
 * The resize below mirrors mbedTLS's own handle_buffer_resizing(): new
 * block, copy, zeroize and free the old one, recompute the pointers.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/mbedtls/peek.h"
#include "core/mbedtls/peek_buffers.h"

#include "ssl_misc.h" /* mbedTLS library/ (private include path) */
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"

/* Record header (5) + explicit IV, tag and padding the profile allows. */
size_t tlsc__record_overhead(void)
{
    return MBEDTLS_SSL_IN_BUFFER_LEN - MBEDTLS_SSL_IN_CONTENT_LEN;
}

size_t tlsc__record_max_in(void)
{
    return MBEDTLS_SSL_IN_CONTENT_LEN;
}

size_t tlsc__record_max_out(void)
{
    return MBEDTLS_SSL_OUT_CONTENT_LEN;
}

/* When the input buffer grows and holds at most this many bytes worth
 * keeping (the 8-byte record counter and a record header), it is freed
 * before the new one is allocated: the two never exist together. */
#define SMALL_USED 32u

/*
 * Free-then-allocate resize of a buffer of old_len bytes to *len bytes,
 * keeping its first `used` (<= SMALL_USED) bytes. If *len bytes cannot be
 * had, the old size is allocated again (just freed, so almost always
 * available) and *len says so; NULL if even that fails: the old block is
 * gone then (the connection fails with an out-of-memory error; every peek
 * and mbedtls_ssl_free accept a NULL input buffer).
 */
static unsigned char *refill(unsigned char *old, size_t old_len, size_t *len, size_t used)
{
    unsigned char keep[SMALL_USED];
    memcpy(keep, old, used);
    mbedtls_zeroize_and_free(old, old_len);
    unsigned char *b = mbedtls_calloc(1, *len);
    if (b == NULL) {
        b = mbedtls_calloc(1, old_len);
        *len = old_len;
    }
    if (b != NULL)
        memcpy(b, keep, used);
    mbedtls_platform_zeroize(keep, sizeof keep);
    return b;
}

static unsigned char *regrow(unsigned char *old, size_t old_len, size_t new_len)
{
    unsigned char *b = mbedtls_calloc(1, new_len);
    if (b == NULL)
        return NULL;
    memcpy(b, old, old_len < new_len ? old_len : new_len);
    mbedtls_zeroize_and_free(old, old_len);
    return b;
}

/* Resize the input buffer to `total` bytes, keeping its first `used`
 * bytes (the counter, records read but not yet processed) and the
 * pointers' offsets, as handle_buffer_resizing() does:
 * mbedtls_ssl_update_in_pointers lays them out for "no transform", the
 * saved offsets put back those of the current transform (TLS 1.2 GCM has
 * an explicit IV before the message). */
static int resize_in(mbedtls_ssl_context *ssl, size_t total, size_t used)
{
    if (used > total)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    size_t hdr = (size_t)(ssl->in_hdr - ssl->in_buf), msg = (size_t)(ssl->in_msg - ssl->in_buf);
    size_t len = (size_t)(ssl->in_len - ssl->in_buf), iv = (size_t)(ssl->in_iv - ssl->in_buf);
    size_t got = total;
    /* Shrinking allocates first: a failure then keeps the old buffer. */
    bool small = used <= SMALL_USED && total > ssl->in_buf_len;
    unsigned char *b = small ? refill(ssl->in_buf, ssl->in_buf_len, &got, used)
                             : regrow(ssl->in_buf, ssl->in_buf_len, total);
    if (b == NULL && small) {
        ssl->in_buf = NULL;
        ssl->in_buf_len = 0;
    }
    if (b == NULL)
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    ssl->in_buf = b;
    ssl->in_buf_len = got;
    ssl->in_hdr = b + hdr;
    mbedtls_ssl_update_in_pointers(ssl);
    ssl->in_msg = b + msg;
    ssl->in_len = b + len;
    ssl->in_iv = b + iv;
    return got == total ? 0 : MBEDTLS_ERR_SSL_ALLOC_FAILED;
}

/* Resize the input buffer to hold records of `content` bytes. */
int tlsc__resize_in_buffer(mbedtls_ssl_context *ssl, size_t content)
{
    size_t want = content + tlsc__record_overhead();
    if (ssl->in_buf == NULL || ssl->in_buf_len == want)
        return 0;
    return resize_in(ssl, want, (size_t)(ssl->in_hdr - ssl->in_buf) + ssl->in_left);
}

size_t tlsc__in_buffer_len(const mbedtls_ssl_context *ssl)
{
    return ssl->in_buf_len;
}

/*
 * mbedtls_ssl_setup with an input buffer of `total` bytes instead of the
 * build's MBEDTLS_SSL_IN_BUFFER_LEN (mbedTLS 3.6 takes no size). The
 * input buffer is mbedtls_ssl_setup's first allocation; tlsc's allocator
 * gives that one request `total` bytes (tlsc__alloc_clamp_next) and the
 * recorded size is corrected right after. Nothing touches the buffer in
 * between: setup only lays out pointers into it, and its handshake-init
 * resize sees the build's size and does nothing. So the build maximum
 * (16 KiB in the small profile) is never allocated for a connection that
 * does not need it. If the clamped block is not the input buffer (an
 * mbedTLS that allocates in another order), the setup is refused.
 */
int tlsc__ssl_setup_sized(mbedtls_ssl_context *ssl, const mbedtls_ssl_config *conf,
                          size_t total)
{
    if (total >= MBEDTLS_SSL_IN_BUFFER_LEN)
        return mbedtls_ssl_setup(ssl, conf);
    tlsc__alloc_clamp_next(MBEDTLS_SSL_IN_BUFFER_LEN, total);
    int ret = mbedtls_ssl_setup(ssl, conf);
    void *given = tlsc__alloc_clamped();
    if (ret != 0 || given == NULL)
        return ret;
    if (given != ssl->in_buf)
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    ssl->in_buf_len = total;
    return 0;
}

/*
 * Elastic input buffer, called by the BIO right after it received `got`
 * bytes at `buf`. mbedTLS reads a record's 5-byte header first and then
 * exactly the record, into the input buffer at in_hdr + in_left; when
 * these bytes complete a header, grow the buffer to hold that record (in
 * steps of 256 bytes; *want tells the size tried), up to `max_total`. A
 * larger record is left to fail
 * as it would without growing. Growing here is safe because every mbedTLS
 * read path takes the buffer and its size from the context after the BIO
 * returns (mbedtls_ssl_fetch_input checks the room before each read).
 */
int tlsc__in_buffer_fit(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t got,
                        size_t max_total, size_t *want)
{
    if (ssl->in_buf == NULL || buf != ssl->in_hdr + ssl->in_left || ssl->in_left >= 5 ||
        ssl->in_left + got < 5)
        return 0;
    size_t at = (size_t)(ssl->in_hdr - ssl->in_buf);
    size_t need = at + 5 + (((size_t)ssl->in_hdr[3] << 8) | ssl->in_hdr[4]);
    if (need <= ssl->in_buf_len || need > max_total)
        return 0;
    size_t total = (need + 255) / 256 * 256;
    *want = total < max_total ? total : max_total;
    return resize_in(ssl, *want, at + ssl->in_left + got);
}

/* Give the input buffer back its idle size `total` when it holds nothing
 * to read: no record bytes, no unread plaintext, no handshake message in
 * pieces. A processed message mbedTLS has yet to discard (the server's
 * Finished when the handshake has just ended) is kept where it is. */
int tlsc__in_buffer_idle(mbedtls_ssl_context *ssl, size_t total)
{
    if (ssl->in_buf == NULL || ssl->in_buf_len <= total || ssl->in_left != 0 ||
        ssl->in_offt != NULL || ssl->badmac_seen_or_in_hsfraglen != 0)
        return 0;
    size_t used = (size_t)(ssl->in_hdr - ssl->in_buf);
    size_t msg_end = (size_t)(ssl->in_msg - ssl->in_buf) + ssl->in_msglen;
    used = msg_end > used ? msg_end : used;
    return used <= total ? resize_in(ssl, total, used) : 0;
}

int tlsc__shrink_out_buffer(mbedtls_ssl_context *ssl, size_t content)
{
    size_t want = content + (MBEDTLS_SSL_OUT_BUFFER_LEN - MBEDTLS_SSL_OUT_CONTENT_LEN);
    if (ssl->out_buf == NULL || ssl->out_buf_len <= want)
        return 0;
    if (ssl->out_left != 0)
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    size_t msg = (size_t)(ssl->out_msg - ssl->out_buf);
    size_t len = (size_t)(ssl->out_len - ssl->out_buf), iv = (size_t)(ssl->out_iv - ssl->out_buf);
    unsigned char *b = regrow(ssl->out_buf, ssl->out_buf_len, want);
    if (b == NULL)
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    ssl->out_buf = b;
    ssl->out_buf_len = want;
    mbedtls_ssl_reset_out_pointers(ssl);
    ssl->out_msg = b + msg;
    ssl->out_len = b + len;
    ssl->out_iv = b + iv;
    return 0;
}

void tlsc__buffer_sizes(const mbedtls_ssl_context *ssl, size_t *in, size_t *out)
{
    *in = ssl->in_buf_len;
    *out = ssl->out_buf_len;
}

/*
 * After a read failed: whether the record whose header is in the input
 * buffer is larger than the room left for it in an input buffer of
 * `max_total` bytes (its size at most: it may be smaller while it is
 * elastic, see tlsc__in_buffer_fit). *len is the record's
 * length field (its protected payload), *room the payload bytes that fit,
 * *hs_len the length of the handshake message being reassembled from
 * fragments in front of it (0 if none): then it is that message that
 * does not fit.
 */
bool tlsc__peek_record_too_large(const mbedtls_ssl_context *ssl, size_t max_total,
                                 size_t *len, size_t *room, size_t *hs_len)
{
    if (ssl->in_buf == NULL || ssl->in_hdr == NULL || ssl->in_left < 5)
        return false;
    size_t at = (size_t)(ssl->in_hdr - ssl->in_buf);
    if (at + 5 > ssl->in_buf_len || at + 5 > max_total)
        return false;
    const unsigned char *h = ssl->in_hdr;
    size_t rec = ((size_t)h[3] << 8) | h[4];
    size_t fits = max_total - at - 5;
    if (h[0] < 20 || h[0] > 23 || rec <= fits)
        return false;
    *len = rec;
    *room = fits;
    *hs_len = ssl->badmac_seen_or_in_hsfraglen != 0 ? ssl->in_hslen : 0;
    return true;
}

/* The peer's certificate is verified and its subject recorded; mbedTLS 3.6
 * keeps it (KEEP_PEER_CERTIFICATE is forced with TLS 1.3) but needs it no
 * more once the handshake is over (renegotiation is off). ~1-2 KB. */
void tlsc__drop_live_peer_cert(mbedtls_ssl_context *ssl)
{
    if (ssl->session != NULL)
        tlsc__session_drop_peer_cert(ssl->session);
}

/* The record_size_limit the server sent (TLS 1.3), 0 if none: a server
 * that sends one honours ours. */
#if defined(MBEDTLS_SSL_RECORD_SIZE_LIMIT)
size_t tlsc__peer_rsl(const mbedtls_ssl_context *ssl)
{
    return ssl->session != NULL ? ssl->session->record_size_limit : 0;
}
#else
size_t tlsc__peer_rsl(const mbedtls_ssl_context *ssl)
{
    (void)ssl;
    return 0;
}
#endif

/*
 * Offer max_fragment_length `code` of `len` bytes. mbedtls_ssl_conf_max_frag_len
 * refuses a length above MBEDTLS_TLS_EXT_ADV_CONTENT_LEN = min(in, out
 * maximum), but the extension only bounds what the server sends: records
 * we send may always be smaller (mbedtls_ssl_get_max_out_record_payload
 * takes the minimum of the output maximum and the fragment length). So a
 * build with a small output maximum (small4k: 1024) can still receive
 * 4 KiB fragments: set the code directly when the input side allows it.
 */
int tlsc__conf_set_mfl(mbedtls_ssl_config *conf, unsigned char code, size_t len)
{
    int ret = mbedtls_ssl_conf_max_frag_len(conf, code);
    if (ret != 0 && len <= MBEDTLS_SSL_IN_CONTENT_LEN) {
        conf->mfl_code = code;
        ret = 0;
    }
    return ret;
}

/* The max_fragment_length code the configuration offers (TLS 1.2). */
int tlsc__conf_mfl_code(const mbedtls_ssl_config *conf)
{
    return conf->mfl_code;
}
