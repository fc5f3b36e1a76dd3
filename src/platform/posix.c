/* POSIX implementation of the platform layer's clock, once and file I/O. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"

uint64_t tlsc__monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t tlsc__system_time(void)
{
    return (int64_t)time(NULL);
}

int64_t tlsc__wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tlsc__sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000u, (long)(ms % 1000u) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

void tlsc__once(void (*fn)(void))
{
    pthread_once(&g_once, fn);
}

static tlsc_err read_all(FILE *f, unsigned char *buf, size_t len)
{
    size_t got = fread(buf, 1, len, f);
    return got == len ? TLSC_OK : TLSC_ERR_FILE;
}

tlsc_err tlsc__read_file(const char *path, unsigned char **data, size_t *len,
                         char *detail, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(detail, cap, "cannot open %s: %s", path, strerror(errno));
        return TLSC_ERR_FILE;
    }
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(detail, cap, "cannot read %s: not a regular file", path);
        fclose(f);
        return TLSC_ERR_FILE;
    }
    unsigned char *buf = tlsc__calloc(1, (size_t)size + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(detail, cap, "no memory for %s (%ld bytes)", path, size);
        return TLSC_ERR_NO_MEMORY;
    }
    tlsc_err err = read_all(f, buf, (size_t)size);
    fclose(f);
    if (err != TLSC_OK) {
        snprintf(detail, cap, "cannot read %s", path);
        tlsc__free(buf);
        return err;
    }
    *data = buf;
    *len = (size_t)size;
    return TLSC_OK;
}
