/*
 * tlsc/platform.h — what a bare-metal application supplies to tlsc.
 *
 * The default build uses the POSIX platform (sockets, clock_gettime, the
 * system's entropy for tlsc's random generator) and needs nothing from
 * this header.
 *
 * Firmware without an operating system builds tlsc with the "none"
 * platform (src/platform/none/, mbedTLS overlay config/tlsc_platform_none.h;
 * see docs/footprint.md for the exact build). That platform has:
 *   - no TCP: every connection needs a transport set with
 *     tlsc_conn_set_transport before tlsc_conn_start / tlsc_conn_connect;
 *     otherwise the connection fails with TLSC_ERR_CONFIG and a detail
 *     saying so;
 *   - no wall clock: the default clock reports "time not known", so set a
 *     real one with tlsc_config_set_clock (SNTP, an RTC) or connections fail
 *     with TLSC_ERR_CLOCK_NOT_SET (secure default, see tlsc/config.h);
 *   - no file system: the *_file setters fail with TLSC_ERR_FILE;
 *   - no threads: the first tlsc_config_new initialises the library and
 *     must not race with another; a tlsc_config is otherwise used as on
 *     any platform (one thread per connection at a time).
 * The APPLICATION defines the two functions below; the link fails with an
 * undefined reference to them otherwise.
 */
#ifndef TLSC_PUBLIC_PLATFORM_H
#define TLSC_PUBLIC_PLATFORM_H

#include "tlsc/common.h"

TLSC_BEGIN_DECLS

/*
 * Milliseconds from a monotonic counter (SysTick, a timer): never goes
 * back, any origin. tlsc measures its timeouts with it (tlsc_now_ms).
 */
uint64_t tlsc_platform_monotonic_ms(void);

/*
 * Fill buf with len bytes from a TRUE entropy source (a hardware TRNG; not
 * rand(), not a counter): mbedTLS seeds its random generator from it, and
 * every key of every connection depends on it. Return 0 on success, or
 * non-zero when the source failed: the library then refuses to initialise
 * (tlsc_config_new fails with TLSC_ERR_RANDOM) rather than run weak; a
 * failure later (a reseed) fails the handshake with TLSC_ERR_RANDOM.
 */
int tlsc_platform_entropy(unsigned char *buf, size_t len);

TLSC_END_DECLS

#endif /* TLSC_PUBLIC_PLATFORM_H */
