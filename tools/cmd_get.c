/*
 * tools/cmd_get.c — `tlsc get URL... [options]`: HTTPS requests over one
 * kept-alive connection, or a verified download (SHA-256, size, Range
 * pieces) to a file or stdout.
 *
 * Same three phases as tlsc connect: parse (nothing applied), build the
 * configuration (cli_tls.c), run. Two modes:
 *   request  (default): each URL in turn, body to stdout, -i/-X/--data/-f;
 *   download (-o, --sha256, --print-sha256, --size or --range-chunk): one URL, GET,
 *            tlsc_http_download; a file appears only once verified.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CMD "get"

typedef struct get_opts {
    cli_tls_opts tls;           /* first: see cli_tls_opts */
    strlist urls;
    strlist headers;            /* "Name: value", borrowed */
    const char *output;
    const char *sha256_hex;
    unsigned char sha256[32];
    bool have_size;
    uint64_t size;
    uint32_t range_chunk;
    const char *method;
    const char *data;           /* "@FILE" or the body itself */
    bool include;
    bool follow;
    uint32_t max_redirs;
    bool have_max_redirs;
    uint32_t max_time_ms;       /* --max-time, 0 = none */
    bool fail;
    bool stats;
    bool print_sha256;          /* hash the content even without --sha256 */
    bool progress;              /* stderr is a terminal */
    bool event_driver;          /* --driver event */
} get_opts;

/* ---- help ---------------------------------------------------------------------- */

static const char *const get_help_head[] = {
    "Usage: tlsc get URL... [options]",
    "",
    "HTTPS client of tlsc: send a request to each URL (over one kept-alive",
    "connection per host) and write the response bodies to stdout; or, with",
    "-o, --sha256, --size or --range-chunk, download ONE URL and verify it.",
    "",
    "URL is https://HOST[:PORT][/PATH][?QUERY]. http:// is refused (tlsc only",
    "speaks verified HTTPS), as are user names or passwords in the URL (send",
    "an Authorization header with -H instead).",
    "",
    "Request:",
    "  -X, --request METHOD  method (default GET; POST with --data)",
    "  -H, --header 'N: V'   add a request header; repeatable. Host,",
    "                        Content-Length and Transfer-Encoding are set by",
    "                        tlsc; a CR or LF in a header is refused",
    "  -d, --data STRING     send STRING as the body (method POST unless -X)",
    "      --data @FILE      send FILE's content as the body, streamed",
    "  -L, --location        follow redirects (301, 302, 303, 307, 308), at most",
    "                        --max-redirs (default 5); never from https to",
    "                        http; Authorization and Cookie headers are only",
    "                        sent to the host of the URL given",
    "  --max-redirs N        redirects followed with -L (0..20)",
    "",
    "Response:",
    "  -i, --include         write the status line and headers before the body",
    "  -f, --fail            an HTTP status >= 400 is an error (exit 13) and",
    "                        its body is not written",
    "",
    "Verified download (one URL, GET):",
    "  -o, --output FILE     write the content to FILE: written as",
    "                        FILE.tlsc-XXXXXX and renamed only once complete",
    "                        and verified; removed on any failure or on",
    "                        SIGINT, SIGTERM or SIGHUP. A symlink is followed",
    "                        (the link stays); an existing device or FIFO",
    "                        is written in place; '-' is stdout",
    "  --sha256 HEX          expected SHA-256 of the content (64 hex digits);",
    "                        a mismatch is an error (exit 13). Without -o the",
    "                        content goes to stdout BEFORE it can be verified",
    "  --size N              expected size in bytes; the download stops as",
    "                        soon as more arrives or is announced",
    "  --print-sha256        print the content's SHA-256 to stderr at the end",
    "                        ('sha256: HEX'). The content is hashed only with",
    "                        --sha256 or --print-sha256, never otherwise",
    "  --range-chunk BYTES   fetch in Range requests of BYTES (e.g. 65536);",
    "                        a dropped connection is reopened (resuming the",
    "                        TLS session) and the download continues",
    "",
    "Other:",
    "  --driver D            blocking (default) or event: run the requests or",
    "                        the download with tlsc_http_ev on an event loop",
    "                        instead of the blocking client; every option",
    "                        behaves the same (one engine under both)",
    "  --stats               print statistics to stderr at the end",
    "                        (connections, resumed, requests, reused,",
    "                        heap_peak_bytes; and bytes, reconnects for a",
    "                        download, and sha256 when it was computed)",
    "  --timeout MS          limit in milliseconds for the TCP connect, the TLS",
    "                        handshake and each read or write (defaults",
    "                        10000, 15000 and 30000); 0 = no limit",
    "  --max-time SECONDS    limit for each whole request or download, as",
    "                        curl's (decimals allowed); a server that keeps",
    "                        every read short cannot hold tlsc longer (exit 6)",
    "  -h, --help            show this help",
    "  A progress bar (bytes, rate, ETA) is drawn on stderr when stderr is a",
    "  terminal, never otherwise.",
    "",
    "TLS options (as for tlsc connect):",
    "",
};

