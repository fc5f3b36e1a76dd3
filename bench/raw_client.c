/*
 * bench/raw_client.c — the yardstick of bench/http.sh and bench/connect.sh:
 * a hand-written client on mbedTLS alone (no tlsc), built from the same
 * mbedTLS sources and the same profile as tlsc (it links the tlsc_mbedtls
 * objects), doing the least a verified client can do. tlsc's figures are
 * printed as ratios to it: what tlsc's own layers cost.
 *
 *   raw_client get HOST PORT PATH CA_FILE [--out FILE | --stdout] [--sha256]
 *       one verified TLS connection, "GET PATH", then mbedtls_ssl_read into
 *       a 16 KiB buffer until the server closes; the body (after the
 *       header) is discarded, or written to FILE (write(2), fsync before
 *       close, as tlsc get -o does) or to stdout, and/or hashed (SHA-256, as tlsc get
 *       --sha256 does). Prints "bytes: N" (and "sha256: HEX") to stderr.
 *   raw_client connect HOST PORT CA_FILE N
 *       N verified full handshakes one after the other (connect, handshake,
 *       close_notify, close), as tlsc bench-connect -c 1 does. Prints
 *       "handshakes_per_s: R".
 *
 * HOST is an IPv4 address (the benchmarks use 127.0.0.1); the server's
 * certificate is verified against CA_FILE for that address (the test
 * PKI's leaf carries IP:127.0.0.1), as tlsc verifies it. TLS 1.3 only,
 * mbedTLS's default suites and signature algorithms, and tlsc's
 * key-exchange groups (secp256r1 first; mbedTLS's default puts X25519
 * first, a different and costlier handshake in mbedTLS). A benchmark tool:
 * it exits on the first error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/sha256.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#define READ_BUF 16384

typedef struct raw {
    const char *host;
    int port;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
} raw;

/* The code only: the small profiles have no message table (MBEDTLS_ERROR_C). */
static void die(const char *what, int ret)
{
    fprintf(stderr, "raw_client: %s (mbedTLS error -0x%04x)\n", what, (unsigned)-ret);
    exit(1);
}

/* The small profiles take their entropy from the platform
 * (MBEDTLS_ENTROPY_HARDWARE_ALT), as tlsc's platform layer provides it;
 * unused by the full profile. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    ssize_t n = getrandom(output, len, 0);
    if (n < 0)
        return -1;
    *olen = (size_t)n;
    return 0;
}

/* The profiles take PSA's random bytes from outside
 * (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG; tlsc's is a CTR_DRBG over the same
 * system source, src/core/rng.c): the system's generator directly. */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *out, size_t len, size_t *olen)
{
    (void)ctx;
    for (*olen = 0; *olen < len;) {
        ssize_t n = getrandom(out + *olen, len - *olen, 0);
        if (n < 0)
            return PSA_ERROR_INSUFFICIENT_ENTROPY;
        *olen += (size_t)n;
    }
    return PSA_SUCCESS;
}

/* The profiles take mbedTLS's millisecond clock from the platform
 * (MBEDTLS_PLATFORM_MS_TIME_ALT; tlsc's is src/core/tls/context.c). */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (mbedtls_ms_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int net_send(void *ctx, const unsigned char *buf, size_t len)
{
    ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);
    if (n < 0)
        return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    return (int)n;
}

static int net_recv(void *ctx, unsigned char *buf, size_t len)
{
    ssize_t n = recv(*(int *)ctx, buf, len, 0);
    if (n < 0)
        return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    return (int)n;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die(path, 0);
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap * 2 + 8192;
            buf = realloc(buf, cap);
            if (buf == NULL)
                die("out of memory", 0);
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0'; /* PEM: the length passed includes the NUL */
    *len = n + 1;
    return buf;
}

static void setup(raw *r, const char *ca_file)
{
    /* MBEDTLS_PLATFORM_TIME_ALT: the clock certificates are checked with */
    mbedtls_platform_set_time(time);
    psa_status_t st = psa_crypto_init();
    if (st != PSA_SUCCESS)
        die("psa_crypto_init", (int)st);
    mbedtls_entropy_init(&r->entropy);
    mbedtls_ctr_drbg_init(&r->drbg);
    mbedtls_x509_crt_init(&r->ca);
    mbedtls_ssl_config_init(&r->conf);
    int ret = mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy, NULL, 0);
    if (ret != 0)
        die("mbedtls_ctr_drbg_seed", ret);
    size_t len;
    unsigned char *pem = read_file(ca_file, &len);
    ret = mbedtls_x509_crt_parse(&r->ca, pem, len);
    free(pem);
    if (ret != 0)
        die("parsing the CA file", ret);
    ret = mbedtls_ssl_config_defaults(&r->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0)
        die("mbedtls_ssl_config_defaults", ret);
    mbedtls_ssl_conf_authmode(&r->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&r->conf, &r->ca, NULL);
    mbedtls_ssl_conf_rng(&r->conf, mbedtls_ctr_drbg_random, &r->drbg);
    /* tlsc's key-exchange groups, in its order (src/core/tls/config.c): the
     * same handshake (P-256 ECDHE), not mbedTLS's default (X25519 first). */
    static const uint16_t groups[] = {MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
                                      MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
                                      MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
                                      MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
    mbedtls_ssl_conf_groups(&r->conf, groups);
    mbedtls_ssl_conf_min_tls_version(&r->conf, MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_max_tls_version(&r->conf, MBEDTLS_SSL_VERSION_TLS1_3);
}

static int tcp_connect(const raw *r)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket", 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)r->port)};
    if (inet_pton(AF_INET, r->host, &sa.sin_addr) != 1)
        die("HOST must be an IPv4 address", 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        die("connect", 0);
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* A verified connection on *fd, handshake done. */
static void open_tls(raw *r, mbedtls_ssl_context *ssl, int *fd)
{
    *fd = tcp_connect(r);
    mbedtls_ssl_init(ssl);
    int ret = mbedtls_ssl_setup(ssl, &r->conf);
    if (ret == 0)
        ret = mbedtls_ssl_set_hostname(ssl, r->host);
    if (ret != 0)
        die("mbedtls_ssl_setup", ret);
    mbedtls_ssl_set_bio(ssl, fd, net_send, net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(ssl)) != 0)
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE)
            die("handshake", ret);
}

