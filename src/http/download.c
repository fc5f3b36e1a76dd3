/*
 * Verified downloads (tlsc/http.h): the content goes to a sink or a
 * temporary file while mbedTLS's SHA-256 runs over it (only when a digest
 * was asked for: hashing costs more than AES-NI decryption); at the end
 * the digest and size are compared and the file is renamed into place only
 * when both match. In Range mode each piece is one request; a connection
 * that drops mid-piece is reopened (the client offers the saved session)
 * and the download continues at the first byte not yet received, since
 * every byte delivered so far was authenticated by TLS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbedtls/sha256.h"

#include "platform/platform.h"
#include "core/alloc.h"
#include "core/base/codec.h"
#include "core/base/text.h"
#include "core/config/log.h"
#include "http/download.h"

#define DEFAULT_RETRIES 3
#define TMP_SUFFIX ".tlsc-XXXXXX"

typedef tlsc__dl dl;

/* ---- output --------------------------------------------------------------------- */

static tlsc_err write_all(dl *s, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(s->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SINK, "writing %s: %s", s->tmp_path,
                                   strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return TLSC_OK;
}

/* A device's flash is finite: more content than expected stops the
 * download at once (and the temporary file goes), not at the end. */
static tlsc_err check_expected(dl *s, uint64_t would_have)
{
    int64_t size = s->d->size;
    if (size < 0 || would_have <= (uint64_t)size)
        return TLSC_OK;
    return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SIZE_MISMATCH,
                           "the content exceeds the expected %s bytes (%s received or "
                           "announced); stopped", tlsc__i64(size).s,
                           tlsc__u64(would_have).s);
}

static tlsc_err emit(dl *s, const void *data, size_t n)
{
    tlsc_err size_err = check_expected(s, s->done + n);
    if (size_err != TLSC_OK)
        return size_err;
    if (s->hashing && mbedtls_sha256_update(&s->sha, data, n) != 0)
        return tlsc__http_core_fail(s->c, TLSC_ERR_INTERNAL, "SHA-256 update failed");
    tlsc_err err = s->fd >= 0 ? write_all(s, data, n) : s->d->sink(s->d->sink_ud, data, n);
    if (err != TLSC_OK && s->fd < 0)
        return tlsc__http_core_fail(s->c, err, "the download sink refused %lu bytes at offset %s",
                               (unsigned long)n, tlsc__u64(s->done).s);
    if (err != TLSC_OK)
        return err;
    s->done += n;
    if (s->d->progress != NULL)
        s->d->progress(s->d->progress_ud, s->done, s->total);
    return TLSC_OK;
}

/* rename() would replace a device, a FIFO or a symlink with a regular
 * file (as root, /dev/null): only a regular file or a new name is ours to
 * replace. */
static tlsc_err check_destination(dl *s)
{
    if (tlsc__file_replaceable(s->d->path))
        return TLSC_OK;
    return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SINK, "%s exists and is not a regular file: "
                           "not replaced (write to it through a sink)", s->d->path);
}

static tlsc_err open_tmp(dl *s)
{
    tlsc_err err = check_destination(s);
    if (err != TLSC_OK)
        return err;
    size_t n = strlen(s->d->path) + sizeof TMP_SUFFIX;
    s->tmp_path = tlsc__calloc(1, n);
    if (s->tmp_path == NULL)
        return tlsc__http_core_fail(s->c, TLSC_ERR_NO_MEMORY, "temporary file name");
    (void)snprintf(s->tmp_path, n, "%s" TMP_SUFFIX, s->d->path);
    s->fd = mkstemp(s->tmp_path);
    if (s->fd < 0)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SINK, "creating %s: %s", s->tmp_path,
                               strerror(errno));
    return TLSC_OK;
}