static const char *const get_help_tail[] = {
    "",
    "Exit status:",
    "   0  success (whatever the HTTP status, unless -f)",
    "   1  internal or local error   8  fatal alert from the server",
    "   2  usage error               9  server verification failed",
    "   3  configuration error      10  out of memory",
    "   4  network error            11  connection truncated",
    "   5  DNS error                13  HTTP: malformed response, error",
    "   6  timeout                      status with -f, redirect refused,",
    "   7  TLS protocol error           digest or size mismatch, bad URL",
    "  Errors are printed as 'tlsc: <error>: <detail>'.",
};

void cmd_get_help(void)
{
    for (size_t i = 0; i < sizeof get_help_head / sizeof get_help_head[0]; i++)
        printf("%s\n", get_help_head[i]);
    cli_tls_help();
    for (size_t i = 0; i < sizeof get_help_tail / sizeof get_help_tail[0]; i++)
        printf("%s\n", get_help_tail[i]);
}

/* ---- options ---------------------------------------------------------------------- */

static int opt_output(void *p, const char *v)
{
    ((get_opts *)p)->output = v;
    return CLI_EXIT_OK;
}

static int opt_sha256(void *p, const char *v)
{
    get_opts *o = p;
    if (strlen(v) != 64)
        return cli_usage_error(CMD, "--sha256 needs 64 hex digits, not %lu characters",
                               (unsigned long)strlen(v));
    for (int i = 0; i < 32; i++) {
        unsigned int b = 0;
        if (sscanf(v + 2 * i, "%2x", &b) != 1 || strchr("0123456789abcdefABCDEF", v[2 * i]) == NULL ||
            strchr("0123456789abcdefABCDEF", v[2 * i + 1]) == NULL)
            return cli_usage_error(CMD, "--sha256 '%s' is not hex", v);
        o->sha256[i] = (unsigned char)b;
    }
    o->sha256_hex = v;
    return CLI_EXIT_OK;
}

/* --max-time SECONDS, as curl: decimals allowed ("2.5"). */
static int opt_max_time(void *p, const char *v)
{
    char *end = NULL;
    errno = 0;
    double secs = strtod(v, &end);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno == ERANGE || secs <= 0 ||
        secs > 4294967.0)
        return cli_usage_error(CMD, "invalid --max-time '%s' (seconds, e.g. 30 or 2.5)", v);
    uint32_t ms = (uint32_t)(secs * 1000.0);
    ((get_opts *)p)->max_time_ms = ms ? ms : 1;
    return CLI_EXIT_OK;
}

