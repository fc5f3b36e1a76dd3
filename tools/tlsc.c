/*
 * tools/tlsc.c — the tlsc command: version, help and the subcommand table.
 * Each subcommand lives in its own cmd_*.c file; shared parsing and error
 * reporting are in cli_common.c.
 */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    const char *synopsis;   /* arguments, for the command list */
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(void);
} command;

static const command commands[] = {
    {"connect", "HOST:PORT [options]",
     "open a verified TLS connection and relay stdin/stdout", cmd_connect,
     cmd_connect_help},
    {"get", "URL... [options]",
     "HTTPS request or verified download (SHA-256, Range pieces)", cmd_get,
     cmd_get_help},
    {"verify", "--ca FILE --chain FILE [--host NAME] [options]",
     "verify a server certificate chain offline, with the policy of connect",
     cmd_verify, cmd_verify_help},
    {"probe", "HOST:PORT [options]",
     "report what a server needs from a device: versions, suites, sizes",
     cmd_probe, cmd_probe_help},
    {"mqtt", "pub|sub HOST:PORT -t TOPIC [options]",
     "MQTT 3.1.1/5.0 over TLS: publish or subscribe (as mosquitto_pub/sub)",
     cmd_mqtt, cmd_mqtt_help},
    {"bench-connect", "HOST:PORT -n N -c C [TLS options]",
     "time N handshakes, C at once, on one event loop", cmd_bench_connect,
     cmd_bench_connect_help},
    {"bundle", "build|list ...",
     "build a bundle of trusted root CAs, or list one", cmd_bundle,
     cmd_bundle_help},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static void print_help(FILE *out)
{
    fputs("Usage: tlsc <command> [arguments]\n"
          "       tlsc --version | --help\n"
          "\n"
          "A TLS client for testing servers the way small devices see them.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-8s %s\n           %s\n", commands[i].name,
                commands[i].synopsis, commands[i].summary);
    fputs("  help     [COMMAND]\n"
          "           show this list, or the options of COMMAND\n"
          "\n"
          "Options:\n"
          "  --version  print the versions of tlsc and of its mbedTLS\n"
          "  -h, --help show this help\n"
          "\n"
          "Run 'tlsc <command> --help' for a command's options, output and\n"
          "exit statuses.\n",
          out);
}

static int print_version(void)
{
    printf("tlsc %s (mbedTLS %s)\n", tlsc_version(), tlsc_mbedtls_version());
    return CLI_EXIT_OK;
}

/* `tlsc help [COMMAND]` */
static int run_help(int argc, char **argv)
{
    if (argc < 3) {
        print_help(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 3)
        return cli_usage_error(NULL, "help takes at most one command");
    const command *cmd = find_command(argv[2]);
    if (cmd == NULL)
        return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
    cmd->help();
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    /* A peer or a reader that went away must surface as an error on the
     * write, not kill the process before it can say why. */
    signal(SIGPIPE, SIG_IGN);

    if (argc < 2) {
        print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *word = argv[1];
    if (strcmp(word, "--version") == 0)
        return argc == 2 ? print_version()
                         : cli_usage_error(NULL, "--version takes no "
                                                 "arguments");
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0 ||
        strcmp(word, "help") == 0)
        return run_help(argc, argv);
    const command *cmd = find_command(word);
    if (cmd == NULL)
        return cli_usage_error(NULL, word[0] == '-' ? "unknown option '%s'"
                                                    : "unknown command '%s'",
                               word);
    int rc = cmd->run(argc - 1, argv + 1);
    /* Every command has freed its objects: release PSA's global state, so
     * a leak checker (valgrind) sees a clean exit. */
    tlsc_global_free();
    return rc;
}
