/*
 * tools/cli_session.c — --sess-in / --sess-out: session blobs in files.
 *
 * A session file that cannot be used (missing, corrupt, tampered, for
 * another server) is never fatal: the command says so on stderr and the
 * library does a full, verified handshake, as a device would.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* How long to wait for a TLS 1.3 ticket before giving up on --sess-out. */
#define TICKET_WAIT_MS 2000u

static size_t read_blob(const char *path, unsigned char *buf, size_t cap, int *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *err = errno;
        return 0;
    }
    size_t n = fread(buf, 1, cap, f);
    *err = ferror(f) ? EIO : 0;
    fclose(f);
    return n;
}

/* Read the blob of path into blob (capacity TLSC_SESSION_MAX + 1); false
 * after saying why it cannot be used. */
static bool load_blob(const char *path, unsigned char *blob, size_t *n)
{
    int e = 0;
    *n = read_blob(path, blob, TLSC_SESSION_MAX + 1, &e);
    if (e != 0)
        fprintf(stderr, "tlsc: not resuming: cannot read %s: %s\n", path, strerror(e));
    return e == 0;
}

static void offered(tlsc_err err, const char *path, unsigned char *blob)
{
    memset(blob, 0, TLSC_SESSION_MAX + 1); /* it held a master secret */
    if (err != TLSC_OK)
        fprintf(stderr, "tlsc: not resuming: %s: %s\n", path, tlsc_strerror(err));
}

void cli_session_load(tlsc_conn *conn, const char *path)
{
    unsigned char blob[TLSC_SESSION_MAX + 1];
    size_t n = 0;
    if (load_blob(path, blob, &n))
        offered(tlsc_conn_set_session(conn, blob, n), path, blob);
}

/* Write via a temporary file and rename, so a crash never leaves half a
 * session; 0600 because the blob holds the session's master secret. */
static int write_file(const char *path, const unsigned char *blob, size_t len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return ENAMETOOLONG;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    ssize_t w = write(fd, blob, len);
    int e = (w == (ssize_t)len) ? 0 : (w < 0 ? errno : EIO);
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0)
        unlink(tmp);
    return e;
}

/* Write the blob, then wipe it; an exit status. */
static int store(const char *path, unsigned char *blob, size_t len)
{
    int e = write_file(path, blob, len);
    memset(blob, 0, len);
    if (e != 0) {
        fprintf(stderr, "tlsc: cannot write session file %s: %s\n", path, strerror(e));
        return cli_exit_status(TLSC_ERR_FILE);
    }
    return CLI_EXIT_OK;
}

int cli_session_save(tlsc_conn *conn, const char *path)
{
    /* TLS 1.3 tickets arrive after the handshake; TLS 1.2 has one already. */
    tlsc_err err = tlsc_conn_await_session(conn, TICKET_WAIT_MS);
    return cli_session_write(conn, path, err);
}

int cli_session_write(const tlsc_conn *conn, const char *path, tlsc_err err)
{
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len = 0;
    if (err == TLSC_OK)
        err = tlsc_conn_export_session(conn, blob, sizeof blob, &len);
    if (err != TLSC_OK) {
        fprintf(stderr, "tlsc: no session saved to %s: %s\n", path, tlsc_strerror(err));
        return CLI_EXIT_OK; /* the connection itself succeeded */
    }
    return store(path, blob, len);
}

/* ---- the same for the HTTPS client (tlsc get) ---------------------------- */

void cli_session_load_http(tlsc_http *h, const char *path)
{
    unsigned char blob[TLSC_SESSION_MAX + 1];
    size_t n = 0;
    if (load_blob(path, blob, &n))
        offered(tlsc_http_set_session(h, blob, n), path, blob);
}

int cli_session_save_http(tlsc_http *h, const char *path)
{
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len = 0;
    tlsc_err err = tlsc_http_export_session(h, blob, sizeof blob, &len);
    if (err != TLSC_OK) {
        fprintf(stderr, "tlsc: no session saved to %s: %s\n", path, tlsc_strerror(err));
        return CLI_EXIT_OK;
    }
    return store(path, blob, len);
}
