/* lwIP's compiler/platform port for the emulated board (newlib, GCC). */
#ifndef TLSC_DEVICE_ARCH_CC_H
#define TLSC_DEVICE_ARCH_CC_H

#include <stdlib.h>

void board_lwip_assert(const char *msg, const char *file, int line);
void board_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LWIP_PLATFORM_DIAG(x) do { board_eprintf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) board_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_NO_UNISTD_H 1

#endif
