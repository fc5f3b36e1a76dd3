/*
 * tlsc/file.h — reading a whole file the way the library's *_file setters
 * do, for an application (the tlsc command reads its session files,
 * secrets, chains and bundle inputs with it).
 *
 * Only a regular file is read: the file is opened without blocking and
 * without becoming a controlling terminal, so a FIFO is refused at once
 * instead of waiting for a writer, and a FIFO, device, socket or directory
 * is refused by name ("a FIFO, not a regular file") instead of being read
 * as an endless or empty stream. The size is checked against a limit
 * before anything is allocated, and a file that shrinks while being read
 * is an error, not a short result.
 *
 * The platform decides where files come from (docs/porting.md): POSIX
 * files; host files through semihosting on the emulated board (the kind
 * and mode of a file are unknown there, so any file is read and the mode
 * is 0); none in the "none" platform, where every call fails with
 * TLSC_ERR_FILE.
 */
#ifndef TLSC_FILE_H
#define TLSC_FILE_H

#include <stddef.h>

#include "tlsc/common.h"
#include "tlsc/error.h"

TLSC_BEGIN_DECLS

/*
 * Read the regular file path whole, if it holds at most max bytes (any
 * max; the copy, the file's size + 1 bytes, must fit tlsc's allocator).
 * On success *data is a fresh copy from tlsc's allocator (tlsc_set_allocator)
 * with a NUL after the *len bytes (not counted), so text can be used as a
 * string; free it with tlsc_file_free. *mode (mode may be NULL) receives
 * the file's st_mode: type and permission bits, 0 where the platform
 * cannot tell (semihosting).
 * On failure *data is NULL, *len 0, *mode 0 (each where not NULL), and why
 * (why may be NULL or cap 0: not written; else at most cap bytes, always
 * NUL-terminated) says "PATH: reason", e.g.
 * "ca.pem: No such file or directory", "ca.pem: a directory, not a regular
 * file", "ca.pem: 2000000 bytes, more than the 1048576 bytes allowed".
 * Errors: TLSC_ERR_INVALID_ARG (path, data or len NULL; why then says
 * "tlsc_file_read: path, data and len are required"), TLSC_ERR_FILE
 * (cannot be opened or read, not a regular file, over max bytes, shrank
 * while read; TLSC_ERR_FILE always in the "none" platform),
 * TLSC_ERR_NO_MEMORY ("PATH: no memory for N bytes").
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_file_read(const char *path, size_t max,
                                                unsigned char **data, size_t *len,
                                                unsigned *mode, char *why, size_t cap);

/* Zeroize the bytes a tlsc_file_read gave (a file may hold a key or a
 * session secret), the NUL after them included, then free them: len must
 * be the *len that call returned (a smaller one leaves bytes unwiped, a
 * larger one writes past the block). Once only. NULL is ignored. */
TLSC_API void tlsc_file_free(unsigned char *data, size_t len);

TLSC_END_DECLS

#endif /* TLSC_FILE_H */
