/*
 * tools/cli.h — what the tlsc command's files share: option parsing,
 * number parsing, error reporting and exit statuses, and the plain TCP
 * transport used when the TLS name differs from the address connected to.
 *
 * The command is built on the public API only (it links the shared
 * library, which exports nothing else).
 */
#ifndef TLSC_CLI_H
#define TLSC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/tlsc.h"

/* ---- exit statuses ---------------------------------------------------- */

/* 0 success, 1 internal/local failure, 2 usage; a library error exits with
 * 2 + its category (config 3 ... closed 11), see cli_exit_status. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_INTERNAL = 1,
    CLI_EXIT_USAGE = 2
};

/* The exit status for a library error (0 for TLSC_OK). */
int cli_exit_status(tlsc_err err);

/* Print "tlsc: <tlsc_strerror(err)>: <detail>" (": detail" omitted when
 * detail is NULL or empty) and return cli_exit_status(err). */
int cli_report(tlsc_err err, const char *detail);

/* Print "tlsc: <message>" plus a pointer to `tlsc <cmd> --help`, return
 * CLI_EXIT_USAGE. cmd may be NULL for the top level. */
int cli_usage_error(const char *cmd, const char *fmt, ...) TLSC_PRINTF(2, 3);

/* ---- option parsing --------------------------------------------------- */

/*
 * One long option of a subcommand. apply() receives the subcommand's option
 * struct and the value (NULL for options without a value); it returns
 * CLI_EXIT_OK or, after printing why, CLI_EXIT_USAGE.
 */
typedef struct cli_option {
    const char *name;   /* without the leading "--" */
    bool has_value;
    int (*apply)(void *opts, const char *value);
} cli_option;

/* A one-letter alias: "-o X" is "--output X". */
typedef struct cli_short {
    char letter;
    const char *name;           /* the long option it stands for */
} cli_short;

/* A subcommand's option table and what it accepts besides options. */
typedef struct cli_spec {
    const char *cmd;            /* subcommand name, for messages */
    const cli_option *options;
    size_t option_count;
    size_t max_positional;      /* positional arguments accepted */
    /* More options, searched after options (e.g. cli_tls_options). */
    const cli_option *more_options;
    size_t more_option_count;
    const cli_short *shorts;    /* one-letter aliases, may be NULL */
    size_t short_count;
} cli_spec;

/* cli_parse's result when --help / -h was given (not an exit status). */
#define CLI_HELP (-1)

/*
 * Parse argv[1..argc-1] (argv[0] is the subcommand's name). Accepts
 * "--opt value" and "--opt=value", "--" to end options, and options
 * anywhere among positionals. Positional arguments are stored in pos[]
 * (capacity spec->max_positional) and counted in *npos.
 * Returns CLI_EXIT_OK, CLI_HELP, or CLI_EXIT_USAGE after printing why.
 */
int cli_parse(const cli_spec *spec, int argc, char **argv, void *opts,
              const char **pos, size_t *npos);

/*
 * Parse a decimal number strictly: digits only (no sign, space or suffix),
 * within [min, max]. On failure prints a usage error naming `what` and
 * returns CLI_EXIT_USAGE.
 */
int cli_parse_u32(const char *cmd, const char *what, const char *text,
                  uint32_t min, uint32_t max, uint32_t *out);

/* ---- TLS options shared by connect and get (tools/cli_tls.c) ---------- */

/* Debian's bundle of the system's trusted roots. */
#define CLI_SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

typedef struct strlist {
    const char **items; /* borrowed from argv; capacity argc */
    size_t count;
} strlist;

/* Must be the FIRST member of a subcommand's option struct: the shared
 * options' apply functions receive that struct. */
typedef struct cli_tls_opts {
    const char *cmd;        /* subcommand, for messages */
    strlist cas;
    const char *bundle;     /* --bundle FILE */
    strlist pins;
    strlist crls;           /* --crl FILE */
    const char *cert;
    const char *key;
    const char *key_pass;
    const char *psk;        /* "IDENTITY:HEXKEY" */
    const char *alpn;
    const char *servername;
    const char *sess_in;
    const char *sess_out;
    tlsc_resumption resumption;
    bool have_resumption;
    tlsc_tls_version version; /* 0 = the default range */
    bool insecure;
    bool allow_cn;          /* --allow-cn-fallback */
    uint32_t sig_checks;    /* --max-signature-checks; 0 = default */
    bool have_timeout;
    uint32_t timeout_ms;
    uint32_t debug;
    uint32_t buf_in, buf_out; /* --buffers; 0 = the build's maximum */
    bool have_buffers;
} cli_tls_opts;

extern const cli_option *const cli_tls_options;
extern const size_t cli_tls_option_count;

/* Zero o and allocate its lists for argc arguments; exit status. */
int cli_tls_init(cli_tls_opts *o, const char *cmd, int argc);
void cli_tls_release(cli_tls_opts *o);
/* Rules that involve more than one option; exit status. */
int cli_tls_check(const cli_tls_opts *o);
/* Print the shared options' part of --help. */
void cli_tls_help(void);
/* A configuration from the options; prints why and returns the exit
 * status on failure. */
