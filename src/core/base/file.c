/*
 * The public whole-file reader (tlsc/file.h): argument checks over the
 * platform's reader (platform/platform.h: tlsc__read_file), which the
 * *_file setters use too, so there is one set of file rules.
 */
#include <stdio.h>

#include "tlsc/file.h"
#include "core/alloc.h"
#include "platform/platform.h"

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
