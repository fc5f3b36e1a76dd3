/*
 * tools/cmd_mqtt.c — `tlsc mqtt pub` and `tlsc mqtt sub`: MQTT over TLS,
 * modelled on mosquitto_pub / mosquitto_sub, with every TLS option of
 * tlsc connect. One tlsc_mqtt client on a tlsc_loop driven from this
 * file's own poll() (the foreign-loop calls), so stdin (-l) is read as
 * lines arrive without stalling the keepalive.
 */
#include "cli.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "mqtt"
#define TOPICS_MAX TLSC_MQTT_FILTERS_MAX
#define LINE_MAX_BYTES 65536

typedef struct mqtt_opts {
    cli_tls_opts tls;           /* first: the shared options' apply() */
    bool pub;                   /* pub or sub */
    const char *topics[TOPICS_MAX];
    size_t topic_count;
    const char *message;        /* -m */
    const char *file;           /* -f */
    bool lines;                 /* -l */
    bool null_msg;              /* -n */
    uint32_t qos;
    bool retain;
    const char *id, *user, *pass;
    uint32_t keepalive;
    bool have_keepalive;
    uint32_t version;           /* 311 or 5 */
    uint32_t count;             /* -C, 0 = no limit */
    uint32_t wait_s;            /* -W, 0 = no limit */
    bool verbose;               /* -v */
    bool summary;
    bool no_clean;              /* -c */
    const char *will_topic, *will_payload;
    uint32_t will_qos;
    bool will_retain;
    uint32_t max_inflight;      /* -M, 0 = the broker's limit */
    const char *pos[2];
    size_t npos;
} mqtt_opts;

static const char *const mqtt_help_text[] = {
    "Usage: tlsc mqtt pub HOST:PORT -t TOPIC (-m MSG | -f FILE | -l | -n) [options]",
    "       tlsc mqtt sub HOST:PORT -t FILTER [-t FILTER...] [options]",
    "",
    "MQTT 3.1.1 or 5.0 over a verified TLS connection, as mosquitto_pub and",
    "mosquitto_sub (the broker is HOST:PORT rather than -h/-p).",
    "",
    "Both:",
    "  -t, --topic T         topic (pub) or filter (sub; repeatable, up to 16)",
    "  -q, --qos 0|1|2       QoS of the messages (pub) or the subscription (sub)",
    "  -i, --id ID           client id (default: tlsc-pub-PID / tlsc-sub-PID)",
    "  -u, --username U      user name",
    "  -P, --pw PASS         password",
    "  -k, --keepalive S     keepalive in seconds (default 60; 0 = off)",
    "  -V, --protocol-version 311|5   MQTT version (default 311)",
    "  -c, --disable-clean-session    keep the session on the broker",
    "  --will-topic T        will message: topic",
    "  --will-payload P      ... payload (default empty)",
    "  --will-qos Q          ... QoS (default 0)",
    "  --will-retain         ... retained",
    "  --summary             print the TLS summary keys on stderr once connected",
    "pub:",
    "  -m, --message MSG     publish MSG",
    "  -f, --file FILE       publish the contents of FILE as one message",
    "  -l, --stdin-line      publish each line of stdin as a message",
    "  -n, --null-message    publish an empty message",
    "  -r, --retain          retained message(s)",
    "  -M, --max-inflight N  QoS 1/2 messages awaiting their acknowledgement at",
    "                        most (default: as many as the broker allows)",
    "sub:",
    "  -v, --verbose         print 'TOPIC PAYLOAD' instead of the payload",
    "  -C, --count N         end after N messages",
    "  -W, --timeout S       end after S seconds (status 6 when -C was not",
    "                        reached)",
    "",
    "Each message received is printed on its own line on stdout. A broker",
    "refusal (CONNACK, or a subscription refused per topic) exits with",
    "status 14 and the reason code in words.",
    "",
};

