/*
 * A verified firmware download with the HTTPS client — the second example
 * shown in README.md (the build compiles this file).
 * Usage: verified_download URL FILE SHA256_HEX [CA_FILE]
 */
#include <stdio.h>
#include <stdlib.h>

#include "tlsc/tlsc.h"

static int fail(const char *what, tlsc_err err, const char *detail)
{
    fprintf(stderr, "%s: %s: %s\n", what, tlsc_strerror(err), detail);
    return 1;
}

/* 64 hex digits -> 32 bytes */
static int parse_sha256(const char *hex, unsigned char out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1)
            return -1;
        out[i] = (unsigned char)b;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: verified_download URL FILE SHA256_HEX [CA_FILE]\n");
        return 2;
    }
    const char *url = argv[1], *path = argv[2];
    const char *ca = argc > 4 ? argv[4] : "/etc/ssl/certs/ca-certificates.crt";
    unsigned char expected[32];
    if (parse_sha256(argv[3], expected) != 0)
        return fail("digest", TLSC_ERR_INVALID_ARG, "not 64 hex digits");

    tlsc_config *cfg;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err == TLSC_OK)
        err = tlsc_config_add_ca_file(cfg, ca);
    if (err != TLSC_OK) {
        int rc = fail("config", err, cfg ? tlsc_config_errmsg(cfg) : "");
        tlsc_config_free(cfg);
        return rc;
    }

    tlsc_http *http;
    err = tlsc_http_new(cfg, &http);
    tlsc_config_free(cfg);                   /* the client keeps a reference */
    if (err != TLSC_OK)
        return fail("client", err, "");

    tlsc_download d = {0};
    d.url = url;
    d.path = path;                           /* renamed into place only if verified */
    d.sha256 = expected;
    d.size = -1;                             /* size unknown: the digest decides */
    d.range_chunk = 64 * 1024;               /* small pieces; survives dropped connections */
    tlsc_download_result r;
    err = tlsc_http_download(http, &d, &r);  /* reconnects resume the TLS session */
    int rc = 0;
    if (err != TLSC_OK)
        rc = fail(url, err, tlsc_http_errmsg(http));
    else
        printf("%s: %llu bytes verified\n", path, (unsigned long long)r.bytes);
    tlsc_http_free(http);
    return rc;
}
