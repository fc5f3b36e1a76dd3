/*
 * tlsc/config.h — the shared, read-only configuration of connections.
 *
 * A tlsc_config holds everything that does not change from one connection
 * to the next: trust (CAs, pins, verify callback), client credentials (a
 * certificate + key, or a PSK), protocol versions, ALPN, timeouts, clock
 * and logging. Build it once, then create any number of connections from
 * it (tlsc_conn_new). The first tlsc_conn_new FREEZES the configuration:
 * every setter then fails with TLSC_ERR_CONFIG_FROZEN, so a configuration
 * in use can be shared between threads without locking.
 *
 * Lifetime: the configuration is reference counted. tlsc_config_new gives
 * the caller one reference, each connection holds one more; tlsc_config_free
 * drops the caller's. The object is freed, and its keys and PSKs zeroized,
 * when the last reference goes.
 *
 * Secure defaults: TLS 1.2 and 1.3; the peer's certificate chain, validity
 * dates and host name are verified; connecting without any trust configured
 * fails with TLSC_ERR_NO_TRUST; a clock that does not know the time fails
 * with TLSC_ERR_CLOCK_NOT_SET.
 *
 * Errors common to every setter: TLSC_ERR_INVALID_ARG (NULL config or a
 * required pointer is NULL), TLSC_ERR_CONFIG_FROZEN, TLSC_ERR_NO_MEMORY.
 * Setters that fail leave the configuration as it was.
 */
#ifndef TLSC_CONFIG_H
#define TLSC_CONFIG_H

#include "tlsc/common.h"
#include "tlsc/error.h"

TLSC_BEGIN_DECLS

typedef struct tlsc_config tlsc_config;

/* ---- lifetime --------------------------------------------------------- */

/* Create a configuration with the secure defaults above. *out is set to
 * NULL on error. Errors: TLSC_ERR_INVALID_ARG, TLSC_ERR_NO_MEMORY,
 * TLSC_ERR_INTERNAL (the crypto library failed to initialise),
 * TLSC_ERR_RANDOM (the entropy source failed, tlsc/platform.h). */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_new(tlsc_config **out);

/* Drop the caller's reference. NULL is allowed. */
TLSC_API void tlsc_config_free(tlsc_config *cfg);

/*
 * Detail text of the last failing setter on this configuration (which
 * certificate of a file failed to parse, the mbedTLS reason, ...), or ""
 * when the last setter succeeded. Owned by cfg; valid until the next setter.
 */
TLSC_API const char *tlsc_config_errmsg(const tlsc_config *cfg);

/* ---- protocol versions ------------------------------------------------ */

typedef enum tlsc_tls_version {
    TLSC_TLS1_2 = 0x0303,
    TLSC_TLS1_3 = 0x0304
} tlsc_tls_version;

/* Allowed range of versions (default 1.2 .. 1.3).
 * Errors: TLSC_ERR_VERSION_RANGE if min > max or a value is unknown. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_versions(tlsc_config *cfg,
                                                          tlsc_tls_version min,
                                                          tlsc_tls_version max);

/*
 * Restrict the cipher suites offered to those named in `suites`, a
 * comma-separated list of IANA names ("TLS_AES_128_GCM_SHA256,
 * TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"; no spaces), each one tlsc
 * supports (tlsc_suite_name). They are offered in tlsc's order of
 * preference, not the list's, and only those the configuration can use:
 * a PSK suite needs a PSK, a certificate suite some certificate trust, a
 * TLS 1.3 suite TLS 1.3 in the version range. A list that leaves nothing
 * to offer makes connections fail with TLSC_ERR_NO_COMMON_PARAMS. NULL or
 * "" restores the default (every supported suite).
 * Errors: TLSC_ERR_INVALID_ARG (unknown or unsupported name; the detail
 * names it).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_suites(tlsc_config *cfg,
                                                        const char *suites);

/* The IANA name of the index-th cipher suite tlsc supports (index from 0,
 * in tlsc's order of preference), or NULL past the last one. Static. */
