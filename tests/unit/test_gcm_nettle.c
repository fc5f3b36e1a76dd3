/*
 * AES-GCM through GNU Nettle (src/accel/nettle/gcm_nettle.c): the glue that
 * implements mbedTLS's GCM interface (MBEDTLS_GCM_ALT) over Nettle must
 * keep mbedtls/gcm.h's whole contract, since TLS (through PSA) and every
 * other mbedTLS caller use it unchanged:
 *  - known answers: mbedTLS's own self-test and the NIST vectors it holds
 *    (AES-128/192/256, 8-, 12- and 60-byte IVs), one-shot and streamed;
 *  - streaming ("buffered output": a partial block waits for the next
 *    call) against one-shot, at every split of the associated data and
 *    every split of the data into two or three calls, in separate buffers
 *    and in place, encrypting and decrypting;
 *  - authentication failures (no plaintext leaves auth_decrypt);
 *  - the argument checks and errors gcm.h documents, truncated tags;
 *  - the PSA path TLS 1.3 takes, one-shot and multipart.
 * Every buffer handed to the glue is a heap block of exactly the size the
 * contract allows, so ASan (make check) catches a byte read or written
 * outside it. Built only when TLSC_AES_GCM is "nettle" (cmake/mbedtls.cmake).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/gcm.h>

#include "mbedtls/gcm.h"
#include "mbedtls/cipher.h"
#include "mbedtls/error.h"
#include "psa/crypto.h"

#include "gcm_nist.h"

/* The ALT is what is compiled: mbedTLS's own context is a few hundred
 * bytes, Nettle's (gcm_alt.h) holds a 4 KiB hashing table. */
_Static_assert(sizeof(mbedtls_gcm_context) >= sizeof(struct gcm_aes128_ctx),
               "mbedtls_gcm_context is not gcm_alt.h's: MBEDTLS_GCM_ALT is not in effect");

#define MAX_MSG 100
#define MAX_AD 64

/* Deterministic test data (xorshift64*): a failure reproduces. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static void fill_random(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        p[i] = (unsigned char) ((rng_state * 0x2545F4914F6CDD1Dull) >> 56);
    }
}

/* A heap copy of exactly n bytes (at least 1 so malloc(0) is never NULL). */
static unsigned char *dup_exact(const unsigned char *p, size_t n, size_t size)
{
    unsigned char *b = malloc(size > 0 ? size : 1);
    assert_non_null(b);
    if (n > 0)
        memcpy(b, p, n);
    return b;
}

static int all_zero(const unsigned char *p, size_t n)
{
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* One message. */
typedef struct msg {
    unsigned keybits;
    unsigned char key[32];
    unsigned char iv[60];
    size_t iv_len;
    unsigned char ad[MAX_AD];
    size_t ad_len;
    unsigned char in[MAX_MSG];
    size_t len;
} msg;

/* A random message of the given sizes, ctx keyed for it, and its one-shot
 * encryption ct[len], tag[16]. */
static msg random_msg(mbedtls_gcm_context *ctx, unsigned keybits, size_t iv_len, size_t ad_len,
                      size_t len, unsigned char *ct, unsigned char tag[16])
{
    msg m;

    memset(&m, 0, sizeof(m));
    m.keybits = keybits;
    m.iv_len = iv_len;
    m.ad_len = ad_len;
    m.len = len;
    fill_random(m.key, sizeof(m.key));
    fill_random(m.iv, m.iv_len);
    fill_random(m.ad, m.ad_len);
    fill_random(m.in, m.len);
    mbedtls_gcm_init(ctx);
    assert_int_equal(mbedtls_gcm_setkey(ctx, MBEDTLS_CIPHER_ID_AES, m.key, m.keybits), 0);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(ctx, MBEDTLS_GCM_ENCRYPT, m.len, m.iv, m.iv_len,
                                               m.ad, m.ad_len, m.in, ct, 16, tag), 0);
    return m;
}

/* How a streamed message is cut: associated data in two calls at ad_cut,
 * data in three at cut[0] <= cut[1]; in place: each update's output is its
 * input buffer (gcm.h allows output == input). */
typedef struct split {
    size_t ad_cut;
    size_t cut[2];
    int in_place;
} split;

/* gcm.h allows an ALT "immediate output" (each update gives as many bytes
 * as it takes) or "buffered output" (up to 15 held back until the block is
 * complete or finish), but mbedTLS 3.6's own multipart callers need the
 * former (test_cipher_layer, test_psa; gcm_nettle.c's header). */
static int output_rule_ok(size_t total_in, size_t total_out)
{
    return total_out == total_in;
}

/* m through starts / update_ad x2 / update x3 / finish in the given mode,
 * each update with output_size = its input + 15 and finish with 15 (what
 * gcm.h says always suffices).
 * out: m->len bytes, the outputs concatenated; returns 0, a GCM error, or
 * -1 when the outputs broke gcm.h's output rule. */
