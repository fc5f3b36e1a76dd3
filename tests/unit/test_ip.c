/*
 * tlsc__parse_ip: IPv4 and IPv6 literals, strict forms only.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/ip.h"

struct ip_case {
    const char *text;
    size_t len;              /* 4 or 16 */
    unsigned char bytes[16];
};

static const struct ip_case valid_cases[] = {
    {"0.0.0.0", 4, {0, 0, 0, 0}},
    {"255.255.255.255", 4, {255, 255, 255, 255}},
    {"192.0.2.1", 4, {192, 0, 2, 1}},
    {"10.0.0.10", 4, {10, 0, 0, 10}},
    {"1.20.100.200", 4, {1, 20, 100, 200}},
    {"::", 16, {0}},
    {"::1", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
    {"1::", 16, {0, 1}},
    {"2001:db8::1", 16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
    {"2001:DB8::A", 16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a}},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", 16,
     {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
    {"1:2:3:4:5:6:7:8", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
    {"1:2:3:4:5:6:7::", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0}},
    {"::2:3:4:5:6:7:8", 16, {0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
    {"1::8", 16, {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8}},
    {"1:2::7:8", 16, {0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8}},
    {"fe80::abcd:ef01", 16, {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0xef, 0x01}},
    {"::ffff:1.2.3.4", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}},
    {"::FFFF:192.0.2.1", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}},
    {"::1.2.3.4", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}},
    {"1:2:3:4:5:6:1.2.3.4", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
    {"64:ff9b::192.0.2.33", 16, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 33}},
    {"1::0.0.0.0", 16, {0, 1}},
    {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 16,
     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 255, 255, 255, 255}},
    {"[::1]", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
    {"[2001:db8::1]", 16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
    {"[::ffff:1.2.3.4]", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}},
    {"[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]", 16,
     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 255, 255, 255, 255}},
};

static const char *const invalid_cases[] = {
    /* not addresses at all */
    "", " ", "example.com", "localhost", "a", ".", ":", "[]", "[",
    /* IPv4: wrong number of parts, out of range, leading zeros, junk */
    "1.2.3", "1.2.3.4.5", "127.1", "2130706433", "256.1.1.1", "1.2.3.256",
    "1.2.3.999", "1234.1.1.1", "01.2.3.4", "1.2.3.04", "00.1.2.3", "1.2.3.00",
    "1.2.3.0000", "0x7f.0.0.1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4x", "1..2.3",
    ".1.2.3.4", "1.2.3.4.", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/24",
    "1.2.3.4:443", "1.2.3.\n4", "[1.2.3.4]", "1.2.3.4]", "[1.2.3.4",
    /* IPv6: group count */
    ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1::2::3", "::1::", "::::",
    /* IPv6: group syntax */
    "12345::", "00001::1", "g::1", "::-1", "0x1::", "1:2:3:4:5:6:7:8 ",
    " ::1", "::1 ", "::1\n", ":: ", "1 ::2",
    /* IPv6: stray colons */
    ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", ":1::2", "1::2:", "1:::2",
    ":1::", "::1:",
    /* IPv6: zone ids, ports, bad brackets */
    "::1%eth0", "fe80::1%25eth0", "[::1", "::1]", "[[::1]]", "[::1]:443",
    "[ ::1]", "[::1] ", "[1.2.3.4]", "[example.com]", "[]",
    /* IPv6: embedded IPv4 misplaced or malformed */
    "::ffff:1.2.3", "::ffff:1.2.3.256", "::ffff:01.2.3.4", "::1.2.3.4:1",
    "1.2.3.4::", "1.2.3.4::1", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4.5",
    "1:2:3:4:5:6:7:8:1.2.3.4", "::1.2.3.4.", "::ffff:.1.2.3",
    "1:2:3:4:5:6:1.2.3.4::",
};

static void test_valid_literals(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(valid_cases); i++) {
        const struct ip_case *c = &valid_cases[i];
        unsigned char out[16];
        memset(out, 0xa5, sizeof out);
        size_t len = 0;
        bool ok = tlsc__parse_ip(c->text, out, &len);
        UNIT_CHECK(failures, ok, "\"%s\" rejected", c->text);
        if (!ok)
            continue;
        UNIT_CHECK(failures, len == c->len, "\"%s\": length %zu, want %zu",
                   c->text, len, c->len);
        UNIT_CHECK(failures, memcmp(out, c->bytes, c->len) == 0,
                   "\"%s\": wrong bytes", c->text);
    }
    UNIT_DONE(failures);
}

/* A failing parse must leave both outputs as they were. */
static void test_invalid_literals(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(invalid_cases); i++) {
        unsigned char out[16];
        memset(out, 0xa5, sizeof out);
        size_t len = 99;
        bool ok = tlsc__parse_ip(invalid_cases[i], out, &len);
        UNIT_CHECK(failures, !ok, "\"%s\" accepted", invalid_cases[i]);
        bool untouched = len == 99;
        for (size_t j = 0; j < sizeof out; j++)
            untouched = untouched && out[j] == 0xa5;
        UNIT_CHECK(failures, untouched, "\"%s\": outputs written on failure",
                   invalid_cases[i]);
    }
    UNIT_DONE(failures);
}

static void test_null_and_long_input(void **state)
{
    (void)state;
    unsigned char out[16];
    size_t len;
    assert_false(tlsc__parse_ip(NULL, out, &len));
    assert_false(tlsc__parse_ip("::1", NULL, &len));
    assert_false(tlsc__parse_ip("::1", out, NULL));

    /* Longer than any literal: rejected without reading it all. */
    char big[4096];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(tlsc__parse_ip(big, out, &len));
    /* A group has at most 4 hex digits, zero padding included. */
    assert_false(tlsc__parse_ip("0000:0000:0000:0000:0000:0000:0000:00001", out, &len));
}

