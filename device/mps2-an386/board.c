/*
 * The mps2-an386 board layer. Parts a real board replaces:
 *   - board_entropy_test_only: the board has no TRNG, so tlsc's entropy
 *     (tlsc_platform_entropy) comes from the HOST's /dev/urandom through
 *     semihosting. TEST-ONLY: semihosting does not exist on a deployed
 *     device; a production port reads its TRNG there (RP2040: the ROSC
 *     random bit / pico_rand; ESP: esp_fill_random; STM32: the RNG block).
 *   - board_wall_clock: SYS_TIME from the host; a device uses SNTP or an RTC.
 *   - the console (semihosting) is a UART on a device.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "semihost.h"
#include "tlsc/alloc.h"
#include "tlsc/platform.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define SCB_VTOR REG(0xE000ED08u)

#define CPU_HZ 25000000u /* QEMU's mps2 SYSCLK */
#define TICKS_PER_MS (CPU_HZ / 1000u)
/* -icount shift=0: one instruction per virtual nanosecond, 40 per tick. */
#define INSNS_PER_TICK (1000000000u / CPU_HZ)
#define STACK_PAINT 0xC5C5C5C5u

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[];
int main(void);
void board_reset(void);
void SysTick_Handler(void);

static volatile uint32_t ticks_ms;
static uint64_t idle_insns;
static uint32_t rand_state;
static int con_out = -1, con_err = -1;
static unsigned char heap[BOARD_HEAP_SIZE] __attribute__((aligned(16)));

/* ---- reset and vectors ------------------------------------------------ */

static void fault(void)
{
    board_eputs("board: fault\n");
    board_exit(120);
}

static void default_handler(void)
{
    board_eputs("board: unexpected interrupt\n");
    board_exit(121);
}

void SysTick_Handler(void)
{
    ticks_ms++;
}

__attribute__((section(".vectors"), used))
static void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top, board_reset, default_handler, fault, fault, fault, fault,
    NULL, NULL, NULL, NULL, default_handler, default_handler, NULL, default_handler,
    SysTick_Handler,
};

/* Paint the stack (all but the part in use now) so board_stack_peak can
 * find the deepest word ever written. noinline: its own frame is small. */
__attribute__((noinline)) static void paint_stack(void)
{
    uint32_t *here = (uint32_t *)__builtin_frame_address(0) - 16;
    for (uint32_t *p = __stack_bottom; p < here; p++)
        *p = STACK_PAINT;
}

static void entropy_seed_rand(void)
{
    unsigned char seed[4];
    if (tlsc_platform_entropy(seed, sizeof seed) != 0)
        board_exit(122);
    memcpy(&rand_state, seed, 4);
    rand_state |= 1u;
}

void board_reset(void)
{
    for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;)
        *d++ = *s++;
    for (uint32_t *d = __bss_start; d < __bss_end;)
        *d++ = 0;
    SCB_VTOR = (uint32_t)vectors;
    paint_stack();
    con_out = sh_open(":tt", "w");
    con_err = sh_open(":tt", "a"); /* ":tt" with an append mode is stderr */
    SYST_RVR = TICKS_PER_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
    entropy_seed_rand();
    board_exit(main());
}

/* ---- clocks ----------------------------------------------------------- */

uint64_t tlsc_platform_monotonic_ms(void)
{
    return ticks_ms;
}

/* Ticks since reset at 25 MHz: the millisecond count and the SysTick down
 * counter, read again when a tick interrupt came in between. */
static uint64_t board_ticks(void)
{
    uint32_t ms, cvr;
    do {
        ms = ticks_ms;
        cvr = SYST_CVR;
    } while (ms != ticks_ms);
    return (uint64_t)ms * TICKS_PER_MS + (TICKS_PER_MS - 1u - cvr);
}

uint64_t board_instructions(void)
{
    return board_ticks() * INSNS_PER_TICK - idle_insns;
}

void board_idle(void)
{
    uint64_t before = board_ticks();
    __asm__ volatile("wfi");
    idle_insns += (board_ticks() - before) * INSNS_PER_TICK;
}

uint32_t sys_now(void); /* lwIP's clock (NO_SYS) */
uint32_t sys_now(void)
{
    return ticks_ms;
}

int64_t board_wall_clock(void *ud)
{
    (void)ud;
    return sh_time();
}

/* ---- entropy: TEST-ONLY ---------------------------------------------- */

/* The host's /dev/urandom through semihosting. Only for the emulated
 * board: a device has no semihosting and must read its TRNG here. */
static int board_entropy_test_only(unsigned char *buf, size_t len)
{
    static int fd = -1;
    if (fd < 0)
        fd = sh_open("/dev/urandom", "rb");
    if (fd < 0)
        return -1;
    return sh_read(fd, buf, len) == len ? 0 : -1;
}

int tlsc_platform_entropy(unsigned char *buf, size_t len)
{
    return board_entropy_test_only(buf, len);
}

uint32_t board_rand(void)
{
    /* xorshift32: lwIP's ISNs and DNS ids, not keys. */
    rand_state ^= rand_state << 13;
    rand_state ^= rand_state >> 17;
    rand_state ^= rand_state << 5;
    return rand_state;
}

/* ---- memory ------------------------------------------------------------ */

int board_heap_init(void)
{
    return tlsc_alloc_use_arena(heap, sizeof heap) == TLSC_OK ? 0 : -1;
}

size_t board_heap_peak(void)
{
    size_t min_free = 0;
    tlsc_arena_stats(NULL, NULL, &min_free);
    return sizeof heap - min_free;
}

size_t board_stack_peak(void)
{
    const uint32_t *p = __stack_bottom;
    while (p < __stack_top && *p == STACK_PAINT)
        p++;
    return (size_t)((const char *)__stack_top - (const char *)p);
}

size_t board_flash_bytes(void)
{
    return (size_t)__data_load + (size_t)((char *)__data_end - (char *)__data_start);
}

size_t board_static_ram_bytes(void)
{
    return (size_t)((char *)__bss_end - (char *)__data_start);
}

/* ---- command line ----------------------------------------------------- */

int board_args(char **argv, int max)
{
    static char line[4096];
    int argc = 0;
    if (sh_cmdline(line, sizeof line) != 0)
        return 0;
    for (char *p = line; *p != '\0' && argc < max;) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p == '\0')
            break;
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
    }
    if (argc < max)
        argv[argc] = NULL;
    return argc;
}

/* ---- console and exit ------------------------------------------------ */

void board_puts(const char *s)
{
    sh_write(con_out, s, strlen(s));
}

void board_eputs(const char *s)
{
    sh_write(con_err, s, strlen(s));
}

static void vprint(int fd, const char *fmt, va_list ap)
{
    char line[512];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n > 0)
        sh_write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void board_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(con_out, fmt, ap);
    va_end(ap);
}

void board_eprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(con_err, fmt, ap);
    va_end(ap);
}

_Noreturn void board_exit(int status)
{
    sh_exit(status);
}

/* lwIP's LWIP_PLATFORM_ASSERT (arch/cc.h): a broken invariant of the stack
 * ends the run with the place on the console. */
void board_lwip_assert(const char *msg, const char *file, int line);
void board_lwip_assert(const char *msg, const char *file, int line)
{
    board_eprintf("lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
    board_exit(123);
}