static int opt_size(void *p, const char *v)
{
    get_opts *o = p;
    char *end = NULL;
    if (v[0] < '0' || v[0] > '9')
        return cli_usage_error(CMD, "invalid --size '%s'", v);
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end != '\0' || errno == ERANGE || n > (unsigned long long)INT64_MAX)
        return cli_usage_error(CMD, "invalid --size '%s'", v);
    o->size = n;
    o->have_size = true;
    return CLI_EXIT_OK;
}

static int opt_range_chunk(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--range-chunk", v, 1, 1u << 30, &((get_opts *)p)->range_chunk);
}

static int opt_header(void *p, const char *v)
{
    get_opts *o = p;
    if (strchr(v, ':') == NULL)
        return cli_usage_error(CMD, "-H needs 'Name: value', not '%s'", v);
    o->headers.items[o->headers.count++] = v;
    return CLI_EXIT_OK;
}

static int opt_request(void *p, const char *v)
{
    ((get_opts *)p)->method = v;
    return CLI_EXIT_OK;
}

static int opt_data(void *p, const char *v)
{
    ((get_opts *)p)->data = v;
    return CLI_EXIT_OK;
}

static int opt_include(void *p, const char *v)
{
    (void)v;
    ((get_opts *)p)->include = true;
    return CLI_EXIT_OK;
}

static int opt_location(void *p, const char *v)
{
    (void)v;
    ((get_opts *)p)->follow = true;
    return CLI_EXIT_OK;
}

static int opt_max_redirs(void *p, const char *v)
{
    ((get_opts *)p)->have_max_redirs = true;
    return cli_parse_u32(CMD, "--max-redirs", v, 0, 20, &((get_opts *)p)->max_redirs);
}

static int opt_fail(void *p, const char *v)
{
    (void)v;
    ((get_opts *)p)->fail = true;
    return CLI_EXIT_OK;
}

static int opt_stats(void *p, const char *v)
{
    (void)v;
    ((get_opts *)p)->stats = true;
    return CLI_EXIT_OK;
}

static int opt_print_sha256(void *p, const char *v)
{
    (void)v;
    ((get_opts *)p)->print_sha256 = true;
    return CLI_EXIT_OK;
}

static int opt_driver(void *p, const char *v)
{
    if (strcmp(v, "event") != 0 && strcmp(v, "blocking") != 0)
        return cli_usage_error(CMD, "--driver takes event or blocking, not '%s'", v);
    ((get_opts *)p)->event_driver = strcmp(v, "event") == 0;
    return CLI_EXIT_OK;
}

static const cli_option get_options[] = {
    {"output", true, opt_output},       {"sha256", true, opt_sha256},
    {"size", true, opt_size},           {"range-chunk", true, opt_range_chunk},
    {"header", true, opt_header},       {"request", true, opt_request},
    {"data", true, opt_data},           {"include", false, opt_include},
    {"location", false, opt_location},  {"max-redirs", true, opt_max_redirs},
    {"max-time", true, opt_max_time},
    {"fail", false, opt_fail},          {"stats", false, opt_stats},
    {"print-sha256", false, opt_print_sha256},
    {"driver", true, opt_driver},
};

static const cli_short get_shorts[] = {
    {'o', "output"}, {'H', "header"}, {'X', "request"}, {'d', "data"},
    {'i', "include"}, {'L', "location"}, {'f', "fail"},
};

static bool download_mode(const get_opts *o)
{
    return o->output != NULL || o->sha256_hex != NULL || o->have_size || o->range_chunk > 0 ||
           o->print_sha256;
}

static int check_get(const get_opts *o)
{
    if (o->urls.count == 0)
        return cli_usage_error(CMD, "missing URL");
    if (o->event_driver && cli_event_http_ops() == NULL)
        return cli_usage_error(CMD, "--driver event is not available in this build");
    if (!download_mode(o))
        return cli_tls_check(&o->tls);
    if (o->urls.count > 1)
        return cli_usage_error(CMD, "-o, --sha256, --print-sha256, --size and --range-chunk "
                                    "download one URL");
    if (o->data != NULL || (o->method != NULL && strcmp(o->method, "GET") != 0))
        return cli_usage_error(CMD, "a verified download is a GET: no -X or --data");
    if (o->include)
        return cli_usage_error(CMD, "-i cannot be combined with a verified download");
    return cli_tls_check(&o->tls);
}