TLSC_API const char *tlsc_suite_name(size_t index);

/*
 * Keep the certificates the server sent for the life of each connection,
 * so that tlsc_conn_peer_cert can show them after the handshake (default:
 * false — they are freed once verified, a few KB per connection).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_keep_peer_chain(tlsc_config *cfg,
                                                             bool keep);

/* ---- trust ------------------------------------------------------------ */

/* Many roots at once, used in place from flash: see tlsc/bundle.h
 * (tlsc_config_set_bundle). */

/*
 * Add trusted CA certificates from memory: PEM (one or many certificates;
 * text between them is ignored) or a single DER certificate. For PEM, len
 * may include or exclude a final NUL. Certificates that fail to parse are
 * skipped if at least one parses (their count is in tlsc_config_errmsg);
 * if none parses the call fails.
 * Errors: TLSC_ERR_CERT_PARSE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_add_ca(tlsc_config *cfg,
                                                    const void *data,
                                                    size_t len);

/*
 * Files read by the *_file setters (CA, CRL, bundle, client certificate
 * and key): only regular files are read, at most TLSC_FILE_MAX bytes each.
 * A FIFO, device, socket or directory, or a larger file, fails with
 * TLSC_ERR_FILE and a detail naming the file and what it is (a FIFO is
 * never waited on): "cannot read PATH: a FIFO, not a regular file". An
 * application reads files by the same rules with tlsc_file_read
 * (tlsc/file.h).
 */
#define TLSC_FILE_MAX (1024u * 1024u)

