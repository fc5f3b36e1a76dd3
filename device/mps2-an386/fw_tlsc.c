/*
 * The tlsc command as firmware on the emulated board (scripts/tlsc-qemu):
 * the host's tools/cmd_connect.c and tools/cmd_get.c with their option
 * parsing (tools/cli_*.c), over lwIP (the lwIP platform's TCP,
 * src/platform/lwip/tcp_lwip.c), with stdio and files on the host through
 * newlib's semihosting syscalls (librdimon). The command line comes from
 * QEMU's -semihosting-config arg=...: SUBCOMMAND ARGS..., optionally led
 * by @stdin=FILE (the relayed stdin of connect). localhost and 127.0.0.1
 * connect to the host (10.0.2.2); SNI and verification keep the name.
 * After the command it prints the device's figures on stderr, after tlsc's
 * summary: stack_peak_bytes, arena_peak_bytes (the heap arena's high-water
 * mark; tlsc's heap_peak_bytes counts requested bytes only), handshake_instructions (inside
 * tlsc_conn_connect, idle excluded), flash_bytes, static_ram_bytes.
 */
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "device_cli.h"
#include "net.h"
#include "semihost.h"
#include "tlsc/lwip.h"

#define ARGS_MAX 64

void initialise_monitor_handles(void); /* newlib's librdimon */
tlsc_err __real_tlsc_conn_connect(tlsc_conn *conn, const char *host, uint16_t port);
tlsc_err __wrap_tlsc_conn_connect(tlsc_conn *conn, const char *host, uint16_t port);

tlsc_err __real_tlsc_config_new(tlsc_config **out);
tlsc_err __wrap_tlsc_config_new(tlsc_config **out);

static uint64_t handshake_insns;

/* Linked with --wrap=tlsc_config_new: every configuration the command
 * makes gets the board's wall clock, as on a host it would have the
 * system's (the none platform itself has no clock). */
tlsc_err __wrap_tlsc_config_new(tlsc_config **out)
{
    tlsc_err err = __real_tlsc_config_new(out);
    if (err == TLSC_OK && (err = tlsc_config_set_clock(*out, board_wall_clock, NULL)) != TLSC_OK)
        tlsc_config_free(*out);
    return err;
}

/* Linked with --wrap=tlsc_conn_connect: the command's handshakes (and the
 * HTTPS client's) are counted here. */
tlsc_err __wrap_tlsc_conn_connect(tlsc_conn *conn, const char *host, uint16_t port)
{
    uint64_t before = board_instructions();
    tlsc_err err = __real_tlsc_conn_connect(conn, host, port);
    handshake_insns += board_instructions() - before;
    return err;
}

static const char *map_host(void *ud, const char *host)
{
    (void)ud;
    return strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0 ? "10.0.2.2"
                                                                           : NULL;
}

static void print_u64(const char *key, uint64_t v)
{
    /* newlib's printf has no %llu. */
    if (v >= 1000000000u)
        fprintf(stderr, "%s: %lu%09lu\n", key, (unsigned long)(v / 1000000000u),
               (unsigned long)(v % 1000000000u));
    else
        fprintf(stderr, "%s: %lu\n", key, (unsigned long)v);
}

static int usage(void)
{
    fputs("usage: tlsc-qemu connect|get ARGS... (see docs/cli.md, \"On a device\")\n", stderr);
    return CLI_EXIT_USAGE;
}

int main(void)
{
    initialise_monitor_handles();
    char *argv[ARGS_MAX];
    int argc = board_args(argv, ARGS_MAX - 1);
    if (argc > 0 && strncmp(argv[0], "@stdin=", 7) == 0) {
        device_cli_set_stdin(argv[0] + 7);
        argc--;
        memmove(argv, argv + 1, (size_t)argc * sizeof argv[0]);
        argv[argc] = NULL;
    }
    if (argc < 1)
        return usage();
    if (board_heap_init() != 0 || net_init() != 0) {
        fputs("tlsc: the board's network did not come up\n", stderr);
        return CLI_EXIT_INTERNAL;
    }
    tlsc_lwip_set_poll(net_poll, NULL);
    tlsc_lwip_set_host_map(map_host, NULL);
    int rc;
    if (strcmp(argv[0], "connect") == 0)
        rc = cmd_connect(argc, argv);
    else if (strcmp(argv[0], "get") == 0)
        rc = cmd_get(argc, argv);
    else
        return usage();
    if (rc == CLI_HELP || rc == CLI_EXIT_USAGE)
        return rc == CLI_HELP ? CLI_EXIT_OK : rc;
    fprintf(stderr, "stack_peak_bytes: %lu\narena_peak_bytes: %lu\n", (unsigned long)board_stack_peak(),
           (unsigned long)board_heap_peak());
    print_u64("handshake_instructions", handshake_insns);
    fprintf(stderr, "flash_bytes: %lu\nstatic_ram_bytes: %lu\n", (unsigned long)board_flash_bytes(),
           (unsigned long)board_static_ram_bytes());
    fflush(stdout);
    fflush(stderr);
    return rc;
}
