/*
 * tools/cli_file.c — the parts of the tlsc command's file handling that
 * every build shares: writing an opened output, writing a whole file, and
 * secrets given on the command line (--psk, --key-pass, a PIN source).
 * Inputs are read with the library's tlsc_file_read (tlsc/file.h), over
 * the platform's reader, on a host and on the device alike.
 *
 * Where outputs go is the platform's: tools/cli_file_posix.c on a host
 * (temporary file + rename, signal cleanup, the environment),
 * device/mps2-an386/cli_file_device.c on the emulated board (host files
 * through semihosting, no environment). Both provide cli_out_open_file,
 * cli_out_complete, cli_out_discard and cli_env.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


int cli_out_open(cli_out *o, const char *path, bool private_file, char *why, size_t cap)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->path = path;
    if (strcmp(path, "-") == 0) {
        fflush(stdout);
        o->fd = STDOUT_FILENO;
        o->is_stdout = true;
        return 0;
    }
    int e = cli_out_open_file(o, private_file);
    if (e != 0) {
        snprintf(why, cap, "cannot write %s: %s", path, strerror(e));
        cli_out_discard(o);
    }
    return e;
}

int cli_out_write(cli_out *o, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(o->fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            o->write_error = w < 0 ? errno : EIO;
            return o->write_error;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int cli_out_commit(cli_out *o, char *why, size_t cap)
{
    int e = o->is_stdout ? 0 : cli_out_complete(o);
    if (!o->is_stdout)
        o->fd = -1;
    if (e != 0) {
        snprintf(why, cap, "cannot write %s: %s", o->path, strerror(e));
        cli_out_discard(o);
    }
    return e;
}

int cli_write_file(const char *path, const void *data, size_t len, bool private_file)
{
    cli_out o;
    char why[CLI_WHY_MAX];
    int e = cli_out_open(&o, path, private_file, why, sizeof why);
    if (e == 0) {
        e = cli_out_write(&o, data, len);
        if (e != 0) {
            snprintf(why, sizeof why, "cannot write %s: %s", path, strerror(e));
            cli_out_discard(&o);
        }
    }
    if (e == 0)
        e = cli_out_commit(&o, why, sizeof why);
    if (e != 0)
        fprintf(stderr, "tlsc: %s\n", why);
    return e;
}

void cli_free_secret(void *data, size_t len)
{
    if (data == NULL)
        return;
    volatile unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        p[i] = 0;
    free(data);
}

/* ---- secrets from the environment or a file ------------------------------------------ */

/* A secret file holds one line; 4 KiB is far beyond any PSK or password. */
#define SECRET_FILE_MAX 4096

static int copy_secret(const char *text, char **out)
{
    *out = strdup(text);
    return *out != NULL ? CLI_EXIT_OK : cli_report(TLSC_ERR_NO_MEMORY, NULL);
}

static int secret_from_file(const char *option, const char *path, char **out)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char why[CLI_WHY_MAX];
    tlsc_err err = tlsc_file_read(path, SECRET_FILE_MAX, &data, &len, NULL, why, sizeof why);
    if (err != TLSC_OK) {
        fprintf(stderr, "tlsc: %s: %s: %s\n", tlsc_strerror(err), option, why);
        return cli_exit_status(err);
    }
    data[strcspn((char *)data, "\r\n")] = '\0';
    int rc = copy_secret((const char *)data, out);
    tlsc_file_free(data, len);
    return rc;
}

static int secret_from_env(const char *option, const char *var, char **out)
{
    char why[CLI_WHY_MAX];
    const char *v = cli_env(var, why, sizeof why);
    if (v != NULL)
        return copy_secret(v, out);
    fprintf(stderr, "tlsc: %s: %s: %s\n", tlsc_strerror(TLSC_ERR_CONFIG), option, why);
    return cli_exit_status(TLSC_ERR_CONFIG);
}

int cli_secret(const char *option, const char *spec, char **out)
{
    *out = NULL;
    if (strncmp(spec, "env:", 4) == 0)
        return secret_from_env(option, spec + 4, out);
    if (strncmp(spec, "file:", 5) == 0)
        return secret_from_file(option, spec + 5, out);
    if (spec[0] == '@')
        return secret_from_file(option, spec + 1, out);
    if (strncmp(spec, "pass:", 5) == 0)
        return copy_secret(spec + 5, out);
    return copy_secret(spec, out);
}
