/*
 * The tlsc command's files on the emulated board: the platform's part of
 * tools/cli_file.c (what tools/cli_file_posix.c is on a host), over host
 * files through semihosting. Semihosting can open, read, write, rename and
 * remove a host file and tell its length; it cannot stat one, set its mode
 * or follow a link, and a board has no environment. So:
 *  - inputs are read by the library's tlsc_file_read, over this board's
 *    tlsc__read_file (tlsc_file.c): whole (a FIFO named as an input blocks
 *    QEMU: name regular files); their mode is unknown (0);
 *  - outputs go to a temporary file next to the target (cli_device.c's
 *    mkstemp) renamed over it once complete, except a path under /dev/,
 *    the host's devices (-o /dev/null), written in place; a symlink at the
 *    target is replaced by the file; every file gets the mode the host's
 *    umask allows (scripts/tlsc-qemu runs QEMU with umask 077, as session
 *    files hold secrets);
 *  - env: secrets are refused with a clear reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h> /* mkstemp: cli_device.c's */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "semihost.h"

#define TMP_SUFFIX ".tlsc-XXXXXX"

int cli_out_open_file(cli_out *o, bool private_file)
{
    (void)private_file; /* no mode to set: see the top of this file */
    size_t n = strlen(o->path);
    if (n >= sizeof o->target - (sizeof TMP_SUFFIX - 1))
        return ENAMETOOLONG;
    memcpy(o->target, o->path, n + 1);
    if (strncmp(o->target, "/dev/", 5) == 0) {
        o->fd = open(o->target, O_WRONLY);
        return o->fd < 0 ? errno : 0;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s" TMP_SUFFIX, o->target);
    o->fd = mkstemp(o->tmp);
    if (o->fd >= 0)
        return 0;
    o->tmp[0] = '\0';
    return errno;
}

int cli_out_complete(cli_out *o)
{
    int e = o->fd >= 0 && close(o->fd) != 0 ? errno : 0;
    o->fd = -1;
    if (e == 0 && o->tmp[0] != '\0' && rename(o->tmp, o->target) != 0)
        e = errno;
    if (e == 0)
        o->tmp[0] = '\0';
    return e;
}

void cli_out_discard(cli_out *o)
{
    if (o->fd >= 0 && !o->is_stdout)
        (void)close(o->fd);
    o->fd = -1;
    if (o->tmp[0] != '\0')
        (void)sh_remove(o->tmp);
    o->tmp[0] = '\0';
}

const char *cli_env(const char *name, char *why, size_t cap)
{
    snprintf(why, cap, "env:%s: there is no environment on the device (use file:PATH or pass:TEXT)",
             name);
    return NULL;
}