static int stream(mbedtls_gcm_context *ctx, int mode, const msg *m, const split *s,
                  unsigned char *out, unsigned char tag[16])
{
    size_t bounds[4] = { 0, s->cut[0], s->cut[1], m->len };
    size_t total_out = 0, olen;
    unsigned char *ad1, *ad2, *fin;
    int ret;

    ret = mbedtls_gcm_starts(ctx, mode, m->iv, m->iv_len);
    if (ret != 0)
        return ret;
    ad1 = dup_exact(m->ad, s->ad_cut, s->ad_cut);
    ad2 = dup_exact(m->ad + s->ad_cut, m->ad_len - s->ad_cut, m->ad_len - s->ad_cut);
    ret = mbedtls_gcm_update_ad(ctx, ad1, s->ad_cut);
    if (ret == 0)
        ret = mbedtls_gcm_update_ad(ctx, ad2, m->ad_len - s->ad_cut);
    free(ad1);
    free(ad2);
    for (int k = 0; k < 3 && ret == 0; k++) {
        size_t n = bounds[k + 1] - bounds[k];
        unsigned char *in = dup_exact(m->in + bounds[k], n, s->in_place ? n + 15 : n);
        unsigned char *o = s->in_place ? in : malloc(n + 15);
        assert_non_null(o);
        olen = 999;
        ret = mbedtls_gcm_update(ctx, in, n, o, n + 15, &olen);
        if (ret == 0 && (olen > n + 15 || !output_rule_ok(bounds[k + 1], total_out + olen)))
            ret = -1;
        if (ret == 0) {
            memcpy(out + total_out, o, olen);
            total_out += olen;
        }
        if (o != in)
            free(o);
        free(in);
    }
    if (ret != 0)
        return ret;
    fin = malloc(15);
    assert_non_null(fin);
    olen = 999;
    ret = mbedtls_gcm_finish(ctx, fin, 15, &olen, tag, 16);
    if (ret == 0 && (olen > 15 || total_out + olen != m->len))
        ret = -1;
    if (ret == 0)
        memcpy(out + total_out, fin, olen);
    free(fin);
    return ret;
}

/* --- 1. mbedTLS's own known-answer self-test ---------------------------- */

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* mbedtls_gcm_self_test runs against the ALT (gcm.c keeps it outside its
 * !MBEDTLS_GCM_ALT part): 18 vectors, each encrypted and decrypted in one
 * call and in two updates. Its 0 alone proves little: where an update
 * returns fewer bytes than expected (an ALT that buffers output) it jumps
 * to its exit with ret still 0, skipping the rest. So its report must show
 * all 72 cases passed. */
static void test_self_test(void **state)
{
    static char log[16384];
    (void) state;

    int ret = gcm_nist_self_test(log, sizeof(log));
    if (ret != 0 || count_of(log, "passed") != 72)
        print_message("%s\n", log);
    assert_int_equal(ret, 0);
    assert_non_null(strstr(log, "GCM note: alternative implementation."));
    assert_null(strstr(log, "failed"));
    assert_null(strstr(log, "skipped"));
    assert_int_equal(count_of(log, "passed"), 72);
    assert_non_null(strstr(log, "AES-GCM-256 #5 split (dec): passed"));
}

/* --- the NIST vectors, all of them -------------------------------------- */

static msg msg_of(const gcm_nist_vector *v, const unsigned char *in)
{
    msg m;
    memset(&m, 0, sizeof(m));
    m.keybits = v->keybits;
    memcpy(m.key, v->key, v->keybits / 8);
    memcpy(m.iv, v->iv, v->iv_len);
    m.iv_len = v->iv_len;
    memcpy(m.ad, v->ad, v->ad_len);
    m.ad_len = v->ad_len;
    memcpy(m.in, in, v->pt_len);
    m.len = v->pt_len;
    return m;
}

