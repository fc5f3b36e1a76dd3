/*
 * Test peers for the API tests: spawns `openssl s_server` on 127.0.0.1 with
 * an ephemeral port (it prints "ACCEPT host:port"), `gnutls-serv` on a
 * free port, and simple TCP listeners that accept and stay silent. Linux:
 * a server ends with the test that started it (PR_SET_PDEATHSIG).
 */
#include "peer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

/* Read from fd until a line "ACCEPT ...:PORT" appears or timeout. */
static int read_port(int fd, int timeout_ms)
{
    char buf[4096];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, timeout_ms) <= 0)
            return -1;
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        char *a = strstr(buf, "ACCEPT");
        char *nl = a ? strchr(a, '\n') : NULL;
        if (nl != NULL) {
            *nl = '\0';
            char *colon = strrchr(a, ':');
            return colon ? atoi(colon + 1) : -1;
        }
    }
    return -1;
}

int peer_start(peer *p, const char *const *args)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = "openssl";
    argv[n++] = "s_server";
    argv[n++] = "-accept";
    argv[n++] = p->accept ? p->accept : "127.0.0.1:0";
    for (size_t i = 0; args[i] != NULL && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return peer_spawn(p, argv);
}

/* In the child, before exec: fd (1 or 2) onto the pipe, stdin from
 * /dev/null, the other output to /dev/null unless verbose. Only
 * async-signal-safe calls; every descriptor opened here or by
 * spawn_piped is close-on-exec, the dup2 copies are not. */
static void child_io(int pipe_w, int fd, bool verbose)
{
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0 || dup2(in, 0) < 0 || dup2(pipe_w, fd) < 0)
        _exit(127);
    if (!verbose) {
        int null_w = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null_w < 0 || dup2(null_w, 3 - fd) < 0)
            _exit(127);
    }
}

/* Spawn argv with its file descriptor `fd` (1 or 2) on a pipe read as
 * p->out, stdin from /dev/null, and the other output to /dev/null unless
 * TLSC_TEST_VERBOSE is set. The server gets SIGTERM when the test dies
 * (a crash skips peer_stop): PR_SET_PDEATHSIG, set in the child before
 * exec, then the parent checked, in case it died before the prctl. The
 * signal follows the thread that forked: the tests start peers from their
 * main thread. */
static int spawn_piped(peer *p, const char *const *argv, int fd)
{
    int out[2];
    if (pipe(out) != 0)
        return -1;
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    fcntl(out[1], F_SETFD, FD_CLOEXEC);
    bool verbose = getenv("TLSC_TEST_VERBOSE") != NULL;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
            _exit(127);
        child_io(out[1], fd, verbose);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    if (pid < 0) {
        close(out[0]);
        p->pid = 0;
        return -1;
    }
    p->pid = pid;
    p->out = out[0];
    return 0;
}

int peer_spawn(peer *p, const char *const *argv)
{
    if (spawn_piped(p, argv, 1) != 0)
        return -1;
    p->port = read_port(p->out, 5000);
    if (p->port <= 0) {
        peer_stop(p);
        return -1;
    }
    return p->port;
}

/* Read from fd until `done` (up) or `failed` appears, or timeout. */
static bool read_until(int fd, const char *done, const char *failed, int timeout_ms)
{
    char buf[4096];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, timeout_ms) <= 0)
            return false;
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            return false;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, failed) != NULL)
            return false;
        if (strstr(buf, done) != NULL)
            return true;
    }
    return false;
}

/* gnutls-serv needs its port up front and stays up when bind() fails: a
 * port free a moment ago is tried, and another if it was taken since. Its
 * stderr says "... port N...done" once it listens. */
int peer_start_gnutls(peer *p, const char *const *args)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char port[8], done[32];
        const char *argv[64];
        size_t n = 0;
        int free_port = closed_port();
        snprintf(port, sizeof port, "%d", free_port);
        snprintf(done, sizeof done, "port %d...done", free_port);
        argv[n++] = "gnutls-serv";
        argv[n++] = "-p";
        argv[n++] = port;
        for (size_t i = 0; args[i] != NULL && n < 63; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        if (free_port <= 0 || spawn_piped(p, argv, 2) != 0)
            return -1;
        if (read_until(p->out, done, "bind() failed", 5000)) {
            p->port = free_port;
            return free_port;
        }
        peer_stop(p);
    }
    return -1;
}

void peer_stop(peer *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
    }
    if (p->out > 0)
        close(p->out);
    p->pid = 0;
    p->out = 0;
}

int listener_start(int *fd, int family)
{
    *fd = socket(family, SOCK_STREAM, 0);
    if (*fd < 0)
        return -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *a;
    }
    if (bind(*fd, (struct sockaddr *)&ss, sl) != 0 || listen(*fd, 8) != 0)
        return -1;
    getsockname(*fd, (struct sockaddr *)&ss, &sl);
    return family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                              : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int closed_port(void)
{
    int fd;
    int port = listener_start(&fd, AF_INET);
    close(fd); /* nothing listens there any more */
    return port;
}
