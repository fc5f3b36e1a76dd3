/*
 * tools/cmd_bundle.c — `tlsc bundle build|list`: make a bundle of trusted
 * root CAs from PEM/DER certificates (tlsc's format or ESP-IDF's), and show
 * what a bundle holds. Everything about bundles is the library's
 * (tlsc/bundle.h); this file reads files and directories, applies the
 * --include/--exclude filters and prints.
 */
#include "cli.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define CMD "bundle"

/* Debian's bundle of the system's trusted roots (as tlsc connect uses). */
#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

typedef struct fingerprint {
    unsigned char sha256[32];
} fingerprint;

typedef struct filters {
    const char **include, **exclude;  /* borrowed from argv; capacity argc */
    size_t n_include, n_exclude;
    fingerprint *include_fp, *exclude_fp;
    size_t n_include_fp, n_exclude_fp;
} filters;

typedef struct build_opts {
    const char *output;
    tlsc_bundle_format format;
    bool names, verbose, quiet;
    filters f;
    /* counts for the current input */
    const char *source;
    size_t seen, added, filtered, duplicates, unusable;
} build_opts;

/* ---- help ------------------------------------------------------------------ */

static const char *const bundle_help[] = {
    "Usage: tlsc bundle build -o OUT [options] [INPUT]...",
    "       tlsc bundle list FILE",
    "",
    "Build a bundle of trusted root CAs, which a device uses in place from",
    "flash (tlsc_config_set_bundle; tlsc connect --bundle), or list one.",
    "",
    "build: read the certificates of each INPUT - a PEM file with any number",
    "of certificates, a DER certificate, or a directory, whose *.pem, *.crt,",
    "*.cer and *.der files are read - and write those that can be roots to",
    "OUT. Without INPUT, " SYSTEM_CA_FILE " is read.",
    "  -o, --output OUT     the bundle file to write (required): written to a",
    "                       temporary file next to it and renamed into",
    "                       place; a symlink is followed (the link stays), a",
    "                       device or FIFO written in place, '-' is stdout",
    "  --format FORMAT      tlsc (default); esp-idf: ESP-IDF's x509_crt_bundle",
    "                       as gen_crt_bundle.py writes it now (offset table);",
    "                       esp-idf-legacy: its earlier layout (16-bit count)",
    "  --names              tlsc format: also store each root's subject name",
    "                       (about 100 bytes a root), which 'list' then shows",
    "  --include TEXT       keep only roots whose subject contains TEXT (any",
    "                       case); repeatable",
    "  --exclude TEXT       leave out roots whose subject contains TEXT;",
    "                       repeatable",
    "  --include-fp HEX     keep only the root with this SHA-256 fingerprint,",
    "                       of the certificate (openssl x509 -fingerprint",
    "                       -sha256) or of its public key (as 'list' shows);",
    "                       colons allowed; repeatable",
    "  --exclude-fp HEX     leave out the root with this fingerprint;",
    "                       repeatable",
    "  --verbose            also name each root added or filtered out",
    "  --quiet              print only errors and the summary",
    "  A root is kept if it matches any --include or --include-fp (all are",
    "  kept when there is none) and no --exclude or --exclude-fp.",
    "  Certificates that cannot be roots are left out, each with a message:",
    "  those that do not parse, are not CAs, may not sign certificates, or",
    "  have name constraints (which a bundle cannot store). Duplicates are",
    "  counted, not named.",
    "  Prints a line per INPUT on stderr and, on stdout,",
    "  'OUT: N roots, M bytes (FORMAT format)'.",
    "",
    "list: check FILE as tlsc_config_set_bundle does (any format) and print",
    "one line per root: key type and size, expiry date (- when the bundle",
    "stores no dates), SHA-256 of the public key in hex (its sha256// pin),",
    "subject (- when the bundle stores no names).",
    "",
    "Exit status: 0 success; 1 OUT could not be written; 2 usage error;",
    "3 an INPUT or FILE could not be read, FILE is not a valid bundle, or no",
    "root was selected.",
};

void cmd_bundle_help(void)
{
    for (size_t i = 0; i < sizeof bundle_help / sizeof bundle_help[0]; i++)
        printf("%s\n", bundle_help[i]);
}

