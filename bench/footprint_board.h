/*
 * bench/footprint_board.h — the board layer of the bare-metal footprint
 * clients (footprint_board.c). Besides these, it defines the two functions
 * of tlsc/platform.h (tlsc_platform_monotonic_ms, tlsc_platform_entropy)
 * and the SysTick handler.
 */
#ifndef TLSC_FOOTPRINT_BOARD_H
#define TLSC_FOOTPRINT_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* Wall clock for tlsc_config_set_clock: the RTC's Unix seconds, -1 until
 * SNTP has set it. */
int64_t board_rtc_clock(void *ud);

/* The transport: a byte FIFO (a UART or a modem), non-blocking, and its
 * state (a byte waiting / room for one). */
extern const tlsc_transport board_fifo;
bool board_fifo_readable(void);
bool board_fifo_writable(void);

#endif /* TLSC_FOOTPRINT_BOARD_H */
