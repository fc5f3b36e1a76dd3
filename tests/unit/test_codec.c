/*
 * tlsc__hex_decode (PSK keys) and tlsc__alpn_count (ALPN lists).
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "core/base/codec.h"

/* ---- tlsc__hex_decode ---------------------------------------------------- */

static void test_hex_valid(void **state)
{
    (void)state;
    unsigned char out[8];

    assert_int_equal(tlsc__hex_decode("00", out, sizeof out), 1);
    assert_int_equal(out[0], 0x00);

    assert_int_equal(tlsc__hex_decode("0aFf", out, sizeof out), 2);
    assert_int_equal(out[0], 0x0a);
    assert_int_equal(out[1], 0xff);

    static const unsigned char beef[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67};
    assert_int_equal(tlsc__hex_decode("DEADbeef01234567", out, sizeof out), 8);
    assert_memory_equal(out, beef, sizeof beef);

    /* The empty string is zero bytes of valid hex. */
    memset(out, 0xa5, sizeof out);
    assert_int_equal(tlsc__hex_decode("", out, sizeof out), 0);
    assert_int_equal(out[0], 0xa5);
    assert_int_equal(tlsc__hex_decode("", NULL, 0), 0);
}

/* All 256 byte values, in upper and lower case. */
static void test_hex_every_byte(void **state)
{
    (void)state;
    char lower[513], upper[513];
    for (int i = 0; i < 256; i++) {
        snprintf(lower + 2 * i, 3, "%02x", (unsigned)i);
        snprintf(upper + 2 * i, 3, "%02X", (unsigned)i);
    }
    unsigned char out[256];
    for (int pass = 0; pass < 2; pass++) {
        memset(out, 0, sizeof out);
        assert_int_equal(tlsc__hex_decode(pass ? upper : lower, out, sizeof out), 256);
        for (int i = 0; i < 256; i++)
            assert_int_equal(out[i], i);
    }
}

static void test_hex_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "0", "abc", "0g", "g0", "0x12", "0X12", " 12", "12 ", "1 2", "12:34",
        "12-34", "-1", "+1", "12\n", "\t12", "zz", "0123456789abcdeG",
        "\xc3\xa9", "1\xff", "00112233zz",
    };
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(bad); i++) {
        unsigned char out[16];
        memset(out, 0xa5, sizeof out);
        long n = tlsc__hex_decode(bad[i], out, sizeof out);
        UNIT_CHECK(failures, n == -1, "\"%s\": got %ld", bad[i], n);
        /* Nothing written: the buffer may be a key's. */
        UNIT_CHECK(failures, out[0] == 0xa5 && out[3] == 0xa5, "\"%s\": wrote output",
                   bad[i]);
    }
    assert_int_equal(tlsc__hex_decode(NULL, NULL, 0), -1);
    UNIT_DONE(failures);
}

static void test_hex_capacity(void **state)
{
    (void)state;
    unsigned char out[4];
    memset(out, 0xa5, sizeof out);
    assert_int_equal(tlsc__hex_decode("0102", out, 1), -1);
    assert_int_equal(out[0], 0xa5);
    assert_int_equal(tlsc__hex_decode("0102", out, 2), 2);
    assert_int_equal(tlsc__hex_decode("01020304", out, 4), 4);
    assert_int_equal(tlsc__hex_decode("0102030405", out, 4), -1);
    assert_int_equal(tlsc__hex_decode("00", out, 0), -1);
    assert_int_equal(tlsc__hex_decode("00", NULL, 0), -1);
    assert_int_equal(tlsc__hex_decode("00", NULL, 1), -1);

    /* A 64-byte PSK (128 hex digits) fills a 64-byte buffer exactly, one
     * byte more does not fit; out[64] is a guard that must stay intact. */
    char hex[131];
    memset(hex, 'a', 128);
    hex[128] = '\0';
    unsigned char key[65];
    memset(key, 0, sizeof key);
    assert_int_equal(tlsc__hex_decode(hex, key, 64), 64);
    assert_int_equal(key[63], 0xaa);
    assert_int_equal(key[64], 0);
    memcpy(hex + 128, "bb", 3);
    assert_int_equal(tlsc__hex_decode(hex, key, 64), -1);
    assert_int_equal(key[64], 0);
}