/* ---- options ------------------------------------------------------------------ */

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 64 hex digits, optionally separated by ':' (as openssl prints them). */
static int parse_fp(const char *opt, const char *text, fingerprint *out)
{
    size_t n = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ':')
            continue;
        int hi = hex_digit(p[0]), lo = p[1] != '\0' ? hex_digit(p[1]) : -1;
        if (hi < 0 || lo < 0 || n == 32)
            break;
        out->sha256[n++] = (unsigned char)(hi << 4 | lo);
        p++;
    }
    if (n != 32 || text[strspn(text, "0123456789abcdefABCDEF:")] != '\0')
        return cli_usage_error(CMD, "%s needs a SHA-256 fingerprint: 64 hex digits, "
                                    "colons allowed (got '%s')", opt, text);
    return CLI_EXIT_OK;
}

static int opt_output(void *p, const char *v)
{
    ((build_opts *)p)->output = v;
    return CLI_EXIT_OK;
}

static const struct {
    const char *name;
    tlsc_bundle_format format;
} FORMATS[] = {
    {"tlsc", TLSC_BUNDLE_TLSC},
    {"esp-idf", TLSC_BUNDLE_ESP_IDF},
    {"esp-idf-legacy", TLSC_BUNDLE_ESP_IDF_LEGACY},
};
#define FORMAT_COUNT (sizeof FORMATS / sizeof FORMATS[0])

static const char *format_name(tlsc_bundle_format f)
{
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        if (FORMATS[i].format == f)
            return FORMATS[i].name;
    }
    return "unknown";
}

static int opt_format(void *p, const char *v)
{
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        if (strcmp(FORMATS[i].name, v) == 0) {
            ((build_opts *)p)->format = FORMATS[i].format;
            return CLI_EXIT_OK;
        }
    }
    return cli_usage_error(CMD, "unknown --format '%s' (tlsc, esp-idf or esp-idf-legacy)", v);
}

static int opt_names(void *p, const char *v)
{
    (void)v;
    ((build_opts *)p)->names = true;
    return CLI_EXIT_OK;
}

static int opt_verbose(void *p, const char *v)
{
    (void)v;
    ((build_opts *)p)->verbose = true;
    return CLI_EXIT_OK;
}

static int opt_quiet(void *p, const char *v)
{
    (void)v;
    ((build_opts *)p)->quiet = true;
    return CLI_EXIT_OK;
}

static int opt_include(void *p, const char *v)
{
    filters *f = &((build_opts *)p)->f;
    f->include[f->n_include++] = v;
    return CLI_EXIT_OK;
}

static int opt_exclude(void *p, const char *v)
{
    filters *f = &((build_opts *)p)->f;
    f->exclude[f->n_exclude++] = v;
    return CLI_EXIT_OK;
}

static int opt_include_fp(void *p, const char *v)
{
    filters *f = &((build_opts *)p)->f;
    return parse_fp("--include-fp", v, &f->include_fp[f->n_include_fp++]);
}

static int opt_exclude_fp(void *p, const char *v)
{
    filters *f = &((build_opts *)p)->f;
    return parse_fp("--exclude-fp", v, &f->exclude_fp[f->n_exclude_fp++]);
}

static const cli_option build_options[] = {
    {"output", true, opt_output},
    {"format", true, opt_format},
    {"names", false, opt_names},
    {"include", true, opt_include},
    {"exclude", true, opt_exclude},
    {"include-fp", true, opt_include_fp},
    {"exclude-fp", true, opt_exclude_fp},
    {"verbose", false, opt_verbose},
    {"quiet", false, opt_quiet},
};

/* ---- files ------------------------------------------------------------------------ */

/* The whole regular file (tlsc_file_read: free with tlsc_file_free), or
 * NULL after printing why. */
static unsigned char *read_file(const char *path, size_t *len)
{
    unsigned char *data = NULL;
    char why[4096 + 128];
    tlsc_err err = tlsc_file_read(path, TLSC_FILE_MAX, &data, len, NULL, why, sizeof why);
    if (err != TLSC_OK) {
        cli_report(err, why);
        return NULL;
    }
    return data;
}

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Certificate files by their extension, as ESP-IDF's generator and Debian
 * (/usr/share/ca-certificates/mozilla/ *.crt) name them. */