/* Same from a file (for example /etc/ssl/certs/ca-certificates.crt).
 * Skipped certificates are counted in tlsc_config_errmsg, prefixed with
 * the path, also when the call succeeds.
 * Errors: TLSC_ERR_FILE, TLSC_ERR_CERT_PARSE. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_add_ca_file(tlsc_config *cfg,
                                                         const char *path);

/*
 * Add certificate revocation lists from memory: PEM (one or many "X509
 * CRL" blocks) or a single DER CRL, as published by the CAs added with
 * tlsc_config_add_ca (tlsc fetches nothing). While verifying, a certificate
 * listed by a CRL of its issuer is refused (TLSC_VERIFY_REVOKED); a CRL of
 * the issuer that is expired, not yet valid or not signed by it (or whose
 * issuer's keyUsage lacks cRLSign) fails verification (TLSC_VERIFY_OTHER):
 * fail closed. A CRL is consulted for every certificate of the path whose
 * issuer (an intermediate, an added CA or a bundle root) has its name and
 * signed it. Each CRL must carry a CRL number and no critical
 * extension mbedTLS does not know (RFC 5280 5.2). All or nothing: if one
 * CRL fails, none is added.
 * Errors: TLSC_ERR_CERT_PARSE.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_add_crl(tlsc_config *cfg, const void *data,
                                                     size_t len);

/* Same from a file. Errors: TLSC_ERR_FILE, TLSC_ERR_CERT_PARSE. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_add_crl_file(tlsc_config *cfg,
                                                          const char *path);

/*
 * Pin the server's public key: "sha256//BASE64" where BASE64 is the SHA-256
 * of the leaf certificate's DER SubjectPublicKeyInfo, as curl's
 * --pinnedpubkey. Several pins may be given in one string separated by ';'
 * or by repeated calls; the leaf must match one of them.
 * With CAs or a root bundle (tlsc/bundle.h) configured, the pin is checked
 * IN ADDITION to chain validation. Without either, the pin is the only trust
 * (like ESP8266's setKnownKey): the chain is not required to reach a CA, but
 * dates and host name are still verified.
 * Errors: TLSC_ERR_PIN (not sha256//, bad base64, not 32 bytes).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_add_pin(tlsc_config *cfg,
                                                     const char *pins);

/*
 * Verification failure bits, as seen by the verify callback and returned
 * by tlsc_conn_verify_flags and tlsc_verify_chain.
 *
 * The policy (the same for connections and tlsc_verify_chain), following
 * the rules browsers and webpki (rustls) apply to server certificates:
 *  - the chain must reach a configured CA or bundle root; dates of every
 *    certificate are checked;
 *  - the host name is matched against the leaf's subjectAltName only:
 *    dNSName per RFC 6125 (one left-most wildcard label), iPAddress for IP
 *    hosts. The subject CN is never used when the leaf has a SAN, and by
 *    default not at all (tlsc_config_allow_cn_fallback);
 *  - names have one canonical form, the same for host matching, name
 *    constraints and the profile: DNS names compare case-insensitively
 *    (ASCII), and are relative. The host given to tlsc may end with a dot
 *    ("example.com."), which is removed once, before anything else (SNI,
 *    matching, sessions); a certificate presenting an absolute name (a
 *    SAN dNSName or a fallback CN ending with a dot) is refused for it
 *    (TLSC_VERIFY_PROFILE for the SAN, TLSC_VERIFY_HOSTNAME for the CN, and
 *    TLSC_VERIFY_NAME_CONSTRAINTS under a constrained CA), as is a dNSName
 *    constraint ending with a dot; as webpki does;
 *  - the leaf's extendedKeyUsage, when present, must list serverAuth
 *    (anyExtendedKeyUsage is not enough); an intermediate's
 *    extendedKeyUsage, when present, must list serverAuth or
 *    anyExtendedKeyUsage (TLSC_VERIFY_EKU). The leaf's keyUsage, when
 *    present, must allow digitalSignature (every key exchange tlsc offers
 *    needs the server to sign; TLSC_VERIFY_KEY_USAGE);
 *  - every issuer needs basicConstraints CA:TRUE and, when it has a
 *    keyUsage, keyCertSign (TLSC_VERIFY_NOT_CA); pathLenConstraint is
 *    honoured (TLSC_VERIFY_PATH_LEN);
 *  - nameConstraints of CAs (trusted or intermediate) are enforced for
 *    dNSName, iPAddress and directoryName subtrees on the names of every
 *    certificate below; a constraint of another type fails when a
 *    certificate below has a name of that type, as does a chain with more
 *    than 4 constrained CAs or more than 65536 name checks per certificate
 *    (TLSC_VERIFY_NAME_CONSTRAINTS);
 *  - RSA keys under 2048 bits, and signatures with SHA-1 or MD5 (anything
 *    but SHA-256/384/512) are refused (TLSC_VERIFY_WEAK);
 *  - the certificate profile of RFC 5280 and the CA/Browser Forum, as
 *    webpki checks it (TLSC_VERIFY_PROFILE unless said otherwise): X.509
 *    v3 only; serial numbers positive, non-zero, at most 20 octets; no
 *    empty issuer, no CA with an empty subject; authorityKeyIdentifier
 *    (keyIdentifier only, non-critical) on every certificate but
 *    self-issued roots, subjectKeyIdentifier (non-critical) on every CA;
 *    basicConstraints critical on CAs; the leaf is no CA and has no
 *    keyCertSign (TLSC_VERIFY_NOT_CA / _KEY_USAGE); the leaf HAS an
 *    extendedKeyUsage, non-critical, and a root has none (TLSC_VERIFY_EKU);
 *    nameConstraints only on CAs, critical, non-empty; no policyConstraints;
 *    authorityInfoAccess non-critical and well-formed; the leaf's SAN is
 *    critical exactly when its subject is empty, its dNSNames are valid
 *    LDH names (one leading "*." allowed) and its subject CN, if any, is a
 *    verbatim copy of a SAN entry; RSA moduli are whole bytes;
 *  - at most 8 intermediates (mbedTLS's limit), or fewer with
 *    tlsc_config_set_max_chain_depth (TLSC_VERIFY_CHAIN_DEPTH);
 *  - the path is searched among every certificate the server sent and
 *    every trusted CA, at most 16 signature checks by default
 *    (tlsc_config_set_max_signature_checks; TLSC_VERIFY_PATH_BUDGET);
 *  - a certificate with a critical extension tlsc does not process is
 *    refused (TLSC_VERIFY_CRITICAL_EXT). Limitation of mbedTLS 3.6: during
 *    a handshake mbedTLS itself parses the server's certificates and
 *    cannot be given tlsc's extension handler, so a certificate SENT BY THE
 *    SERVER carrying a critical nameConstraints extension is refused too
 *    (TLSC_ERR_CERT_BAD) — fail closed. Trusted CAs (tlsc_config_add_ca)
 *    with nameConstraints, critical or not, are accepted and enforced, as
 *    are non-critical nameConstraints in server-sent intermediates.
 * Each rule gives its own reason in the error detail.
 */