static void test_nist_vectors(void **state)
{
    int failures = 0;
    (void) state;

    assert_int_equal(gcm_nist_count(), 18);
    for (size_t i = 0; i < gcm_nist_count(); i++) {
        gcm_nist_vector v = gcm_nist_get(i);
        unsigned char out[MAX_MSG], tag[16];
        mbedtls_gcm_context ctx;
        int ret;

        mbedtls_gcm_init(&ctx);
        assert_int_equal(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, v.key, v.keybits), 0);

        ret = mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, v.pt_len, v.iv, v.iv_len,
                                        v.ad, v.ad_len, v.pt, out, 16, tag);
        UNIT_CHECK(failures, ret == 0 && memcmp(out, v.ct, v.pt_len) == 0 &&
                   memcmp(tag, v.tag, 16) == 0, "AES-%u #%zu one-shot encryption", v.keybits, i % 6);
        ret = mbedtls_gcm_auth_decrypt(&ctx, v.pt_len, v.iv, v.iv_len, v.ad, v.ad_len,
                                       v.tag, 16, v.ct, out);
        UNIT_CHECK(failures, ret == 0 && memcmp(out, v.pt, v.pt_len) == 0,
                   "AES-%u #%zu auth_decrypt", v.keybits, i % 6);

        /* streamed, data cut in two at every point, AD at a moving point */
        for (int mode = 0; mode < 2; mode++) {
            int enc = mode == 0;
            msg m = msg_of(&v, enc ? v.pt : v.ct);
            for (size_t c = 0; c <= m.len; c++) {
                split s = { c % (m.ad_len + 1), { c, m.len }, (int) (c & 1) };
                ret = stream(&ctx, enc ? MBEDTLS_GCM_ENCRYPT : MBEDTLS_GCM_DECRYPT, &m, &s,
                             out, tag);
                UNIT_CHECK(failures, ret == 0 && memcmp(out, enc ? v.ct : v.pt, m.len) == 0 &&
                           memcmp(tag, v.tag, 16) == 0,
                           "AES-%u #%zu streamed %s, cut at %zu: %d", v.keybits, i % 6,
                           enc ? "encryption" : "decryption", c, ret);
            }
        }
        mbedtls_gcm_free(&ctx);
    }
    UNIT_DONE(failures);
}

/* --- 2. streaming against one-shot -------------------------------------- */

static int check_splits(mbedtls_gcm_context *ctx, const msg *m, const unsigned char *ct,
                        const unsigned char *tag, const split *s)
{
    unsigned char out[MAX_MSG], t[16];
    msg dec = *m;
    int failures = 0, ret;

    memcpy(dec.in, ct, m->len);
    ret = stream(ctx, MBEDTLS_GCM_ENCRYPT, m, s, out, t);
    UNIT_CHECK(failures, ret == 0 && memcmp(out, ct, m->len) == 0 && memcmp(t, tag, 16) == 0,
               "AES-%u iv %zu ad %zu (cut %zu) data %zu cut %zu,%zu%s: encryption %d",
               m->keybits, m->iv_len, m->ad_len, s->ad_cut, m->len, s->cut[0], s->cut[1],
               s->in_place ? " in place" : "", ret);
    ret = stream(ctx, MBEDTLS_GCM_DECRYPT, &dec, s, out, t);
    UNIT_CHECK(failures, ret == 0 && memcmp(out, m->in, m->len) == 0 && memcmp(t, tag, 16) == 0,
               "AES-%u iv %zu ad %zu (cut %zu) data %zu cut %zu,%zu%s: decryption %d",
               m->keybits, m->iv_len, m->ad_len, s->ad_cut, m->len, s->cut[0], s->cut[1],
               s->in_place ? " in place" : "", ret);
    return failures;
}

static void test_streaming(void **state)
{
    static const unsigned keybits[] = { 128, 256 };
    static const size_t iv_lens[] = { 12, 8 };
    static const size_t ad_lens[] = { 0, 5, 20, 33 };
    static const size_t lens[] = { 0, 1, 15, 16, 17, 60, 100 };
    int failures = 0;
    (void) state;

    for (size_t a = 0; a < UNIT_ARRAY_LEN(keybits); a++)
    for (size_t b = 0; b < UNIT_ARRAY_LEN(iv_lens); b++)
    for (size_t c = 0; c < UNIT_ARRAY_LEN(ad_lens); c++)
    for (size_t d = 0; d < UNIT_ARRAY_LEN(lens); d++) {
        mbedtls_gcm_context ctx;
        unsigned char ct[MAX_MSG], back[MAX_MSG], tag[16], tag2[16];
        msg m = random_msg(&ctx, keybits[a], iv_lens[b], ad_lens[c], lens[d], ct, tag);

        /* one-shot decryption: plaintext back, same tag */
        assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_DECRYPT, m.len, m.iv,
                                                   m.iv_len, m.ad, m.ad_len, ct, back, 16, tag2), 0);
        assert_memory_equal(back, m.in, m.len);
        assert_memory_equal(tag2, tag, 16);

        for (int in_place = 0; in_place < 2; in_place++) {
            /* every split of the associated data, data in one call */
            for (size_t ad_cut = 0; ad_cut <= m.ad_len; ad_cut++) {
                split s = { ad_cut, { m.len, m.len }, in_place };
                failures += check_splits(&ctx, &m, ct, tag, &s);
            }
            /* every split of the data in two (c0 == c1, c0 == 0 or
             * c1 == len) and three calls; AD cut at a moving point */
            for (size_t c0 = 0; c0 <= m.len; c0++)
                for (size_t c1 = c0; c1 <= m.len; c1++) {
                    split s = { (c0 + c1) % (m.ad_len + 1), { c0, c1 }, in_place };
                    failures += check_splits(&ctx, &m, ct, tag, &s);
                }
        }
        mbedtls_gcm_free(&ctx);
        if (failures > 20)
            break; /* enough to see the pattern */
    }
    UNIT_DONE(failures);
}

