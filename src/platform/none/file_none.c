/*
 * The "none" platform's files: there are none; the *_file setters fail
 * with TLSC_ERR_FILE and the data is passed from memory instead. A board
 * with a file system (or a debugger's semihosting) builds its own
 * tlsc__file_open / read_all / close instead (the emulated board:
 * device/mps2-an386/tlsc_file.c).
 */
#include <stdio.h>

#include "platform/platform.h"

tlsc_err tlsc__file_open(const char *path, int *fd, uint64_t *size, unsigned *mode,
                         char *detail, size_t cap)
{
    (void)fd;
    (void)size;
    (void)mode;
    snprintf(detail, cap, "%s: cannot open: this build has no file system "
             "(platform none): pass the data from memory instead", path);
    return TLSC_ERR_FILE;
}

/* Never called: nothing is ever open. */
bool tlsc__file_read_all(int fd, unsigned char *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    return false;
}

void tlsc__file_close(int fd)
{
    (void)fd;
}

/* No file to protect here (semihosting cannot tell a device from a file). */
bool tlsc__file_replaceable(const char *path)
{
    (void)path;
    return true;
}