enum {
    TLSC_VERIFY_EXPIRED = 1u << 0,       /* notAfter in the past */
    TLSC_VERIFY_NOT_YET_VALID = 1u << 1, /* notBefore in the future */
    TLSC_VERIFY_HOSTNAME = 1u << 2,      /* leaf not valid for the host */
    TLSC_VERIFY_UNTRUSTED = 1u << 3,     /* chain does not reach a trusted CA */
    TLSC_VERIFY_BAD_SIGNATURE = 1u << 4, /* a signature in the chain is wrong */
    TLSC_VERIFY_KEY_USAGE = 1u << 5,     /* key usage / EKU / CA flag wrong */
    TLSC_VERIFY_WEAK = 1u << 6,          /* weak key or hash algorithm */
    TLSC_VERIFY_PIN = 1u << 7,           /* leaf key matches no pin */
    TLSC_VERIFY_CLOCK = 1u << 8,         /* current time unknown */
    TLSC_VERIFY_OTHER = 1u << 9,         /* another mbedTLS verification flag */
    TLSC_VERIFY_REJECTED = 1u << 10,     /* set by the application callback */
    TLSC_VERIFY_NOT_CA = 1u << 11,       /* an issuer lacks basicConstraints CA:TRUE
                                            or keyUsage keyCertSign */
    TLSC_VERIFY_PATH_LEN = 1u << 12,     /* a CA's pathLenConstraint is exceeded */
    TLSC_VERIFY_NAME_CONSTRAINTS = 1u << 13, /* a name outside a CA's nameConstraints
                                            (or constraints tlsc cannot check) */
    TLSC_VERIFY_CRITICAL_EXT = 1u << 14, /* unknown critical extension */
    TLSC_VERIFY_EKU = 1u << 15,          /* extendedKeyUsage missing or without
                                            serverAuth */
    TLSC_VERIFY_PROFILE = 1u << 16,      /* breaks the RFC 5280 / CA/B Forum profile */
    TLSC_VERIFY_CHAIN_DEPTH = 1u << 17,  /* more intermediates than allowed */
    TLSC_VERIFY_REVOKED = 1u << 18,      /* listed by a CRL (tlsc_config_add_crl) */
    TLSC_VERIFY_PATH_BUDGET = 1u << 19   /* path building gave up: signature-check
                                            budget spent (tlsc_config_set_max_signature_checks) */
};

/* One certificate of the chain, as shown to the verify callback. All
 * pointers are valid only during the callback. */
typedef struct tlsc_cert_view {
    int depth;                  /* 0 = leaf, increasing towards the root */
    const unsigned char *der;   /* the certificate, DER */
    size_t der_len;
    const char *subject;        /* RFC 4514-like text, e.g. "CN=a, O=b" */
    const char *issuer;
    int64_t not_before;         /* Unix seconds (UTC) */
    int64_t not_after;
} tlsc_cert_view;

