/*
 * tlsc__net_error: the one table from network errno values to tlsc's
 * errors (src/platform/net_error_posix.c). Every socket call of the
 * library, and so both drivers and `tlsc probe`, answer through it;
 * tests/build/net_errors.sh checks that no other file maps errno values.
 */
#include "unit.h"

#include <errno.h>

#include "platform/platform.h"

static const struct {
    int e;
    tlsc_err err;
} expected[] = {
    {ECONNREFUSED, TLSC_ERR_CONN_REFUSED},
    {ENETUNREACH, TLSC_ERR_UNREACHABLE},
    {EHOSTUNREACH, TLSC_ERR_UNREACHABLE},
    /* these four once differed between tools/cli_wire.c and the library */
    {ENETDOWN, TLSC_ERR_UNREACHABLE},
    {EHOSTDOWN, TLSC_ERR_UNREACHABLE},
    {ENOMEM, TLSC_ERR_NO_MEMORY},
    {ENOBUFS, TLSC_ERR_NO_MEMORY},
    {ECONNRESET, TLSC_ERR_CONN_RESET},
    {EPIPE, TLSC_ERR_CONN_RESET},
    /* anything else is a network error of no more precise kind */
    {EACCES, TLSC_ERR_NETWORK},
    {EIO, TLSC_ERR_NETWORK},
    {0, TLSC_ERR_NETWORK},
    {-1, TLSC_ERR_NETWORK},
};

static void each_errno_maps_once(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        tlsc_err got = tlsc__net_error(expected[i].e);
        if (got != expected[i].err)
            fail_msg("errno %d: %d, expected %d", expected[i].e, (int)got, (int)expected[i].err);
    }
}

/* Every answer is in the network category, or out of memory. */
static void answers_are_network_or_memory(void **state)
{
    (void)state;
    for (int e = 0; e < 200; e++) {
        tlsc_err err = tlsc__net_error(e);
        assert_true(tlsc_err_category(err) == TLSC_CAT_NETWORK || err == TLSC_ERR_NO_MEMORY);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_errno_maps_once),
        cmocka_unit_test(answers_are_network_or_memory),
    };
    return cmocka_run_group_tests_name("unit_net_error", tests, NULL, NULL);
}
