/*
 * The connect-and-check step that test_client_cert and test_peer_info
 * share: one place that says what a wrong result was and what was
 * expected. cmocka only (it fails the running test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "expect_conn.h"

tlsc_conn *connect_expect(tlsc_config *cfg, int port, tlsc_err expect)
{
    tlsc_conn *c = NULL;
    assert_int_equal(tlsc_conn_new(cfg, &c), TLSC_OK);
    tlsc_config_free(cfg);
    tlsc_err err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (err != expect)
        fail_msg("connect: %s (%s), expected %s", tlsc_strerror(err), tlsc_conn_errmsg(c),
                 tlsc_strerror(expect));
    return c;
}