void cmd_mqtt_help(void)
{
    for (size_t i = 0; i < sizeof mqtt_help_text / sizeof mqtt_help_text[0]; i++)
        puts(mqtt_help_text[i]);
    cli_tls_help();
}

/* ---- options ------------------------------------------------------------------ */

static int opt_topic(void *p, const char *v)
{
    mqtt_opts *o = p;
    if (o->topic_count == TOPICS_MAX)
        return cli_usage_error(CMD, "at most %u topics", (unsigned)TOPICS_MAX);
    o->topics[o->topic_count++] = v;
    return CLI_EXIT_OK;
}

#define STR_OPT(fn, field)                                                                 \
    static int fn(void *p, const char *v)                                                  \
    {                                                                                      \
        ((mqtt_opts *)p)->field = v;                                                       \
        return CLI_EXIT_OK;                                                                \
    }
#define FLAG_OPT(fn, field)                                                                \
    static int fn(void *p, const char *v)                                                  \
    {                                                                                      \
        (void)v;                                                                           \
        ((mqtt_opts *)p)->field = true;                                                    \
        return CLI_EXIT_OK;                                                                \
    }

STR_OPT(opt_message, message)
STR_OPT(opt_file, file)
STR_OPT(opt_id, id)
STR_OPT(opt_user, user)
STR_OPT(opt_pass, pass)
STR_OPT(opt_will_topic, will_topic)
STR_OPT(opt_will_payload, will_payload)
FLAG_OPT(opt_lines, lines)
FLAG_OPT(opt_null, null_msg)
FLAG_OPT(opt_retain, retain)
FLAG_OPT(opt_verbose, verbose)
FLAG_OPT(opt_summary, summary)
FLAG_OPT(opt_no_clean, no_clean)
FLAG_OPT(opt_will_retain, will_retain)

static int opt_qos(void *p, const char *v)
{
    return cli_parse_u32(CMD, "-q", v, 0, 2, &((mqtt_opts *)p)->qos);
}

static int opt_will_qos(void *p, const char *v)
{
    return cli_parse_u32(CMD, "--will-qos", v, 0, 2, &((mqtt_opts *)p)->will_qos);
}

static int opt_keepalive(void *p, const char *v)
{
    ((mqtt_opts *)p)->have_keepalive = true;
    return cli_parse_u32(CMD, "-k", v, 0, 65535, &((mqtt_opts *)p)->keepalive);
}

static int opt_version(void *p, const char *v)
{
    mqtt_opts *o = p;
    if (strcmp(v, "311") == 0 || strcmp(v, "mqttv311") == 0)
        o->version = 311;
    else if (strcmp(v, "5") == 0 || strcmp(v, "mqttv5") == 0)
        o->version = 5;
    else
        return cli_usage_error(CMD, "invalid -V '%s' (expected 311 or 5)", v);
    return CLI_EXIT_OK;
}

static int opt_max_inflight(void *p, const char *v)
{
    return cli_parse_u32(CMD, "-M", v, 1, 65535u, &((mqtt_opts *)p)->max_inflight);
}

static int opt_count(void *p, const char *v)
{
    return cli_parse_u32(CMD, "-C", v, 1, 1000000000u, &((mqtt_opts *)p)->count);
}

static int opt_wait(void *p, const char *v)
{
    return cli_parse_u32(CMD, "-W", v, 1, 86400u * 365u, &((mqtt_opts *)p)->wait_s);
}

static const cli_option mqtt_options[] = {
    {"topic", true, opt_topic},
    {"message", true, opt_message},
    {"file", true, opt_file},
    {"stdin-line", false, opt_lines},
    {"null-message", false, opt_null},
    {"qos", true, opt_qos},
    {"retain", false, opt_retain},
    {"id", true, opt_id},
    {"username", true, opt_user},
    {"pw", true, opt_pass},
    {"keepalive", true, opt_keepalive},
    {"protocol-version", true, opt_version},
    {"disable-clean-session", false, opt_no_clean},
    {"count", true, opt_count},
    {"timeout", true, opt_wait},
    {"verbose", false, opt_verbose},
    {"summary", false, opt_summary},
    {"will-topic", true, opt_will_topic},
    {"will-payload", true, opt_will_payload},
    {"will-qos", true, opt_will_qos},
    {"will-retain", false, opt_will_retain},
    {"max-inflight", true, opt_max_inflight},
};

