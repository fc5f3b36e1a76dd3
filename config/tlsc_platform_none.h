/*
 * mbedTLS overlay for tlsc's "none" platform (bare metal), added on top of
 * any profile (config/tlsc_mbedtls_*.h) with
 *   -DMBEDTLS_USER_CONFIG_FILE='"tlsc_platform_none.h"'
 * No threads, no files, and no OS entropy: mbedTLS takes its entropy from
 * mbedtls_hardware_poll, which src/platform/none/none.c routes to the
 * application's tlsc_platform_entropy (tlsc/platform.h).
 * (Named so that the profile glob config/tlsc_mbedtls_*.h skips it.)
 */
#undef MBEDTLS_THREADING_C
#undef MBEDTLS_THREADING_PTHREAD
#undef MBEDTLS_FS_IO
#undef MBEDTLS_AESNI_C /* x86 only */
#undef MBEDTLS_AESCE_C /* Armv8-A only: a Cortex-M has no crypto extension */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