static bool certificate_name(const char *name)
{
    static const char *const ext[] = {".pem", ".crt", ".cer", ".der"};
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        if (len > 4 && strcasecmp(name + len - 4, ext[i]) == 0)
            return true;
    }
    return false;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The certificate files of a directory, sorted (so runs are repeatable). */
static char **list_directory(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (!certificate_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (names[n] != NULL)
            sprintf(names[n++], "%s/%s", dir, e->d_name);
    }
    if (d != NULL)
        closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    *count = n;
    return names;
}

/* ---- selecting roots ---------------------------------------------------------------- */

static bool contains_nocase(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; *p != '\0'; p++) {
        if (strncasecmp(p, word, n) == 0)
            return true;
    }
    return n == 0;
}

static bool fp_matches(const tlsc_bundle_root *r, const fingerprint *fp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp(r->key_sha256, fp[i].sha256, 32) == 0 ||
            (r->has_cert_sha256 && memcmp(r->cert_sha256, fp[i].sha256, 32) == 0))
            return true;
    }
    return false;
}

static bool text_matches(const tlsc_bundle_root *r, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (contains_nocase(r->subject, words[i]))
            return true;
    }
    return false;
}

static bool selected(const filters *f, const tlsc_bundle_root *r)
{
    bool any_include = f->n_include != 0 || f->n_include_fp != 0;
    if (any_include && !text_matches(r, f->include, f->n_include) &&
        !fp_matches(r, f->include_fp, f->n_include_fp))
        return false;
    return !text_matches(r, f->exclude, f->n_exclude) &&
           !fp_matches(r, f->exclude_fp, f->n_exclude_fp);
}

static const char *subject_or_dash(const tlsc_bundle_root *r)
{
    return r->subject[0] != '\0' ? r->subject : "-";
}

/* The builder's callback: report unusable certificates, apply filters. */
static bool consider(void *ud, const tlsc_bundle_root *r)
{
    build_opts *o = ud;
    o->seen++;
    if (r->skip != NULL && strncmp(r->skip, "duplicate", 9) == 0) {
        o->duplicates++;
        return false;
    }
    if (r->skip != NULL) {
        o->unusable++;
        fprintf(stderr, "tlsc: %s: left out %s: %s\n", o->source, subject_or_dash(r), r->skip);
        return false;
    }
    bool take = selected(&o->f, r);
    if (o->verbose)
        fprintf(stderr, "tlsc: %s: %s %s\n", o->source, take ? "added" : "filtered out",
                subject_or_dash(r));
    o->added += take;
    o->filtered += !take;
    return take;
}

/* ---- build -------------------------------------------------------------------------- */

static void input_summary(const build_opts *o)
{
    if (o->quiet)
        return;
    fprintf(stderr, "tlsc: %s: %zu certificate%s, %zu added", o->source, o->seen,
            o->seen == 1 ? "" : "s", o->added);
    if (o->filtered)
        fprintf(stderr, ", %zu filtered out", o->filtered);
    if (o->duplicates)
        fprintf(stderr, ", %zu duplicate%s", o->duplicates, o->duplicates == 1 ? "" : "s");
    if (o->unusable)
        fprintf(stderr, ", %zu left out", o->unusable);
    fputc('\n', stderr);
}

/* in_dir: a file found in a directory, which may hold something else. */
static int add_file(tlsc_bundle_builder *b, build_opts *o, const char *path, bool in_dir)
{
    size_t len = 0;
    unsigned char *data = read_file(path, &len);
    if (data == NULL)
        return cli_exit_status(TLSC_ERR_FILE);
    o->source = path;
    tlsc_err err = len != 0 ? tlsc_bundle_builder_add(b, data, len, consider, o)
                            : TLSC_ERR_CERT_PARSE;
    tlsc_file_free(data, len);
    if (err == TLSC_ERR_CERT_PARSE && in_dir) {
        fprintf(stderr, "tlsc: %s: no certificate, skipped\n", path);
        return CLI_EXIT_OK;
    }
    if (err != TLSC_OK) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s: %s", path, tlsc_bundle_builder_errmsg(b));
        return cli_report(err, detail);
    }
    return CLI_EXIT_OK;
}