/*
 * Verify callback: called for each certificate of the chain, root first,
 * leaf last, with the failures found so far for that certificate. Return
 * the bits to ADD (0 to accept as is). The callback cannot remove failures:
 * a chain tlsc rejects stays rejected. Return TLSC_VERIFY_REJECTED to
 * refuse for a reason of your own.
 */
typedef uint32_t (*tlsc_verify_fn)(void *ud, const tlsc_cert_view *cert,
                                   uint32_t flags);

/* Install the verify callback (NULL removes it). ud is passed through. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_verify_callback(
    tlsc_config *cfg, tlsc_verify_fn fn, void *ud);

/*
 * INSECURE: accept any server certificate, without chain, date or host name
 * checks (pins, if any, are still enforced). For lab use only; every
 * connection made with this configuration logs a warning at level 1.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_insecure_skip_verify(
    tlsc_config *cfg);

/*
 * LEGACY DEVICES ONLY: when the leaf certificate has no subjectAltName at
 * all, match the host name against its subject CN (the last CN, as a DNS
 * name with the SAN rules, or as an IP address literal for IP hosts).
 * A certificate that has a SAN is never matched against its CN. Browsers
 * and RFC 6125 no longer accept CN-only certificates; use this for old
 * embedded servers that cannot be re-issued. An absolute CN
 * ("host.example.") matches nothing. nameConstraints of the CAs are
 * applied to that CN, whatever the host, as the name it would be matched
 * as: iPAddress subtrees when it is an IP literal ("192.168.1.10"),
 * dNSName subtrees otherwise. Default: off.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_allow_cn_fallback(tlsc_config *cfg,
                                                               bool allow);

/*
 * At most max_intermediates intermediate CA certificates between the leaf
 * and the trusted CA (self-issued intermediates, as in a key rollover, not
 * counted); 0 means the leaf must be signed by a trusted CA directly.
 * Default and largest value: 8 (mbedTLS's MBEDTLS_X509_MAX_INTERMEDIATE_CA).
 * Errors: TLSC_ERR_INVALID_ARG (above 8).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_max_chain_depth(tlsc_config *cfg,
                                                                 unsigned max_intermediates);

/*
 * Path building (docs/internals.md): the server may send its intermediates
 * in any order, with extras, duplicates, cross-signed and rolled-over
 * certificates; tlsc searches, depth first with backtracking, for a path
 * from the leaf to a trusted CA that passes the whole policy, trying
 * issuers whose key identifiers match first, then currently valid ones,
 * then trusted ones. Each try of an issuer costs one signature check; at
 * most max_checks are spent per verification, then verification fails
 * with TLSC_ERR_PATH_BUDGET (TLSC_VERIFY_PATH_BUDGET) and the detail names
 * the closest path found. A plain leaf + intermediate chain costs 2.
 * Default: 16 (Go allows 100 per chain, webpki 100 per verification; 16 is
 * a bound a device can afford and far above what real chains need).
 * Errors: TLSC_ERR_INVALID_ARG (cfg NULL, 0, or above 1000),
 * TLSC_ERR_CONFIG_FROZEN.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_max_signature_checks(tlsc_config *cfg,
                                                                      unsigned max_checks);

/* ---- time ------------------------------------------------------------- */

/*
 * Clock hook: return the current time in Unix seconds (UTC), or a negative
 * value when the time is not known (e.g. SNTP has not run yet).
 * The default clock is the system's time(); it reports "not known" for any
 * time before 2025-01-01, which is what an unset RTC looks like.
 */
typedef int64_t (*tlsc_clock_fn)(void *ud);

/* Install a clock (NULL restores the default). */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_clock(tlsc_config *cfg,
                                                       tlsc_clock_fn fn,
                                                       void *ud);

