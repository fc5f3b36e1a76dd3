/*
 * The UTC calendar without the C library (tests/unit/test_time.c).
 */
#ifndef TLSC_CORE_BASE_CALENDAR_H
#define TLSC_CORE_BASE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Format a Unix time (seconds, UTC) as "YYYY-MM-DDTHH:MM:SSZ" into out
 * (at least 21 bytes). Works without the C library's gmtime (for devices).
 */
void tlsc__format_utc(int64_t unix_seconds, char out[21]);

/* Unix seconds (UTC, any int64_t value whose year fits) as calendar fields,
 * as gmtime_r does but without the C library: the "none" platform gives it
 * to mbedTLS (newlib's gmtime pulls in assert and all of stdio). */
typedef struct {
    int64_t year;
    int month; /* 1..12 */
    int day;   /* 1..31 */
    int hour, min, sec;
} tlsc__utc;
tlsc__utc tlsc__unix_to_utc(int64_t unix_seconds);

/* Convert a civil UTC date/time to Unix seconds (proleptic Gregorian). */
int64_t tlsc__utc_to_unix(int year, int mon, int day, int hour, int min,
                          int sec);

#endif /* TLSC_CORE_BASE_CALENDAR_H */