/* Success: flush, close and rename into place. */
static tlsc_err commit_tmp(dl *s)
{
    int fd = s->fd;
    s->fd = -1;
    if (fsync(fd) != 0 || close(fd) != 0)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SINK, "writing %s: %s", s->tmp_path,
                               strerror(errno));
    if (rename(s->tmp_path, s->d->path) != 0)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SINK, "renaming %s to %s: %s", s->tmp_path,
                               s->d->path, strerror(errno));
    tlsc__free(s->tmp_path);
    s->tmp_path = NULL;
    return TLSC_OK;
}

/* Failure: never leave anything that looks like a download. */
static void discard_tmp(dl *s)
{
    if (s->fd >= 0)
        (void)close(s->fd);
    s->fd = -1;
    if (s->tmp_path != NULL)
        (void)unlink(s->tmp_path);
    tlsc__free(s->tmp_path);
    s->tmp_path = NULL;
}

/* ---- response callbacks ---------------------------------------------------------------- */

static tlsc_err on_status(void *ud, int status, const char *reason, size_t len)
{
    dl *s = ud;
    (void)reason;
    (void)len;
    s->status = status;
    s->range_seen = false;
    return TLSC_OK;
}

static bool parse_u64(const char **p, uint64_t *out)
{
    uint64_t v = 0;
    const char *q = *p;
    if (*q < '0' || *q > '9')
        return false;
    for (; *q >= '0' && *q <= '9'; q++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*q - '0');
    }
    *p = q;
    *out = v;
    return true;
}

/* "bytes FIRST-LAST/TOTAL" (TOTAL may be "*") */
static bool parse_content_range(dl *s, const char *v, size_t len)
{
    char buf[96];
    uint64_t total = 0;
    if (len >= sizeof buf)
        return false;
    memcpy(buf, v, len);
    buf[len] = '\0';
    const char *p = buf;
    if (strncmp(p, "bytes ", 6) != 0)
        return false;
    p += 6;
    if (!parse_u64(&p, &s->range_first) || *p++ != '-' || !parse_u64(&p, &s->range_last) ||
        *p++ != '/')
        return false;
    if (p[0] == '*' && p[1] == '\0') {
        s->range_total = -1;
    } else {
        if (!parse_u64(&p, &total) || *p != '\0' || total > INT64_MAX)
            return false;
        s->range_total = (int64_t)total;
    }
    return s->range_first <= s->range_last;
}

static tlsc_err on_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    dl *s = ud;
    if (!tlsc__http_name_is(n, nl, "content-range"))
        return TLSC_OK;
    if (!parse_content_range(s, v, vl))
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE, "unparsable Content-Range \"%.*s\"",
                               (int)(vl > 60 ? 60 : vl), v);
    s->range_seen = true;
    return TLSC_OK;
}

static tlsc_err check_status(dl *s, bool ranged)
{
    if (s->status == 200)
        return TLSC_OK;
    if (ranged && s->status == 206)
        return TLSC_OK;
    return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_STATUS, "server answered %d%s", s->status,
                           ranged ? " to a Range request (expected 206)" : " (expected 200)");
}

/* A 206 must be the piece asked for (starting at s->done), consistent with
 * what is known of the total. */
static tlsc_err check_piece(dl *s, const tlsc_http_head *head)
{
    if (!s->range_seen)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE, "206 response without Content-Range");
    if (s->range_first != s->done)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE,
                               "asked for bytes from %s, the server sent from %s",
                               tlsc__u64(s->done).s, tlsc__u64(s->range_first).s);
    if (s->range_last - s->range_first >= s->d->range_chunk)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE,
                               "server sent %s bytes for a piece of %lu",
                               tlsc__u64(s->range_last - s->range_first + 1).s,
                               (unsigned long)s->d->range_chunk);
    if (head->content_length >= 0 &&
        (uint64_t)head->content_length != s->range_last - s->range_first + 1)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE,
                               "Content-Length %s does not match Content-Range %s-%s",
                               tlsc__i64(head->content_length).s,
                               tlsc__u64(s->range_first).s, tlsc__u64(s->range_last).s);
    if (s->range_total >= 0 && s->total >= 0 && s->range_total != s->total)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE, "content size changed from %s to %s",
                               tlsc__i64(s->total).s, tlsc__i64(s->range_total).s);
    if (s->range_total >= 0 && s->range_last >= (uint64_t)s->range_total)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE, "Content-Range ends beyond the size");
    if (s->range_total >= 0)
        s->total = s->range_total;
    return s->total >= 0 ? check_expected(s, (uint64_t)s->total) : TLSC_OK;
}

