/*
 * PSA key slots: how full the fixed key-slot table is (keyslots.c).
 */
#ifndef TLSC_CORE_MBEDTLS_KEYSLOTS_H
#define TLSC_CORE_MBEDTLS_KEYSLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* keyslots.c: whether PSA's fixed key-slot table is (nearly) full now,
 * i.e. a failure just seen was most likely a key import finding no free
 * slot. Always false when the key store grows on the heap. */
bool tlsc__key_slots_exhausted(void);
/* PSA key slots one handshake holds at its peak, and one open connection
 * (measured: docs/footprint.md, Capacity). */
#define TLSC__HANDSHAKE_KEY_SLOTS 5u
#define TLSC__OPEN_KEY_SLOTS 4u
/* Free slots now (SIZE_MAX when the store grows on the heap). */
size_t tlsc__key_slots_free(void);
/* Whether a handshake's worth of slots is free now. */
bool tlsc__key_slots_free_for_handshake(void);
/* The event loop's default cap on handshakes in flight: 0 (none) when the
 * store grows, else what the table holds with each handshake's connection
 * staying open afterwards. */
unsigned tlsc__max_handshakes_default(void);

#endif /* TLSC_CORE_MBEDTLS_KEYSLOTS_H */