/* --- 3. authentication failures ----------------------------------------- */

/* auth_decrypt of a (possibly tampered) message into an output buffer of
 * exactly len bytes filled with 0xA5, or in place; the output must be
 * the plaintext (ret 0) or all zero (AUTH_FAILED). */
static int auth_decrypt_case(mbedtls_gcm_context *ctx, const msg *m, const unsigned char *ct,
                             const unsigned char *tag, size_t tag_len, int in_place,
                             int *zeroed)
{
    unsigned char *in = dup_exact(ct, m->len, m->len);
    unsigned char *out = in_place ? in : malloc(m->len > 0 ? m->len : 1);
    int ret;

    assert_non_null(out);
    if (!in_place)
        memset(out, 0xA5, m->len);
    ret = mbedtls_gcm_auth_decrypt(ctx, m->len, m->iv, m->iv_len, m->ad, m->ad_len, tag,
                                   tag_len, in, out);
    *zeroed = all_zero(out, m->len);
    if (ret == 0 && memcmp(out, m->in, m->len) != 0)
        ret = -1;
    if (out != in)
        free(out);
    free(in);
    return ret;
}

static void test_auth_failure(void **state)
{
    static const unsigned keybits[] = { 128, 256 };
    int failures = 0, zeroed;
    (void) state;

    for (size_t k = 0; k < UNIT_ARRAY_LEN(keybits); k++) {
        mbedtls_gcm_context ctx;
        unsigned char ct[MAX_MSG], tag[16], bad[MAX_MSG], bad_tag[16];
        /* 60 bytes: a partial last block */
        msg m = random_msg(&ctx, keybits[k], 12, 20, 60, ct, tag);

        for (int in_place = 0; in_place < 2; in_place++) {
            int ret = auth_decrypt_case(&ctx, &m, ct, tag, 16, in_place, &zeroed);
            UNIT_CHECK(failures, ret == 0, "AES-%u correct tag%s: %d", m.keybits,
                       in_place ? " in place" : "", ret);
            for (size_t bit = 0; bit < 128; bit++) {
                memcpy(bad_tag, tag, 16);
                bad_tag[bit / 8] ^= (unsigned char) (1u << (bit % 8));
                ret = auth_decrypt_case(&ctx, &m, ct, bad_tag, 16, in_place, &zeroed);
                UNIT_CHECK(failures, ret == MBEDTLS_ERR_GCM_AUTH_FAILED && zeroed,
                           "AES-%u tag bit %zu flipped%s: %d, output %s", m.keybits, bit,
                           in_place ? " in place" : "", ret, zeroed ? "zero" : "NOT zero");
            }
            for (size_t i = 0; i < m.len; i++) {
                memcpy(bad, ct, m.len);
                bad[i] ^= (unsigned char) (1u << (i % 8));
                ret = auth_decrypt_case(&ctx, &m, bad, tag, 16, in_place, &zeroed);
                UNIT_CHECK(failures, ret == MBEDTLS_ERR_GCM_AUTH_FAILED && zeroed,
                           "AES-%u ciphertext byte %zu flipped%s: %d, output %s", m.keybits, i,
                           in_place ? " in place" : "", ret, zeroed ? "zero" : "NOT zero");
            }
            for (size_t i = 0; i < m.ad_len; i++) {
                msg t = m;
                t.ad[i] ^= 0x80;
                ret = auth_decrypt_case(&ctx, &t, ct, tag, 16, in_place, &zeroed);
                UNIT_CHECK(failures, ret == MBEDTLS_ERR_GCM_AUTH_FAILED && zeroed,
                           "AES-%u AD byte %zu flipped%s: %d", m.keybits, i,
                           in_place ? " in place" : "", ret);
            }
        }
        /* a truncated tag authenticates, its last bit flipped does not */
        for (size_t t = 4; t <= 16; t++) {
            int ret = auth_decrypt_case(&ctx, &m, ct, tag, t, 0, &zeroed);
            UNIT_CHECK(failures, ret == 0, "AES-%u %zu-byte tag: %d", m.keybits, t, ret);
            memcpy(bad_tag, tag, 16);
            bad_tag[t - 1] ^= 1;
            ret = auth_decrypt_case(&ctx, &m, ct, bad_tag, t, 0, &zeroed);
            UNIT_CHECK(failures, ret == MBEDTLS_ERR_GCM_AUTH_FAILED && zeroed,
                       "AES-%u %zu-byte tag, last bit flipped: %d", m.keybits, t, ret);
        }
        mbedtls_gcm_free(&ctx);
    }
    UNIT_DONE(failures);
}

/* --- 4. the contract ---------------------------------------------------- */

static const unsigned char KEY[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                                       31, 32 };
static const unsigned char IV[12] = { 0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce,
                                      0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 };

