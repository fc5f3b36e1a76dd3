/*
 * mbedTLS's own minimal client, programs/ssl/mini_client.c (3.6), ported
 * to bare metal for bench/footprint.sh's "mbedTLS alone" anchor rows:
 * what a verified TLS client costs with no tlsc at all. The mbedTLS calls
 * are mini_client.c's, in its order (PSA init, entropy + CTR_DRBG, config
 * defaults, DER root, VERIFY_REQUIRED, hostname, handshake, one write,
 * close_notify, frees). What differs: mini_client.c's socket (and its
 * MBEDTLS_NET_C / UNIX requirement) is replaced by bio callbacks over the
 * same FIFO as bench/footprint_client.c, entropy comes from the same TRNG
 * through mbedtls_hardware_poll, and the root is footprint_client.c's
 * P-256 root in DER (mini_client.c's test-ca2 is P-384, which the floor
 * configurations leave out). Built by scripts/baremetal.mk (target mini).
 *
 * On a POSIX host (TLSC_FLOOR_HOST) the same calls run over a TCP socket
 * with the root read from a file: bench/footprint_floor_check.sh uses that
 * to show each floor configuration really completes a verified handshake.
 */
#include <string.h>
#include <time.h>

#include "mbedtls/build_info.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#define HOSTNAME "localhost"
#define GET_REQUEST "GET / HTTP/1.0\r\n\r\n"

static const char pers[] = "mini_client";

enum exit_codes {
    exit_ok = 0,
    ctr_drbg_seed_failed,
    ssl_config_defaults_failed,
    ssl_setup_failed,
    hostname_failed,
    socket_failed,
    connect_failed,
    x509_crt_parse_failed,
    ssl_handshake_failed,
    ssl_write_failed,
    psa_init_failed,
};

#if defined(TLSC_FLOOR_HOST)
/* ---- POSIX host: TCP to 127.0.0.1:PORT, root from a DER file ------------ */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char ca_cert[4096];
static size_t ca_cert_len;
static int sock = -1;

static int board_init(int argc, char **argv)
{
    if (argc != 3)
        return connect_failed;
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL)
        return x509_crt_parse_failed;
    ca_cert_len = fread(ca_cert, 1, sizeof ca_cert, f);
    fclose(f);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[2]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((sock = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        return socket_failed;
    if (connect(sock, (const struct sockaddr *)&addr, sizeof addr) < 0)
        return connect_failed;
    return exit_ok;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    ssize_t n = send(sock, buf, len, 0);
    return n < 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : (int)n;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    ssize_t n = recv(sock, buf, len, 0);
    return n < 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : (int)n;
}

static void board_report(int ret)
{
    printf("mini_client: %d\n", ret);
    if (sock >= 0)
        close(sock);
}
#else
/* ---- the board (bench/footprint_client.c's FIFO and TRNG) --------------- */
#define REG(addr) (*(volatile uint32_t *)(addr))
#define RNG_SR REG(0x50060804u)
#define RNG_DR REG(0x50060808u)
#define FIFO_STATUS REG(0x40004400u)
#define FIFO_DATA REG(0x40004404u)

/* bench/footprint_client.c's root, "CN=Footprint Example Root", P-256. */
static const unsigned char ca_cert[] = {
     0x30, 0x82, 0x01, 0x3b, 0x30, 0x81, 0xe3, 0x02, 0x14, 0x4e, 0x8c, 0x69,
     0x5c, 0xdf, 0x88, 0x0a, 0xa8, 0x1a, 0x89, 0x66, 0x82, 0x14, 0xbe, 0x28,
     0xe9, 0xa8, 0xcc, 0xb0, 0xa6, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
     0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x21, 0x31, 0x1f, 0x30, 0x1d, 0x06,
     0x03, 0x55, 0x04, 0x03, 0x0c, 0x16, 0x46, 0x6f, 0x6f, 0x74, 0x70, 0x72,
     0x69, 0x6e, 0x74, 0x20, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x20,
     0x52, 0x6f, 0x6f, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31,
     0x32, 0x32, 0x30, 0x37, 0x30, 0x37, 0x33, 0x36, 0x5a, 0x17, 0x0d, 0x33,
     0x36, 0x31, 0x31, 0x31, 0x39, 0x30, 0x37, 0x30, 0x37, 0x33, 0x36, 0x5a,
     0x30, 0x21, 0x31, 0x1f, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
     0x16, 0x46, 0x6f, 0x6f, 0x74, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x20, 0x45,
     0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x20, 0x52, 0x6f, 0x6f, 0x74, 0x30,
     0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
     0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42,
     0x00, 0x04, 0xb3, 0x02, 0x21, 0xd8, 0x3c, 0xd3, 0x69, 0xe9, 0xd5, 0x79,
     0xc1, 0xb3, 0xa7, 0x71, 0x8f, 0x0e, 0x27, 0xb4, 0xd5, 0x2a, 0xff, 0x7f,
     0xc3, 0x3d, 0x49, 0xf3, 0x79, 0xaa, 0x24, 0x39, 0x54, 0x61, 0x58, 0x9a,
     0x07, 0x8e, 0x49, 0x58, 0xa7, 0xe8, 0x3c, 0xa7, 0x2c, 0x95, 0x7d, 0x36,
     0x9a, 0xdf, 0x78, 0x58, 0x0e, 0xd1, 0xaa, 0xa5, 0x85, 0x16, 0xf4, 0xa5,
     0xea, 0xbf, 0x31, 0x7c, 0x73, 0xcb, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
     0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x47, 0x00, 0x30, 0x44, 0x02,
     0x20, 0x2a, 0x83, 0x47, 0x9a, 0xfc, 0x39, 0x9b, 0x17, 0x6a, 0xbc, 0x0e,
     0xb5, 0xa9, 0xfe, 0x1d, 0xd8, 0x4e, 0xeb, 0x22, 0x49, 0xcc, 0xf4, 0xa4,
     0x9f, 0xe4, 0x98, 0x56, 0xe2, 0xd7, 0x6a, 0xf2, 0xfd, 0x02, 0x20, 0x65,
     0xb8, 0xb3, 0xeb, 0x63, 0x35, 0x65, 0x4f, 0x95, 0xbf, 0x18, 0xe9, 0x0f,
     0xd8, 0xc1, 0x8d, 0x00, 0x89, 0x17, 0x29, 0xf3, 0x4e, 0xf6, 0x67, 0xa3,
     0xb0, 0x5d, 0x0a, 0xad, 0xe8, 0x96, 0xb8
};
static const size_t ca_cert_len = sizeof ca_cert;

volatile uint32_t board_ticks_ms; /* incremented by the SysTick handler */

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return board_ticks_ms;
}

