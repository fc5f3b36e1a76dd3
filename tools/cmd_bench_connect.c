/*
 * tools/cmd_bench_connect.c — `tlsc bench-connect HOST:PORT -n N -c C`:
 * N verified TLS connections, C handshakes in flight at once, all on one
 * event loop in one thread (tlsc/event.h). Each connection closes with
 * close_notify as soon as its handshake is done; a new one starts whenever
 * one ends. Prints handshakes per second, failures by error and the peak
 * heap of tlsc and mbedTLS together.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "bench-connect"
#define HOST_MAX 256
#define COUNT_MAX 10000000u
#define CONCURRENCY_MAX 10000u
/* Distinct error codes remembered for the failure table. */
#define ERR_KINDS 32

typedef struct bench_opts {
    cli_tls_opts tls;       /* first: the shared option handlers fill it */
    char host[HOST_MAX];
    uint16_t port;
    uint32_t count;
    uint32_t concurrency;
    uint32_t max_handshakes;  /* UINT32_MAX: the loop's default */
    bool quiet;
} bench_opts;

typedef struct failure {
    tlsc_err err;
    unsigned count;
    char detail[160];       /* of the first one */
} failure;

typedef struct bench {
    const bench_opts *o;
    tlsc_config *cfg;
    tlsc_loop *loop;
    uint32_t started, finished, ok, resumed;
    uint32_t *hs_ms;        /* handshake time of each success */
    failure fails[ERR_KINDS];
    size_t nfails;
    int start_rc;           /* a connection that could not even start */
} bench;

/* ---- help ------------------------------------------------------------------ */

static const char *const bench_help[] = {
    "Usage: tlsc bench-connect HOST:PORT -n N -c C [TLS options]",
    "",
    "Open N verified TLS connections to HOST:PORT with C handshakes in",
    "flight at once, all in one thread on one event loop (tlsc/event.h).",
    "Each connection is closed (close_notify) as soon as its handshake is",
    "done and verified; the next one starts when one ends. Every connection",
    "does a full handshake (no session is offered).",
    "",
    "Options:",
    "  -n, --count N         connections in total (1..10000000; default 100)",
    "  -c, --concurrency C   handshakes in flight at once (1..10000;",
    "                        default 10; at most N); beyond the event",
    "                        loop's cap on handshakes in flight, the",
    "                        connections wait their turn",
    "  --max-handshakes M    the loop's cap (tlsc_loop_set_max_handshakes;",
    "                        0 = none; default: derived from the build)",
    "  --quiet               no progress line on stderr",
    "",
    "TLS options, as for 'tlsc connect' (see tlsc connect --help):",
    "  --ca FILE, --bundle FILE, --pin sha256//BASE64, --insecure,",
    "  --servername NAME, --cert FILE --key FILE [--key-pass SECRET],",
    "  --psk SECRET, --alpn P1,P2, --tls1.2 | --tls1.3,",
    "  --timeout MS (TCP connect, handshake and close, each),",
    "  --resumption off|on|psk-ke, --debug N, --keylog FILE",
    "",
    "Output (stdout, one 'key: value' line each):",
    "  connections, concurrency, succeeded, failed, elapsed_ms,",
    "  handshakes_per_s    successful handshakes per second of wall time",
    "  handshake_ms_p50, handshake_ms_p99, handshake_ms_max",
    "                      TLS handshake durations (TCP connect excluded;",
    "                      with C in flight they include waiting for the",
    "                      one thread)",
    "  heap_peak_bytes     peak heap of tlsc and mbedTLS during the run",
    "                      (all connections together, tlsc_loop_heap_peak)",
    "  key_slots_peak      most PSA key slots in use at once (sampled)",
    "  key_slots_capacity  PSA key slots of this build (0: grows on the heap)",
    "  max_handshakes      the loop's cap on handshakes in flight (0: none);",
    "                      connections beyond it wait their turn",
    "  failure: COUNT x <error>: <detail of the first one>   per error",
    "A progress line ('progress: done/N') goes to stderr every second.",
    "",
    "Exit status: 0 when every connection succeeded; otherwise that of the",
    "first failure's error (see tlsc connect --help), 2 for usage errors.",
};

void cmd_bench_connect_help(void)
{
    for (size_t i = 0; i < sizeof bench_help / sizeof bench_help[0]; i++)
        printf("%s\n", bench_help[i]);
}

