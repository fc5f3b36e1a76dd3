/*
 * A verified download as steps (download.c), run by both drivers: the
 * blocking tlsc_http_download and the event tlsc_http_ev_download make the
 * requests tlsc__dl_request describes through the exchange engine
 * (engine.h) until tlsc__dl_again says the download is over, then
 * tlsc__dl_end verifies and puts the file in place.
 */
#ifndef TLSC_HTTP_DOWNLOAD_H
#define TLSC_HTTP_DOWNLOAD_H

#include "mbedtls/sha256.h"

#include "http/engine.h"

typedef struct tlsc__dl {
    tlsc__http_core *c;
    const tlsc_download *d;     /* borrowed until tlsc__dl_end */
    tlsc_download_result *res;
    mbedtls_sha256_context sha;
    bool hashing;           /* a digest was asked for */
    int fd;                 /* temporary file, or -1 */
    char *tmp_path;
    uint64_t done;          /* content bytes delivered */
    int64_t total;          /* content size when known, else -1 */
    tlsc_http_header *hs;   /* the request headers (+ Range) */
    char range[64];
    unsigned retries, failed; /* Range pieces: retries allowed, failed in a row */
    uint64_t before;        /* done when the current piece was asked for */

    /* the current response */
    int status;
    bool range_seen;        /* a Content-Range came */
    uint64_t range_first, range_last;
    int64_t range_total;
} tlsc__dl;

/* Errors: TLSC_ERR_INVALID_ARG (no URL, not exactly one of path and sink). */
tlsc_err tlsc__dl_check(tlsc__http_core *c, const tlsc_download *d);
/* Start (after tlsc__dl_check): the deadline, hashing, the temporary
 * file. Call tlsc__dl_end whatever it returns. */
tlsc_err tlsc__dl_begin(tlsc__dl *s, tlsc__http_core *c, const tlsc_download *d,
                        tlsc_download_result *res);
/* The next request (pointers into s, valid until the next call). */
void tlsc__dl_request(tlsc__dl *s, tlsc_http_request *req);
/* The request ended with *err: true when another request follows (*err
 * is then TLSC_OK), false when the download is over with *err. */
bool tlsc__dl_again(tlsc__dl *s, tlsc_err *err);
/* Verify, put the file in place or remove it, fill the result. */
tlsc_err tlsc__dl_end(tlsc__dl *s, tlsc_err err);

#endif /* TLSC_HTTP_DOWNLOAD_H */
