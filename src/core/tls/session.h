/*
 * Sessions of a connection: capture, offer, the configuration fingerprint
 * they are bound to (session.c).
 */
#ifndef TLSC_CORE_TLS_SESSION_H
#define TLSC_CORE_TLS_SESSION_H

#include "tlsc/tlsc.h"

/* Compute cfg->id when the configuration freezes. */
int tlsc__config_fingerprint(tlsc_config *cfg);
/* After the handshake / a TLS 1.3 ticket: keep the newest session. */
void tlsc__session_capture(tlsc_conn *c);
/* At start: offer the imported session if it belongs here. */
tlsc_err tlsc__session_offer(tlsc_conn *c);
void tlsc__session_free(tlsc_conn *c);
/* The server's subject: from the verification, or, when the handshake
 * resumed without a certificate, from the imported session ("" if none). */
const char *tlsc__conn_subject(const tlsc_conn *c);

#endif /* TLSC_CORE_TLS_SESSION_H */