static int parse_get(get_opts *o, int argc, char **argv)
{
    cli_spec spec = {
        .cmd = CMD,
        .options = get_options,
        .option_count = sizeof get_options / sizeof get_options[0],
        .max_positional = (size_t)argc,
        .more_options = cli_tls_options,
        .more_option_count = cli_tls_option_count,
        .shorts = get_shorts,
        .short_count = sizeof get_shorts / sizeof get_shorts[0],
    };
    int rc = cli_parse(&spec, argc, argv, o, o->urls.items, &o->urls.count);
    return rc != CLI_EXIT_OK ? rc : check_get(o);
}

/* ---- progress ------------------------------------------------------------------------ */

typedef struct progress {
    bool on;
    uint64_t start_ms, last_ms;
    bool drawn;
} progress;


static void human(char *out, size_t cap, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    (void)snprintf(out, cap, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
}

/* Redrawn at most 5 times a second: "  3.2 MiB / 64.0 MiB  5%  12.1 MiB/s  ETA 5s" */
static void progress_draw(progress *p, uint64_t done, int64_t total, bool final)
{
    uint64_t now = tlsc_now_ms();
    if (!p->on || (!final && now - p->last_ms < 200))
        return;
    p->last_ms = now;
    double secs = (double)(now - p->start_ms) / 1000.0;
    double rate = secs > 0 ? (double)done / secs : 0;
    char d[32], t[32], r[32], eta[32] = "";
    human(d, sizeof d, (double)done);
    human(r, sizeof r, rate);
    if (total >= 0) {
        human(t, sizeof t, (double)total);
        if (rate > 0 && !final)
            (void)snprintf(eta, sizeof eta, "  ETA %.0fs", (double)((uint64_t)total - done) / rate);
        fprintf(stderr, "\r  %s / %s  %3d%%  %s/s%s\033[K", d, t,
                total > 0 ? (int)(done * 100 / (uint64_t)total) : 100, r, eta);
    } else {
        fprintf(stderr, "\r  %s  %s/s\033[K", d, r);
    }
    p->drawn = true;
    if (final)
        fputc('\n', stderr);
}

static void progress_end(progress *p, uint64_t done, int64_t total)
{
    if (p->drawn)
        progress_draw(p, done, total, true);
}

/* ---- request mode ------------------------------------------------------------------------ */

typedef struct req_state {
    const get_opts *o;
    progress prog;
    int status;
    char reason[128];
    char *head_text;        /* -i: status line and headers */
    size_t head_len;
    bool suppress;          /* -f and an error status: no body */
    uint64_t body;
    int64_t total;
    bool out_failed;
} req_state;

static tlsc_err rq_status(void *ud, int status, const char *reason, size_t len)
{
    req_state *s = ud;
    s->status = status;
    (void)snprintf(s->reason, sizeof s->reason, "%.*s", (int)(len < 100 ? len : 100), reason);
    s->suppress = s->o->fail && status >= 400;
    return TLSC_OK;
}

static tlsc_err append_head(req_state *s, const char *text, size_t n)
{
    char *p = realloc(s->head_text, s->head_len + n + 1);
    if (p == NULL)
        return TLSC_ERR_NO_MEMORY;
    memcpy(p + s->head_len, text, n);
    s->head_len += n;
    p[s->head_len] = '\0';
    s->head_text = p;
    return TLSC_OK;
}

static tlsc_err rq_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    req_state *s = ud;
    if (!s->o->include)
        return TLSC_OK;
    tlsc_err err = append_head(s, n, nl);
    if (err == TLSC_OK)
        err = append_head(s, ": ", 2);
    if (err == TLSC_OK)
        err = append_head(s, v, vl);
    return err == TLSC_OK ? append_head(s, "\r\n", 2) : err;
}

