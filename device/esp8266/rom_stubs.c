/*
 * SIZE-ONLY stand-ins for the ESP8266 ROM's arithmetic helpers, which the
 * lx106's libgcc leaves out because the chip's mask ROM provides them (a
 * real firmware links the SDK's ROM symbol table, e.g. eagle.rom.addr.v6.ld,
 * instead). They let tests/build/esp8266.sh link a client to count its
 * flash and RAM; the image never runs, and these return nothing useful.
 * (The lx106 libgcc has __mulsi3, __modsi3 and __moddi3, which itself
 * calls the ROM's __umulsidi3; the others here are the ROM's.) gettimeofday, which picolibc's time() calls for mbedTLS,
 * is likewise the SDK's (its system time).
 */
#include <stdint.h>
#include <sys/time.h>

uint32_t __udivsi3(uint32_t a, uint32_t b);
uint32_t __umodsi3(uint32_t a, uint32_t b);
int32_t __divsi3(int32_t a, int32_t b);
uint64_t __udivdi3(uint64_t a, uint64_t b);
uint64_t __umoddi3(uint64_t a, uint64_t b);
int64_t __divdi3(int64_t a, int64_t b);
uint64_t __muldi3(uint64_t a, uint64_t b);
uint64_t __umulsidi3(uint32_t a, uint32_t b);

uint32_t __udivsi3(uint32_t a, uint32_t b) { (void)b; return a; }
uint32_t __umodsi3(uint32_t a, uint32_t b) { (void)b; return a; }
int32_t __divsi3(int32_t a, int32_t b) { (void)b; return a; }
uint64_t __udivdi3(uint64_t a, uint64_t b) { (void)b; return a; }
uint64_t __umoddi3(uint64_t a, uint64_t b) { (void)b; return a; }
int64_t __divdi3(int64_t a, int64_t b) { (void)b; return a; }
uint64_t __muldi3(uint64_t a, uint64_t b) { (void)b; return a; }
uint64_t __umulsidi3(uint32_t a, uint32_t b) { (void)b; return a; }

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    tv->tv_sec = 0;
    tv->tv_usec = 0;
    return 0;
}