/*
 * When the clock does not know the time, connections fail with
 * TLSC_ERR_CLOCK_NOT_SET (default). With allow = true they proceed WITHOUT
 * checking validity dates (everything else is still verified) and log a
 * warning.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_allow_unknown_time(
    tlsc_config *cfg, bool allow);

/* ---- client credentials ----------------------------------------------- */

/*
 * Client certificate chain (leaf first, then intermediates) and its private
 * key for mutual TLS. Each is PEM or DER; keys may be PKCS#8 (plain or
 * encrypted), SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY", RSA or
 * ECDSA. password may be NULL for unencrypted keys. The key is checked
 * against the certificate now, so a mismatch is reported here, not at the
 * handshake. Replaces any previous client certificate (or signer: for a
 * key that stays in a secure element or token, see tlsc/signer.h).
 * Errors: TLSC_ERR_CERT_PARSE, TLSC_ERR_KEY_PARSE, TLSC_ERR_KEY_PASSWORD
 * (wrong password, or none given for an encrypted key),
 * TLSC_ERR_KEY_MISMATCH.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_client_cert(
    tlsc_config *cfg, const void *cert, size_t cert_len, const void *key,
    size_t key_len, const char *password);

/* Same from files. Errors: as above, and TLSC_ERR_FILE. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_client_cert_file(
    tlsc_config *cfg, const char *cert_path, const char *key_path,
    const char *password);

/*
 * Pre-shared key: identity (1..128 bytes of text) and key (1..64 bytes).
 * A configuration with a PSK and no CA/pin/insecure setting is PSK-only: it
 * offers only PSK suites (TLS 1.2 PSK and ECDHE-PSK with AEAD ciphers;
 * TLS 1.3 psk_dhe_ke and psk_ke) and no certificate suites.
 * Errors: TLSC_ERR_PSK.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_psk(tlsc_config *cfg,
                                                     const char *identity,
                                                     const void *key,
                                                     size_t key_len);

/* Same with the key as a hex string ("1a2b3c..."), as WiFiClientSecure's
 * setPreSharedKey and mosquitto's psk_file. Errors: TLSC_ERR_PSK. */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_psk_hex(tlsc_config *cfg,
                                                         const char *identity,
                                                         const char *hex_key);

/* ---- ALPN ------------------------------------------------------------- */

/*
 * Protocols offered by ALPN, most preferred first, as a comma-separated
 * list: "h2,http/1.1", "mqtt". Each name is 1..255 bytes; at most 8 names.
 * NULL or "" removes ALPN. Errors: TLSC_ERR_ALPN.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_alpn(tlsc_config *cfg,
                                                      const char *protocols);

/* ---- timeouts --------------------------------------------------------- */

/*
 * Timeouts in milliseconds; 0 means no limit. Defaults: connect 10000,
 * handshake 15000, io 30000. connect bounds DNS + TCP connect to one
 * address (a name's next address, tried when one fails or times out, gets
 * as long again: up to 4 addresses, in the resolver's order, in both
 * drivers), handshake the TLS handshake, io each blocking read or write
 * call (and the close_notify sent by tlsc_conn_close).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_timeouts(tlsc_config *cfg,
                                                          uint32_t connect_ms,
                                                          uint32_t handshake_ms,
                                                          uint32_t io_ms);

/* ---- record buffers (small-memory mode) ---------------------------------- */