static tlsc_err rq_head(void *ud, const tlsc_http_head *h)
{
    req_state *s = ud;
    s->total = h->content_length;
    if (!s->o->include || s->suppress)
        return TLSC_OK;
    printf("HTTP/1.%d %d %s\r\n%s\r\n", h->version_minor, s->status, s->reason,
           s->head_text != NULL ? s->head_text : "");
    return TLSC_OK;
}

static tlsc_err rq_body(void *ud, const void *d, size_t n)
{
    req_state *s = ud;
    s->body += n;
    progress_draw(&s->prog, s->body, s->total, false);
    if (s->suppress)
        return TLSC_OK;
    if (fwrite(d, 1, n, stdout) != n) {
        s->out_failed = true;
        return TLSC_ERR_HTTP_SINK;
    }
    return TLSC_OK;
}

/* --data @FILE: streamed by a producer. */
typedef struct file_body {
    FILE *f;
} file_body;

static tlsc_err produce_file(void *ud, void *buf, size_t cap, size_t *got)
{
    file_body *b = ud;
    *got = fread(buf, 1, cap, b->f);
    return ferror(b->f) ? TLSC_ERR_HTTP_SINK : TLSC_OK;
}

/* Split the -H strings into name/value pairs (value without leading
 * blanks); names are cut in place in a copy owned by the caller. */
static int split_headers(const get_opts *o, tlsc_http_header *out, char **copies)
{
    for (size_t i = 0; i < o->headers.count; i++) {
        copies[i] = strdup(o->headers.items[i]);
        if (copies[i] == NULL)
            return cli_report(TLSC_ERR_NO_MEMORY, NULL);
        char *colon = strchr(copies[i], ':');
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        out[i] = (tlsc_http_header){copies[i], v};
    }
    return CLI_EXIT_OK;
}

static int set_body(const get_opts *o, tlsc_http_request *req, file_body *fb)
{
    if (o->data == NULL)
        return CLI_EXIT_OK;
    if (o->data[0] != '@') {
        req->body = o->data;
        req->body_len = strlen(o->data);
        return CLI_EXIT_OK;
    }
    struct stat st;
    fb->f = fopen(o->data + 1, "rb");
    if (fb->f == NULL || fstat(fileno(fb->f), &st) != 0) {
        fprintf(stderr, "tlsc: cannot read %s: %s\n", o->data + 1, strerror(errno));
        return cli_exit_status(TLSC_ERR_FILE);
    }
    req->body_fn = produce_file;
    req->body_ud = fb;
    req->body_fn_len = S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
    return CLI_EXIT_OK;
}

/* The client of either driver (cli_http_ops). */
typedef struct get_client {
    const cli_http_ops *ops;
    void *c;
} get_client;

static int one_request(const get_client *h, const get_opts *o, const char *url,
                       tlsc_http_header *hs)
{
    req_state s = {.o = o, .total = -1};
    s.prog = (progress){.on = o->progress, .start_ms = tlsc_now_ms()};
    file_body fb = {NULL};
    tlsc_http_request req = {0};
    req.url = url;
    req.method = o->method != NULL ? o->method : (o->data != NULL ? "POST" : "GET");
    req.headers = hs;
    req.header_count = o->headers.count;
    req.cb = (tlsc_http_callbacks){rq_status, rq_header, rq_head, rq_body, NULL, NULL};
    req.cb_ud = &s;
    int rc = set_body(o, &req, &fb);
    tlsc_http_result res;
    tlsc_err err = rc == CLI_EXIT_OK ? h->ops->request(h->c, &req, &res) : TLSC_OK;
    progress_end(&s.prog, s.body, s.total);
    fflush(stdout);
    if (fb.f != NULL)
        fclose(fb.f);
    free(s.head_text);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (err != TLSC_OK && s.out_failed)
        return cli_report(err, "writing to stdout failed");
    if (err != TLSC_OK)
        return cli_report(err, h->ops->errmsg(h->c));
    if (o->fail && res.status >= 400) {
        char detail[sizeof res.url + sizeof s.reason + 32];
        (void)snprintf(detail, sizeof detail, "%d %s (%s)", res.status, s.reason, res.url);
        return cli_report(TLSC_ERR_HTTP_STATUS, detail);
    }
    return CLI_EXIT_OK;
}

