/*
 * The one table from the system's network error numbers to tlsc's errors,
 * used by every socket call of the POSIX platform (tcp_posix.c) and, through
 * it, by everything that opens a connection (the blocking and event
 * drivers, `tlsc probe`). One table, so the answers cannot drift apart.
 */
#include <errno.h>
#include <stddef.h>

#include "platform/platform.h"

static const struct {
    int e;
    tlsc_err err;
} net_errors[] = {
    { ECONNREFUSED, TLSC_ERR_CONN_REFUSED },
    { ENETUNREACH, TLSC_ERR_UNREACHABLE },
    { EHOSTUNREACH, TLSC_ERR_UNREACHABLE },
    { ENETDOWN, TLSC_ERR_UNREACHABLE },
    { EHOSTDOWN, TLSC_ERR_UNREACHABLE },
    { ECONNRESET, TLSC_ERR_CONN_RESET },
    { EPIPE, TLSC_ERR_CONN_RESET },
    { ENOMEM, TLSC_ERR_NO_MEMORY },
    { ENOBUFS, TLSC_ERR_NO_MEMORY },
};

tlsc_err tlsc__net_error(int e)
{
    for (size_t i = 0; i < sizeof net_errors / sizeof net_errors[0]; i++) {
        if (net_errors[i].e == e)
            return net_errors[i].err;
    }
    return TLSC_ERR_NETWORK;
}
