/*
 * The parts of the tlsc command (tools/) that are host-specific, as the
 * device build has them: the stdin relay of `tlsc connect` (tools/
 * cli_relay.c polls descriptors; here stdin is a host file read through
 * semihosting, named with @stdin=FILE by scripts/tlsc-qemu) and the event
 * driver of `tlsc connect --driver event` and the PKCS#11 signer of
 * `--key pkcs11:...` (tools/cli_pkcs11.c: dlopen and p11-kit; neither is
 * in the device build: a usage error says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "device_cli.h"
#include "net.h"
#include "semihost.h"

static const char *stdin_path;

void device_cli_set_stdin(const char *path)
{
    stdin_path = path;
}

static int server_ended(tlsc_conn *conn, tlsc_err err)
{
    if (err == TLSC_ERR_CLOSED) {
        (void)tlsc_conn_close(conn);
        return CLI_EXIT_OK;
    }
    return cli_report(err, tlsc_conn_errmsg(conn));
}

/* Send the stdin file, then copy the server's data to stdout until it
 * closes or stays silent for grace_ms (0: until it closes). */
int cli_relay(tlsc_conn *conn, int fd, uint32_t grace_ms)
{
    (void)fd;
    static unsigned char buf[4096];
    int in = stdin_path != NULL ? sh_open(stdin_path, "rb") : -1;
    for (size_t n; in >= 0 && (n = sh_read(in, buf, sizeof buf)) > 0 && n != (size_t)-1;) {
        tlsc_err err = tlsc_conn_write(conn, buf, n);
        if (err != TLSC_OK) {
            sh_close(in);
            return server_ended(conn, err);
        }
    }
    if (in >= 0)
        sh_close(in);
    uint64_t quiet_until = grace_ms ? tlsc_now_ms() + grace_ms : 0;
    for (;;) {
        size_t got = 0;
        tlsc_err err = tlsc_conn_recv(conn, buf, sizeof buf, &got);
        if (err == TLSC_OK) {
            fwrite(buf, 1, got, stdout);
            quiet_until = grace_ms ? tlsc_now_ms() + grace_ms : 0;
        } else if (err == TLSC_WANT_READ || err == TLSC_WANT_WRITE) {
            if (quiet_until != 0 && tlsc_now_ms() >= quiet_until) {
                err = tlsc_conn_close(conn);
                return err == TLSC_OK ? CLI_EXIT_OK : cli_report(err, tlsc_conn_errmsg(conn));
            }
            net_poll(NULL);
        } else {
            return server_ended(conn, err);
        }
    }
}

int cli_event_connect(const cli_ev_params *p)
{
    (void)p;
    return cli_usage_error("connect", "--driver event is not available in the device build "
                                      "(scripts/tlsc-qemu)");
}

/* tlsc get --driver event: refused by cmd_get.c when this is NULL. */
const cli_http_ops *cli_event_http_ops(void)
{
    return NULL;
}

#define NO_PKCS11 "PKCS#11 is not available in the device build (scripts/tlsc-qemu)"

/* --key pkcs11:... is refused when the options are checked... */
int cli_pkcs11_check(const char *cmd)
{
    return cli_usage_error(cmd, "--key pkcs11:...: " NO_PKCS11);
}

/* ...so these are never reached; they fail the same way if they were. */
cli_pkcs11 *cli_pkcs11_open(const char *uri, const char *module, const char *key_pass,
                            char *why, size_t cap)
{
    (void)uri;
    (void)module;
    (void)key_pass;
    snprintf(why, cap, NO_PKCS11);
    return NULL;
}

void cli_pkcs11_close(cli_pkcs11 *p)
{
    (void)p; /* cli_pkcs11_open never returns one */
}

tlsc_sign_result cli_pkcs11_sign(void *user, const tlsc_sign_request *req, uint8_t *sig,
                                 size_t sig_cap, size_t *sig_len, char *why, size_t why_cap)
{
    (void)user;
    (void)req;
    (void)sig;
    (void)sig_cap;
    (void)sig_len;
    snprintf(why, why_cap, NO_PKCS11);
    return TLSC_SIGN_FAILED;
}

/* newlib has no fsync, and the HTTPS client's downloads call it before
 * renaming the finished file. Semihosting hands every write to the host
 * as it is made (SYS_WRITE), so there is nothing left to flush here. */
int fsync(int fd);
int fsync(int fd)
{
    (void)fd;
    return 0;
}

/* newlib's librdimon answers rename() with ENOSYS; semihosting has
 * SYS_RENAME (the downloads of `tlsc get -o` are renamed into place once
 * complete). Replaces the C library's rename (this object links first). */
int rename(const char *from, const char *to);
int rename(const char *from, const char *to)
{
    if (sh_rename(from, to) != 0) {
        errno = EIO;
        return -1;
    }
    return 0;
}

/* newlib's mkstemp first stats the directory, which semihosting cannot
 * (it opens files only), so every path with a directory fails with
 * ENOTDIR. This one tries names until one does not exist yet (semihosting
 * has no O_EXCL: a race with another writer of the same directory is
 * possible, and harmless for the downloads of one device). */
int mkstemp(char *templ);
int mkstemp(char *templ)
{
    size_t n = strlen(templ);
    if (n < 6 || strcmp(templ + n - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(templ + n - 6, 7, "%06lu", (unsigned long)(board_rand() % 1000000u));
        int probe = sh_open(templ, "rb");
        if (probe >= 0) {
            sh_close(probe);
            continue;
        }
        return open(templ, O_RDWR | O_CREAT | O_TRUNC, 0600);
    }
    errno = EEXIST;
    return -1;
}