static void keyed(mbedtls_gcm_context *ctx)
{
    mbedtls_gcm_init(ctx);
    assert_int_equal(mbedtls_gcm_setkey(ctx, MBEDTLS_CIPHER_ID_AES, KEY, 128), 0);
}

/* keyed, random pt[len] and its one-shot encryption (no AD) to compare with */
static void keyed_reference(mbedtls_gcm_context *ctx, unsigned char *pt, size_t len,
                            unsigned char *ref, unsigned char ref_tag[16])
{
    fill_random(pt, len);
    keyed(ctx);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(ctx, MBEDTLS_GCM_ENCRYPT, len, IV, 12, NULL, 0,
                                               pt, ref, 16, ref_tag), 0);
}

static void test_contract_arguments(void **state)
{
    mbedtls_gcm_context ctx;
    unsigned char in[32] = { 0 }, out[48], tag[16];
    size_t olen;
    (void) state;

    /* tag lengths 4..16 only */
    keyed(&ctx);
    for (size_t t = 0; t <= 32; t++) {
        int want = t >= 4 && t <= 16 ? 0 : MBEDTLS_ERR_GCM_BAD_INPUT;
        assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 16, IV, 12, NULL,
                                                   0, in, out, t, tag), want);
        if (want != 0) {
            assert_int_equal(mbedtls_gcm_auth_decrypt(&ctx, 16, IV, 12, NULL, 0, tag, t, in, out),
                             want);
        }
        assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), 0);
        assert_int_equal(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, t), want);
    }
    /* IV length 0 */
    assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 0),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 16, IV, 0, NULL, 0,
                                               in, out, 16, tag), MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_starts(&ctx, 7, IV, 12), MBEDTLS_ERR_GCM_BAD_INPUT);
    mbedtls_gcm_free(&ctx);

    /* key sizes and ciphers */
    mbedtls_gcm_init(&ctx);
    assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12),
                     MBEDTLS_ERR_GCM_BAD_INPUT); /* no key yet */
    static const unsigned bad_bits[] = { 0, 64, 100, 127, 129, 160, 255, 384, 512 };
    for (size_t i = 0; i < UNIT_ARRAY_LEN(bad_bits); i++)
        assert_int_equal(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, KEY, bad_bits[i]),
                         MBEDTLS_ERR_GCM_BAD_INPUT);
    static const mbedtls_cipher_id_t others[] = { MBEDTLS_CIPHER_ID_NONE, MBEDTLS_CIPHER_ID_NULL,
                                                   MBEDTLS_CIPHER_ID_DES, MBEDTLS_CIPHER_ID_3DES,
                                                   MBEDTLS_CIPHER_ID_CAMELLIA,
                                                   MBEDTLS_CIPHER_ID_ARIA,
                                                   MBEDTLS_CIPHER_ID_CHACHA20 };
    for (size_t i = 0; i < UNIT_ARRAY_LEN(others); i++)
        assert_int_equal(mbedtls_gcm_setkey(&ctx, others[i], KEY, 128),
                         MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED);
    for (unsigned bits = 128; bits <= 256; bits += 64)
        assert_int_equal(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, KEY, bits), 0);
    mbedtls_gcm_free(&ctx);
    mbedtls_gcm_free(NULL);
}

static void test_contract_order(void **state)
{
    mbedtls_gcm_context ctx;
    unsigned char in[32] = { 0 }, out[48], tag[16];
    size_t olen;
    (void) state;

    /* nothing before starts */
    keyed(&ctx);
    assert_int_equal(mbedtls_gcm_update(&ctx, in, 16, out, sizeof(out), &olen),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, in, 16), MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_finish(&ctx, out, 15, &olen, tag, 16),
                     MBEDTLS_ERR_GCM_BAD_INPUT);

    /* associated data only before the data */
    assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), 0);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, in, 5), 0);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, NULL, 0), 0);
    assert_int_equal(mbedtls_gcm_update(&ctx, in, 5, out, 20, &olen), 0);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, in, 5), MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_update(&ctx, NULL, 0, NULL, 0, &olen), 0);
    assert_int_equal(olen, 0);
    assert_int_equal(mbedtls_gcm_finish(&ctx, out, 15, &olen, tag, 16), 0);

    /* a finished message takes nothing more */
    assert_int_equal(mbedtls_gcm_update(&ctx, in, 16, out, sizeof(out), &olen),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, in, 16), MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_finish(&ctx, out, 15, &olen, tag, 16),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    mbedtls_gcm_free(&ctx);
}

/* Output sizes: an update must have room for all it takes (immediate
 * output); a too small buffer is refused without harm to the message, and
 * finish needs no output buffer at all (the cipher layer gives it none). */
