/*
 * PSA key slots: every key a connection uses (its ECDHE key, its record
 * keys, a public key being checked during verification) lives in PSA's key
 * store. The full profile lets the store grow on the heap; the small
 * profiles have a fixed table of MBEDTLS_PSA_KEY_SLOT_COUNT slots in
 * static RAM. When that table is full, PSA answers "insufficient memory"
 * and mbedTLS turns it into whatever the failing step means: a public key
 * that cannot be imported makes a certificate "not trusted", a failed key
 * derivation a protocol error. The core asks here whether the table ran
 * full, so the error can say so.
 */
#include "tlsc/tlsc.h"
#include "core/mbedtls/keyslots.h"

#include "psa/crypto.h"

/* Slots a failing handshake step may have used and released again by the
 * time mbedTLS returns (a public key imported for one signature check, an
 * ECDHE peer key): the table counts as exhausted when no more than this
 * many are free after the failure. */
#define TRANSIENT_SLOTS 2u

#if defined(MBEDTLS_PSA_KEY_STORE_DYNAMIC)
size_t tlsc_key_slots_capacity(void)
{
    return 0; /* grows on the heap: bounded by memory, not by a table */
}
#else
size_t tlsc_key_slots_capacity(void)
{
    return MBEDTLS_PSA_KEY_SLOT_COUNT;
}
#endif

size_t tlsc_key_slots_in_use(void)
{
    mbedtls_psa_stats_t st;
    mbedtls_psa_get_stats(&st);
    return st.MBEDTLS_PRIVATE(volatile_slots) + st.MBEDTLS_PRIVATE(persistent_slots);
}

bool tlsc__key_slots_exhausted(void)
{
    size_t cap = tlsc_key_slots_capacity();
    return cap != 0 && tlsc_key_slots_in_use() + TRANSIENT_SLOTS >= cap;
}

size_t tlsc__key_slots_free(void)
{
    size_t cap = tlsc_key_slots_capacity();
    size_t used = tlsc_key_slots_in_use();
    return cap == 0 ? SIZE_MAX : cap > used ? cap - used : 0;
}

bool tlsc__key_slots_free_for_handshake(void)
{
    return tlsc__key_slots_free() >= TLSC__HANDSHAKE_KEY_SLOTS;
}

unsigned tlsc__max_handshakes_default(void)
{
    size_t cap = tlsc_key_slots_capacity();
    if (cap == 0)
        return 0;
    size_t n = cap / (TLSC__HANDSHAKE_KEY_SLOTS + TLSC__OPEN_KEY_SLOTS);
    return n == 0 ? 1 : (unsigned)n;
}
