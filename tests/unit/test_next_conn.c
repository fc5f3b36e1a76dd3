/*
 * "The next connection like this one" (src/core/next_conn.c) without a
 * peer: the one saved session (import, export, forget), which name and
 * port it is offered to, and a blob the core refuses being forgotten so
 * the next connection does not offer it again. Resumption itself is
 * checked against real servers (event, event_http, interop_http[_event]).
 */
#include "unit.h"

#include <string.h>

#include "tlsc/tlsc.h"
#include "core/tls/next_conn.h"

static tlsc_config *psk_config(void)
{
    tlsc_config *cfg = NULL;
    static const unsigned char key[16] = {1, 2, 3};
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_set_psk(cfg, "dev", key, sizeof key), TLSC_OK);
    return cfg;
}

static void test_import_export_forget(void **state)
{
    (void)state;
    tlsc__next_conn n = {0};
    unsigned char out[8];
    size_t len = 0;
    assert_int_equal(tlsc__next_export(&n, out, sizeof out, &len), TLSC_ERR_NO_SESSION);
    assert_int_equal(tlsc__next_import(&n, "abc", 0), TLSC_ERR_INVALID_ARG);
    assert_int_equal(tlsc__next_import(&n, "session", 7), TLSC_OK);
    assert_int_equal(tlsc__next_export(&n, out, 3, &len), TLSC_ERR_BUFFER_SIZE);
    assert_int_equal(len, 7);
    assert_int_equal(tlsc__next_export(&n, out, sizeof out, &len), TLSC_OK);
    assert_memory_equal(out, "session", 7);
    assert_string_equal(n.name, ""); /* imported: offered to any name */
    tlsc__next_forget(&n);
    assert_null(n.blob);
    assert_int_equal(tlsc__next_export(&n, out, sizeof out, &len), TLSC_ERR_NO_SESSION);
}

static void test_refused_blob_forgotten(void **state)
{
    (void)state;
    tlsc_config *cfg = psk_config();
    tlsc__next_conn n = {0};
    assert_int_equal(tlsc__next_import(&n, "not a session blob", 18), TLSC_OK);
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc__next_conn_new(&n, cfg, NULL, "device.example", 8883, true, &c),
                     TLSC_OK);
    assert_int_equal(n.len, 0); /* offered, refused by the core, forgotten */
    tlsc_conn_free(c);
    tlsc__next_forget(&n);
    tlsc_config_free(cfg);
}

static void test_offered_to_its_owner_only(void **state)
{
    (void)state;
    tlsc_config *cfg = psk_config();
    tlsc__next_conn n = {0};
    assert_int_equal(tlsc__next_import(&n, "not a session blob", 18), TLSC_OK);
    /* as if kept from a connection to a.example:443 */
    memcpy(n.name, "a.example", 10);
    n.port = 443;
    tlsc_conn *c = NULL;
    /* another name, another port: not offered, so kept */
    assert_int_equal(tlsc__next_conn_new(&n, cfg, NULL, "b.example", 443, true, &c), TLSC_OK);
    tlsc_conn_free(c);
    assert_int_equal(tlsc__next_conn_new(&n, cfg, NULL, "a.example", 8443, true, &c), TLSC_OK);
    tlsc_conn_free(c);
    assert_int_equal(n.len, 18);
    /* a server name given wins over the host */
    assert_int_equal(tlsc__next_conn_new(&n, cfg, "a.example", "192.0.2.1", 443, true, &c),
                     TLSC_OK);
    assert_int_equal(n.len, 0); /* offered (and refused: it is no session) */
    tlsc_conn_free(c);
    tlsc__next_forget(&n);
    tlsc_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_export_forget),
        cmocka_unit_test(test_refused_blob_forgotten),
        cmocka_unit_test(test_offered_to_its_owner_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
