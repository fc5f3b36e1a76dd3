/*
 * Reading a file whole (core/base/file.h), once for every platform: the
 * platform opens the file and tells its kind, size and mode
 * (platform/platform.h: tlsc__file_open); the limit, the allocation, the
 * short-read check and their wording are here. The public tlsc_file_read
 * (tlsc/file.h) adds only the argument checks.
 */
#include <stdint.h>
#include <stdio.h>

#include "tlsc/file.h"
#include "core/alloc.h"
#include "core/base/file.h"
#include "core/base/text.h"
#include "platform/platform.h"

/* The file's bytes into a fresh NUL-terminated block (wiped on failure:
 * what was read may be a secret). */
static tlsc_err read_open(int fd, const char *path, size_t size, unsigned char **data,
                          char *detail, size_t cap)
{
    /* size + 1 must not wrap (a max of SIZE_MAX on a 32-bit target). */
    unsigned char *buf = size < SIZE_MAX ? tlsc__calloc(1, size + 1) : NULL;
    if (buf == NULL) {
        snprintf(detail, cap, "%s: no memory for %lu bytes", path, (unsigned long)size);
        return TLSC_ERR_NO_MEMORY;
    }
    if (!tlsc__file_read_all(fd, buf, size)) {
        tlsc__free_secret(buf, size);
        snprintf(detail, cap, "%s: a read failed or the file shrank", path);
        return TLSC_ERR_FILE;
    }
    *data = buf;
    return TLSC_OK;
}

tlsc_err tlsc__read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                         unsigned *mode, char *detail, size_t cap)
{
    int fd = -1;
    uint64_t size = 0;
    tlsc_err err = tlsc__file_open(path, &fd, &size, mode, detail, cap);
    if (err != TLSC_OK)
        return err;
    if (size > (uint64_t)max) {
        snprintf(detail, cap, "%s: %s bytes, more than the %s bytes allowed", path,
                 tlsc__u64(size).s, tlsc__u64(max).s);
        err = TLSC_ERR_FILE;
    }
    if (err == TLSC_OK)
        err = read_open(fd, path, (size_t)size, data, detail, cap);
    tlsc__file_close(fd);
    if (err != TLSC_OK)
        return err;
    *len = (size_t)size;
    return TLSC_OK;
}

tlsc_err tlsc_file_read(const char *path, size_t max, unsigned char **data, size_t *len,
                        unsigned *mode, char *why, size_t cap)
{
    char none[1];
    unsigned kind = 0;
    if (why == NULL || cap == 0) {
        why = none;
        cap = sizeof none;
    }
    why[0] = '\0';
    if (data != NULL)
        *data = NULL;
    if (len != NULL)
        *len = 0;
    if (mode != NULL)
        *mode = 0;
    if (path == NULL || data == NULL || len == NULL) {
        snprintf(why, cap, "tlsc_file_read: path, data and len are required");
        return TLSC_ERR_INVALID_ARG;
    }
    tlsc_err err = tlsc__read_file(path, max, data, len, &kind, why, cap);
    if (err == TLSC_OK && mode != NULL)
        *mode = kind;
    return err;
}

void tlsc_file_free(unsigned char *data, size_t len)
{
    if (data != NULL)
        tlsc__free_secret(data, len + 1); /* with the NUL after the data */
}
