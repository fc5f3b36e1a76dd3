/*
 * tlsc__format_utc and tlsc__utc_to_unix: the calendar without gmtime.
 *
 * Supported range: years 0000..9999 of the proleptic Gregorian calendar,
 * negative Unix times included. format_utc clamps times outside that range
 * to its ends; utc_to_unix normalises out-of-range fields like timegm.
 * The host's gmtime_r/timegm (64-bit time_t, proleptic Gregorian in glibc)
 * serve as the oracle.
 */
#include "unit.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/base/calendar.h"

#define FIRST INT64_C(-62167219200) /* 0000-01-01T00:00:00Z */
#define LAST INT64_C(253402300799)  /* 9999-12-31T23:59:59Z */

/* Format t and check the text; also that nothing beyond 21 bytes is written. */
static bool formats_as(int64_t t, const char *want)
{
    char buf[32];
    memset(buf, 'X', sizeof buf);
    tlsc__format_utc(t, buf);
    for (size_t i = 21; i < sizeof buf; i++) {
        if (buf[i] != 'X')
            return false;
    }
    if (memchr(buf, '\0', 21) == NULL || strcmp(buf, want) != 0) {
        print_error("  %lld formatted as \"%.21s\", want \"%s\"\n", (long long)t, buf, want);
        return false;
    }
    return true;
}

struct time_case {
    int64_t t;
    const char *text;
};

static const struct time_case format_cases[] = {
    {0, "1970-01-01T00:00:00Z"},
    {1, "1970-01-01T00:00:01Z"},
    {-1, "1969-12-31T23:59:59Z"},
    {86399, "1970-01-01T23:59:59Z"},
    {86400, "1970-01-02T00:00:00Z"},
    {951782400, "2000-02-29T00:00:00Z"},  /* 2000 is a leap year (400) */
    {951868800, "2000-03-01T00:00:00Z"},
    {4107542400, "2100-03-01T00:00:00Z"}, /* 2100 is not (100) */
    {4107456000, "2100-02-28T00:00:00Z"},
    {1709164800, "2024-02-29T00:00:00Z"},
    {1700000000, "2023-11-14T22:13:20Z"},
    {1735689600, "2025-01-01T00:00:00Z"},
    {2147483647, "2038-01-19T03:14:07Z"}, /* the 32-bit time_t edge */
    {2147483648, "2038-01-19T03:14:08Z"},
    {4294967295, "2106-02-07T06:28:15Z"},
    {-2208988800, "1900-01-01T00:00:00Z"},
    {-2203977600, "1900-02-28T00:00:00Z"},
    {-2203891200, "1900-03-01T00:00:00Z"},
    {-62135596800, "0001-01-01T00:00:00Z"},
    {-62162121600, "0000-02-29T00:00:00Z"}, /* year 0 is a leap year */
    {FIRST, "0000-01-01T00:00:00Z"},
    {LAST, "9999-12-31T23:59:59Z"},
    {LAST - 86399, "9999-12-31T00:00:00Z"},
    /* outside 0000..9999: clamped to the ends */
    {LAST + 1, "9999-12-31T23:59:59Z"},
    {INT64_MAX, "9999-12-31T23:59:59Z"},
    {FIRST - 1, "0000-01-01T00:00:00Z"},
    {INT64_MIN, "0000-01-01T00:00:00Z"},
};

static void test_format_known(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(format_cases); i++)
        UNIT_CHECK(failures, formats_as(format_cases[i].t, format_cases[i].text),
                   "case %zu", i);
    UNIT_DONE(failures);
}

struct civil_case {
    int y, mo, d, h, mi, s;
    int64_t t;
};

static const struct civil_case civil_cases[] = {
    {1970, 1, 1, 0, 0, 0, 0},
    {1969, 12, 31, 23, 59, 59, -1},
    {2000, 2, 29, 0, 0, 0, 951782400},
    {2038, 1, 19, 3, 14, 7, 2147483647},
    {2038, 1, 19, 3, 14, 8, 2147483648},
    {1900, 3, 1, 0, 0, 0, -2203891200},
    {9999, 12, 31, 23, 59, 59, LAST},
    {0, 1, 1, 0, 0, 0, FIRST},
    /* normalised like timegm */
    {2023, 13, 1, 0, 0, 0, 1704067200},       /* = 2024-01-01 */
    {2024, 3, 0, 0, 0, 0, 1709164800},        /* = 2024-02-29 */
    {2024, 0, 1, 0, 0, 0, 1701388800},        /* = 2023-12-01 */
    {2024, -11, 1, 0, 0, 0, 1672531200},      /* = 2023-01-01 */
    {2023, 1, 1, 0, 0, 60, 1672531260},       /* leap second = next minute */
    {2023, 1, 1, 24, 0, 0, 1672617600},       /* = 2023-01-02 */
    {2023, 1, 1, 0, 0, -1, 1672531199},
    {1970, 1, 1, 0, 0, 0 + 86400 * 365, 31536000},
};

