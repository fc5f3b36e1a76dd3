/*
 * mbedTLS overlay for tlsc's "none" platform (bare metal), added on top of
 * any profile (config/tlsc_mbedtls_*.h) with
 *   -DMBEDTLS_USER_CONFIG_FILE='"tlsc_platform_none.h"'
 * No threads, no files, and no OS entropy: mbedTLS takes its entropy from
 * mbedtls_hardware_poll, which src/platform/none/none.c routes to the
 * application's tlsc_platform_entropy (tlsc/platform.h), and its calendar
 * from mbedtls_platform_gmtime_r, also in none.c.
 * (Named so that the profile glob config/tlsc_mbedtls_*.h skips it.)
 */
#undef MBEDTLS_THREADING_C
#undef MBEDTLS_THREADING_PTHREAD
#undef MBEDTLS_FS_IO
#undef MBEDTLS_AESNI_C /* x86 only */
#undef MBEDTLS_AESCE_C /* Armv8-A only: a Cortex-M has no crypto extension */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
/* The calendar conversion comes from the platform (src/platform/none/none.c
 * for tlsc): mbedTLS's fallback on non-POSIX targets is the C library's
 * gmtime, which in newlib pulls in assert and stdio. */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
/* mbedTLS's only printf in a client build is a self-check of its own
 * signature-algorithm tables in mbedtls_ssl_config_defaults (with DEBUG_C),
 * which still fails the call: tlsc never prints, and on bare metal that
 * printf would bring in stdio (~1.5 KB). The message is dropped. */
#define MBEDTLS_PLATFORM_PRINTF_MACRO(...) 0
