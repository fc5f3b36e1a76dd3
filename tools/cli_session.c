/*
 * tools/cli_session.c — --sess-in / --sess-out: session blobs in files.
 *
 * A session file that cannot be used (missing, corrupt, tampered, for
 * another server) is never fatal: the command says so on stderr and the
 * library does a full, verified handshake, as a device would.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* How long to wait for a TLS 1.3 ticket before giving up on --sess-out. */
#define TICKET_WAIT_MS 2000u

/* A session file others can read gives them the session secret: used
 * anyway (the command's user chose it), but said. */
static void warn_if_shared(const char *path, unsigned mode)
{
    if ((mode & 077) != 0)
        fprintf(stderr, "tlsc: warning: session file %s is accessible by others (mode %04o) "
                "and holds the session secret: chmod 600 it\n", path, mode & 07777);
}

/* Read the blob of path into a fresh block (the caller frees it with
 * tlsc_file_free, which wipes it); false after saying why it cannot be
 * used. */
static bool load_blob(const char *path, unsigned char **blob, size_t *n)
{
    char why[CLI_WHY_MAX];
    unsigned mode = 0;
    tlsc_err err = tlsc_file_read(path, TLSC_SESSION_MAX, blob, n, &mode, why, sizeof why);
    if (err != TLSC_OK) {
        fprintf(stderr, "tlsc: not resuming: cannot read %s\n", why);
        return false;
    }
    warn_if_shared(path, mode);
    return true;
}

static void offered(tlsc_err err, const char *path, unsigned char *blob, size_t n)
{
    tlsc_file_free(blob, n); /* wiped: it held a master secret */
    if (err != TLSC_OK)
        fprintf(stderr, "tlsc: not resuming: %s: %s\n", path, tlsc_strerror(err));
}

void cli_session_load(tlsc_conn *conn, const char *path)
{
    unsigned char *blob = NULL;
    size_t n = 0;
    if (load_blob(path, &blob, &n))
        offered(tlsc_conn_set_session(conn, blob, n), path, blob, n);
}

/* Write the blob (0600, atomically: see cli_out_open), then wipe it; an
 * exit status. */
static int store(const char *path, unsigned char *blob, size_t len)
{
    int e = cli_write_file(path, blob, len, true);
    memset(blob, 0, len);
    return e != 0 ? cli_exit_status(TLSC_ERR_FILE) : CLI_EXIT_OK;
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

void cli_session_load_http(const cli_http_ops *ops, void *c, const char *path)
{
    unsigned char *blob = NULL;
    size_t n = 0;
    if (load_blob(path, &blob, &n))
        offered(ops->set_session(c, blob, n), path, blob, n);
}

int cli_session_save_http(const cli_http_ops *ops, void *c, const char *path)
{
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len = 0;
    tlsc_err err = ops->export_session(c, blob, sizeof blob, &len);
    if (err != TLSC_OK) {
        fprintf(stderr, "tlsc: no session saved to %s: %s\n", path, tlsc_strerror(err));
        return CLI_EXIT_OK;
    }
    return store(path, blob, len);
}