static int run_requests(const get_client *h, const get_opts *o)
{
    tlsc_http_header *hs = calloc(o->headers.count + 1, sizeof *hs);
    char **copies = calloc(o->headers.count + 1, sizeof *copies);
    int rc = hs != NULL && copies != NULL ? split_headers(o, hs, copies)
                                          : cli_report(TLSC_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CLI_EXIT_OK && i < o->urls.count; i++)
        rc = one_request(h, o, o->urls.items[i], hs);
    for (size_t i = 0; copies != NULL && i < o->headers.count; i++)
        free(copies[i]);
    free(copies);
    free(hs);
    return rc;
}

/* ---- download mode ------------------------------------------------------------------------ */

static tlsc_err to_stdout(void *ud, const void *d, size_t n)
{
    (void)ud;
    return fwrite(d, 1, n, stdout) == n ? TLSC_OK : TLSC_ERR_HTTP_SINK;
}

/* -o FILE: see cli_out_open (a device stays a device, a symlink stays). */
static tlsc_err to_file(void *ud, const void *d, size_t n)
{
    return cli_out_write(ud, d, n) == 0 ? TLSC_OK : TLSC_ERR_HTTP_SINK;
}

/* The file is complete and verified: move it into place. */
static tlsc_err finish_output(cli_out *out, tlsc_err err, int *rc)
{
    char why[sizeof out->tmp + 128];
    if (err == TLSC_ERR_HTTP_SINK && out->write_error != 0) {
        snprintf(why, sizeof why, "cannot write %s: %s", out->path, strerror(out->write_error));
        *rc = cli_report(err, why);
    }
    if (err != TLSC_OK || *rc != CLI_EXIT_OK) {
        cli_out_discard(out);
        return err;
    }
    if (cli_out_commit(out, why, sizeof why) != 0)
        *rc = cli_report(TLSC_ERR_HTTP_SINK, why);
    return err;
}

static void on_progress(void *ud, uint64_t done, int64_t total)
{
    progress_draw(ud, done, total, false);
}

static void print_sha256(const tlsc_download_result *r)
{
    if (!r->sha256_valid)
        return; /* not asked for: never computed */
    fprintf(stderr, "sha256: ");
    for (int i = 0; i < 32; i++)
        fprintf(stderr, "%02x", r->sha256[i]);
    fprintf(stderr, "\n");
}

static void print_download_stats(const tlsc_download_result *r)
{
    /* In two parts: newlib (the device build) has no %llu. */
    if (r->bytes >= 1000000000u)
        fprintf(stderr, "bytes: %lu%09lu\n", (unsigned long)(r->bytes / 1000000000u),
                (unsigned long)(r->bytes % 1000000000u));
    else
        fprintf(stderr, "bytes: %lu\n", (unsigned long)r->bytes);
    print_sha256(r);
    fprintf(stderr, "reconnects: %u\n", r->reconnects);
}

