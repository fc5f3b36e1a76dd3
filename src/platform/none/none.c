/*
 * The "none" platform: tlsc on bare metal (no OS, no sockets, no files, no
 * threads). Built INSTEAD of src/platform/posix.c and tcp_posix.c (the
 * build picks the files: see scripts/baremetal.mk); the application
 * supplies the monotonic clock and the entropy (tlsc/platform.h) and a
 * transport for every connection. Its TCP (tcp_none.c) and its files
 * (file_none.c) are separate files, which a board with a TCP/IP stack or a
 * file system builds instead of them (the lwIP device build: tcp_lwip.c).
 */
#include <stdbool.h>

#include "platform/platform.h"
#include "tlsc/platform.h"

/* mbedTLS's hook for a hardware entropy source (MBEDTLS_ENTROPY_HARDWARE_ALT,
 * set by config/tlsc_platform_none.h); not declared by a public header.
 * tlsc itself seeds its generator through tlsc__entropy; this is for an
 * application that uses mbedTLS's entropy module beside tlsc. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

uint64_t tlsc__monotonic_ms(void)
{
    return tlsc_platform_monotonic_ms();
}

/* No wall clock: 0 (1970) makes the default clock report "not known", so a
 * connection fails with TLSC_ERR_CLOCK_NOT_SET until the application sets
 * one (tlsc_config_set_clock). */
int64_t tlsc__system_time(void)
{
    return 0;
}

int64_t tlsc__wall_ms(void)
{
    return 0;
}

/* Used only by blocking calls over a transport without `wait`. */
void tlsc__sleep_ms(unsigned ms)
{
    uint64_t until = tlsc_platform_monotonic_ms() + ms;
    while (tlsc_platform_monotonic_ms() < until) {
    }
}

/* Single-threaded: the documented rule is that the first tlsc_config_new
 * does not race with another (tlsc/platform.h). */
void tlsc__once(void (*fn)(void))
{
    static bool done;
    if (!done) {
        done = true;
        fn();
    }
}

int tlsc__entropy(unsigned char *buf, size_t len)
{
    return tlsc_platform_entropy(buf, len);
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    if (tlsc_platform_entropy(output, len) != 0) {
        *olen = 0;
        return -1;
    }
    *olen = len;
    return 0;
}
