/*
 * tlsc_url_parse and tlsc_url_resolve (src/http/url.c): what is accepted,
 * what is refused and why, and RFC 3986 reference resolution.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "tlsc/http.h"

struct good {
    const char *url, *host, *target;
    unsigned port;
    bool ipv6;
};

static const struct good goods[] = {
    {"https://example.com", "example.com", "/", 443, false},
    {"https://example.com/", "example.com", "/", 443, false},
    {"HTTPS://Example.COM/Path?Q=1", "example.com", "/Path?Q=1", 443, false},
    {"https://example.com:8443/fw.bin", "example.com", "/fw.bin", 8443, false},
    {"https://example.com?x=1", "example.com", "/?x=1", 443, false},
    {"https://example.com/a#frag", "example.com", "/a", 443, false},
    {"https://192.0.2.1:1/", "192.0.2.1", "/", 1, false},
    {"https://[::1]:4433/x", "::1", "/x", 4433, true},
    {"https://[2001:db8::1]/", "2001:db8::1", "/", 443, true},
    {"https://a.example/%20%41?q=%7e", "a.example", "/%20%41?q=%7e", 443, false},
    {"https://h/p:@!$&'()*+,;=-._~", "h", "/p:@!$&'()*+,;=-._~", 443, false},
    {"https://example.com:65535", "example.com", "/", 65535, false},
};

static void test_good(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(goods); i++) {
        tlsc_url u;
        char detail[256];
        tlsc_err err = tlsc_url_parse(goods[i].url, &u, detail, sizeof detail);
        UNIT_CHECK(failures, err == TLSC_OK, "%s: %d %s", goods[i].url, (int)err, detail);
        if (err != TLSC_OK)
            continue;
        UNIT_CHECK(failures, strcmp(u.host, goods[i].host) == 0, "%s: host %s", goods[i].url, u.host);
        UNIT_CHECK(failures, strcmp(u.target, goods[i].target) == 0, "%s: target %s", goods[i].url,
                   u.target);
        UNIT_CHECK(failures, u.port == goods[i].port, "%s: port %u", goods[i].url, u.port);
        UNIT_CHECK(failures, u.ipv6 == goods[i].ipv6, "%s: ipv6", goods[i].url);
    }
    UNIT_DONE(failures);
}

struct bad {
    const char *url, *detail_has;
};

static const struct bad bads[] = {
    {"http://example.com/", "scheme http is refused"},
    {"ftp://example.com/", "scheme 'ftp' is not supported"},
    {"example.com/fw.bin", "not an absolute URL"},
    {"/fw.bin", "not an absolute URL"},
    {"https:example.com", "expected '//'"},
    {"https://user:pw@example.com/", "user name or password"},
    {"https://user@example.com/", "user name or password"},
    {"https:///path", "no host"},
    {"https://:443/", "no host"},
    {"https://example.com:0/", "out of range"},
    {"https://example.com:65536/", "out of range"},
    {"https://example.com:/", "not a number"},
    {"https://example.com:44a/", "not a number"},
    {"https://example.com:-1/", "not a number"},
    {"https://exa mple.com/", "not a valid host"},
    {"https://exa_mple..com/", "not a valid host"},
    {"https://-bad.example/", "not a valid host"},
    {"https://1.2.3.256/", "not a valid host"},
    {"https://[::1/", "not closed"},
    {"https://[]/", "not closed"},
    {"https://[192.0.2.1]/", "not an IPv6 address"},
    {"https://[fe80::1%25eth0]/", "not an IPv6 address"},
    {"https://[::1]x/", "unexpected text"},
    {"https://example.com/a b", "0x20"},
    {"https://example.com/a\r\nX-Injected: 1", "0x0d"},
    {"https://example.com/%zz", "two hex digits"},
    {"https://example.com/%4", "two hex digits"},
    {"https://example.com/\"", "0x22"},
    {"https://example.com/\x80", "0x80"},
};

static void test_bad(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(bads); i++) {
        tlsc_url u;
        memset(&u, 0x5a, sizeof u);
        char detail[256] = "";
        tlsc_err err = tlsc_url_parse(bads[i].url, &u, detail, sizeof detail);
        UNIT_CHECK(failures, err == TLSC_ERR_HTTP_URL, "%s: accepted or wrong code %d", bads[i].url,
                   (int)err);
        UNIT_CHECK(failures, strstr(detail, bads[i].detail_has) != NULL, "%s: detail \"%s\"",
                   bads[i].url, detail);
        UNIT_CHECK(failures, u.host[0] == 0x5a, "%s: output touched on failure", bads[i].url);
    }
    UNIT_DONE(failures);
}

static void test_limits(void **state)
{
    (void)state;
    static char url[TLSC_URL_TARGET_MAX + 64];
    tlsc_url u;
    char detail[256];
    strcpy(url, "https://h/");
    memset(url + 10, 'a', TLSC_URL_TARGET_MAX - 1);
    url[10 + TLSC_URL_TARGET_MAX - 1] = '\0';
    assert_int_equal(tlsc_url_parse(url, &u, detail, sizeof detail), TLSC_OK);
    assert_int_equal(strlen(u.target), TLSC_URL_TARGET_MAX);
    strcat(url, "b");
    assert_int_equal(tlsc_url_parse(url, &u, detail, sizeof detail), TLSC_ERR_HTTP_URL);
    assert_non_null(strstr(detail, "more than"));
    /* 254-character host */
    strcpy(url, "https://");
    for (int i = 0; i < 50; i++)
        strcat(url, "abcd.");
    strcat(url, "abcd/");
    assert_int_equal(tlsc_url_parse(url, &u, detail, sizeof detail), TLSC_ERR_HTTP_URL);
    assert_int_equal(tlsc_url_parse(NULL, &u, NULL, 0), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_url_parse("https://h/", NULL, NULL, 0), TLSC_ERR_INVALID_ARG);
    /* NULL detail is fine */
    assert_int_equal(tlsc_url_parse("http://h/", &u, NULL, 0), TLSC_ERR_HTTP_URL);
}

