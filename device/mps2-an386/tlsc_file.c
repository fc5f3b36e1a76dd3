/*
 * tlsc's file hook (src/platform/platform.h: tlsc__read_file) for the
 * emulated board: host files through semihosting, so --ca FILE, --bundle
 * and the *_file setters work on the device. Built INSTEAD of
 * src/platform/none/file_none.c; a board with a real file system (LittleFS,
 * FAT) reads from it here the same way.
 */
#include <stdio.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "platform/platform.h"
#include "semihost.h"

tlsc_err tlsc__read_file(const char *path, unsigned char **data, size_t *len,
                         char *detail, size_t cap)
{
    *data = NULL;
    *len = 0;
    int fd = sh_open(path, "rb");
    if (fd < 0) {
        snprintf(detail, cap, "cannot open %s (host file, semihosting)", path);
        return TLSC_ERR_FILE;
    }
    long n = sh_flen(fd);
    unsigned char *buf = n >= 0 ? tlsc__calloc(1, (size_t)n + 1) : NULL;
    if (buf == NULL || sh_read(fd, buf, (size_t)n) != (size_t)n) {
        sh_close(fd);
        tlsc__free(buf);
        snprintf(detail, cap, "cannot read %s (host file, semihosting)", path);
        return buf == NULL && n >= 0 ? TLSC_ERR_NO_MEMORY : TLSC_ERR_FILE;
    }
    sh_close(fd);
    *data = buf;
    *len = (size_t)n;
    return TLSC_OK;
}

/* No file to protect here (semihosting cannot tell a device from a file). */
bool tlsc__file_replaceable(const char *path)
{
    (void)path;
    return true;
}