static int add_input(tlsc_bundle_builder *b, build_opts *o, const char *input)
{
    o->source = input;
    o->seen = o->added = o->filtered = o->duplicates = o->unusable = 0;
    if (!is_directory(input)) {
        int rc = add_file(b, o, input, false);
        if (rc == CLI_EXIT_OK)
            input_summary(o);
        return rc;
    }
    size_t n = 0;
    char **files = list_directory(input, &n);
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        if (rc == CLI_EXIT_OK && is_regular(files[i]))
            rc = add_file(b, o, files[i], true);
        free(files[i]);
    }
    free(files);
    o->source = input;
    if (rc == CLI_EXIT_OK)
        input_summary(o);
    return rc;
}

/* See cli_out_open: atomic, a symlink followed, a device written in place. */
static int write_output(const build_opts *o, const unsigned char *data, size_t len)
{
    return cli_write_file(o->output, data, len, false) == 0 ? CLI_EXIT_OK
                                                            : cli_exit_status(TLSC_ERR_FILE);
}

static int write_bundle(tlsc_bundle_builder *b, const build_opts *o)
{
    size_t count = tlsc_bundle_builder_count(b), len = 0;
    unsigned flags = o->names ? TLSC_BUNDLE_NAMES : 0;
    if (count == 0)
        return cli_report(TLSC_ERR_BUNDLE, "no root selected: nothing to write");
    tlsc_err err = tlsc_bundle_builder_write(b, o->format, flags, NULL, 0, &len);
    unsigned char *data = err == TLSC_OK ? malloc(len) : NULL;
    if (err == TLSC_OK && data == NULL)
        err = TLSC_ERR_NO_MEMORY;
    if (err == TLSC_OK)
        err = tlsc_bundle_builder_write(b, o->format, flags, data, len, &len);
    int rc = err == TLSC_OK ? write_output(o, data, len) : cli_report(err, NULL);
    free(data);
    if (rc == CLI_EXIT_OK)
        /* with -o -, stdout holds the bundle: the summary goes to stderr */
        fprintf(strcmp(o->output, "-") == 0 ? stderr : stdout,
                "%s: %zu root%s, %zu bytes (%s format)\n", o->output, count,
                count == 1 ? "" : "s", len, format_name(o->format));
    return rc;
}

static const cli_spec build_spec = {
    .cmd = CMD,
    .options = build_options,
    .option_count = sizeof build_options / sizeof build_options[0],
    .max_positional = 0, /* set to argc by run_build */
};

/* Each repeatable option occurs at most argc times. */
static bool alloc_filters(filters *f, int argc)
{
    size_t n = (size_t)argc;
    f->include = calloc(n, sizeof *f->include);
    f->exclude = calloc(n, sizeof *f->exclude);
    f->include_fp = calloc(n, sizeof *f->include_fp);
    f->exclude_fp = calloc(n, sizeof *f->exclude_fp);
    return f->include && f->exclude && f->include_fp && f->exclude_fp;
}

static void free_filters(filters *f)
{
    free(f->include);
    free(f->exclude);
    free(f->include_fp);
    free(f->exclude_fp);
}

static int build_from(build_opts *o, const char **inputs, size_t n)
{
    static const char *const system_ca[] = {SYSTEM_CA_FILE};
    tlsc_bundle_builder *b = NULL;
    tlsc_err err = tlsc_bundle_builder_new(&b);
    if (err != TLSC_OK)
        return cli_report(err, NULL);
    if (n == 0) {
        inputs = (const char **)system_ca;
        n = 1;
    }
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; rc == CLI_EXIT_OK && i < n; i++)
        rc = add_input(b, o, inputs[i]);
    if (rc == CLI_EXIT_OK)
        rc = write_bundle(b, o);
    tlsc_bundle_builder_free(b);
    return rc;
}

/* "-o OUT" is "--output OUT": the option parser knows long options only. */
static char **expand_short(int argc, char **argv)
{
    char **args = calloc((size_t)argc + 1, sizeof *args);
    for (int i = 0; args != NULL && i < argc; i++)
        args[i] = strcmp(argv[i], "-o") == 0 ? (char *)"--output" : argv[i];
    return args;
}