struct rel {
    const char *ref, *expect; /* expect NULL: refused */
};

/* RFC 3986 5.4.1's normal examples, with base https://a/b/c/d;p?q */
static const struct rel rels[] = {
    {"g", "https://a/b/c/g"},
    {"./g", "https://a/b/c/g"},
    {"g/", "https://a/b/c/g/"},
    {"/g", "https://a/g"},
    {"//g", "https://g/"},
    {"?y", "https://a/b/c/d;p?y"},
    {"g?y", "https://a/b/c/g?y"},
    {"#s", "https://a/b/c/d;p?q"},
    {"g#s", "https://a/b/c/g"},
    {";x", "https://a/b/c/;x"},
    {"", "https://a/b/c/d;p?q"},
    {".", "https://a/b/c/"},
    {"./", "https://a/b/c/"},
    {"..", "https://a/b/"},
    {"../", "https://a/b/"},
    {"../g", "https://a/b/g"},
    {"../..", "https://a/"},
    {"../../", "https://a/"},
    {"../../g", "https://a/g"},
    {"../../../g", "https://a/g"},
    {"/./g", "https://a/g"},
    {"/../g", "https://a/g"},
    {"g.", "https://a/b/c/g."},
    {"..g", "https://a/b/c/..g"},
    {"./../g", "https://a/b/g"},
    {"g/./h", "https://a/b/c/g/h"},
    {"g/../h", "https://a/b/c/h"},
    {"https://other:8443/x", "https://other:8443/x"},
    {"http://a/b", NULL},
    {"//user@evil/", NULL},
    {"g h", NULL},
};

static void test_resolve(void **state)
{
    (void)state;
    int failures = 0;
    tlsc_url base, u;
    char detail[256], text[TLSC_URL_TARGET_MAX + 300];
    assert_int_equal(tlsc_url_parse("https://a/b/c/d;p?q", &base, NULL, 0), TLSC_OK);
    for (size_t i = 0; i < UNIT_ARRAY_LEN(rels); i++) {
        tlsc_err err = tlsc_url_resolve(&base, rels[i].ref, &u, detail, sizeof detail);
        if (rels[i].expect == NULL) {
            UNIT_CHECK(failures, err == TLSC_ERR_HTTP_URL, "'%s': accepted", rels[i].ref);
            continue;
        }
        UNIT_CHECK(failures, err == TLSC_OK, "'%s': %s", rels[i].ref, detail);
        if (err != TLSC_OK)
            continue;
        (void)snprintf(text, sizeof text, "https://%s%s%s%s", u.ipv6 ? "[" : "", u.host,
                       u.ipv6 ? "]" : "", "");
        if (u.port != 443)
            (void)snprintf(text + strlen(text), sizeof text - strlen(text), ":%u", u.port);
        strcat(text, u.target);
        UNIT_CHECK(failures, strcmp(text, rels[i].expect) == 0, "'%s' -> %s, expected %s",
                   rels[i].ref, text, rels[i].expect);
    }
    UNIT_DONE(failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
