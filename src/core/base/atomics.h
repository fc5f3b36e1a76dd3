/*
 * The few atomic operations the core needs (heap counters, the
 * configuration's reference count and freeze state, the arena's lock, the
 * debug threshold), under tlsc's own names so that a single-threaded build
 * needs none. With TLSC_NO_THREADS (the bare-metal "none" platform, one
 * thread, never called from an interrupt) they are plain loads and stores:
 * a core without atomic instructions, such as the ESP8266's lx106, then
 * needs no __atomic_* helpers (libgcc has none for it). Otherwise they are
 * C11's <stdatomic.h>, sequentially consistent unless named. The macros'
 * arguments are simple lvalues and values; some are evaluated twice.
 */
#ifndef TLSC_CORE_ATOMICS_H
#define TLSC_CORE_ATOMICS_H

#include <stdbool.h>

#ifdef TLSC_NO_THREADS

#define TLSC__ATOMIC(T) T
#define TLSC__FLAG bool
#define TLSC__FLAG_INIT false
#define tlsc__atomic_init(p, v) ((void)(*(p) = (v)))
#define tlsc__atomic_load(p) (*(p))
#define tlsc__atomic_store(p, v) ((void)(*(p) = (v)))
#define tlsc__atomic_fetch_add(p, v) ((*(p) += (v)) - (v))
#define tlsc__atomic_fetch_sub(p, v) ((*(p) -= (v)) + (v))
#define tlsc__atomic_cas(p, expected, desired)                                   \
    (*(p) == *(expected) ? (*(p) = (desired), true) : (*(expected) = *(p), false))
#define tlsc__flag_test_and_set_acquire(f) (*(f) ? true : (*(f) = true, false))
#define tlsc__flag_clear_release(f) ((void)(*(f) = false))

#else

#include <stdatomic.h>

#define TLSC__ATOMIC(T) _Atomic(T)
#define TLSC__FLAG atomic_flag
#define TLSC__FLAG_INIT ATOMIC_FLAG_INIT
#define tlsc__atomic_init(p, v) atomic_init(p, v)
#define tlsc__atomic_load(p) atomic_load(p)
#define tlsc__atomic_store(p, v) atomic_store(p, v)
#define tlsc__atomic_fetch_add(p, v) atomic_fetch_add(p, v)
#define tlsc__atomic_fetch_sub(p, v) atomic_fetch_sub(p, v)
/* Strong compare-and-exchange (the weak form's spurious failures buy
 * nothing at these few call sites). */
#define tlsc__atomic_cas(p, expected, desired) atomic_compare_exchange_strong(p, expected, desired)
#define tlsc__flag_test_and_set_acquire(f) \
    atomic_flag_test_and_set_explicit(f, memory_order_acquire)
#define tlsc__flag_clear_release(f) atomic_flag_clear_explicit(f, memory_order_release)

#endif

#endif /* TLSC_CORE_ATOMICS_H */