static void close_tls(mbedtls_ssl_context *ssl, int fd)
{
    (void)mbedtls_ssl_close_notify(ssl);
    mbedtls_ssl_free(ssl);
    close(fd);
}

static void write_all(mbedtls_ssl_context *ssl, const unsigned char *p, size_t n)
{
    while (n > 0) {
        int ret = mbedtls_ssl_write(ssl, p, n);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (ret < 0)
            die("mbedtls_ssl_write", ret);
        p += ret;
        n -= (size_t)ret;
    }
}

/* ---- get ----------------------------------------------------------------------- */

typedef struct body {
    int out;                 /* file or stdout, or -1 */
    int sync;                /* fsync at the end (a file) */
    int hashing;
    mbedtls_sha256_context sha;
    unsigned matched;        /* of "\r\n\r\n": the header's end */
    unsigned long long bytes;
} body;

/* Skip the response header (up to the blank line); the rest is body. */
static void take(body *b, const unsigned char *p, size_t n)
{
    while (b->matched < 4 && n > 0) {
        b->matched = *p == "\r\n\r\n"[b->matched] ? b->matched + 1 : (*p == '\r' ? 1 : 0);
        p++;
        n--;
    }
    if (n == 0)
        return;
    b->bytes += n;
    if (b->hashing && mbedtls_sha256_update(&b->sha, p, n) != 0)
        die("sha256", 0);
    while (b->out >= 0 && n > 0) {
        ssize_t w = write(b->out, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("writing the output file", 0);
        p += w;
        n -= (size_t)w;
    }
}

static void read_body(mbedtls_ssl_context *ssl, body *b)
{
    static unsigned char buf[READ_BUF];
    for (;;) {
        int ret = mbedtls_ssl_read(ssl, buf, sizeof buf);
        if (ret > 0) {
            take(b, buf, (size_t)ret);
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
            ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
            continue;
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
            return;
        die("mbedtls_ssl_read", ret);
    }
}

static void finish_body(body *b)
{
    fprintf(stderr, "bytes: %llu\n", b->bytes);
    if (b->sync && (fsync(b->out) != 0 || close(b->out) != 0))
        die("closing the output file", 0);
    if (!b->hashing)
        return;
    unsigned char d[32];
    if (mbedtls_sha256_finish(&b->sha, d) != 0)
        die("sha256", 0);
    fprintf(stderr, "sha256: ");
    for (int i = 0; i < 32; i++)
        fprintf(stderr, "%02x", d[i]);
    fprintf(stderr, "\n");
    mbedtls_sha256_free(&b->sha);
}

static int cmd_get(raw *r, const char *path, int argc, char **argv)
{
    body b = {.out = -1};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            b.out = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (b.out < 0)
                die(argv[i], 0);
            b.sync = 1;
        } else if (strcmp(argv[i], "--stdout") == 0) {
            b.out = STDOUT_FILENO; /* write(2)s of what was read, as tlsc get does */
        } else if (strcmp(argv[i], "--sha256") == 0) {
            b.hashing = 1;
        } else {
            die("unknown option", 0);
        }
    }
    mbedtls_sha256_init(&b.sha);
    if (b.hashing && mbedtls_sha256_starts(&b.sha, 0) != 0)
        die("sha256", 0);
    mbedtls_ssl_context ssl;
    int fd;
    open_tls(r, &ssl, &fd);
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     path, r->host);
    if (n < 0 || (size_t)n >= sizeof req)
        die("path too long", 0);
    write_all(&ssl, (const unsigned char *)req, (size_t)n);
    read_body(&ssl, &b);
    close_tls(&ssl, fd);
    finish_body(&b);
    return 0;
}

/* ---- connect --------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_connect(raw *r, long count)
{
    double t0 = now_s();
    for (long i = 0; i < count; i++) {
        mbedtls_ssl_context ssl;
        int fd;
        open_tls(r, &ssl, &fd);
        close_tls(&ssl, fd);
    }
    double dt = now_s() - t0;
    printf("handshakes: %ld\nhandshakes_per_s: %.1f\n", count, dt > 0 ? (double)count / dt : 0.0);
    return 0;
}

int main(int argc, char **argv)
{
    static raw r;
    if (argc >= 6 && strcmp(argv[1], "get") == 0) {
        r.host = argv[2];
        r.port = atoi(argv[3]);
        setup(&r, argv[5]);
        return cmd_get(&r, argv[4], argc - 6, argv + 6);
    }
    if (argc == 6 && strcmp(argv[1], "connect") == 0) {
        r.host = argv[2];
        r.port = atoi(argv[3]);
        setup(&r, argv[4]);
        return cmd_connect(&r, atol(argv[5]));
    }
    fprintf(stderr, "usage: raw_client get HOST PORT PATH CA_FILE [--out FILE | --stdout] [--sha256]\n"
                    "       raw_client connect HOST PORT CA_FILE N\n");
    return 2;
}
