/*
 * Internal helpers shared by src/http/ files. Names are `tlsc__`, hidden.
 */
#ifndef TLSC_HTTP_INTERNAL_H
#define TLSC_HTTP_INTERNAL_H

#include "tlsc/http.h"

#define TLSC__HTTP_DETAIL_MAX 256

/* snprintf the detail (if detail is not NULL) and return err. */
tlsc_err tlsc__http_detail(char *detail, size_t cap, tlsc_err err, const char *fmt, ...)
    TLSC_PRINTF(4, 5);
/* Quote untrusted bytes for a detail (printable ASCII, \xHH otherwise). */
void tlsc__http_quote(char *out, size_t cap, const char *s, size_t len);
/* "https://host[:port]/target" */
void tlsc__url_format(const tlsc_url *u, char *out, size_t cap);
/* RFC 9110 token character. */
bool tlsc__http_tchar(unsigned char c);
/* ASCII case-insensitive equality of name (len bytes) and a lower-case literal. */
bool tlsc__http_name_is(const char *name, size_t len, const char *lower);

/* Replace the parser's callbacks (the client's parser lives across
 * requests; each request brings its own). */
void tlsc__http_parser_set_callbacks(tlsc_http_parser *p, const tlsc_http_callbacks *cb, void *ud);
/* After a complete interim (1xx) response: count it in *seen (per
 * request) and expect the next response, or fail the parser with
 * TLSC_ERR_HTTP_TOO_MANY_INTERIM past TLSC_HTTP_INTERIM_MAX. Both
 * drivers (client.c, ev_http.c) use it. */
tlsc_err tlsc__http_next_after_interim(tlsc_http_parser *p, bool head_request, unsigned *seen);
#endif /* TLSC_HTTP_INTERNAL_H */
