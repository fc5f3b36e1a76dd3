#!/usr/bin/env bash
# tests/interop/verify.sh — `tlsc verify` (offline, the policy of connect)
# and the same rules seen by `tlsc connect` against openssl s_server.
#
# Each rule of the certificate policy once through the command line: exit
# status 9 and the reason in words; the legacy CN fallback both ways; the
# documented mbedTLS limit on critical nameConstraints sent by a server.
#
# Usage: TLSC_BIN=build/release/tools/tlsc bash tests/interop/verify.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem

# verify CHAIN [options]: tlsc verify --ca root.pem --chain PKI/CHAIN
verify() {
  local chain=$1; shift
  run_tlsc verify --ca "$ROOT" --chain "$PKI/$chain" "$@"
}

# ---- tlsc verify ------------------------------------------------------------------------

case_begin "verify: a valid chain, by name and by IP"
verify server-p256-chain.pem --host localhost
expect_exit 0
expect_stdout_equals "ok"
verify server-p256-chain.pem --host 127.0.0.1
expect_exit 0
case_end

case_begin "verify: wrong host, the names the certificate has"
verify server-p256-chain.pem --host other.test
expect_exit $EXIT_VERIFY
expect_stderr_contains "wanted other.test"
expect_stderr_contains "DNS:localhost"
case_end

case_begin "verify: extendedKeyUsage clientAuth only"
verify badeku-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "extendedKeyUsage does not allow serverAuth"
case_end

case_begin "verify: an issuer without basicConstraints CA:TRUE"
verify notca-leaf-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "is not a CA"
expect_stderr_contains "CN=tlsc Not A CA"
case_end

case_begin "verify: path length constraint exceeded"
verify deep-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "path length constraint exceeded"
expect_stderr_contains "allows 0 intermediate CAs below it, the chain has 1"
case_end

case_begin "verify: name constraints of a trusted root (permitted, outside, excluded)"
run_tlsc verify --ca "$PKI/nc-root.pem" --chain "$PKI/nc-ok.pem" --host www.tlsc.test
expect_exit 0
run_tlsc verify --ca "$PKI/nc-root.pem" --chain "$PKI/nc-outside.pem" --host tlsc.test
expect_exit $EXIT_VERIFY
expect_stderr_contains "DNS:localhost is outside the permitted subtrees"
run_tlsc verify --ca "$PKI/nc-root.pem" --chain "$PKI/nc-excluded.pem" --host tlsc.test
expect_exit $EXIT_VERIFY
expect_stderr_contains "DNS:bad.tlsc.test is in an excluded subtree"
case_end

case_begin "verify: critical nameConstraints on an intermediate are parsed and enforced"
verify nc-int-leaf-chain.pem --host tlsc.test
expect_exit 0
case_end

case_begin "verify: RSA-1024 leaf and SHA-1 signature"
verify weak-rsa1024-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "RSA key of 1024 bits"
verify sha1-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "weak signature"
case_end

case_begin "verify: unknown critical extension, named by its OID"
verify critext-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "unknown critical extension 1.3.6.1.4.1.55555.1"
case_end

case_begin "verify: CN-only leaf, without and with --allow-cn-fallback"
verify nosan-chain.pem --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "no subjectAltName"
verify nosan-chain.pem --host localhost --allow-cn-fallback
expect_exit 0
verify nosan-chain.pem --host tlsc.test --allow-cn-fallback
expect_exit $EXIT_VERIFY
expect_stderr_contains "subject CN is localhost"
case_end

case_begin "verify: --time inside and past the validity, --max-chain-depth"
now=$(date +%s)
verify server-p256-chain.pem --host localhost --time $((now + 86400))
expect_exit 0
verify server-p256-chain.pem --host localhost --time $((now + 90 * 86400))
expect_exit $EXIT_VERIFY
expect_stderr_contains "certificate expired on"
verify server-p256-chain.pem --host localhost --max-chain-depth 0
expect_exit $EXIT_VERIFY
expect_stderr_contains "more than the 0 allowed"
case_end

case_begin "verify: usage errors and unreadable files"
run_tlsc verify --chain "$PKI/server-p256-chain.pem"
expect_exit $EXIT_USAGE
expect_stderr_contains "--ca, --bundle or --pin"
run_tlsc verify --ca "$ROOT"
expect_exit $EXIT_USAGE
expect_stderr_contains "--chain FILE is required"
verify server-p256-chain.pem --time yesterday
expect_exit $EXIT_USAGE
verify does-not-exist.pem
expect_exit $EXIT_CONFIG
run_tlsc verify --ca "$ROOT" --chain "$PKI/root.key"
expect_exit $EXIT_CONFIG
run_tlsc verify --help
expect_exit 0
expect_stdout_contains "Usage: tlsc verify"
case_end

case_begin "verify: a CRL of the intermediate revokes one leaf, not the others"
verify revoked-chain.pem --host localhost --crl "$PKI/int-crl.pem"
expect_exit $EXIT_VERIFY
expect_stderr_contains "certificate revoked"
expect_stderr_contains "OU=revoked"
verify server-p256-chain.pem --host localhost --crl "$PKI/int-crl.pem"
expect_exit 0
verify revoked-chain.pem --host localhost --crl "$PKI/int-crl-empty.pem"
expect_exit 0
verify revoked-chain.pem --host localhost --crl "$PKI/int.pem"
expect_exit $EXIT_CONFIG
case_end

# ---- the same rules through a handshake ------------------------------------------------

case_begin "connect: a revoked server certificate (--crl)"
start_openssl -cert "$PKI/revoked.pem" -key "$PKI/revoked.key" -cert_chain "$PKI/int.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --crl "$PKI/int-crl.pem" --summary
expect_exit $EXIT_VERIFY
expect_stderr_contains "certificate revoked"
case_end

case_begin "connect: name constraints of a trusted root"
start_openssl -cert "$PKI/nc-excluded.pem" -key "$PKI/nc-excluded.key"
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername tlsc.test --ca "$PKI/nc-root.pem" --summary
expect_exit $EXIT_VERIFY
expect_stderr_contains "DNS:bad.tlsc.test is in an excluded subtree"
case_end

case_begin "connect: critical nameConstraints sent by the server (mbedTLS 3.6 limit)"
start_openssl -cert "$PKI/nc-int-leaf.pem" -key "$PKI/nc-int-leaf.key" -cert_chain "$PKI/nc-int.pem"
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername tlsc.test --ca "$ROOT" --summary
expect_exit $EXIT_VERIFY
expect_stderr_contains "nameConstraints"
case_end

case_begin "connect: CN-only server with --allow-cn-fallback"
start_openssl -cert "$PKI/nosan.pem" -key "$PKI/nosan.key" -cert_chain "$PKI/int.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --allow-cn-fallback --summary
expect_exit 0
expect_summary verify ok
case_end

case_begin "connect: path length constraint exceeded"
start_openssl -cert "$PKI/deep.pem" -key "$PKI/deep.key" -cert_chain "$PKI/deep-ints.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_exit $EXIT_VERIFY
expect_stderr_contains "path length constraint exceeded"
case_end

finish
