/*
 * A verified HTTPS request with the blocking API — the example shown in
 * README.md (the build compiles this file, so the README cannot drift).
 * Usage: verified_get HOST [PORT] [CA_FILE]
 */
#include <stdio.h>
#include <stdlib.h>

#include "tlsc/tlsc.h"

static int fail(const char *what, tlsc_err err, const char *detail)
{
    fprintf(stderr, "%s: %s: %s\n", what, tlsc_strerror(err), detail);
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "example.com";
    uint16_t port = (uint16_t)(argc > 2 ? atoi(argv[2]) : 443);
    const char *ca = argc > 3 ? argv[3] : "/etc/ssl/certs/ca-certificates.crt";

    tlsc_config *cfg;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err != TLSC_OK)
        return fail("config", err, "");
    err = tlsc_config_add_ca_file(cfg, ca);          /* trust: required */
    if (err != TLSC_OK) {
        int rc = fail("CA file", err, tlsc_config_errmsg(cfg));
        tlsc_config_free(cfg);
        return rc;
    }

    tlsc_conn *conn;
    err = tlsc_conn_new(cfg, &conn);
    tlsc_config_free(cfg);                           /* conn keeps a reference */
    if (err != TLSC_OK)
        return fail("connection", err, "");

    err = tlsc_conn_connect(conn, host, port);       /* DNS, TCP, handshake, verify */
    if (err == TLSC_OK)
        err = tlsc_conn_write(conn, "GET / HTTP/1.0\r\n\r\n", 18);
    char buf[512];
    size_t got;
    while (err == TLSC_OK && (err = tlsc_conn_read(conn, buf, sizeof buf, &got)) == TLSC_OK)
        fwrite(buf, 1, got, stdout);

    int rc = 0;
    if (err != TLSC_ERR_CLOSED)                      /* close_notify = clean end */
        rc = fail(host, err, tlsc_conn_errmsg(conn));
    (void)tlsc_conn_close(conn);
    tlsc_conn_free(conn);
    return rc;
}
