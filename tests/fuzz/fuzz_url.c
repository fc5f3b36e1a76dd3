/*
 * Fuzz target: URLs. The input is split at the first NUL: the first part is
 * parsed as an absolute URL; if that succeeds, the second part is resolved
 * against it as a redirect Location, and a request head is formatted for
 * the result (which must then parse back as the same URL).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void check_roundtrip(const tlsc_url *u)
{
    char head[TLSC_URL_TARGET_MAX + 600];
    size_t len = 0;
    tlsc_http_header h = {"Accept", "*/*"};
    if (tlsc_http_request_format(head, sizeof head, &len, "GET", u, &h, 1, TLSC_HTTP_BODY_NONE,
                                 NULL, 0) != TLSC_OK)
        abort(); /* every parsed URL must be sendable */
    if (memchr(head, '\0', len) != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 2);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    s[size + 1] = '\0';
    const char *ref = s + strlen(s) + 1;
    if (ref > s + size)
        ref = s + size;
    tlsc_url base, out;
    char detail[256];
    if (tlsc_url_parse(s, &base, detail, sizeof detail) == TLSC_OK) {
        check_roundtrip(&base);
        if (tlsc_url_resolve(&base, ref, &out, detail, sizeof detail) == TLSC_OK)
            check_roundtrip(&out);
    }
    free(s);
    return 0;
}
