/*
 * Reading a file whole: the one reader behind the *_file setters and the
 * public tlsc_file_read (tlsc/file.h), over the platform's
 * tlsc__file_open / read_all / close.
 */
#ifndef TLSC_CORE_BASE_FILE_H
#define TLSC_CORE_BASE_FILE_H

#include <stddef.h>

#include "tlsc/error.h"

/*
 * Read the regular file path whole, if it holds at most max bytes, into a
 * fresh block from tlsc__calloc, NUL-terminated (the NUL is not counted in
 * *len); *mode receives its st_mode (0 where the platform cannot tell).
 * On failure writes "PATH: reason" to detail (the wording tlsc/file.h
 * documents) and returns TLSC_ERR_FILE or TLSC_ERR_NO_MEMORY.
 */
tlsc_err tlsc__read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                         unsigned *mode, char *detail, size_t cap);

#endif /* TLSC_CORE_BASE_FILE_H */