/* ---- options --------------------------------------------------------------- */

static int opt_count(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--count", v, 1, COUNT_MAX, &((bench_opts *)p)->count);
}

static int opt_concurrency(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--concurrency", v, 1, CONCURRENCY_MAX,
                         &((bench_opts *)p)->concurrency);
}

static int opt_max_handshakes(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--max-handshakes", v, 0, CONCURRENCY_MAX,
                         &((bench_opts *)p)->max_handshakes);
}

static int opt_quiet(void *p, const char *v)
{
    (void)v;
    ((bench_opts *)p)->quiet = true;
    return CLI_EXIT_OK;
}

static const cli_option bench_own_options[] = {
    {"count", true, opt_count},
    {"concurrency", true, opt_concurrency},
    {"max-handshakes", true, opt_max_handshakes},
    {"quiet", false, opt_quiet},
};

static const cli_short bench_shorts[] = {
    {'n', "count"},
    {'c', "concurrency"},
};

static int parse_bench(bench_opts *o, int argc, char **argv)
{
    const char *pos[1] = {NULL};
    size_t npos = 0;
    const cli_spec spec = {
        .cmd = CMD,
        .options = bench_own_options,
        .option_count = sizeof bench_own_options / sizeof bench_own_options[0],
        .max_positional = 1,
        .more_options = cli_tls_options,
        .more_option_count = cli_tls_option_count,
        .shorts = bench_shorts,
        .short_count = sizeof bench_shorts / sizeof bench_shorts[0],
    };
    int rc = cli_parse(&spec, argc, argv, o, pos, &npos);

    if (rc != CLI_EXIT_OK)
        return rc;
    if (npos == 0)
        return cli_usage_error(CMD, "missing HOST:PORT");
    rc = cli_parse_hostport(CMD, pos[0], o->host, sizeof o->host, &o->port);
    if (rc == CLI_EXIT_OK)
        rc = cli_tls_check(&o->tls);
    if (rc == CLI_EXIT_OK && o->concurrency > o->count)
        o->concurrency = o->count;
    return rc;
}

/* ---- the run --------------------------------------------------------------- */

static void note_failure(bench *b, tlsc_err err, const char *detail)
{
    for (size_t i = 0; i < b->nfails; i++) {
        if (b->fails[i].err == err) {
            b->fails[i].count++;
            return;
        }
    }
    if (b->nfails == ERR_KINDS)
        return;
    failure *f = &b->fails[b->nfails++];
    f->err = err;
    f->count = 1;
    snprintf(f->detail, sizeof f->detail, "%s", detail);
}

static void start_next(bench *b);

static void on_event(tlsc_ev *ev, const tlsc_event *e, void *ud)
{
    bench *b = ud;
    if (e->kind == TLSC_EV_CONNECTED) {
        tlsc_conn *conn = tlsc_ev_conn(ev);
        b->hs_ms[b->ok++] = tlsc_conn_handshake_ms(conn);
        b->resumed += tlsc_conn_resumed(conn);
        (void)tlsc_ev_close(ev); /* DISCONNECTED follows */
        return;
    }
    if (e->kind != TLSC_EV_DISCONNECTED)
        return;
    if (e->how != TLSC_CLOSE_LOCAL)
        note_failure(b, e->err, e->detail);
    b->finished++;
    tlsc_ev_free(ev);
    start_next(b);
}

