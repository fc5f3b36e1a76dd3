/*
 * tests/build/sha256_alt.sh, against a library built with the stand-in
 * SHA-256 accelerator (MBEDTLS_SHA256_ALT from TLSC_MBEDTLS_USER_CONFIG,
 * implemented in TLSC_MBEDTLS_EXTRA_SOURCES): verified TLS 1.3 downloads
 * of one file, each on its own connection (a full handshake), and what
 * the stand-in was asked to hash during each:
 *   - no digest asked for: the download succeeds, reports no digest, and
 *     the stand-in hashed only the handshake (its transcript, HKDF): the
 *     accelerator really replaced mbedTLS's SHA-256 in TLS;
 *   - d.sha256 given: the digest is verified, and the content was hashed
 *     EXACTLY ONCE (the handshake's share plus the file's size, within the
 *     few bytes by which two handshakes' transcripts differ);
 *   - want_sha256 only: the same, the digest reported;
 *   - a wrong digest: TLSC_ERR_HTTP_DIGEST_MISMATCH and no file.
 * usage: standin_test URL CA_FILE OUT_FILE SIZE SHA256_HEX
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsc/http.h"
#include "tlsc/tlsc.h"

#include "sha256_standin.h"

/* Two full handshakes' transcripts differ by a few bytes (the length of
 * an ECDSA signature varies); far less than a second pass over the file. */
#define HANDSHAKE_SLACK 4096

typedef struct run {
    tlsc_err err;
    tlsc_download_result res;
    unsigned long long hashed;
    unsigned long starts;
} run;

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok)
        failures++;
}

static run download(const char *url, const char *ca, const char *path, const unsigned char *sha,
                    bool want)
{
    run r = {0};
    tlsc_config *cfg = NULL;
    tlsc_http *h = NULL;
    unsigned long long bytes0 = tlsc_standin_sha256_bytes;
    unsigned long starts0 = tlsc_standin_sha256_starts;
    r.err = tlsc_config_new(&cfg);
    if (r.err == TLSC_OK)
        r.err = tlsc_config_add_ca_file(cfg, ca);
    if (r.err == TLSC_OK)
        r.err = tlsc_http_new(cfg, &h);
    tlsc_download d = {0};
    d.url = url;
    d.path = path;
    d.sha256 = sha;
    d.size = -1;
    d.want_sha256 = want;
    if (r.err == TLSC_OK)
        r.err = tlsc_http_download(h, &d, &r.res);
    if (r.err != TLSC_OK)
        printf("download: %s: %s\n", tlsc_strerror(r.err), h != NULL ? tlsc_http_errmsg(h) : "");
    tlsc_http_free(h);
    tlsc_config_free(cfg);
    r.hashed = tlsc_standin_sha256_bytes - bytes0;
    r.starts = tlsc_standin_sha256_starts - starts0;
    printf("  hashed by the stand-in: %llu bytes, %lu digests started\n", r.hashed, r.starts);
    return r;
}

static int parse_hex(const char *hex, unsigned char out[32])
{
    if (strlen(hex) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

static int once_more(const run *with, const run *without, unsigned long long size)
{
    long long extra = (long long)with->hashed - (long long)without->hashed - (long long)size;
    return extra > -HANDSHAKE_SLACK && extra < HANDSHAKE_SLACK;
}

int main(int argc, char **argv)
{
    unsigned char sha[32], wrong[32];
    if (argc != 6 || parse_hex(argv[5], sha) != 0) {
        fprintf(stderr, "usage: standin_test URL CA_FILE OUT_FILE SIZE SHA256_HEX\n");
        return 2;
    }
    const char *url = argv[1], *ca = argv[2], *out = argv[3];
    unsigned long long size = strtoull(argv[4], NULL, 10);

    printf("download, no digest asked for\n");
    run plain = download(url, ca, out, NULL, false);
    check(plain.err == TLSC_OK && plain.res.bytes == size, "downloaded");
    check(!plain.res.sha256_valid, "no digest reported");
    check(plain.starts > 0 && plain.hashed > 0, "the TLS handshake hashed through the stand-in");
    check(plain.hashed < size / 2, "the content was not hashed");

    printf("download with the expected SHA-256\n");
    run verified = download(url, ca, out, sha, false);
    check(verified.err == TLSC_OK && verified.res.bytes == size, "downloaded and verified");
    check(verified.res.sha256_valid && memcmp(verified.res.sha256, sha, 32) == 0,
          "the digest (computed by the stand-in) is the file's");
    check(once_more(&verified, &plain, size), "the content was hashed exactly once");

    printf("download with want_sha256\n");
    run reported = download(url, ca, out, NULL, true);
    check(reported.err == TLSC_OK && reported.res.sha256_valid &&
              memcmp(reported.res.sha256, sha, 32) == 0,
          "the digest is reported");
    check(once_more(&reported, &plain, size), "the content was hashed exactly once");

    printf("download with a wrong SHA-256\n");
    memcpy(wrong, sha, 32);
    wrong[0] ^= 1;
    (void)unlink(out);
    run bad = download(url, ca, out, wrong, false);
    check(bad.err == TLSC_ERR_HTTP_DIGEST_MISMATCH, "refused: digest mismatch");
    check(access(out, F_OK) != 0, "no file left");

    printf("%s\n", failures == 0 ? "all passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}