static const cli_short mqtt_shorts[] = {
    {'t', "topic"}, {'m', "message"}, {'f', "file"},      {'l', "stdin-line"},
    {'n', "null-message"}, {'q', "qos"}, {'r', "retain"}, {'i', "id"},
    {'u', "username"}, {'P', "pw"}, {'k', "keepalive"},   {'V', "protocol-version"},
    {'c', "disable-clean-session"}, {'C', "count"}, {'W', "timeout"}, {'v', "verbose"},
    {'M', "max-inflight"},
};

static int check_pub(const mqtt_opts *o)
{
    int sources = (o->message != NULL) + (o->file != NULL) + o->lines + o->null_msg;
    if (o->topic_count != 1)
        return cli_usage_error(CMD, "pub needs exactly one -t TOPIC");
    if (sources != 1)
        return cli_usage_error(CMD, "pub needs one of -m, -f, -l, -n");
    if (o->count || o->wait_s || o->verbose)
        return cli_usage_error(CMD, "-C, -W and -v are options of sub");
    return CLI_EXIT_OK;
}

static int check_sub(const mqtt_opts *o)
{
    if (o->topic_count == 0)
        return cli_usage_error(CMD, "sub needs -t FILTER");
    if (o->message || o->file || o->lines || o->null_msg || o->retain)
        return cli_usage_error(CMD, "-m, -f, -l, -n and -r are options of pub");
    return CLI_EXIT_OK;
}

static int parse_mqtt(mqtt_opts *o, int argc, char **argv)
{
    cli_spec spec = {
        .cmd = CMD,
        .options = mqtt_options,
        .option_count = sizeof mqtt_options / sizeof mqtt_options[0],
        .max_positional = 2,
        .more_options = cli_tls_options,
        .more_option_count = cli_tls_option_count,
        .shorts = mqtt_shorts,
        .short_count = sizeof mqtt_shorts / sizeof mqtt_shorts[0],
    };
    int rc = cli_parse(&spec, argc, argv, o, o->pos, &o->npos);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (o->npos < 1 || (strcmp(o->pos[0], "pub") != 0 && strcmp(o->pos[0], "sub") != 0))
        return cli_usage_error(CMD, "expected 'pub' or 'sub'");
    if (o->npos < 2)
        return cli_usage_error(CMD, "missing HOST:PORT");
    o->pub = strcmp(o->pos[0], "pub") == 0;
    if (o->will_topic == NULL && (o->will_payload || o->will_qos || o->will_retain))
        return cli_usage_error(CMD, "--will-payload, --will-qos and --will-retain need "
                                    "--will-topic");
    rc = o->pub ? check_pub(o) : check_sub(o);
    return rc != CLI_EXIT_OK ? rc : cli_tls_check(&o->tls);
}

/* ---- the session ---------------------------------------------------------------- */

typedef struct session {
    const mqtt_opts *o;
    tlsc_mqtt *m;
    int rc;                     /* exit status; CLI_EXIT_OK until an error */
    bool done;                  /* DISCONNECTED, or nothing more to do */
    bool connected;
    bool summary_told;
    bool input_done;            /* pub: every message handed to the client */
    size_t unacked;             /* pub: QoS>0 messages not acknowledged */
    uint32_t received;          /* sub */
    char line[LINE_MAX_BYTES];  /* pub -l: the line being gathered */
    size_t line_len;
} session;

