/*
 * Client keys that never leave their chip: a client credential made of a
 * certificate chain and a sign callback instead of a private key (a PKCS#11
 * token, a TPM, an ESP32 Digital Signature peripheral, an ATECC608 secure
 * element). tlsc hands the callback what to sign and the algorithm; the
 * callback returns the signature. tlsc never signs itself and never sees
 * the key.
 *
 * How it is built (mbedTLS 3.6): the callback sits behind an mbedTLS PK
 * context whose method table (mbedtls_pk_info_t, from mbedTLS's library/
 * pk_wrap.h) forwards "sign" to the callback. Both the TLS 1.2 client
 * (CertificateVerify through mbedtls_pk_sign_restartable) and the TLS 1.3
 * client (mbedtls_pk_sign_ext) reach it. The alternatives were weighed:
 *  - MBEDTLS_PK_RSA_ALT_SUPPORT (mbedtls_pk_setup_rsa_alt): RSA only, and
 *    its can_do() refuses RSA-PSS, so no TLS 1.3 at all;
 *  - a PSA opaque key with a PSA driver: the only route mbedTLS 3.6 has to
 *    RSA-PSS from a foreign key, but the driver dispatch code
 *    (library/psa_crypto_driver_wrappers.h) is generated at mbedTLS build
 *    time from driver descriptions, and the run-time alternative
 *    (MBEDTLS_PSA_CRYPTO_SE_C) is deprecated and needs persistent key
 *    storage (MBEDTLS_PSA_CRYPTO_STORAGE_C + an ITS back end).
 *
 * Limits that follow from mbedTLS 3.6:
 *  - RSA keys sign PKCS#1 v1.5 in TLS 1.2 only. mbedtls_pk_sign_ext()
 *    computes RSA-PSS (the only RSA scheme TLS 1.3 allows for
 *    CertificateVerify) from an in-memory RSA key or a PSA opaque key, never
 *    through the PK method table. A configuration whose signer has an RSA
 *    key therefore never offers TLS 1.3 (the maximum version is lowered to
 *    1.2; a minimum of 1.3 makes tlsc_conn_new fail with TLSC_ERR_CONFIG,
 *    "no cipher suite to offer"). ECDSA P-256 and P-384 work in both versions.
 *  - Which scheme is used follows the key: mbedTLS picks the
 *    CertificateVerify scheme from the server's CertificateRequest and the
 *    key's type and size (TLS 1.3: ecdsa_secp256r1_sha256 for P-256,
 *    ecdsa_secp384r1_sha384 for P-384; TLS 1.2: the key's signature type
 *    with the suite's hash), and the method table declares no RSA-PSS, so
 *    the callback is never asked for a scheme outside tlsc_sign_alg. (The
 *    client's own signature_algorithms extension lists what it accepts
 *    from the server, not what it signs with.)
 *  - The callback is synchronous: it must return the signature (or a
 *    failure) before it returns. mbedTLS 3.6 has no client-side
 *    asynchronous signing: mbedtls_ssl_conf_async_private_cb is used only by
 *    the TLS 1.2 server (ssl_tls12_server.c); the TLS 1.3 client treats any
 *    CertificateVerify signing error as "try the next algorithm" and then
 *    sends a fatal handshake_failure alert (ssl_tls13_generic.c), so a "not
 *    yet" answer cannot suspend a TLS 1.3 handshake. While a slow signer
 *    runs, the thread that drives the connection (the event loop included)
 *    waits; the callback is called once per handshake that the server asks
 *    a certificate for, plus once in tlsc_config_set_client_signer.
 *
 * Threads: the callback may be called from every thread that drives a
 * connection using the configuration, at the same time; it must be
 * thread-safe if connections are driven from several threads.
 */
#ifndef TLSC_SIGNER_H
#define TLSC_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "tlsc/common.h"
#include "tlsc/config.h"
#include "tlsc/error.h"

TLSC_BEGIN_DECLS

/* What the callback is asked to produce. Values are never renumbered. */
typedef enum tlsc_sign_alg {
    TLSC_SIGN_ECDSA_SHA256 = 1,     /* ECDSA over a SHA-256 hash */
    TLSC_SIGN_ECDSA_SHA384 = 2,     /* ECDSA over a SHA-384 hash */
    TLSC_SIGN_RSA_PKCS1_SHA256 = 3, /* RSASSA-PKCS1-v1_5 with SHA-256 (TLS 1.2) */
    TLSC_SIGN_RSA_PKCS1_SHA384 = 4  /* RSASSA-PKCS1-v1_5 with SHA-384 (TLS 1.2) */
} tlsc_sign_alg;

