/*
 * The library's own file rules (issue 13, section 5), on real file-system
 * objects made in a temp dir: the *_file setters read regular files only
 * (a FIFO fails at once instead of blocking, a directory fails as such,
 * not as "out of memory"), at most TLSC_FILE_MAX bytes, with the file's
 * name in the detail; certificates after a NUL byte in CA data are counted
 * as skipped; tlsc_http_download never replaces a device (made with
 * mknod), a FIFO or a symlink at its path; and tlsc_file_read, the same
 * reader for an application, reads a regular file whole with its mode,
 * refuses everything else by name, applies the caller's limit and
 * allocates through tlsc's allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"

static char dir[64];

static const char *at(const char *name)
{
    static char buf[4][256];
    static int n;
    n = (n + 1) % 4;
    snprintf(buf[n], sizeof buf[n], "%s/%s", dir, name);
    return buf[n];
}

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tlsc-files-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    char cmd[1024];
    /* two self-signed certificates, and a CA file with a NUL between them */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && export OPENSSL_CONF=/dev/null && for n in a b; do "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
             "-subj /CN=$n -keyout $n.key -out $n.pem 2>/dev/null || exit 1; done && "
             "{ cat a.pem; printf '\\0'; cat b.pem; } > nul.pem && mkfifo fifo && mkdir sub && "
             "head -c %u /dev/zero > big.pem",
             dir, TLSC_FILE_MAX + 1);
    return system(cmd) == 0 ? 0 : -1;
}

static int drop_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* err is TLSC_ERR_FILE and the detail holds want. */
static void expect_file_error(tlsc_config *cfg, tlsc_err err, const char *want)
{
    assert_int_equal(err, TLSC_ERR_FILE);
    if (strstr(tlsc_config_errmsg(cfg), want) == NULL)
        fail_msg("detail '%s' lacks '%s'", tlsc_config_errmsg(cfg), want);
}

static void setters_refuse_a_fifo_at_once(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    uint64_t t0 = now_ms();
    expect_file_error(cfg, tlsc_config_add_ca_file(cfg, at("fifo")), "fifo: a FIFO, not a regular file");
    expect_file_error(cfg, tlsc_config_add_crl_file(cfg, at("fifo")), "a FIFO");
    expect_file_error(cfg, tlsc_config_set_bundle_file(cfg, at("fifo")), "a FIFO");
    expect_file_error(cfg, tlsc_config_set_client_cert_file(cfg, at("fifo"), at("a.key"), NULL),
                      "a FIFO");
    expect_file_error(cfg, tlsc_config_set_client_cert_file(cfg, at("a.pem"), at("fifo"), NULL),
                      "a FIFO");
    assert_true(now_ms() - t0 < 2000);
    tlsc_config_free(cfg);
}

static void setters_refuse_a_directory_and_a_big_file(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    expect_file_error(cfg, tlsc_config_add_ca_file(cfg, at("sub")), "sub: a directory, not a regular file");
    expect_file_error(cfg, tlsc_config_add_ca_file(cfg, at("big.pem")), "more than the 1048576 bytes");
    tlsc_config_free(cfg);
}

static void certificates_after_a_nul_are_counted(void **state)
{
    (void)state;
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_add_ca_file(cfg, at("nul.pem")), TLSC_OK);
    const char *m = tlsc_config_errmsg(cfg);
    if (strstr(m, "nul.pem: 1 of 2 certificates could not be parsed and were skipped (a NUL byte "
                  "at offset") == NULL)
        fail_msg("detail: '%s'", m);
    /* without a NUL: nothing skipped, no detail */
    assert_int_equal(tlsc_config_add_ca_file(cfg, at("b.pem")), TLSC_OK);
    assert_string_equal(tlsc_config_errmsg(cfg), "");
    tlsc_config_free(cfg);
}