static void fail_with(session *s, tlsc_err err, const char *detail)
{
    if (s->rc == CLI_EXIT_OK)
        s->rc = cli_report(err, detail);
}

static void end(session *s)
{
    if (tlsc_mqtt_disconnect(s->m, false) != TLSC_OK)
        s->done = true;
}

static void publish(session *s, const void *data, size_t len)
{
    tlsc_mqtt_message p = {.topic = s->o->topics[0], .payload = data, .payload_len = len,
                           .qos = (uint8_t)s->o->qos, .retain = s->o->retain};
    tlsc_err err = tlsc_mqtt_publish(s->m, &p, NULL);
    if (err != TLSC_OK) {
        fail_with(s, err, "publish");
        end(s);
        return;
    }
    s->unacked += s->o->qos > 0;
}

static void maybe_finish_pub(session *s)
{
    if (s->input_done && s->unacked == 0 && s->connected)
        end(s);
}

static void print_message(session *s, const tlsc_mqtt_event *e)
{
    if (s->o->verbose)
        printf("%.*s ", (int)e->topic.len, e->topic.ptr);
    fwrite(e->payload, 1, e->payload_len, stdout);
    putchar('\n');
    fflush(stdout);
    s->received++;
    if (s->o->count != 0 && s->received >= s->o->count)
        end(s);
}

static void on_suback(session *s, const tlsc_mqtt_event *e)
{
    if (e->err == TLSC_OK)
        return;
    fail_with(s, e->err, e->detail);
    end(s);
}

static void on_connected(session *s, const tlsc_mqtt_event *e)
{
    s->connected = true;
    if (s->o->summary && !s->summary_told) {
        s->summary_told = true;
        cli_tls_print_summary(&s->o->tls, tlsc_ev_conn(tlsc_mqtt_ev(s->m)));
        fprintf(stderr, "mqtt: %s session_present=%s client_id=%s\n",
                s->o->version == 5 ? "5.0" : "3.1.1", e->session_present ? "yes" : "no",
                e->client_id);
    }
    maybe_finish_pub(s);
}

static void on_event(tlsc_mqtt *m, const tlsc_mqtt_event *e, void *ud)
{
    session *s = ud;
    (void)m;
    switch (e->kind) {
    case TLSC_MQTT_EV_CONNECTED: on_connected(s, e); break;
    case TLSC_MQTT_EV_MESSAGE: print_message(s, e); break;
    case TLSC_MQTT_EV_PUBLISHED:
        s->unacked--;
        if (e->err != TLSC_OK)
            fail_with(s, e->err, e->detail);
        maybe_finish_pub(s);
        break;
    case TLSC_MQTT_EV_SUBACK: on_suback(s, e); break;
    case TLSC_MQTT_EV_CONNECTION_LOST:
        if (!e->will_retry)
            fail_with(s, e->err, e->detail);
        else
            fprintf(stderr, "tlsc: connection lost (%s: %s); again in %lu ms\n",
                    tlsc_strerror(e->err), e->detail, (unsigned long)e->retry_in_ms);
        break;
    case TLSC_MQTT_EV_DISCONNECTED:
        if (e->err != TLSC_OK)
            fail_with(s, e->err, e->detail);
        s->done = true;
        break;
    default: break;
    }
}

/* ---- input ---------------------------------------------------------------------- */

static int read_file(session *s, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "tlsc: cannot read %s: %s\n", path, strerror(errno));
        return 3;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
        if (len == cap) {
            char *more = realloc(buf, cap * 2);
            if (more == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    bool bad = ferror(f) != 0 || buf == NULL;
    fclose(f);
    if (!bad)
        publish(s, buf, len);
    free(buf);
    if (bad) {
        fprintf(stderr, "tlsc: cannot read %s\n", path);
        return 3;
    }
    return CLI_EXIT_OK;
}

/* pub -l: stdin is readable; publish each complete line. */
static void read_lines(session *s)
{
    char chunk[4096];
    ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
    if (n <= 0) {
        if (s->line_len > 0)
            publish(s, s->line, s->line_len); /* a last line without '\n' */
        s->line_len = 0;
        s->input_done = true;
        maybe_finish_pub(s);
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
            publish(s, s->line, s->line_len);
            s->line_len = 0;
        } else if (s->line_len < sizeof s->line) {
            s->line[s->line_len++] = chunk[i];
        }
    }
}

