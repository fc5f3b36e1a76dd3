/*
 * Platform layer: everything that touches the operating system. One file
 * per platform implements it (posix_*.c here); the core never calls the OS
 * directly. Internal; names are `tlsc__`.
 */
#ifndef TLSC_PLATFORM_H
#define TLSC_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsc/error.h"
#include "tlsc/transport.h"

/*
 * Per-thread state of the core (the active configuration, allocation
 * failures). A bare-metal build (platform none, TLSC_NO_THREADS) has no
 * thread pointer to find thread-local storage with (arm-none-eabi has no
 * __aeabi_read_tp), and only one thread: plain static storage there.
 */
#ifdef TLSC_NO_THREADS
#define TLSC__THREAD_LOCAL
#else
#define TLSC__THREAD_LOCAL _Thread_local
#endif

/* Monotonic milliseconds. */
uint64_t tlsc__monotonic_ms(void);
/* Wall-clock Unix seconds from the system (may be unset: 1970). */
int64_t tlsc__system_time(void);
/* Wall-clock Unix milliseconds from the system. */
int64_t tlsc__wall_ms(void);
/* Sleep briefly (used only by blocking calls over transports without wait). */
void tlsc__sleep_ms(unsigned ms);

/* Fill buf with len bytes from the system's entropy source (POSIX:
 * getentropy; bare metal: the application's tlsc_platform_entropy, a
 * TRNG). 0 on success, non-zero when the source failed. tlsc's random
 * generator (core/rng.c) seeds and reseeds from it. */
int tlsc__entropy(unsigned char *buf, size_t len);

/* Run fn exactly once per process, thread-safely. */
void tlsc__once(void (*fn)(void));

/*
 * The platform's part of reading a file whole (the rest, the size limit,
 * the allocation and the wording, is core/base/file.c's tlsc__read_file,
 * once for every platform). tlsc__file_open opens path for reading
 * without ever waiting (a FIFO is not waited on) and checks it is a
 * regular file where the platform can tell: *fd, its *size and *mode
 * (st_mode; 0 where the platform cannot tell), or TLSC_ERR_FILE with
 * "PATH: reason" in detail ("PATH: a FIFO, not a regular file", "PATH: No
 * such file or directory") and nothing to close.
 * tlsc__file_read_all reads exactly len bytes (false on a failure or a
 * file that shrank); tlsc__file_close closes an opened fd.
 */
tlsc_err tlsc__file_open(const char *path, int *fd, uint64_t *size, unsigned *mode,
                         char *detail, size_t cap);
bool tlsc__file_read_all(int fd, unsigned char *buf, size_t len);
void tlsc__file_close(int fd);

/*
 * Whether path names something a download may replace by renaming a new
 * file over it: nothing, or a regular file. A device, FIFO, socket,
 * directory or symlink is not (rename() would replace /dev/null itself).
 * A platform that cannot tell answers true.
 */
bool tlsc__file_replaceable(const char *path);

/* ---- name resolution --------------------------------------------------- */

/* Most addresses one lookup reports and one connect tries (in the
 * resolver's order). */
#define TLSC__RESOLVE_MAX 4
/* Text of one numeric address ("192.0.2.1", "2001:db8::1"). */
typedef char tlsc__addr_text[48];

/*
 * Resolve host now, blocking (the blocking driver; a numeric host answers
 * at once): TLSC_OK with *count (>= 1) addresses, or TLSC_ERR_DNS /
 * _DNS_TEMPORARY / _NO_MEMORY with detail. Optional for a port whose
 * tlsc__tcp_open resolves by itself (lwIP).
 */
tlsc_err tlsc__resolve_now(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                           size_t *count, char *detail, size_t cap);

/*
 * Tests only: answer every lookup (tlsc__resolve_now and the asynchronous
 * one) from fn instead of the system resolver, which lets a test give a
 * name several addresses without touching /etc/hosts, or make it fail as
 * the system resolver can. fn stands in for getaddrinfo: it fills addrs,
 * sets *count (at most TLSC__RESOLVE_MAX) and returns getaddrinfo's
 * answer: 0 (with *count 0: a name without a usable address), EAI_NONAME,
 * EAI_AGAIN..., or EAI_SYSTEM with errno set to the cause. It may run on
 * the resolver's worker thread. NULL restores the system resolver.
 */
typedef int (*tlsc__resolve_hook)(const char *host, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                                  size_t *count);
void tlsc__resolve_set_hook(tlsc__resolve_hook fn);

