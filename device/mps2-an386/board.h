/*
 * The mps2-an386 board layer (QEMU -M mps2-an386, Cortex-M4 at 25 MHz):
 * reset and vectors, SysTick clock, wall clock and console through
 * semihosting, stack painting, the heap arena, and the LAN9118 netif for
 * lwIP (lan9118.h). What a port to a real board replaces is marked in
 * board.c; docs/footprint.md ("Porting tlsc to a board") lists it.
 */
#ifndef TLSC_DEVICE_BOARD_H
#define TLSC_DEVICE_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of the heap arena every tlsc and mbedTLS allocation comes from. */
#ifndef BOARD_HEAP_SIZE
#define BOARD_HEAP_SIZE (96u * 1024u)
#endif

/* Install the arena as tlsc's allocator; 0 on success. */
int board_heap_init(void);
/* Arena high-water mark: the most bytes of the arena ever in use. */
size_t board_heap_peak(void);

/* Deepest the stack has ever been, in bytes (painted at reset). */
size_t board_stack_peak(void);

/* Instructions executed, idle (WFI) time excluded. With QEMU's
 * -icount shift=0 one instruction is one nanosecond of virtual time; the
 * count comes from SysTick (40-instruction resolution). */
uint64_t board_instructions(void);
/* Wait for the next interrupt (SysTick at least every millisecond); the
 * time spent asleep is not counted by board_instructions. */
void board_idle(void);

/* Wall clock for tlsc_config_set_clock: the host's, through semihosting. */
int64_t board_wall_clock(void *ud);

/* Flash (text + rodata + data image) and static RAM (data + bss, stack
 * excluded) of this firmware, from the linker's symbols. */
size_t board_flash_bytes(void);
size_t board_static_ram_bytes(void);

/* Console output (semihosting stdout / stderr). */
void board_puts(const char *s);
void board_eputs(const char *s);
/* printf-style to stdout / stderr, truncated at 512 bytes. */
void board_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void board_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The semihosting command line (QEMU's -semihosting-config arg=...) split
 * at spaces into argv[0..max-1] (NULL-terminated when there is room);
 * returns the count. The strings live in a static buffer of 4 KB. */
int board_args(char **argv, int max);

/* End the emulation with this status. */
_Noreturn void board_exit(int status);

/* A non-cryptographic random word for lwIP (TCP ISN, DNS ids), seeded
 * from the entropy source at reset. */
uint32_t board_rand(void);

#endif
