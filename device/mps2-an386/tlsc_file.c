/*
 * tlsc's file hooks (src/platform/platform.h: tlsc__file_open, read_all,
 * close; the rest of reading a file is core/base/file.c's) for the
 * emulated board: host files through semihosting, so --ca FILE, --bundle
 * and the *_file setters work on the device. Built INSTEAD of
 * src/platform/none/file_none.c; a board with a real file system (LittleFS,
 * FAT) reads from it here the same way.
 */
#include <stdio.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "semihost.h"

/* Semihosting tells a file's length but not its kind or mode: any file is
 * opened (a FIFO named here blocks QEMU) and the mode is 0. */
tlsc_err tlsc__file_open(const char *path, int *fd, uint64_t *size, unsigned *mode,
                         char *detail, size_t cap)
{
    *fd = sh_open(path, "rb");
    if (*fd < 0) {
        snprintf(detail, cap, "%s: cannot open (host file, semihosting)", path);
        return TLSC_ERR_FILE;
    }
    long n = sh_flen(*fd);
    if (n < 0) {
        sh_close(*fd);
        snprintf(detail, cap, "%s: its length is unknown (host file, semihosting)", path);
        return TLSC_ERR_FILE;
    }
    *size = (uint64_t)n;
    *mode = 0;
    return TLSC_OK;
}

bool tlsc__file_read_all(int fd, unsigned char *buf, size_t len)
{
    return sh_read(fd, buf, len) == len;
}

void tlsc__file_close(int fd)
{
    sh_close(fd);
}

/* No file to protect here (semihosting cannot tell a device from a file). */
bool tlsc__file_replaceable(const char *path)
{
    (void)path;
    return true;
}
