/*
 * tlsc/verify.h — offline certificate-chain verification.
 *
 * tlsc_verify_chain checks a server's certificate chain without any
 * network, with exactly the policy a connection made from the same
 * configuration applies (see the policy list above TLSC_VERIFY_EXPIRED in
 * tlsc/config.h): trust, dates, host name, key usages, CA constraints,
 * name constraints, weak algorithms, pins, the unknown-clock rule and the
 * application's verify callback. Use it to check a chain before deploying
 * it, in a provisioning tool, or to test a trust store.
 */
#ifndef TLSC_VERIFY_H
#define TLSC_VERIFY_H

#include "tlsc/common.h"
#include "tlsc/error.h"
#include "tlsc/config.h"

TLSC_BEGIN_DECLS

/*
 * Verify `chain` as the certificate list a server would send: PEM with one
 * or more certificates (leaf first, then intermediates in any order; text
 * between blocks is ignored) or a single DER certificate (the leaf alone).
 * For PEM, len may include or exclude a final NUL. The chain is only read
 * during the call (nothing is kept).
 *
 * host: the name the server must be valid for (DNS name or IP literal, as
 * for tlsc_conn_set_server_name; a final dot is removed), or NULL to skip the host-name check
 * (connections never skip it).
 * unix_time: the time to verify at, in Unix seconds (UTC); a negative
 * value asks the configuration's clock, with its rules (TLSC_ERR_CLOCK_NOT_SET
 * unless tlsc_config_allow_unknown_time).
 * flags: if not NULL, receives the TLSC_VERIFY_* failures found (0 when
 * valid), as tlsc_conn_verify_flags would.
 * detail/detail_cap: if detail is not NULL and detail_cap > 0, receives
 * the reason(s) in words, NUL-terminated and truncated to fit ("" when
 * valid).
 *
 * Like tlsc_conn_new, this freezes cfg (later setters fail with
 * TLSC_ERR_CONFIG_FROZEN); it may be called from several threads at once.
 *
 * Returns TLSC_OK when the chain is valid. Errors: TLSC_ERR_INVALID_ARG
 * (cfg or chain NULL, len 0), TLSC_ERR_HOSTNAME (host invalid),
 * TLSC_ERR_NO_TRUST (no CA, bundle, pin or insecure setting),
 * TLSC_ERR_CERT_PARSE (no certificate in chain: no PEM CERTIFICATE block,
 * and not one DER certificate), TLSC_ERR_NO_MEMORY,
 * TLSC_ERR_CLOCK_NOT_SET, and the verification errors (7xx) a connection
 * would give for the same chain — TLSC_ERR_CERT_BAD also when a
 * certificate of the chain cannot be parsed (mbedTLS's reason, or an
 * unknown critical extension, in detail).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_verify_chain(tlsc_config *cfg, const void *chain,
                                                   size_t len, const char *host,
                                                   int64_t unix_time, uint32_t *flags,
                                                   char *detail, size_t detail_cap);

TLSC_END_DECLS

#endif /* TLSC_VERIFY_H */
