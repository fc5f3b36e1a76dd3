/*
 * tools/cli_common.c — option parsing, strict numbers, error reporting and
 * exit statuses shared by every subcommand of the tlsc command.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- exit statuses and messages ----------------------------------------- */

int cli_exit_status(tlsc_err err)
{
    if (err == TLSC_OK)
        return CLI_EXIT_OK;
    tlsc_category cat = tlsc_err_category(err);
    /* Internal errors, and anything without a category (an unknown code or a
     * stray WANT_*), are our bug rather than a condition to script on. */
    if (cat == TLSC_CAT_NONE || cat == TLSC_CAT_INTERNAL)
        return CLI_EXIT_INTERNAL;
    return CLI_EXIT_USAGE + (int)cat;
}

int cli_report(tlsc_err err, const char *detail)
{
    if (detail != NULL && detail[0] != '\0')
        fprintf(stderr, "tlsc: %s: %s\n", tlsc_strerror(err), detail);
    else
        fprintf(stderr, "tlsc: %s\n", tlsc_strerror(err));
    return cli_exit_status(err);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("tlsc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd != NULL)
        fprintf(stderr, "\nTry 'tlsc %s --help'.\n", cmd);
    else
        fputs("\nTry 'tlsc --help'.\n", stderr);
    return CLI_EXIT_USAGE;
}

/* ---- option parsing ----------------------------------------------------- */

static const cli_option *find_in(const cli_option *table, size_t count, const char *name,
                                 size_t len)
{
    for (size_t i = 0; i < count; i++) {
        const cli_option *o = &table[i];
        if (strlen(o->name) == len && memcmp(o->name, name, len) == 0)
            return o;
    }
    return NULL;
}

static const cli_option *find_option(const cli_spec *spec, const char *name,
                                     size_t len)
{
    const cli_option *o = find_in(spec->options, spec->option_count, name, len);
    if (o == NULL && spec->more_options != NULL)
        o = find_in(spec->more_options, spec->more_option_count, name, len);
    return o;
}

/* "-X VALUE" / "-i": argv[*i] is '-' and one letter of spec->shorts. */
static int parse_short(const cli_spec *spec, int argc, char **argv, int *i, void *opts)
{
    const char *a = argv[*i];
    const cli_option *o = NULL;
    for (size_t k = 0; k < spec->short_count && a[2] == '\0'; k++) {
        if (spec->shorts[k].letter == a[1])
            o = find_option(spec, spec->shorts[k].name, strlen(spec->shorts[k].name));
    }
    if (o == NULL)
        return cli_usage_error(spec->cmd, "unknown option '%s'", a);
    if (!o->has_value)
        return o->apply(opts, NULL);
    if (*i + 1 >= argc)
        return cli_usage_error(spec->cmd, "option '%s' needs a value", a);
    *i += 1;
    return o->apply(opts, argv[*i]);
}

/* argv[*i] starts with "--"; a value given as the next argument moves *i. */
static int parse_long(const cli_spec *spec, int argc, char **argv, int *i,
                      void *opts)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    const cli_option *o = find_option(spec, arg, len);

    if (o == NULL)
        return cli_usage_error(spec->cmd, "unknown option '--%.*s'", (int)len,
                               arg);
    if (!o->has_value) {
        if (eq != NULL)
            return cli_usage_error(spec->cmd, "option '--%s' takes no value",
                                   o->name);
        return o->apply(opts, NULL);
    }
    if (eq != NULL)
        return o->apply(opts, eq + 1);
    if (*i + 1 >= argc)
        return cli_usage_error(spec->cmd, "option '--%s' needs a value",
                               o->name);
    *i += 1;
    return o->apply(opts, argv[*i]);
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, void *opts,
              const char **pos, size_t *npos)
{
    bool options_done = false;

    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool looks_like_option = !options_done && a[0] == '-' && a[1] != '\0';

        if (looks_like_option && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (looks_like_option && is_help(a))
            return CLI_HELP;
        if (looks_like_option && a[1] == '-') {
            int rc = parse_long(spec, argc, argv, &i, opts);
            if (rc != CLI_EXIT_OK)
                return rc;
            continue;
        }
        /* Short options are the spec's aliases; an unknown one is a typo,
         * not a positional argument. */
        if (looks_like_option) {
            int rc = parse_short(spec, argc, argv, &i, opts);
            if (rc != CLI_EXIT_OK)
                return rc;
            continue;
        }
        if (*npos >= spec->max_positional)
            return cli_usage_error(spec->cmd, "unexpected argument '%s'", a);
        pos[(*npos)++] = a;
    }
    return CLI_EXIT_OK;
}

/* Digits only: strtoul alone would accept " 12", "+12" and "-1" (as
 * ULONG_MAX). */
static bool parse_decimal(const char *text, unsigned long *out)
{
    char *end = NULL;

    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    *out = strtoul(text, &end, 10);
    return *end == '\0' && errno != ERANGE;
}

int cli_parse_u32(const char *cmd, const char *what, const char *text,
                  uint32_t min, uint32_t max, uint32_t *out)
{
    unsigned long v = 0;

    if (!parse_decimal(text, &v) || v < min || v > max)
        return cli_usage_error(cmd, "invalid %s '%s' (expected %lu..%lu)",
                               what, text, (unsigned long)min,
                               (unsigned long)max);
    *out = (uint32_t)v;
    return CLI_EXIT_OK;
}

/* ---- logging ------------------------------------------------------------- */

void cli_log_line(void *ud, int level, const char *line)
{
    (void)ud;
    fprintf(stderr, "tlsc[%d]: %s\n", level, line);
}

/* ---- files ------------------------------------------------------------- */

unsigned char *cli_load_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0)
        data = malloc((size_t)size + 1);
    if (data != NULL && fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        data = NULL;
    }
    if (f != NULL)
        fclose(f);
    *len = (size_t)size;
    return data;
}

unsigned char *cli_read_file(const char *path, size_t *len)
{
    unsigned char *data = cli_load_file(path, len);
    if (data == NULL)
        cli_report(TLSC_ERR_FILE, path);
    return data;
}
