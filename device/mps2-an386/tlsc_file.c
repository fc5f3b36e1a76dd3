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

/* Semihosting tells a file's length but not its kind or mode: any file is
 * read (a FIFO named here blocks QEMU) and the mode is 0. */
tlsc_err tlsc__read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                         unsigned *mode, char *detail, size_t cap)
{
    *mode = 0;
    int fd = sh_open(path, "rb");
    if (fd < 0) {
        snprintf(detail, cap, "%s: cannot open (host file, semihosting)", path);
        return TLSC_ERR_FILE;
    }
    long n = sh_flen(fd);
    tlsc_err err = TLSC_OK;
    if (n < 0) {
        snprintf(detail, cap, "%s: its length is unknown (host file, semihosting)", path);
        err = TLSC_ERR_FILE;
    } else if ((unsigned long)n > max) {
        snprintf(detail, cap, "%s: %ld bytes, more than the %lu bytes allowed", path, n,
                 (unsigned long)max);
        err = TLSC_ERR_FILE;
    }
    size_t size = err == TLSC_OK ? (size_t)n : 0;
    unsigned char *buf = err == TLSC_OK ? tlsc__calloc(1, size + 1) : NULL;
    if (err == TLSC_OK && buf == NULL) {
        snprintf(detail, cap, "%s: no memory for %lu bytes", path, (unsigned long)size);
        err = TLSC_ERR_NO_MEMORY;
    }
    if (err == TLSC_OK && sh_read(fd, buf, size) != size) {
        snprintf(detail, cap, "%s: a read failed or the file shrank", path);
        err = TLSC_ERR_FILE;
    }
    sh_close(fd);
    if (err != TLSC_OK) {
        tlsc__free_secret(buf, size);
        return err;
    }
    *data = buf;
    *len = size;
    return TLSC_OK;
}

/* No file to protect here (semihosting cannot tell a device from a file). */
bool tlsc__file_replaceable(const char *path)
{
    (void)path;
    return true;
}