static int run_build(int argc, char **argv)
{
    build_opts o = {.format = TLSC_BUNDLE_TLSC};
    cli_spec spec = build_spec;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    char **args = expand_short(argc, argv);
    size_t n = 0;
    int rc = inputs && args && alloc_filters(&o.f, argc) ? CLI_EXIT_OK
                                                         : cli_report(TLSC_ERR_NO_MEMORY, NULL);
    spec.max_positional = (size_t)argc;
    if (rc == CLI_EXIT_OK)
        rc = cli_parse(&spec, argc, args, &o, inputs, &n);
    if (rc == CLI_HELP) {
        cmd_bundle_help();
        rc = CLI_EXIT_OK;
    } else if (rc == CLI_EXIT_OK && o.output == NULL) {
        rc = cli_usage_error(CMD, "bundle build needs -o OUT");
    } else if (rc == CLI_EXIT_OK) {
        rc = build_from(&o, inputs, n);
    }
    free_filters(&o.f);
    free(args);
    free(inputs);
    return rc;
}

/* ---- list -------------------------------------------------------------------------- */

static void print_root(const tlsc_bundle_root *r)
{
    char key[32], until[16] = "-", hex[65];
    if (r->key_bits != 0)
        snprintf(key, sizeof key, "%s-%u", r->key_type, r->key_bits);
    else
        snprintf(key, sizeof key, "%s", r->key_type);
    time_t t = (time_t)r->not_after;
    struct tm tm;
    if (r->has_dates && gmtime_r(&t, &tm) != NULL)
        strftime(until, sizeof until, "%Y-%m-%d", &tm);
    for (size_t i = 0; i < 32; i++)
        sprintf(hex + 2 * i, "%02x", r->key_sha256[i]);
    printf("%-9s %-10s %s %s\n", key, until, hex, subject_or_dash(r));
}

static bool list_one(void *ud, const tlsc_bundle_root *r)
{
    (*(size_t *)ud)++;
    print_root(r);
    return true;
}

static int list_file(const char *path)
{
    size_t len = 0, count = 0;
    unsigned char *data = read_file(path, &len);
    if (data == NULL)
        return cli_exit_status(TLSC_ERR_FILE);
    char detail[512] = "";
    tlsc_bundle_format format = TLSC_BUNDLE_TLSC;
    tlsc_err err = tlsc_bundle_foreach(data, len, list_one, &count, &format, detail,
                                       sizeof detail);
    tlsc_file_free(data, len);
    if (err != TLSC_OK) {
        char full[600];
        snprintf(full, sizeof full, "%s: %s", path, detail);
        return cli_report(err, full);
    }
    fprintf(stderr, "%s: %zu root%s, %zu bytes (%s format)\n", path, count,
            count == 1 ? "" : "s", len, format_name(format));
    return CLI_EXIT_OK;
}

static const cli_spec list_spec = {
    .cmd = CMD,
    .options = NULL,
    .option_count = 0,
    .max_positional = 1,
};

static int run_list(int argc, char **argv)
{
    const char *pos[1] = {NULL};
    size_t n = 0;
    int rc = cli_parse(&list_spec, argc, argv, NULL, pos, &n);
    if (rc == CLI_HELP) {
        cmd_bundle_help();
        return CLI_EXIT_OK;
    }
    if (rc == CLI_EXIT_OK && n == 0)
        rc = cli_usage_error(CMD, "bundle list needs FILE");
    return rc == CLI_EXIT_OK ? list_file(pos[0]) : rc;
}

/* ---- entry -------------------------------------------------------------------------- */

int cmd_bundle(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "build") == 0)
        return run_build(argc - 1, argv + 1);
    if (strcmp(what, "list") == 0)
        return run_list(argc - 1, argv + 1);
    if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0 || strcmp(what, "help") == 0) {
        cmd_bundle_help();
        return CLI_EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error(CMD, "bundle needs a command: build or list");
    return cli_usage_error(CMD, "unknown bundle command '%s' (build or list)", what);
}
