/*
 * The library's own file rules (issue 13, section 5), on real file-system
 * objects made in a temp dir: the *_file setters read regular files only
 * (a FIFO fails at once instead of blocking, a directory fails as such,
 * not as "out of memory"), at most TLSC_FILE_MAX bytes, with the file's
 * name in the detail; certificates after a NUL byte in CA data are counted
 * as skipped; and tlsc_http_download never replaces a device (made with
 * mknod), a FIFO or a symlink at its path.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setters_refuse_a_fifo_at_once),
        cmocka_unit_test(setters_refuse_a_directory_and_a_big_file),
        cmocka_unit_test(certificates_after_a_nul_are_counted),
        cmocka_unit_test(download_never_replaces_a_device_fifo_or_symlink),
    };
    return cmocka_run_group_tests(tests, make_dir, drop_dir);
}