/* ---- the loop ------------------------------------------------------------------- */

static bool stdin_wanted(const session *s)
{
    return s->o->lines && !s->input_done && s->connected &&
           tlsc_mqtt_pending(s->m) < 512; /* back-pressure: the outbox drains first */
}

static int poll_once(tlsc_loop *loop, session *s, uint64_t end_at)
{
    tlsc_watch w[8];
    struct pollfd p[9];
    size_t n = tlsc_loop_watches(loop, w, 8);
    if (n > 8)
        n = 8;
    for (size_t i = 0; i < n; i++) {
        p[i].fd = w[i].fd;
        p[i].events = (short)((w[i].read ? POLLIN : 0) | (w[i].write ? POLLOUT : 0));
    }
    bool in = stdin_wanted(s);
    size_t np = n;
    if (in) {
        p[np].fd = STDIN_FILENO;
        p[np++].events = POLLIN;
    }
    uint64_t now = tlsc_now_ms(), d = tlsc_loop_deadline(loop);
    if (end_at != 0 && (d == 0 || end_at < d))
        d = end_at;
    int timeout = d == 0 ? 1000 : d <= now ? 0 : (int)(d - now > 1000 ? 1000 : d - now);
    if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR)
        return CLI_EXIT_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        if (p[i].revents != 0)
            tlsc_loop_fd_ready(loop, p[i].fd, (p[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0,
                               (p[i].revents & (POLLOUT | POLLHUP | POLLERR)) != 0);
    }
    if (in && p[n].revents != 0)
        read_lines(s);
    return tlsc_loop_process(loop) == TLSC_OK ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

static void sub_timeout(session *s)
{
    if (s->o->count != 0 && s->received < s->o->count && s->rc == CLI_EXIT_OK) {
        char why[128];
        snprintf(why, sizeof why, "received %lu of %lu messages within %lu s",
                 (unsigned long)s->received, (unsigned long)s->o->count,
                 (unsigned long)s->o->wait_s);
        fail_with(s, TLSC_ERR_TIMEOUT_READ, why);
    }
    end(s);
}

static int run_loop(tlsc_loop *loop, session *s)
{
    uint64_t end_at = s->o->wait_s ? tlsc_now_ms() + (uint64_t)s->o->wait_s * 1000u : 0;
    while (!s->done) {
        int rc = poll_once(loop, s, end_at);
        if (rc != CLI_EXIT_OK)
            return rc;
        if (end_at != 0 && tlsc_now_ms() >= end_at) {
            end_at = 0;
            sub_timeout(s);
        }
    }
    return s->rc;
}

/* ---- setup ---------------------------------------------------------------------- */

static void fill_options(const mqtt_opts *o, tlsc_mqtt_options *mo, tlsc_mqtt_will *will,
                         char *id, size_t cap)
{
    tlsc_mqtt_options_init(mo);
    mo->version = o->version == 5 ? TLSC_MQTT_V5 : TLSC_MQTT_V311;
    snprintf(id, cap, "tlsc-%s-%ld", o->pub ? "pub" : "sub", (long)getpid());
    mo->client_id = o->id ? o->id : id;
    mo->username = o->user;
    mo->password = o->pass;
    mo->password_len = o->pass ? strlen(o->pass) : 0;
    if (o->have_keepalive)
        mo->keepalive_s = (uint16_t)o->keepalive;
    mo->clean_start = !o->no_clean;
    if (o->no_clean && o->version == 5)
        mo->session_expiry = 3600;
    mo->reconnect_min_ms = 0; /* a command reports, it does not retry */
    mo->max_inflight = (uint16_t)o->max_inflight;
    mo->outbox_msgs = 1024;
    mo->outbox_bytes = 4u << 20;
    if (o->will_topic != NULL) {
        memset(will, 0, sizeof *will);
        will->topic = o->will_topic;
        will->payload = o->will_payload ? o->will_payload : "";
        will->payload_len = o->will_payload ? strlen(o->will_payload) : 0;
        will->qos = (uint8_t)o->will_qos;
        will->retain = o->will_retain;
        mo->will = will;
    }
}

static int start(const mqtt_opts *o, session *s)
{
    if (o->pub) {
        if (o->message != NULL)
            publish(s, o->message, strlen(o->message));
        else if (o->null_msg)
            publish(s, "", 0);
        else if (o->file != NULL && read_file(s, o->file) != CLI_EXIT_OK)
            return 3;
        s->input_done = !o->lines;
        return s->rc;
    }
    tlsc_mqtt_sub subs[TOPICS_MAX];
    for (size_t i = 0; i < o->topic_count; i++) {
        memset(&subs[i], 0, sizeof subs[i]);
        subs[i].filter = o->topics[i];
        subs[i].qos = (uint8_t)o->qos;
    }
    tlsc_err err = tlsc_mqtt_subscribe(s->m, subs, o->topic_count, NULL);
    return err == TLSC_OK ? CLI_EXIT_OK : cli_report(err, "subscribe");
}

static int run_mqtt(const mqtt_opts *o, tlsc_config *cfg, session *s)
{
    char host[256], id[64];
    uint16_t port = 0;
    int rc = cli_parse_hostport(CMD, o->pos[1], host, sizeof host, &port);
    if (rc != CLI_EXIT_OK)
        return rc;
    tlsc_mqtt_options mo;
    tlsc_mqtt_will will;
    fill_options(o, &mo, &will, id, sizeof id);
    tlsc_loop *loop = NULL;
    tlsc_err err = tlsc_loop_new(&loop);
    if (err == TLSC_OK)
        err = tlsc_mqtt_new(loop, cfg, &mo, on_event, s, &s->m);
    if (err == TLSC_OK && o->tls.servername != NULL)
        err = tlsc_conn_set_server_name(tlsc_ev_conn(tlsc_mqtt_ev(s->m)), o->tls.servername);
    rc = err == TLSC_OK ? start(o, s) : cli_report(err, NULL);
    if (rc == CLI_EXIT_OK) {
        err = tlsc_mqtt_connect(s->m, host, port);
        rc = err == TLSC_OK ? run_loop(loop, s) : cli_report(err, NULL);
    }
    tlsc_mqtt_free(s->m);
    tlsc_loop_free(loop);
    return rc;
}

int cmd_mqtt(int argc, char **argv)
{
    mqtt_opts o;
    memset(&o, 0, sizeof o);
    int rc = cli_tls_init(&o.tls, CMD, argc);
    if (rc != CLI_EXIT_OK)
        return rc;
    o.version = 311;
    rc = parse_mqtt(&o, argc, argv);
    if (rc == CLI_HELP) {
        cmd_mqtt_help();
        cli_tls_release(&o.tls);
        return CLI_EXIT_OK;
    }
    tlsc_config *cfg = NULL;
    if (rc == CLI_EXIT_OK)
        rc = cli_tls_build_config(&o.tls, &cfg);
    if (rc == CLI_EXIT_OK) {
        session *s = calloc(1, sizeof *s);
        if (s == NULL) {
            rc = CLI_EXIT_INTERNAL;
        } else {
            s->o = &o;
            rc = run_mqtt(&o, cfg, s);
            free(s);
        }
    }
    tlsc_config_free(cfg);
    cli_tls_release(&o.tls);
    return rc;
}
