/*
 * The "board" of the bare-metal footprint clients (bench/footprint_client.c,
 * bench/footprint_event_client.c): what a real firmware provides and
 * replaces — a UART or modem FIFO as the transport, an RTC, a TRNG and a
 * SysTick — with the register layout of an STM32F4. It only has to link.
 * Built by scripts/baremetal.mk, never by CMake.
 */
#include <string.h>

#include "footprint_board.h"
#include "tlsc/platform.h"

/* ---- the board: what a real firmware replaces ------------------------------ */

#define REG(addr) (*(volatile uint32_t *)(addr))
#define RNG_SR REG(0x50060804u)   /* bit 0: a random word is ready */
#define RNG_DR REG(0x50060808u)
#define FIFO_STATUS REG(0x40004400u) /* bit 5: byte received, bit 7: can send */
#define FIFO_DATA REG(0x40004404u)
#define RTC_SECONDS REG(0x40002800u) /* set by SNTP, 0 until then */

volatile uint32_t board_ticks_ms; /* incremented by the SysTick handler */

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    board_ticks_ms++;
}

uint64_t tlsc_platform_monotonic_ms(void)
{
    static uint32_t last;
    static uint64_t high;
    uint32_t now = board_ticks_ms;
    if (now < last)
        high += (uint64_t)1 << 32;
    last = now;
    return high | now;
}

int tlsc_platform_entropy(unsigned char *buf, size_t len)
{
    while (len > 0) {
        unsigned spins = 0;
        while ((RNG_SR & 1u) == 0)
            if (++spins > 100000u)
                return -1;
        uint32_t word = RNG_DR;
        size_t n = len < 4 ? len : 4;
        memcpy(buf, &word, n);
        buf += n;
        len -= n;
    }
    return 0;
}

int64_t board_rtc_clock(void *ud)
{
    (void)ud;
    uint32_t s = RTC_SECONDS;
    return s == 0 ? -1 : (int64_t)s;
}

bool board_fifo_readable(void)
{
    return (FIFO_STATUS & 0x20u) != 0;
}

bool board_fifo_writable(void)
{
    return (FIFO_STATUS & 0x80u) != 0;
}

static tlsc_err fifo_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && board_fifo_writable())
        FIFO_DATA = buf[n++];
    *sent = n;
    return n > 0 ? TLSC_OK : TLSC_WANT_WRITE;
}

static tlsc_err fifo_recv(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && board_fifo_readable())
        buf[n++] = (unsigned char)FIFO_DATA;
    *got = n;
    return n > 0 ? TLSC_OK : TLSC_WANT_READ;
}

const tlsc_transport board_fifo = { fifo_send, fifo_recv, NULL, NULL };
