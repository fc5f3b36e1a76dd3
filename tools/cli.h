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
    const char *key_pass;   /* a secret spec: see cli_secret */
    const char *pkcs11_module; /* --pkcs11-module PATH (default: p11-kit proxy) */
    const char *psk;        /* a secret spec for "IDENTITY:HEXKEY" */
    const char *alpn;
    const char *servername;
    const char *sess_in;
    const char *sess_out;
    const char *keylog;     /* --keylog FILE */
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
/* tlsc_config_add_ca_file, and a warning on stderr when some of the
 * file's certificates were skipped (unparsable, or after a NUL byte). */
tlsc_err cli_tls_add_ca_file(tlsc_config *cfg, const char *path);
/* Report a failed tlsc_conn_new / tlsc_http_new (exit status). */
int cli_tls_report_new(tlsc_err err, const tlsc_config *cfg);
/* Split "HOST:PORT", "[IPv6]:PORT" into host (NUL-terminated, capacity
 * cap) and port; on failure prints a usage error for cmd (exit status). */
int cli_parse_hostport(const char *cmd, const char *arg, char *host, size_t cap,
                       uint16_t *port);
/* The summary keys of a connection on stderr ("protocol: ...", ...), as
 * tlsc connect and tlsc mqtt print them. */
void cli_tls_print_summary(const cli_tls_opts *o, const tlsc_conn *conn);
/* Whether a TLS 1.3 server asked for a certificate and its verdict (which
 * comes after the handshake) may still be on its way. */
bool cli_client_cert_verdict_pending(const tlsc_conn *conn);

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

/* ---- files (tools/cli_file.c; the platform's part: tools/cli_file_posix.c,
 *      or device/mps2-an386/cli_file_device.c in the device build) ------ */

/* Inputs (--ca, --sess-in, --chain, file: secrets, bundle inputs) are read
 * with the library's tlsc_file_read (tlsc/file.h): the same rules as the
 * *_file setters, why in the form "PATH: reason"; freed with
 * tlsc_file_free. */
/* Wipe len bytes of data (it may hold a secret), then free it. */
void cli_free_secret(void *data, size_t len);

/* The longest path a file of the command may have (Linux's PATH_MAX);
 * the device build sets less (scripts/device.mk): these buffers are on
 * its 32 KB stack. CLI_WHY_MAX: a message naming such a path. */
#ifndef CLI_PATH_MAX
#define CLI_PATH_MAX 4096
#endif
#define CLI_WHY_MAX (CLI_PATH_MAX + 128)

/* An output file being written (see cli_out_open). */
typedef struct cli_out {
    int fd;
    int write_error;            /* errno of the first failed cli_out_write */
    bool is_stdout;
    const char *path;           /* as given, for messages */
    char target[CLI_PATH_MAX];  /* path with its symlinks followed */
    char tmp[CLI_PATH_MAX + 16]; /* the temporary file, "" when none */
} cli_out;

/*
 * Open the output path, the same way for -o, --sess-out and bundle -o:
 *  - "-" is stdout;
 *  - an existing device or FIFO is written in place (never replaced);
 *  - otherwise a temporary file TARGET.tlsc-XXXXXX is created (mkstemp:
 *    O_EXCL, an unpredictable name) next to TARGET, the file path's
 *    symlinks lead to, and cli_out_commit renames it over TARGET (the
 *    symlink stays). private_file keeps it 0600 (secrets); otherwise it
 *    gets the replaced file's permissions, or 0666 less the umask.
 * While the temporary file exists, SIGINT, SIGTERM and SIGHUP remove it
 * and the command dies of the signal (exit status 128 + signal).
 * Returns 0 or an errno value, with "cannot write PATH: why" in why.
 * On the device (semihosting can open, rename and remove host files, not
 * stat them) a path under /dev/ is written in place, anything else through
 * the temporary file; symlinks are not followed (the file replaces the
 * link) and the mode is the host's umask's (scripts/tlsc-qemu: 077).
 */
int cli_out_open(cli_out *o, const char *path, bool private_file, char *why, size_t cap);
/* Write all of data; 0 or an errno value (also kept in write_error). */
int cli_out_write(cli_out *o, const void *data, size_t len);
/* Complete the file (fsync, close, rename into place); on failure the
 * temporary file is removed. 0 or an errno value, with why. */
