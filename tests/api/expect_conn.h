/* A connection whose handshake must end a given way, for the cmocka API
 * tests (see expect_conn.c). */
#ifndef TLSC_TEST_EXPECT_CONN_H
#define TLSC_TEST_EXPECT_CONN_H

#include "tlsc/tlsc.h"

/* A connection of cfg (the caller's reference to cfg is dropped) to
 * "localhost" at 127.0.0.1:port; the test fails unless tlsc_conn_connect
 * returns expect. The caller frees the connection. */
tlsc_conn *connect_expect(tlsc_config *cfg, int port, tlsc_err expect);

#endif
