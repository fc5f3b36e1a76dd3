/*
 * tlsc/tlsc.h — the whole public API of tlsc, a TLS client for small devices.
 *
 * Include this one header. See tlsc/common.h for the ownership rule that
 * applies to every function, tlsc/config.h for configuration, tlsc/conn.h
 * for connections, tlsc/event.h for event-driven connections, tlsc/bundle.h
 * for root bundles, tlsc/error.h for errors, tlsc/verify.h for offline
 * chain verification, tlsc/alloc.h for memory and tlsc/http.h for the
 * HTTPS client.
 */
#ifndef TLSC_TLSC_H
#define TLSC_TLSC_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/alloc.h"
#include "tlsc/transport.h"
#include "tlsc/config.h"
#include "tlsc/file.h"
#include "tlsc/signer.h"
#include "tlsc/conn.h"
#include "tlsc/session.h"
#include "tlsc/bundle.h"
#include "tlsc/event.h"
#include "tlsc/http.h"
#include "tlsc/mqtt.h"
#include "tlsc/verify.h"

TLSC_BEGIN_DECLS

#define TLSC_VERSION_MAJOR 0
#define TLSC_VERSION_MINOR 1
#define TLSC_VERSION_PATCH 0
#define TLSC_VERSION_STRING "0.1.0"

/* Version of the library actually linked, e.g. "0.1.0". */
TLSC_API const char *tlsc_version(void);
/* Version of the mbedTLS compiled into it, e.g. "3.6.6". */
TLSC_API const char *tlsc_mbedtls_version(void);

/*
 * Release the process-wide state that the first tlsc_config_new set up
 * (the PSA crypto subsystem: its key slots and random generator), for a
 * clean shutdown of a long-running application or a leak checker such as
 * valgrind (the tlsc command calls it before it exits). Call it once, after
 * every configuration, connection, loop, HTTP client and bundle builder is
 * freed, and while no other thread uses tlsc. A later tlsc_config_new
 * sets the state up again. Never required: without it the state is simply
 * left to the process's end.
 */
TLSC_API void tlsc_global_free(void);

TLSC_END_DECLS

#endif /* TLSC_TLSC_H */
