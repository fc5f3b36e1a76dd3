/*
 * tlsc__host_valid, tlsc__host_copy and tlsc__dns_name_matches (RFC 6125 name
 * matching): the one canonical form of a host name.
 */
#include "unit.h"

#include <string.h>

#include "core/base/hostname.h"

/* ---- tlsc__host_valid ---------------------------------------------------- */

static const char *const valid_hosts[] = {
    "a", "localhost", "example.com", "example.com.", "EXAMPLE.Com",
    "www.example.co.uk", "a-b.c-d.example", "a--b.example", "_dmarc.example.com",
    "a_b.example", "3com.com", "123.example", "0.example", "xn--bcher-kva.example",
    "xn--80ak6aa92e.xn--p1ai", "a.b.c.d.e.f.g",
    /* IP literals, as tlsc__parse_ip takes them */
    "192.0.2.1", "0.0.0.0", "::1", "2001:db8::1", "[::1]", "::ffff:1.2.3.4",
};

static const char *const invalid_hosts[] = {
    "", ".", "..", ".example.com", "example..com", "example.com..",
    "-a.example", "a-.example", "a.-b.example", "a.b-.example", "-", "a.-",
    "exa mple.com", " example.com", "example.com ", "a\tb.example",
    "example.com\n", "*.example.com", "ex*ample.com", "a@b.example",
    "a:b", "example.com:443", "1.2.3.4:443", "example.com/", "a/b",
    "bu\xcc\x88" "cher.example", "b\xc3\xbc" "cher.example", "\xff",
    "[1.2.3.4]", "[example.com]", "[::1]:443", "[::1", "::1]", "a,b",
    "exam%ple.com", "a\\b", "a\"b",
    /* numeric last label: a resolver reads these as IPv4 (RFC 1123 2.1) */
    "010.0.0.1", "1.2.3", "1", "127.1", "0x7f000001", "a.0X1", "host.123",
    "256.256.256.256", "1.2.3.4.",
};

static void test_host_valid_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(valid_hosts); i++)
        UNIT_CHECK(failures, tlsc__host_valid(valid_hosts[i]), "\"%s\" rejected",
                   valid_hosts[i]);
    for (size_t i = 0; i < UNIT_ARRAY_LEN(invalid_hosts); i++)
        UNIT_CHECK(failures, !tlsc__host_valid(invalid_hosts[i]), "\"%s\" accepted",
                   invalid_hosts[i]);
    UNIT_DONE(failures);
}

/* Build labels of the given lengths joined by dots, into out. */
static void make_name(char *out, const size_t *lens, size_t count, bool trailing_dot)
{
    char *p = out;
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            *p++ = '.';
        memset(p, 'a' + (int)(i % 26), lens[i]);
        p += lens[i];
    }
    if (trailing_dot)
        *p++ = '.';
    *p = '\0';
}

static void test_host_length_limits(void **state)
{
    (void)state;
    char name[512];

    const size_t l63[] = {63};
    make_name(name, l63, 1, false);
    assert_true(tlsc__host_valid(name));
    const size_t l64[] = {64};
    make_name(name, l64, 1, false);
    assert_false(tlsc__host_valid(name));
    const size_t mid64[] = {3, 64, 3};
    make_name(name, mid64, 3, false);
    assert_false(tlsc__host_valid(name));

    /* 63+1+63+1+63+1+61 = 253 characters: the longest name. */
    const size_t l253[] = {63, 63, 63, 61};
    make_name(name, l253, 4, false);
    assert_int_equal(strlen(name), 253);
    assert_true(tlsc__host_valid(name));
    /* 254 characters. */
    const size_t l254[] = {63, 63, 63, 62};
    make_name(name, l254, 4, false);
    assert_int_equal(strlen(name), 254);
    assert_false(tlsc__host_valid(name));
    /* The limit counts the trailing dot: 252 + "." is fine, 253 + "." is
     * not (hosts are copied into char[TLSC_HOST_MAX + 1]). */
    const size_t l252[] = {63, 63, 63, 60};
    make_name(name, l252, 4, true);
    assert_int_equal(strlen(name), 253);
    assert_true(tlsc__host_valid(name));
    make_name(name, l253, 4, true);
    assert_int_equal(strlen(name), 254);
    assert_false(tlsc__host_valid(name));

    /* Very long input is rejected without reading it all. */
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(tlsc__host_valid(big));
    assert_false(tlsc__host_valid(NULL));
}