static void test_contract_output_size(void **state)
{
    mbedtls_gcm_context ctx;
    unsigned char pt[40], ref[40], ref_tag[16], out[40], tag[16];
    size_t olen, pos = 0;
    static const size_t chunks[] = { 20, 12, 8 };
    (void) state;

    keyed_reference(&ctx, pt, sizeof(pt), ref, ref_tag);

    assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), 0);
    for (size_t i = 0; i < UNIT_ARRAY_LEN(chunks); i++) {
        assert_int_equal(mbedtls_gcm_update(&ctx, pt + pos, chunks[i], out + pos, chunks[i] - 1,
                                            &olen), MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL);
        assert_int_equal(mbedtls_gcm_update(&ctx, pt + pos, chunks[i], out + pos, 0, &olen),
                         MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL);
        olen = 999;
        assert_int_equal(mbedtls_gcm_update(&ctx, pt + pos, chunks[i], out + pos, chunks[i],
                                            &olen), 0);
        assert_int_equal(olen, chunks[i]);
        pos += olen;
    }
    olen = 999;
    assert_int_equal(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 16), 0);
    assert_int_equal(olen, 0);
    assert_memory_equal(out, ref, 40);
    assert_memory_equal(tag, ref_tag, 16);
    mbedtls_gcm_free(&ctx);
}

static void test_contract_overlap(void **state)
{
    mbedtls_gcm_context ctx;
    unsigned char buf[96], pt[32], ref[32], ref_tag[16], tag[16];
    size_t olen;
    (void) state;

    keyed_reference(&ctx, pt, sizeof(pt), ref, ref_tag);
    /* output after the input but inside it */
    for (size_t d = 1; d < 32; d++) {
        memcpy(buf, pt, 32);
        assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), 0);
        assert_int_equal(mbedtls_gcm_update(&ctx, buf, 32, buf + d, 47, &olen),
                         MBEDTLS_ERR_GCM_BAD_INPUT);
        assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 32, IV, 12, NULL,
                                                   0, buf, buf + d, 16, tag),
                         MBEDTLS_ERR_GCM_BAD_INPUT);
    }
    /* right after it: no overlap */
    memcpy(buf, pt, 32);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 32, IV, 12, NULL, 0,
                                               buf, buf + 32, 16, tag), 0);
    assert_memory_equal(buf + 32, ref, 32);
    assert_memory_equal(tag, ref_tag, 16);
    /* in place */
    memcpy(buf, pt, 32);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 32, IV, 12, NULL, 0,
                                               buf, buf, 16, tag), 0);
    assert_memory_equal(buf, ref, 32);
    mbedtls_gcm_free(&ctx);
}

/* GCM's length limits (SP 800-38D, as mbedTLS checks them): data up to
 * 2^36 - 32 bytes per message, associated data and IV below 2^61 bytes,
 * counted over all calls. A call over the limit is refused before it reads
 * a byte, so the lengths here are far larger than the buffers. In place:
 * a separate output near the input would be refused as overlapping. */
static void test_contract_limits(void **state)
{
    const uint64_t max_data = 0xFFFFFFFE0ull;
    const uint64_t ad_limit = (uint64_t) 1 << 61;
    mbedtls_gcm_context ctx;
    unsigned char buf[32] = { 0 }, out[32], tag[16];
    size_t olen;
    (void) state;

    if (sizeof(size_t) < 8)
        skip(); /* such lengths do not fit in size_t */
    keyed(&ctx);
    assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, (size_t) ad_limit),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, (size_t) max_data + 1,
                                               IV, 12, NULL, 0, buf, buf, 16, tag),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 0, IV, 12, buf,
                                               (size_t) ad_limit, NULL, NULL, 16, tag),
                     MBEDTLS_ERR_GCM_BAD_INPUT);

    assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), 0);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, buf, (size_t) ad_limit),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, buf, 16), 0);
    assert_int_equal(mbedtls_gcm_update_ad(&ctx, buf, (size_t) (ad_limit - 16)),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_update(&ctx, buf, (size_t) max_data + 1, buf, SIZE_MAX, &olen),
                     MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_update(&ctx, buf, 32, out, 32, &olen), 0);
    assert_int_equal(mbedtls_gcm_update(&ctx, buf, (size_t) (max_data - 31), buf, SIZE_MAX,
                                        &olen), MBEDTLS_ERR_GCM_BAD_INPUT);
    assert_int_equal(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 16), 0);
    mbedtls_gcm_free(&ctx);
}

