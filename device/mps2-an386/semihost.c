/*
 * ARM semihosting calls (ARM DUI 0471, "Semihosting operations"): the
 * operation number in r0, a pointer to the argument block in r1, the
 * result back in r0. On M-profile the trap is `bkpt 0xAB`.
 */
#include <string.h>

#include "semihost.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_FLEN = 0x0C,
    SYS_REMOVE = 0x0E,
    SYS_RENAME = 0x0F,
    SYS_TIME = 0x11,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int sh_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int sh_open(const char *path, const char *mode)
{
    /* The semihosting open modes are the index of the fopen mode string. */
    static const char *const modes[] = { "r", "rb", "r+", "r+b", "w", "wb", "w+",
                                         "w+b", "a", "ab", "a+", "a+b" };
    uint32_t m = 0;
    for (uint32_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(modes[i], mode) == 0)
            m = i;
    uint32_t args[3] = { (uint32_t)path, m, (uint32_t)strlen(path) };
    return sh_call(SYS_OPEN, args);
}

int sh_close(int fd)
{
    uint32_t args[1] = { (uint32_t)fd };
    return sh_call(SYS_CLOSE, args);
}

size_t sh_write(int fd, const void *buf, size_t len)
{
    uint32_t args[3] = { (uint32_t)fd, (uint32_t)buf, (uint32_t)len };
    /* Returns the number of bytes NOT written. */
    return len - (size_t)sh_call(SYS_WRITE, args);
}

size_t sh_read(int fd, void *buf, size_t len)
{
    uint32_t args[3] = { (uint32_t)fd, (uint32_t)buf, (uint32_t)len };
    int left = sh_call(SYS_READ, args);
    if (left < 0 || (size_t)left > len)
        return (size_t)-1;
    return len - (size_t)left;
}

long sh_flen(int fd)
{
    uint32_t args[1] = { (uint32_t)fd };
    return sh_call(SYS_FLEN, args);
}

int sh_rename(const char *from, const char *to)
{
    uint32_t args[4] = { (uint32_t)from, (uint32_t)strlen(from), (uint32_t)to,
                         (uint32_t)strlen(to) };
    return sh_call(SYS_RENAME, args);
}

int sh_remove(const char *path)
{
    uint32_t args[2] = { (uint32_t)path, (uint32_t)strlen(path) };
    return sh_call(SYS_REMOVE, args);
}

int64_t sh_time(void)
{
    return (int64_t)(uint32_t)sh_call(SYS_TIME, NULL);
}

int sh_cmdline(char *buf, size_t cap)
{
    uint32_t args[2] = { (uint32_t)buf, (uint32_t)cap };
    return sh_call(SYS_GET_CMDLINE, args);
}

_Noreturn void sh_exit(int status)
{
    uint32_t args[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
    for (;;)
        sh_call(SYS_EXIT_EXTENDED, args);
}