/* Every byte value as a one-character label: only LDH and '_' pass. */
static void test_host_every_byte(void **state)
{
    (void)state;
    int failures = 0;
    for (int c = 1; c < 256; c++) {
        char name[8] = {'a', (char)c, 'b', '.', 'x', '\0'};
        bool want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        UNIT_CHECK(failures, tlsc__host_valid(name) == want, "byte 0x%02x: got %d",
                   c, !want);
    }
    UNIT_DONE(failures);
}

/* ---- tlsc__dns_name_matches --------------------------------------------- */

struct match_case {
    const char *pattern;
    const char *host;
    bool match;
};

static const struct match_case match_cases[] = {
    /* exact, case-insensitive */
    {"example.com", "example.com", true},
    {"Example.COM", "example.com", true},
    {"example.com", "EXAMPLE.COM", true},
    {"localhost", "localhost", true},
    {"a.b.c.d.example", "A.B.C.D.EXAMPLE", true},
    {"example.com", "www.example.com", false},
    {"www.example.com", "example.com", false},
    {"example.com", "example.org", false},
    {"example.com", "example.co", false},
    {"example.co", "example.com", false},
    {"example.com", "xexample.com", false},
    {"example.com", "", false},
    /* an absolute name (trailing dot) on either side matches nothing: the
     * host's dot is removed once, by tlsc__host_copy, and certificates
     * must present relative names (the name-constraint check agrees) */
    {"example.com.", "example.com", false},
    {"example.com", "example.com.", false},
    {"example.com.", "example.com.", false},
    {"EXAMPLE.COM.", "example.com", false},
    {"localhost.", "localhost", false},
    {"example.com..", "example.com.", false},
    {"example.com.", "example.com..", false},
    {"example.com", "example.com..", false},
    /* wildcards: one whole left-most label, exactly one host label */
    {"*.example.com", "a.example.com", true},
    {"*.example.com", "WWW.Example.Com", true},
    {"*.EXAMPLE.com", "foo.example.com", true},
    {"*.EXAMPLE.com", "foo.example.com.", false},
    {"*.example.com.", "foo.example.com", false},
    {"*.example.com.", "foo.example.com.", false},
    {"*.example.com", "a-b_c.example.com", true},
    {"*.a.b", "x.a.b", true},
    {"*.example.com", "example.com", false},
    {"*.example.com", "example.com.", false},
    {"*.example.com", ".example.com", false},
    {"*.example.com", "a.b.example.com", false},
    {"*.example.com", "aexample.com", false},
    {"*.example.com", "a.example.org", false},
    {"*.example.com", "a.example.com.evil", false},
    {"*.example.com", "", false},
    /* partial and misplaced wildcards match nothing */
    {"f*.example.com", "foo.example.com", false},
    {"*oo.example.com", "foo.example.com", false},
    {"f*o.example.com", "foo.example.com", false},
    {"**.example.com", "foo.example.com", false},
    {"*.*.example.com", "a.b.example.com", false},
    {"a.*.example.com", "a.b.example.com", false},
    {"*.example.*", "a.example.com", false},
    {"example.*", "example.com", false},
    {"*example.com", "example.com", false},
    {"*example.com", "aexample.com", false},
    {"*.ex*ample.com", "a.example.com", false},
    {"xn--*.example.com", "xn--bcher-kva.example.com", false},
    /* ... even against a host spelled the same way */
    {"f*.example.com", "f*.example.com", false},
    {"a.*.example.com", "a.*.example.com", false},
    {"*.*.example.com", "a.*.example.com", false},
    {"example.*", "example.*", false},
    /* too few labels after the wildcard */
    {"*.com", "example.com", false},
    {"*.com.", "example.com", false},
    {"*.com", "example.com.", false},
    {"*", "example", false},
    {"*", "*", false},
    {"*.", "a.", false},
    {"*.", "a", false},
    /* never an IP-literal host */
    {"*.2.3.4", "1.2.3.4", false},
    {"*.0.2.1", "192.0.2.1.", false},
    {"*.168.1.1", "192.168.1.1", false},
    {"*.2.3.4", "::ffff:1.2.3.4", false},
    /* but a name that merely looks numeric is a name */
    {"*.2.3.4.example", "1.2.3.4.example", true},
    /* empty labels match nothing */
    {"example..com", "example..com", false},
    {".example.com", ".example.com", false},
    {"..", "..", false},
    {".", ".", false},
    {"", "", false},
    {".", "", false},
    {"*..com", "a..com", false},
    {"*.example..com", "a.example..com", false},
    /* IDNA: A-labels are plain ASCII, U-labels are bytes compared exactly */
    {"xn--bcher-kva.example", "XN--BCHER-KVA.example", true},
    {"*.xn--bcher-kva.example", "a.xn--bcher-kva.example", true},
    {"*.example.com", "xn--80ak6aa92e.example.com", true},
    {"xn--bcher-kva.example", "bucher.example", false},
    {"b\xc3\xbc" "cher.example", "b\xc3\x9c" "cher.example", false},
    {"\xe9.example", "\xc9.example", false},
    /* only letters fold: a naive "c | 0x20" would pair these */
    {"a@b.example", "a`b.example", false},
    {"a[b.example", "a{b.example", false},
    {"a]b.example", "a}b.example", false},
    {"a^b.example", "a~b.example", false},
    {"a_b.example", "a\x7f" "b.example", false},
};

