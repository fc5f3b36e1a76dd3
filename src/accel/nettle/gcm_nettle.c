/* mbedTLS's GCM interface (mbedtls/gcm.h, MBEDTLS_GCM_ALT) over GNU
 * Nettle's AES-GCM. Glue only: Nettle does the cipher and the hash, mbedTLS
 * the constant-time tag comparison and the zeroization; this file keeps
 * mbedTLS's contract (argument checks, limits, errors, streaming) on top.
 *
 * Streaming. Nettle takes whole 16-byte blocks in every call but the last
 * of each kind (associated data, then data), while mbedTLS's callers may
 * cut the input anywhere. A partial block waits in ctx->buf: for the
 * associated data until the first data call or the tag, for the data until
 * the next call completes it or mbedtls_gcm_finish. Its output is given at
 * once all the same ("immediate output", gcm.h: every update returns as
 * many bytes as it takes, finish none), computed on a copy of Nettle's
 * message state (peek_partial). gcm.h would also allow "buffered output"
 * (holding those bytes back until the block is complete), but mbedTLS 3.6's
 * own multipart callers do not handle it: the cipher layer gives
 * mbedtls_gcm_update an output of exactly the input's size and calls
 * mbedtls_gcm_finish with none, and PSA's built-in psa_aead_finish /
 * psa_aead_verify report 0 bytes whatever mbedtls_gcm_finish wrote. The
 * one-shot calls that TLS and PSA's records use (crypt_and_tag,
 * auth_decrypt) take neither path: the whole input goes to Nettle in one
 * call. tests/unit/test_gcm_nettle.c checks all of it.
 *
 * Key sizes: AES-128, -192 and -256 (MBEDTLS_CIPHER_ID_AES only: no
 * profile of tlsc enables ARIA or Camellia). IVs of any length. */
/* the context's fields are this file's own (gcm_alt.h) */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stddef.h>
#include <string.h>

#include <mbedtls/constant_time.h>
#include <mbedtls/gcm.h>
#include <mbedtls/error.h>
#include <mbedtls/platform_util.h>

enum { GCM_NO_MESSAGE = 0, GCM_AD = 1, GCM_DATA = 2 };

/* GCM's limits (NIST SP 800-38D), as mbedTLS checks them: data up to
 * 2^36 - 32 bytes per message, associated data and IV below 2^61 bytes. */
#define GCM_MAX_DATA 0xFFFFFFFE0ull
#define GCM_MAX_AD_SHIFT 61

void mbedtls_gcm_init(mbedtls_gcm_context *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
}

void mbedtls_gcm_free(mbedtls_gcm_context *ctx)
{
    if (ctx == NULL) {
        return;
    }
    /* the round keys and the hashing subkey's table */
    mbedtls_platform_zeroize(ctx, sizeof(*ctx));
}

