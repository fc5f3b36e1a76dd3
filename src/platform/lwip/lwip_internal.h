/* The lwIP transport's functions, shared with tcp_lwip.c (the platform's
 * TCP over the same connections). Internal. */
#ifndef TLSC_PLATFORM_LWIP_INTERNAL_H
#define TLSC_PLATFORM_LWIP_INTERNAL_H

#include "tlsc/lwip.h"

tlsc_err tlsc__lwip_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent);
tlsc_err tlsc__lwip_recv(void *ctx, unsigned char *buf, size_t len, size_t *got);
tlsc_err tlsc__lwip_wait(void *ctx, bool want_read, bool want_write, int timeout_ms);
void tlsc__lwip_close(void *ctx);

#endif