static tlsc_err on_head(void *ud, const tlsc_http_head *head)
{
    dl *s = ud;
    bool ranged = s->d->range_chunk > 0;
    tlsc_err err = check_status(s, ranged);
    if (err != TLSC_OK)
        return err;
    if (s->status == 206)
        return check_piece(s, head);
    /* 200: the whole content, only acceptable from the start */
    if (s->done != 0)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_RANGE,
                               "server ignored the Range request at offset %s (200 instead of 206)",
                               tlsc__u64(s->done).s);
    if (head->content_length >= 0)
        s->total = head->content_length;
    return s->total >= 0 ? check_expected(s, (uint64_t)s->total) : TLSC_OK;
}

static tlsc_err on_body(void *ud, const void *data, size_t n)
{
    return emit(ud, data, n);
}

/* ---- the pieces ----------------------------------------------------------------------- */

/* Errors after which reconnecting and asking again can help. */
static bool transient(tlsc_err err)
{
    tlsc_category c = tlsc_err_category(err);
    return c == TLSC_CAT_NETWORK || c == TLSC_CAT_CLOSED ||
           (c == TLSC_CAT_TIMEOUT && err != TLSC_ERR_TIMEOUT_TOTAL) ||
           err == TLSC_ERR_HTTP_INCOMPLETE;
}

static bool complete(const dl *s)
{
    return s->total >= 0 && s->done >= (uint64_t)s->total;
}

void tlsc__dl_request(tlsc__dl *s, tlsc_http_request *req)
{
    size_t n = s->d->header_count;
    s->before = s->done;
    if (s->d->range_chunk > 0) {
        (void)snprintf(s->range, sizeof s->range, "bytes=%s-%s", tlsc__u64(s->done).s,
                       tlsc__u64(s->done + s->d->range_chunk - 1).s);
        s->hs[n++] = (tlsc_http_header){"Range", s->range};
    }
    memset(req, 0, sizeof *req);
    req->url = s->d->url;
    req->headers = s->hs;
    req->header_count = n;
    req->cb = (tlsc_http_callbacks){on_status, on_header, on_head, on_body, NULL, NULL};
    req->cb_ud = s;
}

/* What follows a piece: the next one, a retry of this one after a drop,
 * or the end (the old loop of fetch_ranges, one turn per call). */
bool tlsc__dl_again(tlsc__dl *s, tlsc_err *err)
{
    if (s->d->range_chunk == 0)
        return false; /* one GET */
    if (*err == TLSC_OK && s->status == 200)
        return false; /* the whole content at once */
    if (*err == TLSC_OK && s->range_total < 0 && s->done == s->before)
        return false; /* unknown size and nothing more: the end */
    if (*err == TLSC_OK) {
        s->failed = 0;
        return !complete(s);
    }
    /* size never announced (an asterisk as the total): the end is a 416 */
    if (*err == TLSC_ERR_HTTP_STATUS && s->status == 416 && s->total < 0 && s->done > 0) {
        *err = TLSC_OK;
        return false;
    }
    if (!transient(*err))
        return false;
    s->failed = s->done > s->before ? 1 : s->failed + 1;
    if (s->failed > s->retries)
        return false;
    s->res->reconnects++;
    tlsc__log(s->c->cfg, TLSC_LOG_INFO,
              "download: %s at offset %s; reconnecting (attempt %u of %u)", s->c->errmsg,
              tlsc__u64(s->done).s, s->failed, s->retries);
    *err = TLSC_OK;
    return !complete(s);
}