/*
 * Resolve a DNS name without blocking the caller. On POSIX a detached worker
 * thread runs getaddrinfo and signals completion through a descriptor the
 * event loop watches for reading (tlsc__resolve_fd). A port to an RTOS maps
 * start to lwIP's dns_gethostbyname() and signals from its callback.
 */
typedef struct tlsc__resolve tlsc__resolve;

/* Start resolving host. Errors: TLSC_ERR_NO_MEMORY, TLSC_ERR_DNS_TEMPORARY
 * (no worker could be started), TLSC_ERR_CONFIG (no resolver); detail says
 * why. */
tlsc_err tlsc__resolve_start(tlsc__resolve **out, const char *host, char *detail,
                             size_t cap);
/* Descriptor that becomes readable once the result is ready. */
int tlsc__resolve_fd(const tlsc__resolve *r);
/* TLSC_WANT_READ while pending; TLSC_OK with *count (>= 1) addresses as
 * numeric text; or TLSC_ERR_DNS / _DNS_TEMPORARY / _NO_MEMORY with detail. */
tlsc_err tlsc__resolve_result(tlsc__resolve *r, tlsc__addr_text addrs[TLSC__RESOLVE_MAX],
                              size_t *count, char *detail, size_t cap);
/* Abandon or release a lookup (a running worker finishes on its own).
 * NULL allowed. */
void tlsc__resolve_free(tlsc__resolve *r);

/* ---- TCP ------------------------------------------------------------------ */

/*
 * The one mapping of the system's network error numbers (errno) to tlsc's
 * errors, for every socket call of the platform (connect, send, recv,
 * poll). Unknown numbers give TLSC_ERR_NETWORK.
 */
tlsc_err tlsc__net_error(int e);

typedef struct tlsc__tcp tlsc__tcp;

/*
 * Start a non-blocking connect to port on each address in turn: addrs[0 ..
 * count) as given (the event driver's asynchronous lookup), or, with
 * count 0, the addresses of host (tlsc__resolve_now). Errors: DNS errors,
 * network errors of the last address tried, TLSC_ERR_NO_MEMORY; detail
 * says which name/address and why.
 */
tlsc_err tlsc__tcp_open(tlsc__tcp **out, const char *host, const tlsc__addr_text *addrs,
                        size_t count, uint16_t port, char *detail, size_t cap);
/*
 * Continue connecting: TLSC_OK once connected, TLSC_WANT_WRITE while in
 * progress. When an address fails it moves to the next one and answers
 * TLSC_WANT_WRITE with detail saying why the previous one failed (detail is
 * "" otherwise); with none left it returns the last address's error.
 */
tlsc_err tlsc__tcp_poll_connect(tlsc__tcp *t, char *detail, size_t cap);
/*
 * Give up the address being tried (its connect took too long) and start
 * the next: TLSC_WANT_WRITE, or TLSC_ERR_TIMEOUT_CONNECT when it was the
 * last (detail names it).
 */
tlsc_err tlsc__tcp_next(tlsc__tcp *t, char *detail, size_t cap);
/* The numeric address being tried or connected ("" when unknown). */
const char *tlsc__tcp_address(const tlsc__tcp *t);
/* The descriptor to wait on, or -1 (a port without descriptors). */
int tlsc__tcp_fd(const tlsc__tcp *t);
/* Close the socket and free t. NULL allowed. */
void tlsc__tcp_close(tlsc__tcp *t);
/* The transport functions over a tlsc__tcp (ctx = the tcp), close being
 * tlsc__tcp_close (also public: tlsc_tcp_transport in tlsc/transport.h). */
extern const tlsc_transport tlsc__tcp_transport;

/* ---- waiting (the event loop) --------------------------------------------- */

/* Readiness bits of tlsc__wait's results. */
#define TLSC__READY_READ 1u
#define TLSC__READY_WRITE 2u

/*
 * Wait until one of the n descriptors fd[i] is ready for what want[i]
 * asks (TLSC__READY_* bits), or timeout_ms passes (-1 = no limit, 0 =
 * just look). ready[i] receives what fd[i] is ready for (an error or a
 * hang-up counts as both). The event loop's only call into the platform
 * while it waits; n may be 0 (wait for the timeout alone). Errors:
 * TLSC_ERR_NO_MEMORY, TLSC_ERR_INTERNAL (the wait itself failed).
 */
tlsc_err tlsc__wait(const int *fd, const unsigned char *want, unsigned char *ready, size_t n,
                    int timeout_ms);

#endif /* TLSC_PLATFORM_H */