static void test_to_unix_known(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(civil_cases); i++) {
        const struct civil_case *c = &civil_cases[i];
        int64_t got = tlsc__utc_to_unix(c->y, c->mo, c->d, c->h, c->mi, c->s);
        UNIT_CHECK(failures, got == c->t, "%04d-%02d-%02d %02d:%02d:%02d: got %lld, want %lld",
                   c->y, c->mo, c->d, c->h, c->mi, c->s, (long long)got, (long long)c->t);
    }
    UNIT_DONE(failures);
}

/* Extreme fields must not overflow (UBSan watches) and stay ordered. */
static void test_to_unix_extremes(void **state)
{
    (void)state;
    int64_t hi = tlsc__utc_to_unix(INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX);
    int64_t lo = tlsc__utc_to_unix(INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN);
    assert_true(hi > LAST);
    assert_true(lo < FIRST);
}

/*
 * Sweep all of 0000..9999 against gmtime_r, in a stride that lands on every
 * time of day and every day of the 400-year cycle over the run, and check
 * that utc_to_unix inverts it.
 */
static void test_against_gmtime(void **state)
{
    (void)state;
    int failures = 0;
    long checked = 0;
    for (int64_t t = FIRST; t <= LAST && failures < 10; t += 86400 * 5 + 3607) {
        time_t tt = (time_t)t;
        struct tm tm;
        assert_non_null(gmtime_r(&tt, &tm));
        char want[80];
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        UNIT_CHECK(failures, formats_as(t, want), "gmtime sweep at %lld", (long long)t);
        int64_t back = tlsc__utc_to_unix(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                         tm.tm_hour, tm.tm_min, tm.tm_sec);
        UNIT_CHECK(failures, back == t, "utc_to_unix(%s) = %lld, want %lld", want,
                   (long long)back, (long long)t);
        checked++;
    }
    assert_true(checked > 500000);
    UNIT_DONE(failures);
}

/* Every second around the leap days and the epoch, and each day of
 * 1899..2101 against timegm. */
static void test_dense_edges(void **state)
{
    (void)state;
    static const int64_t centres[] = {0, 951782400, 4107456000, 1709164800, 2147483647,
                                      -2203977600, LAST - 100000, FIRST + 100000};
    int failures = 0;
    for (size_t i = 0; i < UNIT_ARRAY_LEN(centres); i++) {
        for (int64_t t = centres[i] - 90000; t <= centres[i] + 90000 && failures < 10; t++) {
            char buf[21];
            tlsc__format_utc(t, buf);
            int y, mo, d, h, mi, s;
            int fields = sscanf(buf, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s);
            int64_t back = fields == 6 ? tlsc__utc_to_unix(y, mo, d, h, mi, s) : t + 1;
            UNIT_CHECK(failures, back == t, "round trip of %lld via %.21s", (long long)t, buf);
        }
    }
    for (int y = 1899; y <= 2101; y++) {
        for (int doy = 1; doy <= 366; doy++) {
            struct tm tm = {0};
            tm.tm_year = y - 1900;
            tm.tm_mday = doy; /* timegm normalises day-of-year in January */
            int64_t want = (int64_t)timegm(&tm);
            int64_t got = tlsc__utc_to_unix(y, 1, doy, 0, 0, 0);
            UNIT_CHECK(failures, got == want, "%d day %d: got %lld, want %lld", y, doy,
                       (long long)got, (long long)want);
        }
    }
    UNIT_DONE(failures);
}

/* tlsc__unix_to_utc (the none platform's gmtime_r for mbedTLS) against
 * the C library's gmtime_r, every 9973 s from 1901 to 2100 and at the
 * edges of days. */
static void test_unix_to_utc(void **state)
{
    (void)state;
    int failures = 0;
    for (int64_t t = -2177452800; t < 4102444800 && failures < 10; t += 9973) {
        for (int64_t dt = 0; dt <= 1; dt++) {
            time_t tt = (time_t)(t - t % 86400 - dt);
            struct tm want;
            tlsc__utc got = tlsc__unix_to_utc((int64_t)tt);
            UNIT_CHECK(failures, gmtime_r(&tt, &want) != NULL &&
                       got.year == want.tm_year + 1900 && got.month == want.tm_mon + 1 &&
                       got.day == want.tm_mday && got.hour == want.tm_hour &&
                       got.min == want.tm_min && got.sec == want.tm_sec,
                       "%lld: %lld-%d-%d %d:%d:%d", (long long)tt, (long long)got.year,
                       got.month, got.day, got.hour, got.min, got.sec);
        }
    }
    UNIT_DONE(failures);
}

static void test_format_null(void **state)
{
    (void)state;
    tlsc__format_utc(0, NULL); /* must simply not crash */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_known),
        cmocka_unit_test(test_to_unix_known),
        cmocka_unit_test(test_to_unix_extremes),
        cmocka_unit_test(test_against_gmtime),
        cmocka_unit_test(test_dense_edges),
        cmocka_unit_test(test_unix_to_utc),
        cmocka_unit_test(test_format_null),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