int mbedtls_gcm_setkey(mbedtls_gcm_context *ctx, mbedtls_cipher_id_t cipher,
                       const unsigned char *key, unsigned int keybits)
{
    if (cipher != MBEDTLS_CIPHER_ID_AES) {
        return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
    }
    switch (keybits) {
    case 128: gcm_aes128_set_key(&ctx->n.a128, key); break;
    case 192: gcm_aes192_set_key(&ctx->n.a192, key); break;
    case 256: gcm_aes256_set_key(&ctx->n.a256, key); break;
    default: return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    ctx->key_len = (unsigned char) (keybits / 8);
    ctx->state = GCM_NO_MESSAGE;
    return 0;
}

/* The four Nettle calls, by key size (key_len is 16, 24 or 32 once set). */
static void n_set_iv(mbedtls_gcm_context *ctx, size_t len, const unsigned char *iv)
{
    switch (ctx->key_len) {
    case 16: gcm_aes128_set_iv(&ctx->n.a128, len, iv); break;
    case 24: gcm_aes192_set_iv(&ctx->n.a192, len, iv); break;
    default: gcm_aes256_set_iv(&ctx->n.a256, len, iv); break;
    }
}

static void n_ad(mbedtls_gcm_context *ctx, size_t len, const unsigned char *ad)
{
    switch (ctx->key_len) {
    case 16: gcm_aes128_update(&ctx->n.a128, len, ad); break;
    case 24: gcm_aes192_update(&ctx->n.a192, len, ad); break;
    default: gcm_aes256_update(&ctx->n.a256, len, ad); break;
    }
}

static void n_crypt(mbedtls_gcm_context *ctx, size_t len, unsigned char *dst,
                    const unsigned char *src)
{
    int enc = ctx->mode == MBEDTLS_GCM_ENCRYPT;
    switch (ctx->key_len) {
    case 16:
        (enc ? gcm_aes128_encrypt : gcm_aes128_decrypt)(&ctx->n.a128, len, dst, src);
        break;
    case 24:
        (enc ? gcm_aes192_encrypt : gcm_aes192_decrypt)(&ctx->n.a192, len, dst, src);
        break;
    default:
        (enc ? gcm_aes256_encrypt : gcm_aes256_decrypt)(&ctx->n.a256, len, dst, src);
        break;
    }
}

static void n_digest(mbedtls_gcm_context *ctx, size_t len, unsigned char *tag)
{
    switch (ctx->key_len) {
    case 16: gcm_aes128_digest(&ctx->n.a128, len, tag); break;
    case 24: gcm_aes192_digest(&ctx->n.a192, len, tag); break;
    default: gcm_aes256_digest(&ctx->n.a256, len, tag); break;
    }
}

int mbedtls_gcm_starts(mbedtls_gcm_context *ctx, int mode,
                       const unsigned char *iv, size_t iv_len)
{
    if (ctx->key_len == 0 || iv_len == 0 || (uint64_t) iv_len >> GCM_MAX_AD_SHIFT != 0 ||
        (mode != MBEDTLS_GCM_ENCRYPT && mode != MBEDTLS_GCM_DECRYPT)) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    n_set_iv(ctx, iv_len, iv);
    ctx->mode = (unsigned char) mode;
    ctx->len = 0;
    ctx->add_len = 0;
    ctx->buf_len = 0;
    ctx->state = GCM_AD;
    return 0;
}

int mbedtls_gcm_update_ad(mbedtls_gcm_context *ctx, const unsigned char *add, size_t add_len)
{
    uint64_t total = ctx->add_len + (uint64_t) add_len;
    size_t take, whole;

    /* GCM hashes all associated data before the first data byte */
    if (ctx->state != GCM_AD || total < ctx->add_len || total >> GCM_MAX_AD_SHIFT != 0) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    if (add_len == 0) {
        return 0; /* add may be NULL */
    }
    ctx->add_len = total;
    if (ctx->buf_len > 0) {
        take = 16u - ctx->buf_len < add_len ? 16u - ctx->buf_len : add_len;
        memcpy(ctx->buf + ctx->buf_len, add, take);
        ctx->buf_len = (unsigned char) (ctx->buf_len + take);
        add += take;
        add_len -= take;
        if (ctx->buf_len < 16) {
            return 0;
        }
        n_ad(ctx, 16, ctx->buf);
        ctx->buf_len = 0;
    }
    whole = add_len & ~(size_t) 15;
    if (whole > 0) {
        n_ad(ctx, whole, add);
    }
    memcpy(ctx->buf, add + whole, add_len - whole);
    ctx->buf_len = (unsigned char) (add_len - whole);
    return 0;
}

/* The associated data ends: its partial block is Nettle's last AD call. */
static void end_ad(mbedtls_gcm_context *ctx)
{
    if (ctx->state != GCM_AD) {
        return;
    }
    if (ctx->buf_len > 0) {
        n_ad(ctx, ctx->buf_len, ctx->buf);
    }
    ctx->buf_len = 0;
    ctx->state = GCM_DATA;
}

/* Nettle's per-message state (the IV's counter block, the counter, the
 * hash so far, the lengths): struct gcm_ctx, a plain struct of nettle/gcm.h
 * that Nettle's key-size wrappers keep next to the key's tables. */
static struct gcm_ctx *n_state(mbedtls_gcm_context *ctx)
{
    switch (ctx->key_len) {
    case 16: return &ctx->n.a128.gcm;
    case 24: return &ctx->n.a192.gcm;
    default: return &ctx->n.a256.gcm;
    }
}

/* The output of the len < 16 bytes of a partial block without committing
 * them: Nettle's last-call path on a copy of the message state, which is
 * then put back. Counter mode makes these bytes the same as those the
 * block's real pass gives later, when it is complete or at finish. */
static void peek_partial(mbedtls_gcm_context *ctx, size_t len, unsigned char *dst,
                         const unsigned char *src)
{
    struct gcm_ctx saved = *n_state(ctx);
    n_crypt(ctx, len, dst, src);
    *n_state(ctx) = saved;
    mbedtls_platform_zeroize(&saved, sizeof(saved));
}

/* Data into the block that waits in ctx->buf (possibly empty): up to its
 * end, at most len bytes. The input is copied before any output is written
 * (output == input is allowed). Returns the bytes taken, all of them output. */
static size_t feed_block(mbedtls_gcm_context *ctx, const unsigned char *in, size_t len,
                         unsigned char *out)
{
    unsigned char tmp[16];
    size_t r = ctx->buf_len, take = 16 - r < len ? 16 - r : len;

    memcpy(ctx->buf + r, in, take);
    ctx->buf_len = (unsigned char) (r + take);
    if (ctx->buf_len == 16) {
        n_crypt(ctx, 16, tmp, ctx->buf);
        ctx->buf_len = 0;
    } else {
        peek_partial(ctx, ctx->buf_len, tmp, ctx->buf);
    }
    memcpy(out, tmp + r, take);
    mbedtls_platform_zeroize(tmp, sizeof(tmp));
    return take;
}

/* The checks mbedtls_gcm_update and mbedtls_gcm_crypt_and_tag share. */
static int check_data(const mbedtls_gcm_context *ctx, const unsigned char *input,
                      size_t input_length, const unsigned char *output)
{
    uint64_t total = ctx->len + (uint64_t) input_length;

    if (ctx->state == GCM_NO_MESSAGE || total < ctx->len || total > GCM_MAX_DATA) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    /* overlap is supported only as output == input (gcm.h) */
    if (output > input && (size_t) (output - input) < input_length) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    return 0;
}

int mbedtls_gcm_update(mbedtls_gcm_context *ctx, const unsigned char *input, size_t input_length,
                       unsigned char *output, size_t output_size, size_t *output_length)
{
    size_t done = 0, whole;
    int ret;

    if (output_size < input_length) {
        return MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL;
    }
    if ((ret = check_data(ctx, input, input_length, output)) != 0) {
        return ret;
    }
    end_ad(ctx);
    ctx->len += input_length;
    *output_length = input_length;
    if (input_length == 0) {
        return 0; /* input and output may be NULL */
    }
    if (ctx->buf_len > 0) {
        done = feed_block(ctx, input, input_length, output);
    }
    whole = (input_length - done) & ~(size_t) 15;
    if (whole > 0) {
        n_crypt(ctx, whole, output + done, input + done);
        done += whole;
    }
    if (done < input_length) {
        feed_block(ctx, input + done, input_length - done, output + done);
    }
    return 0;
}

/* The block still waiting goes through Nettle's last data call (its output
 * was given already), then the tag. */
static void finish_message(mbedtls_gcm_context *ctx, unsigned char *tag, size_t tag_len)
{
    unsigned char tmp[16];

    end_ad(ctx);
    if (ctx->buf_len > 0) {
        n_crypt(ctx, ctx->buf_len, tmp, ctx->buf);
        mbedtls_platform_zeroize(tmp, sizeof(tmp));
    }
    n_digest(ctx, tag_len, tag);
    mbedtls_platform_zeroize(ctx->buf, sizeof(ctx->buf));
    ctx->buf_len = 0;
    ctx->state = GCM_NO_MESSAGE;
}

int mbedtls_gcm_finish(mbedtls_gcm_context *ctx, unsigned char *output, size_t output_size,
                       size_t *output_length, unsigned char *tag, size_t tag_len)
{
    /* immediate output: finish has none to give */
    (void) output;
    (void) output_size;
    if (ctx->state == GCM_NO_MESSAGE || tag_len < 4 || tag_len > 16) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    *output_length = 0;
    finish_message(ctx, tag, tag_len);
    return 0;
}

/* The whole message in one Nettle call (TLS and PSA's records): no block
 * waits, so nothing is computed twice. */
int mbedtls_gcm_crypt_and_tag(mbedtls_gcm_context *ctx, int mode, size_t length,
                              const unsigned char *iv, size_t iv_len,
                              const unsigned char *add, size_t add_len,
                              const unsigned char *input, unsigned char *output,
                              size_t tag_len, unsigned char *tag)
{
    int ret;

    if (tag_len < 4 || tag_len > 16) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    if ((ret = mbedtls_gcm_starts(ctx, mode, iv, iv_len)) != 0 ||
        (ret = mbedtls_gcm_update_ad(ctx, add, add_len)) != 0 ||
        (ret = check_data(ctx, input, length, output)) != 0) {
        return ret;
    }
    end_ad(ctx);
    if (length > 0) {
        n_crypt(ctx, length, output, input);
    }
    finish_message(ctx, tag, tag_len);
    return 0;
}

int mbedtls_gcm_auth_decrypt(mbedtls_gcm_context *ctx, size_t length,
                             const unsigned char *iv, size_t iv_len,
                             const unsigned char *add, size_t add_len,
                             const unsigned char *tag, size_t tag_len,
                             const unsigned char *input, unsigned char *output)
{
    unsigned char check[16];
    int ret;

    ret = mbedtls_gcm_crypt_and_tag(ctx, MBEDTLS_GCM_DECRYPT, length, iv, iv_len, add, add_len,
                                    input, output, tag_len, check);
    if (ret != 0) {
        return ret;
    }
    ret = mbedtls_ct_memcmp(tag, check, tag_len) != 0 ? MBEDTLS_ERR_GCM_AUTH_FAILED : 0;
    if (ret != 0) {
        /* no unauthenticated plaintext leaves this function */
        mbedtls_platform_zeroize(output, length);
    }
    mbedtls_platform_zeroize(check, sizeof(check));
    return ret;
}