int cli_out_commit(cli_out *o, char *why, size_t cap);
/* Give up: close and remove the temporary file. */
void cli_out_discard(cli_out *o);
/* open + write + commit, printing "tlsc: why" on failure; 0 or errno. */
int cli_write_file(const char *path, const void *data, size_t len, bool private_file);
/* The platform's part of cli_out_open and cli_out_commit: open o->path
 * (not "-") as the rules above say; complete the file (close, rename the
 * temporary file into place). 0 or an errno value. */
int cli_out_open_file(cli_out *o, bool private_file);
int cli_out_complete(cli_out *o);

/*
 * A secret given on the command line (--psk, --key-pass) as:
 *   env:VAR     the value of environment variable VAR
 *   file:PATH   the first line of the regular file PATH (also @PATH)
 *   pass:TEXT   TEXT itself
 *   TEXT        TEXT itself (visible in ps: prefer the forms above)
 * Returns a malloc'd copy in *out (free with cli_free_secret), or prints
 * why naming the option and returns the exit status.
 */
int cli_secret(const char *option, const char *spec, char **out);
/* The value of environment variable name, or NULL after writing why (the
 * device has no environment: always NULL there). */
const char *cli_env(const char *name, char *why, size_t cap);

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

/* ---- tlsc get's client through either driver ------------------------- */

/* The calls tlsc get makes on its HTTPS client, so one run_get serves both
 * drivers: tlsc_http (cmd_get.c) and tlsc_http_ev on a tlsc_loop
 * (cli_evget.c). c is the client open made. */
typedef struct cli_http_ops {
    tlsc_err (*open)(tlsc_config *cfg, void **out);
    void (*close)(void *c);
    tlsc_err (*set_max_redirects)(void *c, unsigned max);
    tlsc_err (*set_max_time)(void *c, uint32_t ms);
    tlsc_err (*set_server_name)(void *c, const char *name);
    tlsc_err (*set_session)(void *c, const void *blob, size_t len);
    tlsc_err (*export_session)(void *c, void *buf, size_t cap, size_t *len);
    tlsc_err (*request)(void *c, const tlsc_http_request *req, tlsc_http_result *res);
    tlsc_err (*download)(void *c, const tlsc_download *d, tlsc_download_result *res);
    const char *(*errmsg)(const void *c);
    void (*get_stats)(const void *c, tlsc_http_stats *out);
} cli_http_ops;

/* tlsc get --driver event (tools/cli_evget.c): each call runs the loop
 * until the request or download ended. NULL where the build has no event
 * driver (the device firmware). */
const cli_http_ops *cli_event_http_ops(void);

/* The same as cli_session_load/save for the HTTPS client of tlsc get. */
void cli_session_load_http(const cli_http_ops *ops, void *c, const char *path);
int cli_session_save_http(const cli_http_ops *ops, void *c, const char *path);

/* ---- the record framing on a connection's transport (cli_wire.c) -------- */

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
    wire_scan in, out;          /* what the server sent, what we sent */
} wire;

/* The tap (tlsc_conn_set_tap, ud = the wire) that records the framing. */
void wire_tap(void *ud, bool sent, const unsigned char *bytes, size_t len);
/* Largest record fragment (bytes after the 5-byte header) seen. */
size_t wire_max_record(const wire_scan *s);
/* Largest record plaintext: encrypted records count their fragment minus
 * expansion (the AEAD's explicit nonce and tag, plus TLS 1.3's inner
 * content type). */
size_t wire_max_plaintext(const wire_scan *s, bool tls13, size_t expansion);

/* ---- hand-built ClientHellos (cli_hello.c) ------------------------------ */

/* What one ClientHello offers. version 0x0304 offers TLS 1.3 alone
 * (supported_versions, key shares); 0x0301..0x0303 a classic hello. */
typedef struct hello_spec {
    unsigned version;
    const uint16_t *suites;
    size_t suite_count;
    const uint16_t *groups;
    size_t group_count;
    const uint16_t *sigalgs;
    size_t sigalg_count;
    bool key_shares;        /* TLS 1.3: shares for x25519/secp256r1 among groups;
                               false: none, so the server answers with a
                               HelloRetryRequest naming the group it wants */
    const char *server_name; /* SNI, or NULL */
} hello_spec;

