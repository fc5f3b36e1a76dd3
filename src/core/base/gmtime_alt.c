/*
 * mbedTLS's calendar for certificate validity when the build sets
 * MBEDTLS_PLATFORM_GMTIME_R_ALT (config/tlsc_platform_none.h, bare metal):
 * tlsc's own conversion. Without it mbedTLS calls newlib's gmtime, which
 * brings assert, fprintf and the stdio machinery with it (~5 KB of flash).
 * mbedTLS reads only the date and time fields. Other builds compile this
 * file to nothing (mbedTLS has its own gmtime_r there).
 */
#include <string.h>
#include <time.h>

#include "core/base/calendar.h"

#include "mbedtls/build_info.h"
#include "mbedtls/platform_util.h"

#if defined(MBEDTLS_PLATFORM_GMTIME_R_ALT)
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    tlsc__utc u = tlsc__unix_to_utc((int64_t)*tt);
    if (u.year < 1900 || u.year > 9999)
        return NULL;
    memset(tm_buf, 0, sizeof *tm_buf);
    tm_buf->tm_year = (int)(u.year - 1900);
    tm_buf->tm_mon = u.month - 1;
    tm_buf->tm_mday = u.day;
    tm_buf->tm_hour = u.hour;
    tm_buf->tm_min = u.min;
    tm_buf->tm_sec = u.sec;
    return tm_buf;
}
#else
typedef int tlsc__gmtime_alt_unused; /* ISO C: no empty translation unit */
#endif
