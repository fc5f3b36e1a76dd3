/*
 * PSA key-slot exhaustion must be reported as what it is (issue 13,
 * section 1): with a fixed key-slot table (the small profiles), fill the
 * table with keys of our own until only k slots are free, for k = 0..8,
 * then make a verified handshake (TLS 1.3, then TLS 1.2) against a real
 * openssl s_server with a P-256 leaf and an intermediate. Each attempt must
 * succeed, or fail with TLSC_ERR_NO_MEMORY and a detail naming the PSA key
 * slots — never "unknown issuer", an alert or a protocol error, which is
 * what mbedTLS makes of a key import that finds no free slot. With no
 * free slot at all the handshake must fail that way; with the table empty
 * again it must succeed.
 *
 * The full profile's key store grows on the heap (no table to fill):
 * there the program checks only that (capacity 0) and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "client.h"
#include "peer.h"
#include "psa/crypto.h"

#define KEYS_MAX 512

static psa_key_id_t keys[KEYS_MAX];
static size_t nkeys;
static int passed, failed;

static void check(bool ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok" : "not ok", what);
    if (ok)
        passed++;
    else
        failed++;
}

/* Import AES keys until only `left` slots are free. */
static bool fill_table(size_t left)
{
    size_t cap = tlsc_key_slots_capacity();
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_bits(&a, 128);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_ENCRYPT);
    psa_set_key_algorithm(&a, PSA_ALG_GCM);
    static const unsigned char raw[16] = {1, 2, 3};
    while (tlsc_key_slots_in_use() + left < cap && nkeys < KEYS_MAX) {
        if (psa_import_key(&a, raw, sizeof raw, &keys[nkeys]) != PSA_SUCCESS)
            return false;
        nkeys++;
    }
    return tlsc_key_slots_in_use() + left == cap;
}

static void empty_table(void)
{
    while (nkeys > 0)
        (void)psa_destroy_key(keys[--nkeys]);
}

/* Slots the last connection held while open (beyond those in use before:
 * mbedTLS 3.6.6 leaks one when a TLS 1.3 transform's second key import
 * fails, see test_alloc_fail.c, so earlier failed attempts may hold some). */
static size_t open_slots;

static tlsc_err attempt(const char *ca, int port, tlsc_tls_version v, char *detail, size_t cap)
{
    tlsc_conn *c = NULL;
    tlsc_err err = client_new(ca, v, &c);
    size_t before = tlsc_key_slots_in_use();
    if (err == TLSC_OK)
        err = client_ping(c, port);
    open_slots = tlsc_key_slots_in_use() - before;
    snprintf(detail, cap, "%s", c != NULL ? tlsc_conn_errmsg(c) : "");
    tlsc_conn_free(c);
    return err;
}

static void run(const char *ca, int port, tlsc_tls_version v, const char *name)
{
    char what[600], detail[512], words[64];
    size_t cap = tlsc_key_slots_capacity();
    snprintf(words, sizeof words, "PSA key slots exhausted (%zu in this build", cap);
    int exhausted = 0;
    for (size_t left = 0; left <= 8; left++) {
        if (!fill_table(left)) {
            check(false, "could not fill the key-slot table");
            return;
        }
        tlsc_err err = attempt(ca, port, v, detail, sizeof detail);
        bool named = err == TLSC_ERR_NO_MEMORY && strstr(detail, words) != NULL;
        exhausted += named;
        snprintf(what, sizeof what, "%s, %zu slots free: %s%s%s", name, left,
                 err == TLSC_OK ? "connected" : tlsc_strerror(err), err ? ": " : "",
                 err ? detail : "");
        check(err == TLSC_OK || named, what);
        if (left == 0)
            check(named, "no free slot at all: TLSC_ERR_NO_MEMORY naming the key slots");
        empty_table();
    }
    printf("# %s: %d attempts ran out of key slots\n", name, exhausted);
    check(attempt(ca, port, v, detail, sizeof detail) == TLSC_OK, "table empty again: connects");
    printf("# %s: an open connection holds %zu key slots\n", name, open_slots);
}

int main(void)
{
    const char *gen = getenv("TLSC_PKI_GEN");
    if (tlsc_key_slots_capacity() == 0) {
        /* The full profile: the store grows; the in-use count still works. */
        check(tlsc_key_slots_in_use() == 0, "key store grows on the heap; nothing in use yet");
        printf("%d passed, %d failed\n", passed, failed);
        return failed != 0;
    }
    char dir[] = "/tmp/tlsc-keyslots.XXXXXX", cmd[1024];
    if (gen == NULL || mkdtemp(dir) == NULL)
        return 1;
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' > /dev/null 2>&1", gen, dir);
    if (system(cmd) != 0) {
        printf("not ok - PKI\n0 passed, 1 failed\n");
        return 1;
    }
    char ca[512];
    peer p = {0};
    if (p256_peer_start(&p, dir, "-rev", ca, sizeof ca) <= 0) {
        printf("not ok - server did not start\n0 passed, 1 failed\n");
        return 1;
    }
    /* PSA is initialised by the first configuration. */
    tlsc_config *warm = NULL;
    if (tlsc_config_new(&warm) != TLSC_OK)
        return 1;
    tlsc_config_free(warm);
    run(ca, p.port, TLSC_TLS1_3, "TLS 1.3");
    run(ca, p.port, TLSC_TLS1_2, "TLS 1.2");
    peer_stop(&p);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