static int run_download(const get_client *h, const get_opts *o)
{
    tlsc_http_header *hs = calloc(o->headers.count + 1, sizeof *hs);
    char **copies = calloc(o->headers.count + 1, sizeof *copies);
    int rc = hs != NULL && copies != NULL ? split_headers(o, hs, copies)
                                          : cli_report(TLSC_ERR_NO_MEMORY, NULL);
    progress prog = {.on = o->progress, .start_ms = tlsc_now_ms()};
    tlsc_download d = {0};
    d.url = o->urls.items[0];
    d.headers = hs;
    d.header_count = o->headers.count;
    cli_out out;
    char why[sizeof out.tmp + 128];
    bool to_out = o->output != NULL;
    if (rc == CLI_EXIT_OK && to_out && cli_out_open(&out, o->output, false, why, sizeof why) != 0)
        rc = cli_report(TLSC_ERR_HTTP_SINK, why);
    d.sink = to_out ? to_file : to_stdout;
    d.sink_ud = to_out ? &out : NULL;
    d.sha256 = o->sha256_hex != NULL ? o->sha256 : NULL;
    d.want_sha256 = o->print_sha256;
    d.size = o->have_size ? (int64_t)o->size : -1;
    d.range_chunk = o->range_chunk;
    d.progress = on_progress;
    d.progress_ud = &prog;
    tlsc_download_result r;
    memset(&r, 0, sizeof r);
    tlsc_err err = rc == CLI_EXIT_OK ? h->ops->download(h->c, &d, &r) : TLSC_OK;
    if (to_out && rc == CLI_EXIT_OK)
        err = finish_output(&out, err, &rc);
    progress_end(&prog, r.bytes, o->have_size ? (int64_t)o->size : -1);
    fflush(stdout);
    if (o->stats && rc == CLI_EXIT_OK)
        print_download_stats(&r);
    else if (o->print_sha256 && rc == CLI_EXIT_OK)
        print_sha256(&r);
    if (rc == CLI_EXIT_OK && err != TLSC_OK)
        rc = cli_report(err, h->ops->errmsg(h->c));
    for (size_t i = 0; copies != NULL && i < o->headers.count; i++)
        free(copies[i]);
    free(copies);
    free(hs);
    return rc;
}

/* ---- running --------------------------------------------------------------------------------- */

static void print_stats(const get_client *h)
{
    tlsc_http_stats st;
    h->ops->get_stats(h->c, &st);
    fprintf(stderr, "connections: %lu\nresumed: %lu\nrequests: %lu\nreused: %lu\n",
            st.connections, st.resumed, st.requests, st.reused);
    fprintf(stderr, "heap_peak_bytes: %lu\n", (unsigned long)tlsc_heap_peak());
}

/* ---- the blocking driver's calls ------------------------------------------------------------ */

static tlsc_err bl_open(tlsc_config *cfg, void **out)
{
    tlsc_http *h = NULL;
    tlsc_err err = tlsc_http_new(cfg, &h);
    *out = h;
    return err;
}

static void bl_close(void *c)
{
    tlsc_http_free(c);
}

static tlsc_err bl_max_redirects(void *c, unsigned max)
{
    return tlsc_http_set_max_redirects(c, max);
}

static tlsc_err bl_max_time(void *c, uint32_t ms)
{
    return tlsc_http_set_max_time(c, ms);
}

static tlsc_err bl_server_name(void *c, const char *name)
{
    return tlsc_http_set_server_name(c, name);
}

static tlsc_err bl_set_session(void *c, const void *blob, size_t len)
{
    return tlsc_http_set_session(c, blob, len);
}

static tlsc_err bl_export_session(void *c, void *buf, size_t cap, size_t *len)
{
    return tlsc_http_export_session(c, buf, cap, len);
}

static tlsc_err bl_request(void *c, const tlsc_http_request *req, tlsc_http_result *res)
{
    return tlsc_http_do(c, req, res);
}

static tlsc_err bl_download(void *c, const tlsc_download *d, tlsc_download_result *res)
{
    return tlsc_http_download(c, d, res);
}

static const char *bl_errmsg(const void *c)
{
    return tlsc_http_errmsg(c);
}

