#!/usr/bin/env bash
# tests/interop/names.sh — the name policy through `tlsc connect` against
# openssl s_server (issue 14, "policy holes"): an absolute name (trailing
# dot) in a certificate never slips past a CA's nameConstraints, a CN used
# as an IP address meets the iPAddress constraints, and a leaf with an
# empty subject prints as empty. PKI: tests/pki/names.sh (TLSC_PKI_GEN).
#
# Usage: TLSC_BIN=build/release/tools/tlsc \
#        TLSC_PKI_GEN=tests/pki/names.sh bash tests/interop/names.sh
source "$(dirname "$0")/lib.sh"

setup_pki

# serve LEAF [openssl options]: s_server with LEAF.pem and the shared key
serve() {
  local leaf=$1; shift
  start_openssl -cert "$PKI/$leaf.pem" -key "$PKI/leaf.key" "$@"
}

case_begin "CA excluding localhost, leaf for localhost.: refused (the live bypass)"
serve excl-lh-abs
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/excl-root.pem" --summary
expect_exit $EXIT_VERIFY
expect_stderr_contains "DNS:localhost. is an absolute name (trailing dot)"
expect_stderr_contains "absolute dNSName (trailing dot) in subjectAltName: localhost."
case_end

case_begin "the same leaf, asked for as localhost. (the host's dot is removed once)"
serve excl-lh-abs -tls1_2
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername localhost. --ca "$PKI/excl-root.pem"
expect_exit $EXIT_VERIFY
expect_stderr_contains "absolute name (trailing dot)"
expect_stderr_contains "wanted localhost,"
case_end

case_begin "CN=localhost. with --allow-cn-fallback under the excluding CA: refused"
serve excl-lh-cn-abs
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/excl-root.pem" --allow-cn-fallback
expect_exit $EXIT_VERIFY
expect_stderr_contains "DNS:localhost. is an absolute name (trailing dot)"
case_end

case_begin "CA excluding localhost, leaf for good.test, asked for as GOOD.Test.: accepted"
serve excl-other
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername GOOD.Test. --ca "$PKI/excl-root.pem" \
  --summary
expect_exit $EXIT_OK
expect_summary "verify" "ok"
case_end

case_begin "CN=127.0.0.1 with --allow-cn-fallback, CA excluding 127.0.0.0/8: refused"
serve ip-cn-lo
run_tlsc connect "127.0.0.1:$SRV_PORT" --ca "$PKI/ip-root.pem" --allow-cn-fallback
expect_exit $EXIT_VERIFY
expect_stderr_contains "IP:127.0.0.1 is in an excluded subtree"
case_end

case_begin "leaf with an empty subject: verified, peer printed as none"
serve empty-subject
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/plain-root.pem" --summary
expect_exit $EXIT_OK
expect_summary "verify" "ok"
expect_summary "peer" "none"
case_end


case_begin "a SAN with a terminal escape sequence: quoted with the control character replaced"
serve esc-san
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/plain-root.pem"
expect_exit $EXIT_VERIFY
expect_stderr_contains "evil?[31m.test"
[[ "$ERR" == *$'\033'* ]] && fail "an ESC byte from the certificate reached stderr"
case_end

finish