/*
 * Record buffer sizes of each connection made from cfg, in bytes of record
 * plaintext: `in` for records the server sends, `out` for records tlsc
 * sends. 0 = the build's maximum (tlsc_record_max: in/out 16384/16384 in
 * the full profile, 16384/2048 in small, 4096/1024 in small4k), which is
 * also the default. Each
 * buffer costs its size plus the record overhead (header, explicit IV,
 * tag: about 45 bytes in the small profiles, 350 in the full one).
 *
 * The rule tlsc applies (what it offers follows from `in`):
 *  - in >= 16384 (a full TLS record): nothing changes.
 *  - in < 16384: `in` is rounded down to a max_fragment_length value
 *    (4096, 2048, 1024 or 512) and tlsc offers that max_fragment_length
 *    (RFC 6066) in TLS 1.2. mbedTLS 3.6 cannot offer max_fragment_length
 *    in TLS 1.3; its record_size_limit (RFC 8449, sent by the small
 *    profiles) advertises the build's maximum, not `in`, and OpenSSL-based
 *    servers ignore it. So, unless the application chose the versions
 *    itself with tlsc_config_set_versions, such a configuration offers
 *    TLS 1.2 only. With TLS 1.3 allowed explicitly, max_fragment_length
 *    is NOT offered (mbedTLS would put it in a ClientHello that offers
 *    both versions, and rejects the echo a TLS 1.3 server such as OpenSSL
 *    sends), and the connection works as long as the server's records fit.
 *  - A record that does not fit the input buffer fails the connection with
 *    TLSC_ERR_RECORD_TOO_LARGE; the detail gives the record's size, the
 *    buffer's size and what to change.
 *  - `out`: tlsc_conn_send/tlsc_conn_write send records of at most `out`
 *    bytes (and at most what the server's max_fragment_length or
 *    record_size_limit allows).
 * Memory: `in` is the input buffer's largest size. By default the input
 * buffer is elastic (see tlsc_config_set_buffers_elastic): it holds the
 * record being read and is 512 bytes when nothing is buffered, so a
 * connection pays for `in` only while a record that large is in hand.
 * The output buffer is allocated at the build's maximum in tlsc_conn_new
 * and kept so until the handshake is over (mbedTLS 3.6 bounds the
 * handshake messages it writes by the compile-time maximum, no API takes a
 * size), then shrunk to `out`. tlsc_conn_record_limit reports what was
 * negotiated.
 * Errors: TLSC_ERR_INVALID_ARG (a size not 0 and outside 512..maximum).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_buffers(tlsc_config *cfg,
                                                         size_t in,
                                                         size_t out);

/*
 * Input buffer policy of connections made from cfg.
 * elastic = true (the default): the buffer starts at 512 bytes, grows when
 *   a record's header says the record needs more (in steps of 256 bytes,
 *   up to `in` of tlsc_config_set_buffers plus the record overhead), and
 *   goes back to 512 bytes once the handshake is over and whenever the
 *   connection waits for data with nothing buffered. The buffer is then
 *   only as large as the records really sent: 1-2 KB during an ECDSA
 *   handshake, 512 bytes on an idle connection. Growing allocates while
 *   the connection runs; if that fails, the read fails with
 *   TLSC_ERR_NO_MEMORY.
 * elastic = false (fixed): the buffer is allocated once, at `in` plus the
 *   overhead, in tlsc_conn_new, and never resized: no allocation for
 *   records after tlsc_conn_new, nothing for a fragmented heap to refuse
 *   later, at the price of holding `in` for the connection's lifetime.
 * Either way a record larger than `in` fails with TLSC_ERR_RECORD_TOO_LARGE.
 * Errors: TLSC_ERR_INVALID_ARG (cfg NULL), TLSC_ERR_CONFIG_FROZEN.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_buffers_elastic(tlsc_config *cfg,
                                                                 bool elastic);

/* The sizes connections of cfg will use (after rounding; 0 resolved). */
TLSC_API void tlsc_config_get_buffers(const tlsc_config *cfg, size_t *in,
                                      size_t *out);

/* The build's maximum record buffer sizes (MBEDTLS_SSL_IN/OUT_CONTENT_LEN
 * of the mbedTLS profile tlsc was built with). */
TLSC_API void tlsc_record_max(size_t *in, size_t *out);

/* The record_size_limit (RFC 8449) this build offers in every TLS 1.3
 * ClientHello, in bytes: MBEDTLS_SSL_IN_CONTENT_LEN in builds with
 * MBEDTLS_SSL_RECORD_SIZE_LIMIT (the small profiles), 0 when the build
 * does not offer one (the full profile). Fixed at compile time: no
 * configuration changes it (mbedTLS 3.6 has no run-time setting). */