static void test_match_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(match_cases); i++) {
        const struct match_case *c = &match_cases[i];
        bool got = tlsc__dns_name_matches(c->pattern, strlen(c->pattern), c->host);
        UNIT_CHECK(failures, got == c->match, "pattern \"%s\" vs host \"%s\": got %s",
                   c->pattern, c->host, got ? "match" : "no match");
    }
    UNIT_DONE(failures);
}

/* The pattern is pattern_len bytes of arbitrary data, not a C string. */
static void test_match_uses_pattern_len(void **state)
{
    (void)state;
    assert_true(tlsc__dns_name_matches("example.comXYZ", 11, "example.com"));
    assert_true(tlsc__dns_name_matches("example.com", 7, "example"));
    assert_false(tlsc__dns_name_matches("example.com", 10, "example.com"));
    assert_false(tlsc__dns_name_matches("example.com", 0, ""));
    assert_false(tlsc__dns_name_matches("example.com", 0, "example.com"));
    assert_true(tlsc__dns_name_matches("*.example.com.x", 13, "a.example.com"));
    assert_false(tlsc__dns_name_matches("*.example.com.x", 14, "a.example.com"));

    /* Not NUL-terminated at all: exactly the bytes given are read. */
    static const char raw[11] = {'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'};
    assert_true(tlsc__dns_name_matches(raw, sizeof raw, "example.com"));
}

/* A NUL inside the pattern ("good.com\0.evil.com") is always refused. */
static void test_match_embedded_nul(void **state)
{
    (void)state;
    static const char p1[] = "example.com\0.evil.com";
    assert_false(tlsc__dns_name_matches(p1, sizeof p1 - 1, "example.com"));
    assert_false(tlsc__dns_name_matches(p1, sizeof p1 - 1, "example.com.evil.com"));
    static const char p2[] = "example.com\0";
    assert_false(tlsc__dns_name_matches(p2, sizeof p2 - 1, "example.com"));
    static const char p3[] = "exa\0mple.com";
    assert_false(tlsc__dns_name_matches(p3, sizeof p3 - 1, "exa"));
    static const char p4[] = "*.example.com\0";
    assert_false(tlsc__dns_name_matches(p4, sizeof p4 - 1, "a.example.com"));
    static const char p5[] = "\0";
    assert_false(tlsc__dns_name_matches(p5, 1, ""));
    static const char p6[] = "\0.example.com";
    assert_false(tlsc__dns_name_matches(p6, sizeof p6 - 1, ".example.com"));
}

static void test_match_null(void **state)
{
    (void)state;
    assert_false(tlsc__dns_name_matches(NULL, 0, "example.com"));
    assert_false(tlsc__dns_name_matches(NULL, 11, "example.com"));
    assert_false(tlsc__dns_name_matches("example.com", 11, NULL));
}

