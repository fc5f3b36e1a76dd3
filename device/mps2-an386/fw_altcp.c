/*
 * Firmware for bench/device.sh: the same HTTPS GET as fw_get.c, but with
 * lwIP's own TLS layer, altcp_tls_mbedtls (lwIP 2.2.1, compiled against the
 * same mbedTLS 3.6 build and profile through device/altcp-compat/), as an
 * lwIP application would write it. Its defaults are kept, which is the
 * point of the comparison: MBEDTLS_SSL_VERIFY_OPTIONAL and no host name
 * (a chain that fails verification still connects; verify_flags shows
 * what mbedTLS found). mbedTLS allocates from the same arena as tlsc
 * (tlsc is initialised once only to install it: the arena and PSA).
 * Arguments: ADDR PORT SERVER_NAME PATH CA_FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "net.h"
#include "semihost.h"
#include "tlsc/tlsc.h"

#include "lwip/altcp.h"
#include "lwip/altcp_tls.h"
#include "lwip/ip_addr.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "tlsc/platform.h"
#include "altcp_tls/altcp_tls_mbedtls_mem.h"
#include "altcp_tls/altcp_tls_mbedtls_structs.h"

int altcp_compat_rng(void *ctx, unsigned char *out, size_t len);
int altcp_compat_rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    return tlsc_platform_entropy(out, len);
}

/* altcp_tls_mbedtls_mem.c's functions, over the same allocator as tlsc
 * (its own would move mbedTLS to lwIP's 24 KB mem heap). */
void altcp_mbedtls_mem_init(void)
{
}

altcp_mbedtls_state_t *altcp_mbedtls_alloc(void *conf)
{
    altcp_mbedtls_state_t *s = mbedtls_calloc(1, sizeof *s);
    if (s != NULL)
        s->conf = conf;
    return s;
}

void altcp_mbedtls_free(void *conf, altcp_mbedtls_state_t *state)
{
    (void)conf;
    mbedtls_free(state);
}

void *altcp_mbedtls_alloc_config(size_t size)
{
    return mbedtls_calloc(1, size);
}

void altcp_mbedtls_free_config(void *item)
{
    mbedtls_free(item);
}

static struct {
    bool connected, done;
    err_t err;
    uint64_t start, handshake;
    uint32_t verify_flags;
    size_t bytes;
    const char *name, *path;
} st;

static err_t on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        st.done = true;
        altcp_close(pcb);
        return ERR_OK;
    }
    st.bytes += p->tot_len;
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)arg;
    st.err = err;
    st.done = true;
}

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    (void)arg;
    st.handshake = board_instructions() - st.start;
    st.connected = err == ERR_OK;
    st.verify_flags = mbedtls_ssl_get_verify_result(altcp_tls_context(pcb));
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", st.path, st.name);
    if (altcp_write(pcb, req, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
        return ERR_ABRT;
    return altcp_output(pcb);
}

int main(void)
{
    char *argv[6];
    int argc = board_args(argv, 6);
    if (argc < 5)
        return 2;
    st.name = argv[2];
    st.path = argv[3];
    tlsc_config *cfg;
    if (board_heap_init() != 0 || net_init() != 0 || tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    tlsc_config_free(cfg); /* only the arena and PSA were wanted */
    int fd = sh_open(argv[4], "rb");
    long n = fd >= 0 ? sh_flen(fd) : -1;
    unsigned char *ca = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (ca == NULL || sh_read(fd, ca, (size_t)n) != (size_t)n)
        return 3;
    ca[n] = 0;
    sh_close(fd);
    struct altcp_tls_config *tc = altcp_tls_create_config_client(ca, (size_t)n + 1);
    free(ca);
    struct altcp_pcb *pcb = tc != NULL ? altcp_tls_new(tc, IPADDR_TYPE_V4) : NULL;
    ip_addr_t addr;
    if (pcb == NULL || !ipaddr_aton(argv[0], &addr))
        return 4;
    altcp_recv(pcb, on_recv);
    altcp_err(pcb, on_err);
    st.start = board_instructions();
    if (altcp_connect(pcb, &addr, (u16_t)atoi(argv[1]), on_connected) != ERR_OK)
        return 5;
    uint64_t give_up = tlsc_now_ms() + 20000u;
    while (!st.done && tlsc_now_ms() < give_up)
        net_poll(NULL);
    if (!st.done)
        board_eprintf("altcp: no end within 20 s (connected: %d, err %d, bytes %lu)\n",
                      st.connected, st.err, (unsigned long)st.bytes);
    board_printf("connected: %s\nverify_flags: 0x%lx\nbody_and_head_bytes: %lu\n",
                 st.connected ? "yes" : "no", (unsigned long)st.verify_flags,
                 (unsigned long)st.bytes);
    board_printf("arena_peak_bytes: %lu\nstack_peak_bytes: %lu\nhandshake_instructions: %lu\n"
                 "flash_bytes: %lu\n",
                 (unsigned long)board_heap_peak(), (unsigned long)board_stack_peak(),
                 (unsigned long)st.handshake, (unsigned long)board_flash_bytes());
    return st.connected ? 0 : 6;
}
