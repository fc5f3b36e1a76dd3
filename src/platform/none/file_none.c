/*
 * The "none" platform's files: there are none; the *_file setters fail
 * with TLSC_ERR_FILE and the data is passed from memory instead. A board
 * with a file system (or a debugger's semihosting) builds its own
 * tlsc__read_file instead (the emulated board: device/mps2-an386/tlsc_file.c).
 */
#include <stdio.h>

#include "platform/platform.h"

tlsc_err tlsc__read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                         unsigned *mode, char *detail, size_t cap)
{
    (void)max;
    (void)data;
    (void)len;
    (void)mode;
    snprintf(detail, cap, "%s: cannot open: this build has no file system "
             "(platform none): pass the data from memory instead", path);
    return TLSC_ERR_FILE;
}

/* No file to protect here (semihosting cannot tell a device from a file). */
bool tlsc__file_replaceable(const char *path)
{
    (void)path;
    return true;
}