/* The server's answer, as far as it is in the clear. */
typedef struct hello_answer {
    bool answered;          /* a ServerHello (or HelloRetryRequest) came */
    bool hrr;               /* ... and it was a HelloRetryRequest */
    unsigned version;       /* negotiated (supported_versions or legacy) */
    unsigned suite;
    unsigned group;         /* key_share / ServerKeyExchange group, 0 = none */
    bool finite_field;      /* TLS 1.2 DHE key exchange */
    char key[32];           /* TLS <= 1.2: the certificate's key (tlsc_cert_key) */
    bool key_usable;
    int alert;              /* the alert sent instead, or -1 */
    bool closed, timed_out; /* no answer: closed, or silent until the timeout */
} hello_answer;

/* The bytes of the ClientHello record for s into buf; 0 if it exceeds cap. */
size_t hello_build(const hello_spec *s, unsigned char *buf, size_t cap);
/* Connect, send s's ClientHello, read the answer into a, disconnect.
 * Returns TLSC_OK (the answer may be a refusal) or the network, DNS or
 * timeout error of the TCP connect (detail says why). */
tlsc_err hello_exchange(const char *host, uint16_t port, uint32_t timeout_ms,
                        const hello_spec *s, hello_answer *a, char *detail, size_t cap);

/* ---- probe: what the server wants (cli_probe_scan.c) -------------------- */

typedef struct scan_result {
    bool v13, v12;          /* the server answers a ClientHello of that version */
    unsigned v_old;         /* bit 1: TLS 1.1, bit 0: TLS 1.0 */
    char suites12[96];      /* suite families accepted: "ecdhe-aead, cbc, ..." */
    char suites13[48];
    char groups[160];       /* groups accepted (TLS 1.3, or TLS 1.2 ECDHE) */
    bool tlsc_group;        /* ... among them one tlsc offers */
    char keys13[160];       /* TLS 1.3: key types the server signs with */
    char key[32];           /* TLS <= 1.2: its certificate's key (tlsc_cert_key) */
    bool key_known, key_usable;
    int last_alert;         /* the last alert a hello got, or -1 */
    tlsc_err net_err;       /* a connect failed: the scan stopped */
    char detail[256];
} scan_result;

/* What narrowed tlsc's own offer, and tlsc's own error, for the verdict. */
typedef struct probe_limits {
    bool only12, only13;
    const char *why12;      /* "--buffers 4096" or "--tls1.2" */
    const char *fix12;      /* what to change */
    const char *tlsc_error; /* tlsc's handshake error, in words */
} probe_limits;

/* Ask host:port with hand-built ClientHellos, one family at a time. */
void probe_scan(const char *host, uint16_t port, uint32_t timeout_ms, const char *sni,
                scan_result *r);
/* Print the server_* lines. */
void probe_scan_print(const scan_result *r);
/* The verdict's text ("no — the server only accepts TLS 1.1 and older; ..."). */
void probe_scan_verdict(const scan_result *r, const probe_limits *lim, char *out, size_t cap);

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
int cmd_mqtt(int argc, char **argv);
void cmd_mqtt_help(void);

/* Relay stdin -> conn -> stdout until either side ends (tools/cli_relay.c).
 * fd is the socket to poll; grace_ms bounds how long server silence is
 * awaited after stdin's end (0 = until the server closes). */
int cli_relay(tlsc_conn *conn, int fd, uint32_t grace_ms);

/* ---- PKCS#11 signer (cli_pkcs11.c) ------------------------------------ */

typedef struct cli_pkcs11 cli_pkcs11;

/* Open the private key named by the RFC 7512 URI (token, object, id,
 * pin-value, pin-source) in module (NULL: p11-kit's proxy), logging in
 * with key_pass (a --key-pass value; NULL: the URI's PIN, if any). NULL
 * after writing why. */
cli_pkcs11 *cli_pkcs11_open(const char *uri, const char *module, const char *key_pass,
                            char *why, size_t cap);
void cli_pkcs11_close(cli_pkcs11 *p);
/* The tlsc_sign_fn of an open key (user = the cli_pkcs11). */
tlsc_sign_result cli_pkcs11_sign(void *user, const tlsc_sign_request *req, uint8_t *sig,
                                 size_t sig_cap, size_t *sig_len, char *why, size_t why_cap);
/* CLI_EXIT_OK where --key pkcs11:... can work; otherwise (the device
 * build, device/mps2-an386/cli_device.c) a usage error naming cmd. */
int cli_pkcs11_check(const char *cmd);

#endif /* TLSC_CLI_H */