static void start_next(bench *b)
{
    if (b->started >= b->o->count || b->start_rc != CLI_EXIT_OK)
        return;
    tlsc_ev *ev = NULL;
    tlsc_err err = tlsc_ev_new(b->loop, b->cfg, on_event, b, &ev);
    if (err == TLSC_OK && b->o->tls.servername != NULL)
        err = tlsc_conn_set_server_name(tlsc_ev_conn(ev), b->o->tls.servername);
    if (err == TLSC_OK)
        err = tlsc_ev_connect(ev, b->o->host, b->o->port);
    if (err != TLSC_OK) {
        tlsc_ev_free(ev);
        b->start_rc = cli_report(err, err == TLSC_ERR_NO_TRUST
                                          ? "give --ca, --bundle, --pin, --psk or --insecure"
                                          : tlsc_config_errmsg(b->cfg));
        return;
    }
    b->started++;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t percentile(const uint32_t *sorted, uint32_t n, unsigned pct)
{
    return n ? sorted[(uint64_t)(n - 1) * pct / 100] : 0;
}

static int report(bench *b, uint64_t elapsed_ms)
{
    const bench_opts *o = b->o;
    qsort(b->hs_ms, b->ok, sizeof *b->hs_ms, cmp_u32);
    double secs = elapsed_ms ? (double)elapsed_ms / 1000.0 : 0.001;
    printf("connections: %u\n", o->count);
    printf("concurrency: %u\n", o->concurrency);
    printf("succeeded: %u\n", b->ok);
    printf("failed: %u\n", b->finished - b->ok);
    printf("resumed: %u\n", b->resumed);
    printf("elapsed_ms: %llu\n", (unsigned long long)elapsed_ms);
    printf("handshakes_per_s: %.1f\n", (double)b->ok / secs);
    printf("handshake_ms_p50: %u\n", percentile(b->hs_ms, b->ok, 50));
    printf("handshake_ms_p99: %u\n", percentile(b->hs_ms, b->ok, 99));
    printf("handshake_ms_max: %u\n", b->ok ? b->hs_ms[b->ok - 1] : 0);
    printf("heap_peak_bytes: %zu\n", tlsc_loop_heap_peak(b->loop));
    printf("key_slots_peak: %zu\n", tlsc_loop_key_slots_peak(b->loop));
    printf("key_slots_capacity: %zu\n", tlsc_key_slots_capacity());
    printf("max_handshakes: %u\n", tlsc_loop_max_handshakes(b->loop));
    for (size_t i = 0; i < b->nfails; i++)
        printf("failure: %u x %s: %s\n", b->fails[i].count, tlsc_strerror(b->fails[i].err),
               b->fails[i].detail);
    return b->nfails ? cli_exit_status(b->fails[0].err) : CLI_EXIT_OK;
}

static void progress(const bench *b, uint64_t *next)
{
    uint64_t now = tlsc_now_ms();
    if (b->o->quiet || now < *next)
        return;
    *next = now + 1000;
    fprintf(stderr, "progress: %u/%u done, %u failed\n", b->finished, b->o->count,
            b->finished - b->ok);
}

static int run_bench(bench *b)
{
    tlsc_err err = tlsc_loop_new(&b->loop);
    if (err == TLSC_OK && b->o->max_handshakes != UINT32_MAX)
        err = tlsc_loop_set_max_handshakes(b->loop, b->o->max_handshakes);
    if (err != TLSC_OK)
        return cli_report(err, NULL);
    uint64_t t0 = tlsc_now_ms(), next = t0 + 1000;
    for (uint32_t i = 0; i < b->o->concurrency; i++)
        start_next(b);
    while (b->start_rc == CLI_EXIT_OK && tlsc_loop_active(b->loop) > 0) {
        err = tlsc_loop_run_once(b->loop, 1000);
        if (err != TLSC_OK)
            return cli_report(err, "event loop");
        progress(b, &next);
    }
    if (b->start_rc != CLI_EXIT_OK)
        return b->start_rc;
    return report(b, tlsc_now_ms() - t0);
}

int cmd_bench_connect(int argc, char **argv)
{
    bench_opts o = {.count = 100, .concurrency = 10, .max_handshakes = UINT32_MAX};
    bench b = {.o = &o, .start_rc = CLI_EXIT_OK};
    int rc = cli_tls_init(&o.tls, CMD, argc);
    if (rc == CLI_EXIT_OK)
        rc = parse_bench(&o, argc, argv);
    if (rc == CLI_HELP) {
        cmd_bench_connect_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK) {
        rc = cli_tls_build_config(&o.tls, &b.cfg);
        b.hs_ms = calloc(o.count, sizeof *b.hs_ms);
        if (rc == CLI_EXIT_OK && b.hs_ms == NULL)
            rc = cli_report(TLSC_ERR_NO_MEMORY, NULL);
        if (rc == CLI_EXIT_OK)
            rc = run_bench(&b);
        tlsc_loop_free(b.loop);
        tlsc_config_free(b.cfg);
        free(b.hs_ms);
    }
    cli_tls_release(&o.tls);
    return rc;
}