/* A tag of t bytes is the first t bytes of the full one. */
static void test_truncated_tags(void **state)
{
    mbedtls_gcm_context ctx;
    unsigned char pt[37], ad[9], out[37], full[16], tag[16];
    size_t olen;
    (void) state;

    fill_random(pt, sizeof(pt));
    fill_random(ad, sizeof(ad));
    for (unsigned bits = 128; bits <= 256; bits += 64) {
        mbedtls_gcm_init(&ctx);
        assert_int_equal(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, KEY, bits), 0);
        assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, sizeof(pt), IV, 12,
                                                   ad, sizeof(ad), pt, out, 16, full), 0);
        for (size_t t = 4; t <= 16; t++) {
            unsigned char *exact = malloc(t);
            assert_non_null(exact);
            assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, sizeof(pt),
                                                       IV, 12, ad, sizeof(ad), pt, out, t,
                                                       exact), 0);
            assert_memory_equal(exact, full, t);
            memset(tag, 0, sizeof(tag));
            assert_int_equal(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), 0);
            assert_int_equal(mbedtls_gcm_update_ad(&ctx, ad, sizeof(ad)), 0);
            assert_int_equal(mbedtls_gcm_update(&ctx, pt, sizeof(pt), out, sizeof(out), &olen),
                             0);
            assert_int_equal(mbedtls_gcm_finish(&ctx, out + olen, sizeof(out) - olen, &olen,
                                                tag, t), 0);
            assert_memory_equal(tag, full, t);
            assert_true(all_zero(tag + t, 16 - t)); /* nothing past tag_len */
            free(exact);
        }
        mbedtls_gcm_free(&ctx);
    }
}

/* --- 5. the PSA path (TLS 1.3's records) -------------------------------- */

static void test_psa(void **state)
{
    gcm_nist_vector v = gcm_nist_get(3); /* AES-128, 12-byte IV, 20 AD, 60 bytes */
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_aead_operation_t op;
    mbedtls_gcm_context ctx;
    mbedtls_svc_key_id_t key;
    unsigned char ct[76], pt[76], tag[16], ref[60], ref_tag[16];
    size_t len, olen, pos, tag_len;
    static const size_t chunks[] = { 7, 25, 28 };
    (void) state;

    assert_int_equal(v.keybits, 128);
    assert_int_equal(v.pt_len, 60);
    mbedtls_gcm_init(&ctx);
    assert_int_equal(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, v.key, 128), 0);
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 60, v.iv, v.iv_len,
                                               v.ad, v.ad_len, v.pt, ref, 16, ref_tag), 0);
    mbedtls_gcm_free(&ctx);

    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
    psa_set_key_type(&attr, PSA_KEY_TYPE_AES);
    psa_set_key_bits(&attr, 128);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT);
    psa_set_key_algorithm(&attr, PSA_ALG_GCM);
    assert_int_equal(psa_import_key(&attr, v.key, 16, &key), PSA_SUCCESS);

    /* one-shot, as the TLS record layer calls it */
    assert_int_equal(psa_aead_encrypt(key, PSA_ALG_GCM, v.iv, v.iv_len, v.ad, v.ad_len, v.pt, 60,
                                      ct, sizeof(ct), &len), PSA_SUCCESS);
    assert_int_equal(len, 76);
    assert_memory_equal(ct, v.ct, 60);
    assert_memory_equal(ct + 60, v.tag, 16);
    assert_memory_equal(ct, ref, 60);
    assert_memory_equal(ct + 60, ref_tag, 16);
    assert_int_equal(psa_aead_decrypt(key, PSA_ALG_GCM, v.iv, v.iv_len, v.ad, v.ad_len, ct, 76,
                                      pt, sizeof(pt), &len), PSA_SUCCESS);
    assert_int_equal(len, 60);
    assert_memory_equal(pt, v.pt, 60);
    for (size_t i = 0; i < 76; i += 5) {
        ct[i] ^= 0x10;
        assert_int_equal(psa_aead_decrypt(key, PSA_ALG_GCM, v.iv, v.iv_len, v.ad, v.ad_len, ct,
                                          76, pt, sizeof(pt), &len),
                         PSA_ERROR_INVALID_SIGNATURE);
        ct[i] ^= 0x10;
    }

    /* multipart, where buffered output shows: every output buffer is
     * exactly PSA's documented size for the call */
    op = psa_aead_operation_init();
    assert_int_equal(psa_aead_encrypt_setup(&op, key, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, v.iv, v.iv_len), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, v.ad, 3), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, v.ad + 3, v.ad_len - 3), PSA_SUCCESS);
    pos = 0;
    for (size_t i = 0, off = 0; i < UNIT_ARRAY_LEN(chunks); off += chunks[i++]) {
        size_t size = PSA_AEAD_UPDATE_OUTPUT_SIZE(PSA_KEY_TYPE_AES, PSA_ALG_GCM, chunks[i]);
        unsigned char *o = malloc(size);
        assert_non_null(o);
        assert_int_equal(psa_aead_update(&op, v.pt + off, chunks[i], o, size, &olen),
                         PSA_SUCCESS);
        memcpy(ct + pos, o, olen);
        pos += olen;
        free(o);
    }
    {
        size_t size = PSA_AEAD_FINISH_OUTPUT_SIZE(PSA_KEY_TYPE_AES, PSA_ALG_GCM);
        unsigned char *o = malloc(size);
        assert_non_null(o);
        assert_int_equal(psa_aead_finish(&op, o, size, &olen, tag, sizeof(tag), &tag_len),
                         PSA_SUCCESS);
        memcpy(ct + pos, o, olen);
        pos += olen;
        free(o);
    }
    assert_int_equal(pos, 60);
    assert_int_equal(tag_len, 16);
    assert_memory_equal(ct, v.ct, 60);
    assert_memory_equal(tag, v.tag, 16);

    for (int tamper = 0; tamper < 2; tamper++) {
        op = psa_aead_operation_init();
        assert_int_equal(psa_aead_decrypt_setup(&op, key, PSA_ALG_GCM), PSA_SUCCESS);
        assert_int_equal(psa_aead_set_nonce(&op, v.iv, v.iv_len), PSA_SUCCESS);
        assert_int_equal(psa_aead_update_ad(&op, v.ad, v.ad_len), PSA_SUCCESS);
        ct[40] ^= (unsigned char) tamper;
        pos = 0;
        for (size_t i = 0, off = 0; i < UNIT_ARRAY_LEN(chunks); off += chunks[i++]) {
            assert_int_equal(psa_aead_update(&op, ct + off, chunks[i], pt + pos,
                                             PSA_AEAD_UPDATE_OUTPUT_SIZE(PSA_KEY_TYPE_AES,
                                                                         PSA_ALG_GCM, chunks[i]),
                                             &olen), PSA_SUCCESS);
            pos += olen;
        }
        ct[40] ^= (unsigned char) tamper;
        psa_status_t st = psa_aead_verify(&op, pt + pos, sizeof(pt) - pos, &olen, tag, 16);
        if (tamper) {
            assert_int_equal(st, PSA_ERROR_INVALID_SIGNATURE);
            psa_aead_abort(&op);
        } else {
            assert_int_equal(st, PSA_SUCCESS);
            assert_int_equal(pos + olen, 60);
            assert_memory_equal(pt, v.pt, 60);
        }
    }

    assert_int_equal(psa_destroy_key(key), PSA_SUCCESS);
    mbedtls_psa_crypto_free();
}

