/*
 * tools/cli_file_posix.c — the tlsc command's files on a POSIX host:
 * opening and completing outputs (downloads, session files, bundles)
 * without surprises, and the environment (env: secrets). The shared parts
 * (cli_out_write, cli_write_file, cli_secret) are in tools/cli_file.c; the
 * device build has its own of these (device/mps2-an386/cli_file_device.c).
 * Inputs are read with the library's tlsc_file_read (regular files only,
 * a FIFO never blocks: tlsc/file.h).
 *
 * Outputs never destroy what is at the destination: "-" is stdout; an
 * existing device or FIFO is written in place (as curl does, so -o
 * /dev/null stays a device); anything else is written to a fresh
 * temporary file (mkstemp: O_EXCL, 0600, an unpredictable name) next to
 * the final target, symlinks followed (the link stays), and renamed over
 * the target only once complete. While a temporary file exists, SIGINT,
 * SIGTERM and SIGHUP remove it before the command dies of the signal.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_SUFFIX ".tlsc-XXXXXX"
/* Symlinks followed before giving up (as the kernel's ELOOP limit). */
#define MAX_LINKS 40

/* ---- the temporary file's removal on a signal ----------------------------------- */

static const int litter_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define LITTER_SIGNALS (sizeof litter_signals / sizeof litter_signals[0])

/* The handler reads only these: a path stored before the file exists. */
static char g_litter[sizeof ((cli_out *)0)->tmp];
static volatile sig_atomic_t g_have_litter;
static struct sigaction g_old[LITTER_SIGNALS];

/* Async-signal-safe: unlink, then die of the same signal (the default
 * action was restored by SA_RESETHAND), so the parent sees 128 + sig. */
static void on_signal(int sig)
{
    if (g_have_litter)
        (void)unlink(g_litter);
    (void)raise(sig);
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < LITTER_SIGNALS; i++)
        sigaddset(&set, litter_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* Signals the command was started with ignored (nohup) stay ignored. */
static void arm(const char *tmp)
{
    sigset_t old;
    block_signals(&old);
    snprintf(g_litter, sizeof g_litter, "%s", tmp);
    g_have_litter = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < LITTER_SIGNALS; i++) {
        sigaction(litter_signals[i], NULL, &g_old[i]);
        if (g_old[i].sa_handler != SIG_IGN)
            sigaction(litter_signals[i], &sa, NULL);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void disarm(void)
{
    if (!g_have_litter)
        return;
    for (size_t i = 0; i < LITTER_SIGNALS; i++)
        sigaction(litter_signals[i], &g_old[i], NULL);
    g_have_litter = 0;
}

/* ---- writing ------------------------------------------------------------------------ */

/* The file a chain of symlinks ends at (which may not exist yet): a
 * relative link is relative to the directory of the link. */
static int follow_links(const char *path, char *out, size_t cap)
{
    if (snprintf(out, cap, "%s", path) >= (int)cap)
        return ENAMETOOLONG;
    for (int i = 0; i < MAX_LINKS; i++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        char link[PATH_MAX];
        ssize_t n = readlink(out, link, sizeof link - 1);
        if (n < 0)
            return errno;
        link[n] = '\0';
        const char *slash = strrchr(out, '/');
        if (link[0] == '/' || slash == NULL) {
            if (snprintf(out, cap, "%s", link) >= (int)cap)
                return ENAMETOOLONG;
            continue;
        }
        size_t dir = (size_t)(slash - out) + 1;
        if (dir + (size_t)n + 1 > cap)
            return ENAMETOOLONG;
        memcpy(out + dir, link, (size_t)n + 1);
    }
    return ELOOP;
}

/* The permissions a new public file gets: the replaced file's, or those
 * of any new file (0666 less the umask). */
static mode_t public_mode(const struct stat *st, bool exists)
{
    if (exists)
        return st->st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

static int open_tmp(cli_out *o, bool exists, const struct stat *st, bool private_file)
{
    snprintf(o->tmp, sizeof o->tmp, "%s" TMP_SUFFIX, o->target);
    /* The handler must know the name before the file exists; mkstemp
     * fills in the X's, so arm with the template's final form after. */
    sigset_t old;
    block_signals(&old);
    o->fd = mkstemp(o->tmp);
    int e = errno;
    if (o->fd >= 0)
        arm(o->tmp);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (o->fd < 0)
        return e;
    if (!private_file && fchmod(o->fd, public_mode(st, exists)) != 0)
        return errno;
    return 0;
}

int cli_out_open_file(cli_out *o, bool private_file)
{
    int e = follow_links(o->path, o->target, sizeof o->target - (sizeof TMP_SUFFIX - 1));
    struct stat st;
    memset(&st, 0, sizeof st);
    bool exists = e == 0 && stat(o->target, &st) == 0;
    if (e == 0 && exists && S_ISDIR(st.st_mode))
        e = EISDIR;
    if (e == 0 && exists && !S_ISREG(st.st_mode)) {
        /* A device or FIFO: written in place, never replaced. */
        o->fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        e = o->fd < 0 ? errno : 0;
    } else if (e == 0) {
        e = open_tmp(o, exists, &st, private_file);
    }
    return e;
}

/* The temporary file, complete: flushed to disk and renamed over the
 * target (signals blocked, so the handler never unlinks a name that was
 * just renamed). */
static int commit_tmp(cli_out *o)
{
    int e = fsync(o->fd) != 0 ? errno : 0;
    if (close(o->fd) != 0 && e == 0)
        e = errno;
    o->fd = -1;
    sigset_t old;
    block_signals(&old);
    if (e == 0 && rename(o->tmp, o->target) != 0)
        e = errno;
    if (e == 0) {
        o->tmp[0] = '\0';
        disarm();
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return e;
}

int cli_out_complete(cli_out *o)
{
    if (o->tmp[0] != '\0')
        return commit_tmp(o);
    return o->fd >= 0 && close(o->fd) != 0 ? errno : 0;
}

void cli_out_discard(cli_out *o)
{
    if (o->fd >= 0 && !o->is_stdout)
        (void)close(o->fd);
    o->fd = -1;
    sigset_t old;
    block_signals(&old);
    if (o->tmp[0] != '\0')
        (void)unlink(o->tmp);
    o->tmp[0] = '\0';
    disarm();
    sigprocmask(SIG_SETMASK, &old, NULL);
}

const char *cli_env(const char *name, char *why, size_t cap)
{
    const char *v = getenv(name);
    if (v == NULL)
        snprintf(why, cap, "environment variable %s is not set", name);
    return v;
}