TLSC_API size_t tlsc_record_size_limit_offered(void);

/* The mbedTLS configuration profile of this build: "full" (RSA and ECC),
 * "small" (ECC only), "small4k" (ECC only, 4 KiB records) or "custom".
 * Capacity: the full profile's PSA key store grows on the heap; the small
 * profiles have a fixed table of 56 PSA key slots (tlsc_key_slots_capacity,
 * tlsc/alloc.h), enough for 8 open connections and 4 handshakes in flight
 * at once (a handshake holds up to 5 slots, an open connection 4); the
 * event loop caps handshakes in flight at 6 by default (56 / (5 + 4),
 * tlsc_loop_set_max_handshakes) and queues one while too few slots are
 * free. Beyond the table a handshake fails with
 * TLSC_ERR_NO_MEMORY, "PSA key slots exhausted". docs/footprint.md
 * (Capacity) has the heap and static RAM of each. */
TLSC_API const char *tlsc_profile(void);

/* Whether this build can verify RSA certificates and signatures. */
TLSC_API bool tlsc_profile_has_rsa(void);

/* ---- logging ---------------------------------------------------------- */

/* Log levels, as NodeMCU's tls.setDebug. */
enum {
    TLSC_LOG_NONE = 0,
    TLSC_LOG_ERROR = 1,   /* failures, insecure-mode warnings */
    TLSC_LOG_INFO = 2,    /* connection milestones */
    TLSC_LOG_DEBUG = 3,   /* handshake details, verification steps */
    TLSC_LOG_VERBOSE = 4  /* everything tlsc knows */
};

/* Receives one complete line (no trailing newline). */
typedef void (*tlsc_log_fn)(void *ud, int level, const char *line);

/*
 * Send log lines up to `level` to fn (NULL = no logging, the default; tlsc
 * never prints by itself). mbedtls_level 0..4 additionally forwards
 * mbedTLS's own debug output at that mbedTLS debug threshold, each line
 * delivered at TLSC_LOG_VERBOSE and prefixed "mbedtls: " (0 = none).
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_log(tlsc_config *cfg,
                                                     tlsc_log_fn fn, void *ud,
                                                     int level,
                                                     int mbedtls_level);

/*
 * mbedTLS's debug output never carries key material, at any level: the
 * dumps of secrets, keys, IVs, PSKs and binders are replaced by a line
 * "'NAME' not shown (key material; ...)". To decrypt captured traffic
 * (Wireshark), set a key log instead.
 */

/* ---- key log (decrypting captured traffic) ----------------------------- */

/* Receives one line of the NSS key log format (no trailing newline), e.g.
 * "CLIENT_RANDOM <64 hex> <96 hex>" for TLS 1.2, or
 * "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
 * "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0" lines for TLS 1.3.
 * The line is wiped after the call: copy what you keep. */
typedef void (*tlsc_keylog_fn)(void *ud, const char *line);

/*
 * Hand every connection's secrets to fn as they are derived, for tools
 * that decrypt a capture (Wireshark's "(Pre)-Master-Secret log filename",
 * curl's SSLKEYLOGFILE). Off by default (fn NULL turns it off): whoever
 * holds these lines can read the traffic, so enable it only for debugging
 * and keep the file private. ud is borrowed and passed to fn; it must
 * outlive the configuration. fn runs on the thread driving the handshake,
 * so with connections driven from several threads it may run concurrently
 * and must be thread-safe.
 * Errors: TLSC_ERR_INVALID_ARG (cfg NULL), TLSC_ERR_CONFIG_FROZEN.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_keylog(tlsc_config *cfg, tlsc_keylog_fn fn,
                                                        void *ud);

TLSC_END_DECLS

#endif /* TLSC_CONFIG_H */
