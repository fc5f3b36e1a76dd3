/* mbedTLS's GCM interface (mbedtls/gcm.h, MBEDTLS_GCM_ALT) over GNU
 * Nettle's AES-GCM. Glue only: Nettle does the cipher and the hash, mbedTLS
 * the constant-time tag comparison and the zeroization; this file keeps
 * mbedTLS's contract (argument checks, limits, errors, streaming) on top.
 *
 * Streaming. Nettle takes whole 16-byte blocks in every call but the last
 * of each kind (associated data, then data), while mbedTLS's callers may
 * cut the input anywhere. A partial block waits in ctx->buf: for the
 * associated data until the first data call or the tag, for the data until
 * the next call or mbedtls_gcm_finish. That is gcm.h's "buffered output"
 * (a call returns 16 * B bytes of the 16 * B + A given so far; finish
 * returns the rest), which the interface allows for an ALT. The one-shot
 * calls that TLS and PSA use (crypt_and_tag, auth_decrypt) never see it:
 * their whole input goes to Nettle in two calls.
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

/* Data after a partial block: block by block through a bounce buffer.
 * Each round reads the 16 - r bytes that complete the waiting block and the
 * r bytes that start the next one before it writes 16 bytes at the same
 * offset, so output == input (in place) is safe. Rare (TLS and PSA's
 * one-shot calls never get here), so simplicity over speed. */
static void update_unaligned(mbedtls_gcm_context *ctx, const unsigned char *in,
                               size_t len, unsigned char *out)
{
    unsigned char block[16], carry[16];
    size_t r = ctx->buf_len, i = 0, fill, next;

    memcpy(carry, ctx->buf, r);
    while (r + (len - i) >= 16) {
        fill = 16 - r;
        memcpy(block, carry, r);
        memcpy(block + r, in + i, fill);
        next = len - (i + fill) < r ? len - (i + fill) : r;
        memcpy(carry, in + i + fill, next);
        n_crypt(ctx, 16, out + i, block);
        i += fill + next;
        r = next;
    }
    memcpy(ctx->buf, carry, r);
    memcpy(ctx->buf + r, in + i, len - i);
    ctx->buf_len = (unsigned char) (r + len - i);
    mbedtls_platform_zeroize(block, sizeof(block));
    mbedtls_platform_zeroize(carry, sizeof(carry));
}

int mbedtls_gcm_update(mbedtls_gcm_context *ctx, const unsigned char *input, size_t input_length,
                       unsigned char *output, size_t output_size, size_t *output_length)
{
    uint64_t total = ctx->len + (uint64_t) input_length;
    size_t produce, whole;

    if (ctx->state == GCM_NO_MESSAGE || total < ctx->len || total > GCM_MAX_DATA) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    end_ad(ctx);
    produce = ((size_t) ctx->buf_len + input_length) & ~(size_t) 15;
    if (output_size < produce) {
        return MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL;
    }
    /* overlap is supported only as output == input (gcm.h) */
    if (output > input && (size_t) (output - input) < input_length) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    ctx->len = total;
    *output_length = produce;
    if (input_length == 0) {
        return 0; /* input and output may be NULL */
    }
    if (ctx->buf_len > 0) {
        update_unaligned(ctx, input, input_length, output);
        return 0;
    }
    whole = input_length & ~(size_t) 15;
    if (whole > 0) {
        n_crypt(ctx, whole, output, input);
    }
    memcpy(ctx->buf, input + whole, input_length - whole);
    ctx->buf_len = (unsigned char) (input_length - whole);
    return 0;
}

int mbedtls_gcm_finish(mbedtls_gcm_context *ctx, unsigned char *output, size_t output_size,
                       size_t *output_length, unsigned char *tag, size_t tag_len)
{
    if (ctx->state == GCM_NO_MESSAGE || tag_len < 4 || tag_len > 16) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    end_ad(ctx);
    if (output_size < ctx->buf_len) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    if (ctx->buf_len > 0) {
        n_crypt(ctx, ctx->buf_len, output, ctx->buf);
    }
    *output_length = ctx->buf_len;
    n_digest(ctx, tag_len, tag);
    mbedtls_platform_zeroize(ctx->buf, sizeof(ctx->buf));
    ctx->buf_len = 0;
    ctx->state = GCM_NO_MESSAGE;
    return 0;
}

int mbedtls_gcm_crypt_and_tag(mbedtls_gcm_context *ctx, int mode, size_t length,
                              const unsigned char *iv, size_t iv_len,
                              const unsigned char *add, size_t add_len,
                              const unsigned char *input, unsigned char *output,
                              size_t tag_len, unsigned char *tag)
{
    size_t olen = 0, olen2 = 0;
    int ret;

    if (tag_len < 4 || tag_len > 16) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    if ((ret = mbedtls_gcm_starts(ctx, mode, iv, iv_len)) != 0 ||
        (ret = mbedtls_gcm_update_ad(ctx, add, add_len)) != 0 ||
        (ret = mbedtls_gcm_update(ctx, input, length, output, length, &olen)) != 0) {
        return ret;
    }
    return mbedtls_gcm_finish(ctx, output + olen, length - olen, &olen2, tag, tag_len);
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