/* The check comes before any network activity: the URL's port is closed. */
static void download_never_replaces_a_device_fifo_or_symlink(void **state)
{
    (void)state;
    assert_int_equal(mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)), 0);
    assert_int_equal(symlink("elsewhere", at("link")), 0);
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_insecure_skip_verify(cfg), TLSC_OK);
    tlsc_http *h = NULL;
    assert_int_equal(tlsc_http_new(cfg, &h), TLSC_OK);
    tlsc_config_free(cfg);
    const char *const paths[] = {at("null"), at("fifo"), at("link")};
    for (size_t i = 0; i < 3; i++) {
        tlsc_download d = {0};
        d.url = "https://127.0.0.1:1/x";
        d.path = paths[i];
        d.size = -1;
        assert_int_equal(tlsc_http_download(h, &d, NULL), TLSC_ERR_HTTP_SINK);
        if (strstr(tlsc_http_errmsg(h), "is not a regular file: not replaced") == NULL)
            fail_msg("detail: '%s'", tlsc_http_errmsg(h));
    }
    tlsc_http_free(h);
    struct stat st;
    assert_int_equal(stat(at("null"), &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(lstat(at("link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(at("fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
}

/* ---- tlsc_file_read: the same reader, for an application ------------------ */

/* path's bytes as stdio reads them (the reference), into buf. */
static size_t stdio_bytes(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* A failed read: err, *data NULL, *len 0, why holding want. */
static void expect_read_error(const char *path, size_t max, tlsc_err want_err, const char *want)
{
    unsigned char *data = (unsigned char *)"x";
    size_t len = 7;
    unsigned mode = 7;
    char why[256];
    tlsc_err err = tlsc_file_read(path, max, &data, &len, &mode, why, sizeof why);
    assert_int_equal(err, want_err);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(mode, 0);
    if (strstr(why, want) == NULL)
        fail_msg("why '%s' lacks '%s'", why, want);
}

static void file_read_reads_a_regular_file_whole(void **state)
{
    (void)state;
    assert_int_equal(chmod(at("a.pem"), 0640), 0);
    static unsigned char want[8192];
    size_t want_len = stdio_bytes(at("a.pem"), want, sizeof want);
    assert_true(want_len > 100 && want_len < sizeof want);
    size_t before = tlsc_heap_current();
    unsigned char *data = NULL;
    size_t len = 0;
    unsigned mode = 0;
    char why[256] = "untouched";
    assert_int_equal(tlsc_file_read(at("a.pem"), want_len, &data, &len, &mode, why, sizeof why),
                     TLSC_OK);
    assert_int_equal(len, want_len);
    assert_memory_equal(data, want, len);
    assert_int_equal(data[len], '\0');
    assert_true(S_ISREG(mode));
    assert_int_equal(mode & 07777, 0640);
    assert_string_equal(why, "");
    /* the copy is tlsc's (its allocator, counted), and goes back to it */
    assert_true(tlsc_heap_current() >= before + len + 1);
    tlsc_file_free(data, len);
    assert_int_equal(tlsc_heap_current(), before);
    tlsc_file_free(NULL, 0);
    /* mode and why are optional */
    assert_int_equal(tlsc_file_read(at("b.pem"), TLSC_FILE_MAX, &data, &len, NULL, NULL, 0),
                     TLSC_OK);
    assert_true(len > 100);
    tlsc_file_free(data, len);
}

static void file_read_refuses_what_is_not_a_regular_file(void **state)
{
    (void)state;
    uint64_t t0 = now_ms();
    expect_read_error(at("fifo"), TLSC_FILE_MAX, TLSC_ERR_FILE, "fifo: a FIFO, not a regular file");
    assert_true(now_ms() - t0 < 2000);
    expect_read_error(at("sub"), TLSC_FILE_MAX, TLSC_ERR_FILE,
                      "sub: a directory, not a regular file");
    expect_read_error("/dev/null", TLSC_FILE_MAX, TLSC_ERR_FILE,
                      "/dev/null: a character device, not a regular file");
    expect_read_error(at("missing"), TLSC_FILE_MAX, TLSC_ERR_FILE,
                      "missing: No such file or directory");
    char want[128];
    snprintf(want, sizeof want, "big.pem: %u bytes, more than the %u bytes allowed",
             TLSC_FILE_MAX + 1, TLSC_FILE_MAX);
    expect_read_error(at("big.pem"), TLSC_FILE_MAX, TLSC_ERR_FILE, want);
    /* the limit is the caller's: one byte under the size fails */
    static unsigned char buf[8192];
    size_t n = stdio_bytes(at("a.pem"), buf, sizeof buf);
    snprintf(want, sizeof want, "a.pem: %zu bytes, more than the %zu bytes allowed", n, n - 1);
    expect_read_error(at("a.pem"), n - 1, TLSC_ERR_FILE, want);
}

static void file_read_reports_no_memory_and_bad_arguments(void **state)
{
    (void)state;
    unsigned char *data = NULL;
    size_t len = 0;
    char why[256];
    /* the heap cap leaves no room for the copy of big.pem's 1 MiB */
    tlsc_heap_set_limit(tlsc_heap_current() + 4096);
    tlsc_err err = tlsc_file_read(at("big.pem"), 2 * TLSC_FILE_MAX, &data, &len, NULL, why,
                                  sizeof why);
    tlsc_heap_set_limit(0);
    assert_int_equal(err, TLSC_ERR_NO_MEMORY);
    assert_null(data);
    if (strstr(why, "big.pem: no memory for 1048577 bytes") == NULL)
        fail_msg("why: '%s'", why);
    assert_int_equal(tlsc_file_read(NULL, 10, &data, &len, NULL, why, sizeof why),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_file_read(at("a.pem"), 10, NULL, &len, NULL, why, sizeof why),
                     TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_file_read(at("a.pem"), 10, &data, NULL, NULL, why, sizeof why),
                     TLSC_ERR_INVALID_ARG);
    /* a refused call still clears what it was given, and says why */
    unsigned mode = 0755;
    data = (unsigned char *)why;
    len = 5;
    assert_int_equal(tlsc_file_read(NULL, 10, &data, &len, &mode, why, sizeof why),
                     TLSC_ERR_INVALID_ARG);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(mode, 0);
    assert_string_equal(why, "tlsc_file_read: path, data and len are required");
    assert_int_equal(tlsc_file_read(NULL, 10, NULL, NULL, NULL, NULL, 0), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_file_read(NULL, 10, &data, &len, NULL, NULL, 5), TLSC_ERR_INVALID_ARG);
    /* over max: refused before anything is allocated, mode cleared */
    mode = 0755;
    assert_int_equal(tlsc_file_read(at("a.pem"), 1, &data, &len, &mode, why, sizeof why),
                     TLSC_ERR_FILE);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(mode, 0);
    if (strstr(why, "more than the 1 bytes allowed") == NULL)
        fail_msg("why: '%s'", why);
    /* a small why is cut, and still a string */
    char tiny[8];
    assert_int_equal(tlsc_file_read(at("sub"), 10, &data, &len, NULL, tiny, sizeof tiny),
                     TLSC_ERR_FILE);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setters_refuse_a_fifo_at_once),
        cmocka_unit_test(setters_refuse_a_directory_and_a_big_file),
        cmocka_unit_test(certificates_after_a_nul_are_counted),
        cmocka_unit_test(download_never_replaces_a_device_fifo_or_symlink),
        cmocka_unit_test(file_read_reads_a_regular_file_whole),
        cmocka_unit_test(file_read_refuses_what_is_not_a_regular_file),
        cmocka_unit_test(file_read_reports_no_memory_and_bad_arguments),
    };
    return cmocka_run_group_tests(tests, make_dir, drop_dir);
}