static void bl_stats(const void *c, tlsc_http_stats *out)
{
    tlsc_http_get_stats(c, out);
}

static const cli_http_ops blocking_ops = {
    bl_open,        bl_close,       bl_max_redirects,  bl_max_time,
    bl_server_name, bl_set_session, bl_export_session, bl_request,
    bl_download,    bl_errmsg,      bl_stats,
};

/* ---- running --------------------------------------------------------------------------------- */

static int setup_client(const get_opts *o, tlsc_config *cfg, get_client *h)
{
    h->ops = o->event_driver ? cli_event_http_ops() : &blocking_ops;
    tlsc_err err = h->ops->open(cfg, &h->c);
    if (err != TLSC_OK) {
        h->c = NULL;
        return cli_tls_report_new(err, cfg);
    }
    unsigned redirs = o->follow ? (o->have_max_redirs ? o->max_redirs : 5) : 0;
    err = h->ops->set_max_redirects(h->c, redirs);
    if (err == TLSC_OK)
        err = h->ops->set_max_time(h->c, o->max_time_ms);
    if (err == TLSC_OK && o->tls.servername != NULL)
        err = h->ops->set_server_name(h->c, o->tls.servername);
    if (err != TLSC_OK) {
        h->ops->close(h->c);
        h->c = NULL;
        return cli_report(err, "invalid --servername");
    }
    if (o->tls.sess_in != NULL)
        cli_session_load_http(h->ops, h->c, o->tls.sess_in);
    return CLI_EXIT_OK;
}

static int run_get(const get_opts *o)
{
    tlsc_config *cfg = NULL;
    get_client h = {NULL, NULL};
    int rc = cli_tls_build_config(&o->tls, &cfg);
    if (rc == CLI_EXIT_OK)
        rc = setup_client(o, cfg, &h);
    tlsc_config_free(cfg); /* the client keeps its own reference */
    /* --stats reports the peak of the transfers themselves (handshakes
     * included), not of loading the configuration. */
    tlsc_heap_reset_peak();
    if (rc == CLI_EXIT_OK)
        rc = download_mode(o) ? run_download(&h, o) : run_requests(&h, o);
    if (h.c != NULL && o->stats)
        print_stats(&h);
    if (h.c != NULL && o->tls.sess_out != NULL) {
        int src = cli_session_save_http(h.ops, h.c, o->tls.sess_out);
        rc = rc == CLI_EXIT_OK ? src : rc;
    }
    if (h.c != NULL)
        h.ops->close(h.c);
    return rc;
}

int cmd_get(int argc, char **argv)
{
    get_opts o;
    memset(&o, 0, sizeof o);
    int rc = cli_tls_init(&o.tls, CMD, argc);
    o.urls.items = calloc((size_t)argc + 1, sizeof *o.urls.items);
    o.headers.items = calloc((size_t)argc + 1, sizeof *o.headers.items);
    if (rc == CLI_EXIT_OK && (o.urls.items == NULL || o.headers.items == NULL))
        rc = cli_report(TLSC_ERR_NO_MEMORY, NULL);
    if (rc == CLI_EXIT_OK)
        rc = parse_get(&o, argc, argv);
    o.progress = isatty(STDERR_FILENO) == 1;
    if (rc == CLI_HELP) {
        cmd_get_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK) {
        /* A body on a pipe or in a file: stdio's default buffer (the
         * st_blksize, often 4 KiB) cuts each 16 KiB record into two
         * write(2)s; 64 KiB makes it one per four records. glibc ignores
         * the size unless given the buffer. A terminal keeps its line
         * buffering. */
        static char out_buf[64 * 1024];
        if (isatty(STDOUT_FILENO) != 1)
            setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
        rc = run_get(&o);
    }
    free(o.urls.items);
    free(o.headers.items);
    cli_tls_release(&o.tls);
    return rc;
}