static tlsc_err verify(dl *s, tlsc_download_result *res)
{
    const tlsc_download *d = s->d;
    if (s->hashing && mbedtls_sha256_finish(&s->sha, res->sha256) != 0)
        return tlsc__http_core_fail(s->c, TLSC_ERR_INTERNAL, "SHA-256 finish failed");
    res->sha256_valid = s->hashing;
    if (d->size >= 0 && s->done != (uint64_t)d->size)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SIZE_MISMATCH,
                                    "received %s bytes, expected %s", tlsc__u64(s->done).s,
                                    tlsc__i64(d->size).s);
    if (s->total >= 0 && s->done != (uint64_t)s->total)
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_SIZE_MISMATCH,
                                    "received %s bytes, the server announced %s",
                                    tlsc__u64(s->done).s, tlsc__i64(s->total).s);
    if (d->sha256 != NULL && memcmp(d->sha256, res->sha256, 32) != 0) {
        char got[65];
        got[tlsc__hex(got, res->sha256, 32)] = '\0';
        return tlsc__http_core_fail(s->c, TLSC_ERR_HTTP_DIGEST_MISMATCH,
                                    "SHA-256 of the %s bytes received is %s",
                                    tlsc__u64(s->done).s, got);
    }
    return TLSC_OK;
}

tlsc_err tlsc__dl_check(tlsc__http_core *c, const tlsc_download *d)
{
    if (d == NULL)
        return tlsc__http_core_fail(c, TLSC_ERR_INVALID_ARG, "no download (d is NULL)");
    if (d->url == NULL)
        return tlsc__http_core_fail(c, TLSC_ERR_INVALID_ARG,
                                    "the download has no URL (d->url is NULL)");
    if ((d->path == NULL) == (d->sink == NULL))
        return tlsc__http_core_fail(c, TLSC_ERR_INVALID_ARG,
                                    "a download needs exactly one of path and sink");
    return TLSC_OK;
}

tlsc_err tlsc__dl_begin(tlsc__dl *s, tlsc__http_core *c, const tlsc_download *d,
                        tlsc_download_result *res)
{
    memset(res, 0, sizeof *res);
    *s = (dl){.c = c, .d = d, .res = res, .fd = -1, .total = -1, .range_total = -1};
    mbedtls_sha256_init(&s->sha);
    tlsc__http_deadline_begin(c, true); /* one limit for all the pieces */
    s->retries = d->max_retries != 0 ? d->max_retries : DEFAULT_RETRIES;
    s->hashing = d->sha256 != NULL || d->want_sha256;
    s->hs = tlsc__calloc(d->header_count + 1, sizeof *s->hs);
    if (s->hs == NULL)
        return tlsc__http_core_fail(c, TLSC_ERR_NO_MEMORY, "request headers");
    for (size_t i = 0; i < d->header_count; i++)
        s->hs[i] = d->headers[i];
    if (s->hashing && mbedtls_sha256_starts(&s->sha, 0) != 0)
        return tlsc__http_core_fail(c, TLSC_ERR_INTERNAL, "SHA-256 start failed");
    return d->path != NULL ? open_tmp(s) : TLSC_OK;
}

tlsc_err tlsc__dl_end(tlsc__dl *s, tlsc_err err)
{
    if (err == TLSC_OK)
        err = verify(s, s->res);
    if (err == TLSC_OK && s->fd >= 0)
        err = commit_tmp(s);
    discard_tmp(s);
    tlsc__http_deadline_end(s->c, true);
    mbedtls_sha256_free(&s->sha);
    tlsc__free(s->hs);
    s->hs = NULL;
    s->res->bytes = s->done;
    s->res->status = s->status;
    return err;
}
