/* POSIX implementation of the platform layer's clock, entropy, once and
 * file I/O. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform/platform.h"

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

/* getentropy hands out at most 256 bytes per call. */
int tlsc__entropy(unsigned char *buf, size_t len)
{
    while (len > 0) {
        size_t n = len < 256 ? len : 256;
        if (getentropy(buf, n) != 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

void tlsc__once(void (*fn)(void))
{
    pthread_once(&g_once, fn);
}

/* A regular file does not shrink under us unless someone truncates it,
 * which is then a read error. */
bool tlsc__file_read_all(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
 * forever; it is refused by the S_ISREG check right after. */
tlsc_err tlsc__file_open(const char *path, int *fd, uint64_t *size, unsigned *mode,
                         char *detail, size_t cap)
{
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0) {
        snprintf(detail, cap, "%s: %s", path, strerror(errno));
        return TLSC_ERR_FILE;
    }
    struct stat st;
    if (fstat(*fd, &st) != 0)
        snprintf(detail, cap, "%s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        snprintf(detail, cap, "%s: %s, not a regular file", path, file_kind(st.st_mode));
    else {
        *size = (uint64_t)st.st_size;
        *mode = (unsigned)st.st_mode;
        return TLSC_OK;
    }
    close(*fd);
    return TLSC_ERR_FILE;
}

void tlsc__file_close(int fd)
{
    close(fd);
}

bool tlsc__file_replaceable(const char *path)
{
    struct stat st;
    return lstat(path, &st) != 0 || S_ISREG(st.st_mode);
}