/*
 * One signing request. All pointers are borrowed for the duration of the
 * call.
 *  - hash: the digest to sign (32 bytes for *_SHA256, 48 for *_SHA384).
 *    ECDSA signers sign it as it is (PKCS#11 CKM_ECDSA, PSA
 *    psa_sign_hash, ATECC608 "Sign external", ESP32 DS is RSA-only).
 *    Note that TLS 1.2 may ask a P-256 key for a SHA-384 hash (mbedTLS signs
 *    with the suite's hash); ECDSA handles any hash length.
 *  - digest_info: for RSA PKCS#1 v1.5 only (else NULL): the DER DigestInfo
 *    (algorithm OID + hash) that PKCS#1 v1.5 pads, for signers that take it
 *    (PKCS#11 CKM_RSA_PKCS, TPM2 with a null scheme). Signers that hash-sign
 *    themselves (e.g. a scheme "PKCS#1 v1.5 with SHA-256 over this hash")
 *    use hash instead.
 */
typedef struct tlsc_sign_request {
    tlsc_sign_alg alg;
    const uint8_t *hash;
    size_t hash_len;
    const uint8_t *digest_info;
    size_t digest_info_len;
} tlsc_sign_request;

typedef enum tlsc_sign_result {
    TLSC_SIGN_OK = 0,    /* *sig_len bytes of signature are in sig */
    TLSC_SIGN_FAILED = 1 /* the key could not sign; why says why */
} tlsc_sign_result;

/*
 * The sign callback. On TLSC_SIGN_OK it has written the signature to sig
 * (at most sig_cap bytes) and its length to *sig_len:
 *  - ECDSA: the raw form r || s, each number left-padded to the curve's
 *    size (64 bytes for P-256, 96 for P-384), as PKCS#11, PSA, ATECC608 and
 *    most hardware produce it. tlsc converts it to the DER form TLS sends;
 *  - RSA: the signature, as long as the modulus.
 * On TLSC_SIGN_FAILED it may write a NUL-terminated reason to why (at most
 * why_cap bytes, e.g. "C_Sign: CKR_USER_NOT_LOGGED_IN"); tlsc reports it
 * with the signer's name. sig_cap is always >= 96 for ECDSA keys and >= the
 * modulus size for RSA keys.
 */
typedef tlsc_sign_result (*tlsc_sign_fn)(void *user, const tlsc_sign_request *req,
                                         uint8_t *sig, size_t sig_cap, size_t *sig_len,
                                         char *why, size_t why_cap);

/*
 * Use a certificate chain (PEM or DER, leaf first) whose private key is
 * held by sign, for mutual TLS. The key's type and size come from the
 * leaf's public key: ECDSA P-256 or P-384, or RSA 2048..4096 bits.
 * cert is parsed and copied (borrowed for the call only).
 * name (copied; e.g. "pkcs11:token=dev;object=client") names the signer in
 * error messages. user is borrowed and passed to sign; it must outlive the
 * configuration. Replaces any previous client certificate or signer.
 *
 * Before returning, tlsc asks sign for one signature over a random 32-byte
 * challenge and verifies it with the certificate's public key
 * (mbedtls_pk_verify), so a certificate paired with the wrong key, or a
 * signer that cannot sign, fails here rather than at the handshake.
 *
 * Errors: TLSC_ERR_INVALID_ARG (cfg, cert, name or sign NULL, cert_len 0),
 * TLSC_ERR_CERT_PARSE, TLSC_ERR_KEY_PARSE
 * (the leaf's key is not one of the types above), TLSC_ERR_SIGNER (the
 * signer failed the test signature; the detail names it and its reason),
 * TLSC_ERR_KEY_MISMATCH (the test signature has the wrong size or does not verify with the
 * certificate's key), TLSC_ERR_NO_MEMORY, TLSC_ERR_CONFIG_FROZEN,
 * TLSC_ERR_INTERNAL (no random challenge from PSA).
 * At a handshake, a signer failure ends the connection with
 * TLSC_ERR_SIGNER, naming the signer and its reason.
 */
TLSC_API TLSC_NODISCARD tlsc_err tlsc_config_set_client_signer(
    tlsc_config *cfg, const void *cert, size_t cert_len, const char *name,
    tlsc_sign_fn sign, void *user);

TLSC_END_DECLS

#endif /* TLSC_SIGNER_H */
