/*
 * tlsc/common.h — conventions shared by every tlsc header.
 *
 * OWNERSHIP, the one rule for the whole API:
 *   Every pointer passed to tlsc is BORROWED for the duration of the call
 *   only. tlsc copies whatever it keeps (certificates, keys, names, ALPN
 *   lists, ...). The only exceptions are arguments marked TLSC_KEEPS in the
 *   signature: those must stay valid and unchanged for as long as the object
 *   that received them lives (used for flash-resident data that must not be
 *   copied to RAM).
 *
 *   Every `const char *` or buffer that tlsc RETURNS is owned by the object it
 *   came from and stays valid until that object is freed or, for per-call
 *   results, until the next call on the same object that the function's
 *   documentation names.
 *
 * ERRORS: functions that can fail return `tlsc_err` (see tlsc/error.h); 0 is
 *   success. Such results are marked TLSC_NODISCARD.
 *
 * THREADS: a tlsc_config may be shared by connections in many threads once
 *   it is in use (it is read-only from then on). A tlsc_conn must be used by
 *   one thread at a time.
 */
#ifndef TLSC_COMMON_H
#define TLSC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(__GNUC__) || defined(__clang__)
#define TLSC_API __attribute__((visibility("default")))
#define TLSC_NODISCARD __attribute__((warn_unused_result))
#define TLSC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TLSC_API
#define TLSC_NODISCARD
#define TLSC_PRINTF(f, a)
#endif

/* Marks a pointer argument that tlsc keeps (see OWNERSHIP above). */
#define TLSC_KEEPS

#ifdef __cplusplus
#define TLSC_BEGIN_DECLS extern "C" {
#define TLSC_END_DECLS }
#else
#define TLSC_BEGIN_DECLS
#define TLSC_END_DECLS
#endif

#endif /* TLSC_COMMON_H */