int cli_tls_build_config(const cli_tls_opts *o, tlsc_config **out);
/* Report a failed tlsc_conn_new / tlsc_http_new (exit status). */
int cli_tls_report_new(tlsc_err err, const tlsc_config *cfg);
/* Split "HOST:PORT", "[IPv6]:PORT" into host (NUL-terminated, capacity
 * cap) and port; on failure prints a usage error for cmd (exit status). */
int cli_parse_hostport(const char *cmd, const char *arg, char *host, size_t cap,
                       uint16_t *port);
/* "ok", "insecure", "pin-only" or "psk", for the summaries. */
const char *cli_tls_verify_label(const cli_tls_opts *o, const tlsc_conn *conn);

/* ---- logging ---------------------------------------------------------- */

/* tlsc_log_fn printing "tlsc[LEVEL]: line" to stderr. */
void cli_log_line(void *ud, int level, const char *line);

/* ---- session files (tools/cli_session.c) ------------------------------ */

/* --sess-in: offer the session in path; problems are warnings only. */
void cli_session_load(tlsc_conn *conn, const char *path);
/* --sess-out: wait briefly for a TLS 1.3 ticket, then write the session to
 * path (0600, atomically). Returns an exit status (write errors only). */
int cli_session_save(tlsc_conn *conn, const char *path);
/* The second half of cli_session_save, without waiting: write conn's
 * session to path, or warn that there is none (err != TLSC_OK says why). */
int cli_session_write(const tlsc_conn *conn, const char *path, tlsc_err err);

/* ---- tlsc connect --driver event (tools/cli_evconnect.c) -------------- */

typedef struct cli_ev_params {
    tlsc_config *cfg;
    const char *host;
    uint16_t port;
    const char *servername;         /* NULL = host */
    const char *sess_in, *sess_out; /* NULL = none */
    bool summary_only;
    uint32_t grace_ms;              /* as cli_relay's */
    /* prints the summary after the handshake */
    void (*summary)(const void *ctx, const tlsc_conn *conn);
    const void *ctx;
} cli_ev_params;

/* Connect, print the summary and relay stdin/stdout with the event driver
 * (one tlsc_loop driven from this function's own poll(), stdin included).
 * Same behaviour and exit statuses as the blocking path. */
int cli_event_connect(const cli_ev_params *p);

/* The same for the HTTPS client of tlsc get. */
void cli_session_load_http(tlsc_http *h, const char *path);
int cli_session_save_http(tlsc_http *h, const char *path);

/* ---- a TCP transport that watches the record framing (cli_wire.c) ------- */

/* One direction of the byte stream, cut into TLS records. */
typedef struct wire_scan {
    unsigned char hdr[5];
    size_t hdr_have;
    size_t body_left;
    bool ccs_seen;              /* a change_cipher_spec went by */
    size_t max_len[2][2];       /* largest record fragment [after CCS][application_data],
                                   counted from the header (body read or not) */
    size_t records;             /* records whose header went by */
} wire_scan;

typedef struct wire {
    int fd;
    wire_scan in, out;          /* what the server sent, what we sent */
} wire;

/* Resolve host and connect within timeout_ms (0 = no limit). On failure
 * writes why to detail and returns a network, DNS or timeout error. */
tlsc_err wire_open(wire *w, const char *host, uint16_t port, uint32_t timeout_ms,
                   char *detail, size_t cap);
/* send/recv/wait/close over w (ctx = the wire), recording the framing. */
extern const tlsc_transport wire_transport;
/* Largest record fragment (bytes after the 5-byte header) seen. */
size_t wire_max_record(const wire_scan *s);
/* Largest record plaintext: encrypted records count their fragment minus
 * expansion (the AEAD's explicit nonce and tag, plus TLS 1.3's inner
 * content type). */
size_t wire_max_plaintext(const wire_scan *s, bool tls13, size_t expansion);

/* ---- subcommands ------------------------------------------------------ */

int cmd_connect(int argc, char **argv);
void cmd_connect_help(void);
int cmd_verify(int argc, char **argv);
void cmd_verify_help(void);
int cmd_bundle(int argc, char **argv);
int cmd_bench_connect(int argc, char **argv);
void cmd_bench_connect_help(void);
void cmd_bundle_help(void);
int cmd_get(int argc, char **argv);
void cmd_get_help(void);

int cmd_probe(int argc, char **argv);
void cmd_probe_help(void);

/* Relay stdin -> conn -> stdout until either side ends (tools/cli_relay.c).
 * fd is the socket to poll; grace_ms bounds how long server silence is
 * awaited after stdin's end (0 = until the server closes). */
int cli_relay(tlsc_conn *conn, int fd, uint32_t grace_ms);

#endif /* TLSC_CLI_H */
