/* What the HTTP allocation-failure tests share (http_alloc.c): the
 * server and its file, the body sink, the leak check and the program's
 * frame. test_http_alloc_fail drives the blocking client,
 * test_http_ev_alloc_fail the event client. */
#ifndef TLSC_TEST_HTTP_ALLOC_H
#define TLSC_TEST_HTTP_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsc/tlsc.h"

/* The content of fw.bin, the file the server serves at /fw.bin. */
#define HTTP_ALLOC_BODY "firmware image, version 1\n"

/* What a test's run gets: the test PKI's root, the file's URL (host
 * "localhost": verified by name, resolved by the driver) and its
 * SHA-256 as sha256sum computed it. The current directory is the PKI's
 * directory, which the server serves. */
typedef struct http_alloc_env {
    char ca[512];
    char url[128];
    unsigned char sha256[32];
} http_alloc_env;

/* A response body kept in memory. */
typedef struct body {
    char buf[256];
    size_t len;
} body;

/* on_body for a body (ud): TLSC_ERR_HTTP_SINK when it does not fit. */
tlsc_err body_sink(void *ud, const void *data, size_t len);
/* Whether b holds exactly HTTP_ALLOC_BODY. */
bool body_right(const body *b);

/* After the attempt that failed allocation n and ended with err: whether
 * tlsc_heap_current() is back at *base; if not, say so (one FAIL line)
 * and take the new figure as *base, so that one leak is counted once. */
bool heap_back(size_t *base, long n, tlsc_err err);

/* The whole program: install the failing allocator, make the test PKI
 * (tests/pki, TLSC_PKI_GEN) in a new directory named after tmpl
 * ("/tmp/...-XXXXXX"), put fw.bin there, start openssl s_server -WWW
 * there (HTTP/1.0: every request has its own connection), call run with
 * the environment, stop, remove the directory and print
 * "N passed, M failed". run returns its number of problems. Returns the
 * exit status. */
int http_alloc_main(const char *tmpl, int (*run)(const http_alloc_env *env));

#endif