/* The one canonical form of a host: brackets off, lower case, and with
 * canonical, no final dot; invalid hosts write nothing. */
static void test_host_copy(void **state)
{
    (void)state;
    static const struct {
        const char *in, *as_given, *canonical;
    } cases[] = {
        {"Example.COM", "example.com", "example.com"},
        {"example.com.", "example.com.", "example.com"},
        {"LOCALHOST.", "localhost.", "localhost"},
        {"a.", "a.", "a"},
        {"127.0.0.1", "127.0.0.1", "127.0.0.1"},
        {"[::1]", "::1", "::1"},
        {"[2001:DB8::1]", "2001:db8::1", "2001:db8::1"},
        {"2001:DB8::1", "2001:db8::1", "2001:db8::1"},
    };
    char out[TLSC_HOST_MAX + 1];
    for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
        assert_true(tlsc__host_copy(cases[i].in, out, false));
        assert_string_equal(out, cases[i].as_given);
        assert_true(tlsc__host_copy(cases[i].in, out, true));
        assert_string_equal(out, cases[i].canonical);
        /* the canonical form is its own canonical form, and matches itself */
        char again[TLSC_HOST_MAX + 1];
        assert_true(tlsc__host_copy(cases[i].canonical, again, true));
        assert_string_equal(again, cases[i].canonical);
    }
    static const char *const bad[] = {"", ".", "example.com..", "127.0.0.1.", "[::1].", NULL};
    for (size_t i = 0; i < UNIT_ARRAY_LEN(bad); i++) {
        memcpy(out, "keep", 5);
        assert_false(tlsc__host_copy(bad[i], out, true));
        assert_false(tlsc__host_copy(bad[i], out, false));
        assert_string_equal(out, "keep");
    }
    assert_false(tlsc__host_copy("example.com", NULL, true));
    /* the canonical host matches a relative SAN, never an absolute one */
    assert_true(tlsc__host_copy("WWW.Example.com.", out, true));
    assert_true(tlsc__dns_name_matches("www.example.com", 15, out));
    assert_true(tlsc__dns_name_matches("*.EXAMPLE.com", 13, out));
    assert_false(tlsc__dns_name_matches("www.example.com.", 16, out));
    assert_false(tlsc__dns_name_matches("*.example.com.", 14, out));
}

static void test_absolute(void **state)
{
    (void)state;
    assert_true(tlsc__dns_name_is_absolute("a.", 2));
    assert_true(tlsc__dns_name_is_absolute(".", 1));
    assert_true(tlsc__dns_name_is_absolute("a.bX", 2));
    assert_false(tlsc__dns_name_is_absolute("a.", 1));
    assert_false(tlsc__dns_name_is_absolute("a", 1));
    assert_false(tlsc__dns_name_is_absolute("", 0));
    assert_false(tlsc__dns_name_is_absolute(NULL, 3));
}

/* A wildcard never covers an IP-literal host, whatever the form; the same
 * labels in a name are an ordinary name. */
static void test_match_ip_hosts(void **state)
{
    (void)state;
    assert_false(tlsc__dns_name_matches("*.2.3.4", 7, "1.2.3.4"));
    assert_false(tlsc__dns_name_matches("*.2.3.4", 7, "1.2.3.4."));
    assert_false(tlsc__dns_name_matches("*.0.0.1", 7, "127.0.0.1"));
    assert_false(tlsc__dns_name_matches("*.2.3.4", 7, "::ffff:1.2.3.4"));
    assert_false(tlsc__dns_name_matches("*.2.3.4", 7, "[::ffff:1.2.3.4]"));
    assert_true(tlsc__dns_name_matches("*.2.3.4", 7, "a.2.3.4"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_valid_table),
        cmocka_unit_test(test_host_length_limits),
        cmocka_unit_test(test_host_every_byte),
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_match_uses_pattern_len),
        cmocka_unit_test(test_match_embedded_nul),
        cmocka_unit_test(test_match_null),
        cmocka_unit_test(test_match_ip_hosts),
        cmocka_unit_test(test_host_copy),
        cmocka_unit_test(test_absolute),
    };
    return cmocka_run_group_tests_name("hostname", tests, NULL, NULL);
}