/* mbedTLS's cipher layer drives GCM in parts too: update with an output
 * buffer of exactly the input's size, then write_tag / check_tag through
 * mbedtls_gcm_finish(NULL, 0) ("doesn't yet support alternative
 * implementations that can delay up to a block of output", cipher.c). */
static void test_cipher_layer(void **state)
{
    gcm_nist_vector v = gcm_nist_get(3); /* AES-128, 12-byte IV, 20 AD, 60 bytes */
    static const size_t chunks[] = { 7, 25, 28 };
    mbedtls_cipher_context_t c;
    unsigned char out[60], tag[16];
    size_t olen, pos;
    (void) state;

    for (int enc = 1; enc >= 0; enc--) {
        mbedtls_cipher_init(&c);
        assert_int_equal(mbedtls_cipher_setup(&c, mbedtls_cipher_info_from_type(
                                                      MBEDTLS_CIPHER_AES_128_GCM)), 0);
        assert_int_equal(mbedtls_cipher_setkey(&c, v.key, 128,
                                               enc ? MBEDTLS_ENCRYPT : MBEDTLS_DECRYPT), 0);
        assert_int_equal(mbedtls_cipher_set_iv(&c, v.iv, v.iv_len), 0);
        assert_int_equal(mbedtls_cipher_reset(&c), 0);
        assert_int_equal(mbedtls_cipher_update_ad(&c, v.ad, v.ad_len), 0);
        pos = 0;
        for (size_t i = 0; i < UNIT_ARRAY_LEN(chunks); i++) {
            unsigned char *o = malloc(chunks[i]);
            assert_non_null(o);
            assert_int_equal(mbedtls_cipher_update(&c, (enc ? v.pt : v.ct) + pos, chunks[i], o,
                                                   &olen), 0);
            assert_int_equal(olen, chunks[i]);
            memcpy(out + pos, o, olen);
            pos += olen;
            free(o);
        }
        assert_int_equal(mbedtls_cipher_finish(&c, out + pos, &olen), 0);
        assert_int_equal(olen, 0);
        assert_memory_equal(out, enc ? v.ct : v.pt, 60);
        if (enc) {
            assert_int_equal(mbedtls_cipher_write_tag(&c, tag, 16), 0);
            assert_memory_equal(tag, v.tag, 16);
        } else {
            assert_int_equal(mbedtls_cipher_check_tag(&c, v.tag, 16), 0);
        }
        mbedtls_cipher_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_test),
        cmocka_unit_test(test_nist_vectors),
        cmocka_unit_test(test_streaming),
        cmocka_unit_test(test_auth_failure),
        cmocka_unit_test(test_contract_arguments),
        cmocka_unit_test(test_contract_order),
        cmocka_unit_test(test_contract_output_size),
        cmocka_unit_test(test_contract_overlap),
        cmocka_unit_test(test_contract_limits),
        cmocka_unit_test(test_truncated_tags),
        cmocka_unit_test(test_psa),
        cmocka_unit_test(test_cipher_layer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
