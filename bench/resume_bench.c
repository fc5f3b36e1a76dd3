/*
 * One handshake for the resumption benchmark (bench/resume.sh), through the
 * public API only. It opens the TCP connection itself and hands tlsc a
 * transport that counts the bytes each way, so the table can show bytes on
 * the wire; CPU is measured from outside with callgrind, collecting only
 * inside tlsc_conn_connect (the handshake: no process start-up, no CA
 * parsing).
 *
 * Usage: resume_bench PORT CA MODE STEP SESSFILE
 *   MODE  tls12 | tls13 | tls13-psk-ke
 *   STEP  full    (full handshake; saves the session to SESSFILE)
 *         resumed (offers SESSFILE; fails unless the server resumed)
 * Prints: "bytes_out N bytes_in N resumed yes|no".
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "tlsc/tlsc.h"

typedef struct counted {
    int fd;
    size_t out, in;
} counted;

static tlsc_err c_send(void *ctx, const unsigned char *b, size_t n, size_t *sent)
{
    counted *t = ctx;
    ssize_t r = send(t->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r < 0)
        return errno == EAGAIN ? TLSC_WANT_WRITE : TLSC_ERR_NETWORK;
    t->out += (size_t)r;
    *sent = (size_t)r;
    return TLSC_OK;
}

static tlsc_err c_recv(void *ctx, unsigned char *b, size_t n, size_t *got)
{
    counted *t = ctx;
    ssize_t r = recv(t->fd, b, n, MSG_DONTWAIT);
    if (r < 0)
        return errno == EAGAIN ? TLSC_WANT_READ : TLSC_ERR_NETWORK;
    t->in += (size_t)r;
    *got = (size_t)r;
    return TLSC_OK;
}

static tlsc_err c_wait(void *ctx, bool rd, bool wr, int ms)
{
    counted *t = ctx;
    struct pollfd p = { t->fd, (short)((rd ? POLLIN : 0) | (wr ? POLLOUT : 0)), 0 };
    poll(&p, 1, ms);
    return TLSC_OK;
}

static int die(const char *what, tlsc_err err, const char *detail)
{
    fprintf(stderr, "resume_bench: %s: %s %s\n", what, tlsc_strerror(err), detail);
    return 1;
}

static tlsc_config *make_config(const char *ca, const char *mode)
{
    tlsc_config *cfg;
    bool v12 = strcmp(mode, "tls12") == 0;
    tlsc_tls_version v = v12 ? TLSC_TLS1_2 : TLSC_TLS1_3;
    tlsc_resumption r = strcmp(mode, "tls13-psk-ke") == 0 ? TLSC_RESUMPTION_PSK_KE
                                                          : TLSC_RESUMPTION_ON;
    if (tlsc_config_new(&cfg) != TLSC_OK || tlsc_config_add_ca_file(cfg, ca) != TLSC_OK ||
        tlsc_config_set_versions(cfg, v, v) != TLSC_OK ||
        tlsc_config_set_resumption(cfg, r) != TLSC_OK) {
        tlsc_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static int tcp(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    return connect(fd, (struct sockaddr *)&a, sizeof a) == 0 ? fd : -1;
}

static int save(tlsc_conn *c, const char *file)
{
    unsigned char blob[TLSC_SESSION_MAX];
    size_t len;
    tlsc_err err = tlsc_conn_await_session(c, 3000);
    if (err == TLSC_OK)
        err = tlsc_conn_export_session(c, blob, sizeof blob, &len);
    FILE *f = err == TLSC_OK ? fopen(file, "wb") : NULL;
    if (f == NULL)
        return die("export", err, file);
    fwrite(blob, 1, len, f);
    fclose(f);
    return 0;
}

static int offer(tlsc_conn *c, const char *file)
{
    unsigned char blob[TLSC_SESSION_MAX];
    FILE *f = fopen(file, "rb");
    size_t len = f ? fread(blob, 1, sizeof blob, f) : 0;
    if (f)
        fclose(f);
    tlsc_err err = tlsc_conn_set_session(c, blob, len);
    return err == TLSC_OK ? 0 : die("session", err, file);
}

static int run(tlsc_conn *c, counted *t, const char *step, const char *file)
{
    bool resumed_step = strcmp(step, "resumed") == 0;
    if (resumed_step && offer(c, file) != 0)
        return 1;
    tlsc_err err = tlsc_conn_connect(c, "localhost", 0);
    if (err != TLSC_OK)
        return die("connect", err, tlsc_conn_errmsg(c));
    size_t out = t->out, in = t->in; /* the handshake only */
    printf("bytes_out %zu bytes_in %zu resumed %s\n", out, in,
           tlsc_conn_resumed(c) ? "yes" : "no");
    if (resumed_step)
        return tlsc_conn_resumed(c) ? 0 : die("resume", TLSC_ERR_NO_SESSION, "not resumed");
    return save(c, file);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: resume_bench PORT CA MODE full|resumed SESSFILE\n");
        return 2;
    }
    counted t = { tcp(atoi(argv[1])), 0, 0 };
    tlsc_config *cfg = make_config(argv[2], argv[3]);
    tlsc_conn *c = NULL;
    if (t.fd < 0 || cfg == NULL || tlsc_conn_new(cfg, &c) != TLSC_OK)
        return die("setup", TLSC_ERR_CONFIG, argv[2]);
    tlsc_config_free(cfg);
    tlsc_transport ops = { c_send, c_recv, c_wait, NULL };
    int rc = tlsc_conn_set_transport(c, &ops, &t) == TLSC_OK ? run(c, &t, argv[4], argv[5]) : 1;
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    close(t.fd);
    return rc;
}
