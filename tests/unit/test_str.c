/*
 * tlsc__str_append: bounded formatting into fixed buffers (error details,
 * log lines). Every test checks the guard bytes after the buffer.
 */
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "core/base/text.h"

#define GUARD 16

/* A buffer of cap bytes holding `initial`, followed by GUARD guard bytes. */
struct buf {
    char bytes[256 + GUARD];
    size_t cap;
};

static void buf_init(struct buf *b, size_t cap, const char *initial)
{
    assert_true(cap + GUARD <= sizeof b->bytes);
    memset(b->bytes, '#', sizeof b->bytes);
    b->cap = cap;
    if (cap > 0)
        snprintf(b->bytes, cap, "%s", initial);
}

static void assert_guard_intact(const struct buf *b)
{
    for (size_t i = b->cap; i < b->cap + GUARD; i++)
        assert_int_equal(b->bytes[i], '#');
}

static void assert_content(const struct buf *b, const char *want)
{
    assert_non_null(memchr(b->bytes, '\0', b->cap));
    assert_string_equal(b->bytes, want);
    assert_guard_intact(b);
}

static void test_appends_that_fit(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 32, "");
    assert_true(tlsc__str_append(b.bytes, b.cap, "abc"));
    assert_content(&b, "abc");
    assert_true(tlsc__str_append(b.bytes, b.cap, "def%d", 42));
    assert_content(&b, "abcdef42");
    assert_true(tlsc__str_append(b.bytes, b.cap, " %s=%zu %.3s %%", "n", (size_t)7, "xyzzy"));
    assert_content(&b, "abcdef42 n=7 xyz %");
    assert_true(tlsc__str_append(b.bytes, b.cap, "%s", ""));
    assert_content(&b, "abcdef42 n=7 xyz %");

    /* Exactly cap - 1 characters fit. */
    buf_init(&b, 4, "");
    assert_true(tlsc__str_append(b.bytes, b.cap, "abc"));
    assert_content(&b, "abc");
    buf_init(&b, 8, "abc");
    assert_true(tlsc__str_append(b.bytes, b.cap, "defg"));
    assert_content(&b, "abcdefg");
}

static void test_truncation_marker(void **state)
{
    (void)state;
    struct buf b;

    buf_init(&b, 8, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "abcdefghij"));
    assert_content(&b, "abcd...");

    /* One character too many is truncation too. */
    buf_init(&b, 8, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "abcdefgh"));
    assert_content(&b, "abcd...");

    /* The marker may cover text that was there before. */
    buf_init(&b, 10, "hello");
    assert_false(tlsc__str_append(b.bytes, b.cap, " world"));
    assert_content(&b, "hello ...");
    buf_init(&b, 8, "abcdefg");
    assert_false(tlsc__str_append(b.bytes, b.cap, "x"));
    assert_content(&b, "abcd...");

    /* Smallest buffer that can hold the whole marker. */
    buf_init(&b, 4, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "abcd"));
    assert_content(&b, "...");

    /* Large overflow: prefix kept, length cap - 1. */
    char big[1000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_init(&b, 64, "start:");
    assert_false(tlsc__str_append(b.bytes, b.cap, "%s", big));
    assert_int_equal(strlen(b.bytes), 63);
    assert_memory_equal(b.bytes, "start:zzz", 9);
    assert_memory_equal(b.bytes + 60, "...", 4);
    assert_guard_intact(&b);
}

/* Further appends to a truncated buffer keep it truncated and marked. */
static void test_append_after_truncation(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "abcdefghij"));
    assert_false(tlsc__str_append(b.bytes, b.cap, "more"));
    assert_content(&b, "abcd...");
    /* Appending nothing to a full buffer loses nothing. */
    assert_true(tlsc__str_append(b.bytes, b.cap, "%s", ""));
    assert_content(&b, "abcd...");
}

