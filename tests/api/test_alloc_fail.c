/*
 * Allocation-failure injection through the public allocator hook: for
 * every n, fail the n-th allocation made while a configuration is built and
 * a verified TLS 1.3 (then TLS 1.2) handshake runs against a real
 * openssl s_server, and require a clean result each time — success, or an
 * error (normally TLSC_ERR_NO_MEMORY) with no crash, and every byte given
 * back. The loop ends when a whole connection succeeds without the
 * injected failure being reached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "alloc_inject.h"
#include "client.h"
#include "peer.h"

/* One full attempt; returns the error (TLSC_OK if everything worked). */
static tlsc_err attempt(const char *ca, int port, tlsc_tls_version v)
{
    tlsc_conn *c = NULL;
    tlsc_err err = client_new(ca, v, &c);
    if (err == TLSC_OK)
        err = client_ping(c, port);
    tlsc_conn_free(c);
    return err;
}

static int run(const char *pki, tlsc_tls_version v, const char *name)
{
    char ca[512];
    peer p = { 0 };
    if (p256_peer_start(&p, pki, "-rev", ca, sizeof ca) <= 0) {
        printf("FAIL %s: server did not start\n", name);
        return 1;
    }
    /* Warm up: process-wide state (PSA crypto) is created once and kept. */
    tlsc_err warm = attempt(ca, p.port, v);
    size_t base = tlsc_heap_current();
    int failed = warm != TLSC_OK, nomem = 0, other = 0, known_leaks = 0;
    const char *only = getenv("ALLOC_FAIL_N"); /* reproduce one case */
    long n;
    for (n = only ? atol(only) : 0;; n++) {
        alloc_countdown = n;
        alloc_count = 0;
        tlsc_err err = attempt(ca, p.port, v);
        bool reached = alloc_countdown == 0; /* the injected failure happened */
        alloc_countdown = -1;
        if (tlsc_heap_current() != base) {
            size_t leaked = tlsc_heap_current() - base;
            /* Known upstream: mbedTLS 3.6.6's
             * mbedtls_ssl_tls13_compute_handshake_transform frees a half-built
             * transform with mbedtls_free when its second psa_import_key
             * fails, so the first key stays in PSA's key store (<= 32 bytes,
             * still reachable: LeakSanitizer does not report it). */
            bool known = v == TLSC_TLS1_3 && leaked <= 32 && err == TLSC_ERR_NO_MEMORY;
            printf("%s %s: failing allocation %ld left %zu bytes (%s)%s\n",
                   known ? "known" : "FAIL", name, n, leaked, tlsc_strerror(err),
                   known ? ": mbedTLS 3.6.6 TLS 1.3 transform key, see the comment" : "");
            if (known)
                known_leaks++;
            else
                failed++;
            base = tlsc_heap_current();
        }
        if (only != NULL)
            break;
        if (!reached) {
            if (err != TLSC_OK) {
                printf("FAIL %s: unaffected run failed: %s\n", name, tlsc_strerror(err));
                failed++;
            }
            break;
        }
        if (err == TLSC_OK)
            continue; /* a failure the code recovered from (e.g. a retried init) */
        if (err == TLSC_ERR_NO_MEMORY) {
            nomem++;
        } else {
            /* every failure must be reported as what it is */
            printf("FAIL %s: failing allocation %ld reported as: %s\n", name, n,
                   tlsc_strerror(err));
            other++;
            failed++;
        }
    }
    peer_stop(&p);
    if (known_leaks > 8) { /* a handful at the one known spot, not a trend */
        printf("FAIL %s: %d leaks at the known mbedTLS spot: more than expected\n", name,
               known_leaks);
        failed++;
    }
    printf("%s: %ld allocations in a full run; each failed once: %d gave "
           "TLSC_ERR_NO_MEMORY, %d something else; %d known mbedTLS leaks; %d problems\n",
           name, n, nomem, other, known_leaks, failed);
    return failed;
}

int main(void)
{
    if (tlsc_set_allocator(alloc_inject_calloc, alloc_inject_free, NULL) != TLSC_OK) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    const char *gen = getenv("TLSC_PKI_GEN");
    char pki[] = "/tmp/tlsc-allocfail-XXXXXX", cmd[1024];
    if (gen == NULL || mkdtemp(pki) == NULL)
        return 1;
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' >/dev/null 2>&1", gen, pki);
    int failed = system(cmd) != 0;
    if (!failed) {
        failed += run(pki, TLSC_TLS1_3, "TLS 1.3") != 0;
        failed += run(pki, TLSC_TLS1_2, "TLS 1.2") != 0;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki);
    if (system(cmd) != 0)
        failed++;
    printf("%d passed, %d failed\n", 2 - failed, failed);
    return failed != 0;
}
