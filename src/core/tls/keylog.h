/*
 * The key log (keylog.c).
 */
#ifndef TLSC_CORE_TLS_KEYLOG_H
#define TLSC_CORE_TLS_KEYLOG_H

#include "tlsc/tlsc.h"

/* keylog.c: hand c's secrets to the configuration's key log, if any. */
void tlsc__keylog_attach(tlsc_conn *c);

#endif /* TLSC_CORE_TLS_KEYLOG_H */