/* Every address the system prints (RFC 5952 form, and the v4-mapped form)
 * must parse back to the same bytes. */
static void test_roundtrip_inet_ntop(void **state)
{
    (void)state;
    int failures = 0;
    srand(12345);
    for (int i = 0; i < 20000; i++) {
        unsigned char addr[16];
        for (size_t j = 0; j < sizeof addr; j++) {
            /* Many zero bytes, so that "::" runs of every length appear. */
            addr[j] = (rand() % 3 == 0) ? (unsigned char)rand() : 0;
        }
        int family = (i % 4 == 0) ? AF_INET : AF_INET6;
        char text[INET6_ADDRSTRLEN];
        assert_non_null(inet_ntop(family, addr, text, sizeof text));
        unsigned char out[16];
        size_t len = 0;
        size_t want = family == AF_INET ? 4 : 16;
        bool ok = tlsc__parse_ip(text, out, &len);
        UNIT_CHECK(failures, ok && len == want && memcmp(out, addr, want) == 0,
                   "round trip of \"%s\"", text);
        if (failures > 20)
            break;
    }
    UNIT_DONE(failures);
}

/*
 * Differential check against glibc's inet_pton, whose rules for unbracketed
 * literals are the same strict ones (no leading zeros in IPv4, "::" at most
 * once and for at least one group, IPv4 tail last). Generated strings find
 * corner cases no hand-written list would.
 */
struct diff_stats {
    int failures;
    int v4, v6, v6_tail; /* how many valid literals were generated */
};

static void compare_with_inet_pton(const char *text, struct diff_stats *st)
{
    unsigned char sys[16];
    size_t want = 0;
    if (inet_pton(AF_INET, text, sys) == 1)
        want = 4;
    else if (inet_pton(AF_INET6, text, sys) == 1)
        want = 16;
    st->v4 += want == 4;
    st->v6 += want == 16;
    st->v6_tail += want == 16 && strchr(text, '.') != NULL;

    unsigned char out[16];
    size_t len = 0;
    bool ok = tlsc__parse_ip(text, out, &len);
    bool same = ok ? (len == want && memcmp(out, sys, len) == 0) : want == 0;
    if (st->failures < 20)
        UNIT_CHECK(st->failures, same, "\"%s\": tlsc says %s/%zu, inet_pton %zu",
                   text, ok ? "ok" : "invalid", ok ? len : 0, want);
}

static void append_one(char *text, size_t cap, const char *const *set, size_t n)
{
    const char *t = set[(size_t)rand() % n];
    if (strlen(text) + strlen(t) < cap)
        strcat(text, t);
}

/* Mostly well-formed: groups (some bad) joined by separators (some bad),
 * sometimes with an IPv4 tail (some bad). */
static void structured_literal(char *text, size_t cap)
{
    static const char *const groups[] = {"0", "1", "00", "0a", "ffff", "0DB8",
                                         "12345", "g", ""};
    static const char *const seps[] = {":", ":", ":", ":", ":", "::", "::", ".", ":::"};
    static const char *const tails[] = {"1.2.3.4", "0.0.0.0", "255.255.255.255",
                                        "256.0.0.1", "1.02.3.4", "1.2.3",
                                        "1.2.3.4.", ""};
    size_t ng = UNIT_ARRAY_LEN(groups), ns = UNIT_ARRAY_LEN(seps);
    text[0] = '\0';
    int k = rand() % 10;
    if (rand() % 2)
        append_one(text, cap, seps, ns);
    for (int j = 0; j < k; j++) {
        append_one(text, cap, groups, ng);
        if (j + 1 < k)
            append_one(text, cap, seps, ns);
    }
    if (rand() % 3 == 0) {
        if (k > 0)
            append_one(text, cap, seps, ns);
        append_one(text, cap, tails, UNIT_ARRAY_LEN(tails));
    } else if (rand() % 4 == 0) {
        append_one(text, cap, seps, ns);
    }
}

/* Unstructured noise over the characters that matter. */
static void random_literal(char *text, size_t cap)
{
    static const char alphabet[] = "0119af:::..";
    size_t n = 1 + (size_t)rand() % (cap - 1);
    for (size_t j = 0; j < n; j++)
        text[j] = alphabet[rand() % (int)(sizeof alphabet - 1)];
    text[n] = '\0';
}

static void test_agrees_with_inet_pton(void **state)
{
    (void)state;
    struct diff_stats st = {0, 0, 0, 0};
    srand(4242);
    for (int i = 0; i < 200000; i++) {
        char text[64];
        structured_literal(text, sizeof text);
        compare_with_inet_pton(text, &st);
        random_literal(text, 24);
        compare_with_inet_pton(text, &st);
    }
    UNIT_DONE(st.failures);
    /* The generators must keep producing valid literals of every kind,
     * or this test would silently compare only rejections. */
    assert_true(st.v4 > 500);
    assert_true(st.v6 > 5000);
    assert_true(st.v6_tail > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_literals),
        cmocka_unit_test(test_invalid_literals),
        cmocka_unit_test(test_null_and_long_input),
        cmocka_unit_test(test_roundtrip_inet_ntop),
        cmocka_unit_test(test_agrees_with_inet_pton),
    };
    return cmocka_run_group_tests_name("ip", tests, NULL, NULL);
}