/* ---- tlsc__alpn_count ---------------------------------------------------- */

struct alpn_case {
    const char *list;
    int count;
};

static const struct alpn_case alpn_cases[] = {
    {"h2", 1},
    {"mqtt", 1},
    {"x", 1},
    {"h2,http/1.1", 2},
    {"http/1.1,h2,h3", 3},
    {"a,b,c,d,e,f,g,h", 8},
    {"a,b,c,d,e,f,g,h,i", -1},
    {"h2,h2", 2}, /* duplicates are the peer's problem, not malformed */
    {"\xc3\xa9t\xc3\xa9", 1}, /* opaque bytes >= 0x80 are allowed */
    {"", -1},
    {",", -1},
    {",,", -1},
    {"h2,", -1},
    {",h2", -1},
    {"h2,,http/1.1", -1},
    {"h2, http/1.1", -1},
    {"h2 ,http/1.1", -1},
    {" h2", -1},
    {"h2 ", -1},
    {"h 2", -1},
    {"\th2", -1},
    {"h2\n", -1},
    {"h2\r", -1},
    {"h2\v", -1},
    {"h2\f", -1},
    {"h\x01", -1},
    {"h\x1f", -1},
    {"h\x7f", -1},
};

static void test_alpn_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(alpn_cases); i++) {
        int n = tlsc__alpn_count(alpn_cases[i].list);
        UNIT_CHECK(failures, n == alpn_cases[i].count, "\"%s\": got %d, want %d",
                   alpn_cases[i].list, n, alpn_cases[i].count);
    }
    assert_int_equal(tlsc__alpn_count(NULL), -1);
    UNIT_DONE(failures);
}

/* Names of 255 bytes are the longest allowed; 8 of them are fine. */
static void test_alpn_name_length(void **state)
{
    (void)state;
    char list[8 * 256 + 16];

    memset(list, 'p', 255);
    list[255] = '\0';
    assert_int_equal(tlsc__alpn_count(list), 1);

    memset(list, 'p', 256);
    list[256] = '\0';
    assert_int_equal(tlsc__alpn_count(list), -1);

    memset(list, 'p', 255);
    memcpy(list + 255, ",h2", 4);
    assert_int_equal(tlsc__alpn_count(list), 2);

    memcpy(list, "h2,", 3);
    memset(list + 3, 'p', 256);
    list[3 + 256] = '\0';
    assert_int_equal(tlsc__alpn_count(list), -1);

    char *p = list;
    for (int i = 0; i < 8; i++) {
        if (i > 0)
            *p++ = ',';
        memset(p, 'a' + i, 255);
        p += 255;
    }
    *p = '\0';
    assert_int_equal(tlsc__alpn_count(list), 8);
}

/* Every byte value inside a name: only space, controls and DEL fail. */
static void test_alpn_every_byte(void **state)
{
    (void)state;
    int failures = 0;
    for (int c = 1; c < 256; c++) {
        char list[4] = {'a', (char)c, 'b', '\0'};
        int want = c == ',' ? 2 : (c <= 0x20 || c == 0x7f) ? -1 : 1;
        int got = tlsc__alpn_count(list);
        UNIT_CHECK(failures, got == want, "byte 0x%02x: got %d, want %d", c, got, want);
    }
    UNIT_DONE(failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_valid),
        cmocka_unit_test(test_hex_every_byte),
        cmocka_unit_test(test_hex_invalid),
        cmocka_unit_test(test_hex_capacity),
        cmocka_unit_test(test_alpn_table),
        cmocka_unit_test(test_alpn_name_length),
        cmocka_unit_test(test_alpn_every_byte),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