/* The overlay config/tlsc_platform_none.h asks the platform for the
 * calendar (newlib's gmtime would pull in assert and stdio); tlsc's none
 * platform has its own, a port of mini_client.c would use gmtime_r. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    return gmtime_r(tt, tm_buf);
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    while (*olen < len) {
        unsigned spins = 0;
        while ((RNG_SR & 1u) == 0)
            if (++spins > 100000u)
                return -1;
        uint32_t word = RNG_DR;
        size_t n = len - *olen < 4 ? len - *olen : 4;
        memcpy(output + *olen, &word, n);
        *olen += n;
    }
    return 0;
}

static int board_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return exit_ok;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && (FIFO_STATUS & 0x80u) != 0)
        FIFO_DATA = buf[n++];
    return n > 0 ? (int)n : MBEDTLS_ERR_SSL_WANT_WRITE;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && (FIFO_STATUS & 0x20u) != 0)
        buf[n++] = (unsigned char)FIFO_DATA;
    return n > 0 ? (int)n : MBEDTLS_ERR_SSL_WANT_READ;
}

static void board_report(int ret)
{
    (void)ret;
}
#endif

/* ---- mini_client.c's main, minus the socket ------------------------------ */

int main(int argc, char **argv)
{
    int ret = exit_ok;
    mbedtls_x509_crt ca;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;

    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&ca);
    mbedtls_entropy_init(&entropy);

    if (psa_crypto_init() != PSA_SUCCESS) {
        ret = psa_init_failed;
        goto exit;
    }
    if (mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                              (const unsigned char *)pers, strlen(pers)) != 0) {
        ret = ctr_drbg_seed_failed;
        goto exit;
    }
    if (mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        ret = ssl_config_defaults_failed;
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);

    ret = board_init(argc, argv);
    if (ret != exit_ok)
        goto exit;
    if (mbedtls_x509_crt_parse_der(&ca, ca_cert, ca_cert_len) != 0) {
        ret = x509_crt_parse_failed;
        goto exit;
    }
    mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);

    if (mbedtls_ssl_setup(&ssl, &conf) != 0) {
        ret = ssl_setup_failed;
        goto exit;
    }
    if (mbedtls_ssl_set_hostname(&ssl, HOSTNAME) != 0) {
        ret = hostname_failed;
        goto exit;
    }
    mbedtls_ssl_set_bio(&ssl, NULL, bio_send, bio_recv, NULL);

    if (mbedtls_ssl_handshake(&ssl) != 0) {
        ret = ssl_handshake_failed;
        goto exit;
    }
    if (mbedtls_ssl_write(&ssl, (const unsigned char *)GET_REQUEST, sizeof(GET_REQUEST) - 1) <= 0) {
        ret = ssl_write_failed;
        goto exit;
    }
    mbedtls_ssl_close_notify(&ssl);

exit:
    board_report(ret);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_x509_crt_free(&ca);
    mbedtls_psa_crypto_free();
    return ret;
}
