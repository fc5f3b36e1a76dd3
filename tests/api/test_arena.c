/*
 * The fixed memory arena (tlsc_alloc_use_arena): verified handshakes with
 * no malloc at all, exhaustion as a clean TLSC_ERR_NO_MEMORY, and the
 * arena back to its baseline afterwards (nothing leaked, nothing
 * fragmented). Its own process: the allocator is process-wide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"

/* Enough for a full-profile TLS 1.3 handshake (~55 KB) and then some. */
static unsigned char arena[160 * 1024];

static int start_server(peer *p)
{
    const char *args[] = { "-cert", path("server-p256.pem"), "-key", path("server-p256.key"),
                           "-cert_chain", path("int.pem"), "-rev", "-naccept", "4", NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

static tlsc_config *config(void)
{
    tlsc_config *cfg = NULL;
    tlsc_err err = tlsc_config_new(&cfg);
    if (err != TLSC_OK)
        return NULL;
    /* A full arena may run out in either call: a clean error both ways. */
    err = tlsc_config_add_ca_file(cfg, path("root.pem"));
    if (err == TLSC_ERR_NO_MEMORY) {
        tlsc_config_free(cfg);
        return NULL;
    }
    assert_int_equal(err, TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    return cfg;
}

static tlsc_err handshake(int port)
{
    tlsc_config *cfg = config();
    assert_non_null(cfg);
    tlsc_conn *c = NULL;
    tlsc_err err = tlsc_conn_new(cfg, &c);
    tlsc_config_free(cfg);
    if (err != TLSC_OK)
        return err;
    err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err == TLSC_OK) {
        char buf[8] = "";
        size_t got = 0;
        assert_int_equal(tlsc_conn_write(c, "abc\n", 4), TLSC_OK);
        assert_int_equal(tlsc_conn_read(c, buf, 4, &got), TLSC_OK);
        assert_memory_equal(buf, "cba", 3);
    }
    tlsc_conn_free(c);
    return err;
}

static void arena_serves_everything(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p);
    size_t free0, largest0, free1, largest1, min_free;

    /* the first handshake may leave PSA's global state behind (the full
     * profile's growing key store; nothing in the small ones): the
     * baseline */
    assert_int_equal(handshake(port), TLSC_OK);
    size_t heap0 = tlsc_heap_current();
    tlsc_arena_stats(&free0, &largest0, NULL);
    assert_true(free0 <= sizeof arena);

    assert_int_equal(handshake(port), TLSC_OK);
    assert_int_equal(tlsc_heap_current(), heap0);
    tlsc_arena_stats(&free1, &largest1, &min_free);
    assert_int_equal(free1, free0);
    assert_int_equal(largest1, largest0); /* coalesced back: no fragmentation */
    assert_true(min_free < free0 - 8 * 1024); /* the handshake used the arena */
    peer_stop(&p);
}

static void exhaustion_is_a_clean_error(void **state)
{
    (void)state;
    peer p = { 0 };
    int port = start_server(&p);
    size_t free0, largest0;
    tlsc_arena_stats(&free0, &largest0, NULL);

    /* fill the arena with configurations until it is full */
    enum { MAX_CFG = 256 };
    static tlsc_config *cfgs[MAX_CFG];
    size_t n = 0;
    while (n < MAX_CFG && (cfgs[n] = config()) != NULL)
        n++;
    assert_true(n > 2 && n < MAX_CFG);
    /* what a CA no longer fits in may still hold bare configurations */
    while (n < MAX_CFG && tlsc_config_new(&cfgs[n]) == TLSC_OK)
        n++;
    assert_true(n < MAX_CFG);
    tlsc_config *none = NULL;
    assert_int_equal(tlsc_config_new(&none), TLSC_ERR_NO_MEMORY);
    assert_null(none);

    /* leave a few KB: a handshake cannot fit, and fails cleanly */
    size_t k = 0;
    size_t left = 0;
    while (k < n && (tlsc_arena_stats(&left, NULL, NULL), left < 8 * 1024))
        tlsc_config_free(cfgs[n - 1 - k++]);
    tlsc_err err = handshake(port);
    assert_int_equal(err, TLSC_ERR_NO_MEMORY);

    /* give everything back: the arena is whole again and works */
    while (k < n)
        tlsc_config_free(cfgs[n - 1 - k++]);
    size_t free1, largest1;
    tlsc_arena_stats(&free1, &largest1, NULL);
    assert_int_equal(free1, free0);
    assert_int_equal(largest1, largest0);
    assert_int_equal(handshake(port), TLSC_OK);
    peer_stop(&p);
}

static void arena_rules(void **state)
{
    (void)state;
    /* blocks are live: no other allocator (or arena) may take over */
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_alloc_use_arena(arena, sizeof arena), TLSC_ERR_STATE);
    tlsc_config_free(cfg);
    assert_int_equal(tlsc_alloc_use_arena(NULL, 4096), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc_alloc_use_arena(arena, 100), TLSC_ERR_INVALID_ARG);
}

int main(void)
{
    /* before anything allocates */
    if (tlsc_alloc_use_arena(arena, sizeof arena) != TLSC_OK) {
        fprintf(stderr, "test_arena: cannot install the arena\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_serves_everything),
        cmocka_unit_test(exhaustion_is_a_clean_error),
        cmocka_unit_test(arena_rules),
    };
    return cmocka_run_group_tests_name("api_arena", tests, make_pki, drop_pki);
}