/* Below 4 bytes the marker is cut to what fits; the string always ends. */
static void test_tiny_buffers(void **state)
{
    (void)state;
    struct buf b;

    buf_init(&b, 1, "");
    assert_true(tlsc__str_append(b.bytes, b.cap, "%s", ""));
    assert_content(&b, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "x"));
    assert_content(&b, "");

    buf_init(&b, 2, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "xy"));
    assert_content(&b, ".");
    buf_init(&b, 2, "");
    assert_true(tlsc__str_append(b.bytes, b.cap, "x"));
    assert_content(&b, "x");

    buf_init(&b, 3, "");
    assert_false(tlsc__str_append(b.bytes, b.cap, "xyz"));
    assert_content(&b, "..");

    /* Capacity 0: nothing can be written, not even a NUL. */
    buf_init(&b, 0, "");
    assert_false(tlsc__str_append(b.bytes, 0, "x"));
    assert_guard_intact(&b);
    assert_false(tlsc__str_append(NULL, 16, "x"));
}

/* A buffer with no NUL within cap is repaired, not overrun. */
static void test_unterminated_input(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8, "");
    memset(b.bytes, 'A', b.cap);
    assert_false(tlsc__str_append(b.bytes, b.cap, "x"));
    assert_content(&b, "AAAA...");

    /* Also when the formatting itself fails (see test_encoding_error). */
    static const wchar_t bad[] = {(wchar_t)0xD800, 0};
    buf_init(&b, 8, "");
    memset(b.bytes, 'A', b.cap);
    assert_false(tlsc__str_append(b.bytes, b.cap, "%ls", bad));
    assert_content(&b, "AAAA...");
}

/* vsnprintf failing (an unencodable wide character in the C locale) keeps
 * the previous text and marks the loss. */
static void test_encoding_error(void **state)
{
    (void)state;
    static const wchar_t bad[] = {(wchar_t)0xD800, 0};
    struct buf b;
    buf_init(&b, 16, "ab");
    assert_false(tlsc__str_append(b.bytes, b.cap, "cd%lsef", bad));
    assert_content(&b, "ab...");
    buf_init(&b, 5, "abc");
    assert_false(tlsc__str_append(b.bytes, b.cap, "%ls", bad));
    assert_content(&b, "a...");
}

/* tlsc__u64 / tlsc__i64: the same text as printf's %llu / %lld (which the
 * device's C library lacks), at the edges and between. */
static void test_numtext(void **state)
{
    (void)state;
    static const uint64_t u[] = {0,          1,          9,          10,
                                 4294967295u, 4294967296u, 1000000000000u, UINT64_MAX};
    static const int64_t i[] = {0, -1, 1, -10, INT32_MIN, (int64_t)INT32_MIN - 1, INT64_MAX,
                                INT64_MIN};
    char want[32];
    for (size_t k = 0; k < sizeof u / sizeof u[0]; k++) {
        snprintf(want, sizeof want, "%llu", (unsigned long long)u[k]);
        assert_string_equal(tlsc__u64(u[k]).s, want);
    }
    for (size_t k = 0; k < sizeof i / sizeof i[0]; k++) {
        snprintf(want, sizeof want, "%lld", (long long)i[k]);
        assert_string_equal(tlsc__i64(i[k]).s, want);
    }
}

/* Control characters a peer chose never reach a terminal. */
static void test_text_printable(void **state)
{
    (void)state;
    char s[] = "evil\033[31m\r\n\t\x7f.test caf\xc3\xa9";
    tlsc__text_printable(s);
    assert_string_equal(s, "evil?[31m????.test caf\xc3\xa9");
    char empty[] = "";
    tlsc__text_printable(empty);
    assert_string_equal(empty, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appends_that_fit),
        cmocka_unit_test(test_truncation_marker),
        cmocka_unit_test(test_append_after_truncation),
        cmocka_unit_test(test_tiny_buffers),
        cmocka_unit_test(test_unterminated_input),
        cmocka_unit_test(test_encoding_error),
        cmocka_unit_test(test_numtext),
        cmocka_unit_test(test_text_printable),
    };
    return cmocka_run_group_tests_name("str", tests, NULL, NULL);
}
