/*
 * The UTC calendar without the C library's gmtime (devices lack a usable one) (contracts in the header).
 *
 * Plain C11 on bytes: no allocation, no I/O, no locale (ctype depends on
 * it, so ASCII tests are written out in base/text.h).
 */
#include "core/base/calendar.h"

#include <string.h>

/* ---- UTC calendar ------------------------------------------------------- */

#define SECONDS_PER_DAY 86400
/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range four-digit
 * years can show. 9999-12-31T23:59:59Z is also RFC 5280's "no expiry". */
#define UTC_FIRST INT64_C(-62167219200)
#define UTC_LAST INT64_C(253402300799)

/* Division rounding towards minus infinity (C rounds towards zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, month 1..12, any
 * day (it is added linearly). Howard Hinnant's days_from_civil: years are
 * counted from March so the leap day is last, in 400-year eras.
 */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                 /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         /* 0..146096 */
    return era * 146097 + doe - 719468;
}

struct civil {
    int64_t year;
    int month, day;
};

/* Inverse of days_from_civil (Hinnant's civil_from_days). */
static struct civil civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                     /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                   /* 0..11 */
    struct civil c;
    c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}

/* Write value as exactly `width` decimal digits (value fits). */
static void put_digits(char *out, int64_t value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

tlsc__utc tlsc__unix_to_utc(int64_t unix_seconds)
{
    int64_t days = floor_div(unix_seconds, SECONDS_PER_DAY);
    int64_t secs = unix_seconds - days * SECONDS_PER_DAY;
    struct civil c = civil_from_days(days);
    tlsc__utc u = { c.year, c.month, c.day, (int)(secs / 3600), (int)(secs / 60 % 60),
                    (int)(secs % 60) };
    return u;
}

/*
 * Times outside years 0000..9999 cannot be written with four digits; they
 * are clamped to the nearest end so the text is always well-formed (and
 * the far end reads as "no expiry", which is what such dates mean).
 */
void tlsc__format_utc(int64_t unix_seconds, char out[21])
{
    if (out == NULL)
        return;
    int64_t t = unix_seconds;
    if (t < UTC_FIRST)
        t = UTC_FIRST;
    if (t > UTC_LAST)
        t = UTC_LAST;
    tlsc__utc u = tlsc__unix_to_utc(t);
    memcpy(out, "0000-00-00T00:00:00Z", 21);
    put_digits(out, u.year, 4);
    put_digits(out + 5, u.month, 2);
    put_digits(out + 8, u.day, 2);
    put_digits(out + 11, u.hour, 2);
    put_digits(out + 14, u.min, 2);
    put_digits(out + 17, u.sec, 2);
}

/*
 * Out-of-range fields are normalised as timegm does (month 13 is January
 * of the next year, day 0 the last day of the previous month, second 60
 * the next minute), so every input has an answer and no overflow: all
 * arithmetic is in int64_t, where even INT_MAX years fit easily.
 */
int64_t tlsc__utc_to_unix(int year, int mon, int day, int hour, int min,
                          int sec)
{
    int64_t m0 = (int64_t)mon - 1;
    int64_t y = (int64_t)year + floor_div(m0, 12);
    int64_t m = m0 - floor_div(m0, 12) * 12 + 1;
    int64_t days = days_from_civil(y, m, 1) + (int64_t)day - 1;
    return days * SECONDS_PER_DAY + (int64_t)hour * 3600 + (int64_t)min * 60 +
           (int64_t)sec;
}
