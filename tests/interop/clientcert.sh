#!/usr/bin/env bash
# tests/interop/clientcert.sh — servers that ask for a client certificate
# (issue 13, section 3): openssl s_server -Verify 1 (required), -verify 1
# (optional) and -verify_return_error, in TLS 1.2 and 1.3, with no client
# certificate, a good one (tests/pki client CA) and one from the wrong CA
# (self-signed). Each case runs through both drivers (blocking, event).
# Asserted: the exit status, the server's alert and tlsc's words for it,
# and the summary's client_cert: line (TLS 1.3: the summary waits for the
# server's verdict, which comes after the handshake). `tlsc get` reports
# certificate_required, not a reset.
#
# Usage: TLSC_BIN=build/dev/tools/tlsc bash tests/interop/clientcert.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem
GOOD=(--cert "$PKI/client-ec.pem" --key "$PKI/client-ec.key")
WRONG=(--cert "$PKI/client-selfsigned.pem" --key "$PKI/client-selfsigned.key")
MSG_NONE="the server asked for a client certificate (CertificateRequest) and none is configured"
MSG_REJECTED="the server asked for a client certificate and rejected the one tlsc sent"

# serve VERSION MODE [s_server args]: MODE is -Verify (required) or -verify.
serve() {
  local v=$1 mode=$2; shift 2
  start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" \
    -cert_chain "$PKI/int.pem" "-tls$v" "$mode" 1 -CAfile "$PKI/client-ca.pem" "$@"
}
connect() { # DRIVER [options]
  local d=$1; shift
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary --driver "$d" "$@"
}

for d in blocking event; do
  for v in 1_2 1_3; do
    V=${v/_/.}
    case_begin "TLS $V, required, no client certificate ($d)"
    serve "$v" -Verify
    connect "$d"
    expect_exit $EXIT_ALERT
    expect_stderr_contains "peer requires a client certificate"
    expect_stderr_contains "$MSG_NONE"
    if [ "$v" = 1_3 ]; then
      expect_stderr_contains "certificate_required (116)"
      expect_summary client_cert "requested, none sent"
    else
      expect_stderr_contains "handshake_failure (40) during the handshake"
    fi
    case_end

    case_begin "TLS $V, required, a good client certificate ($d)"
    serve "$v" -Verify
    connect "$d" "${GOOD[@]}"
    expect_exit 0
    expect_summary client_cert "sent, accepted"
    case_end

    case_begin "TLS $V, required, a client certificate from the wrong CA ($d)"
    serve "$v" -Verify -verify_return_error
    connect "$d" "${WRONG[@]}"
    expect_exit $EXIT_ALERT
    expect_stderr_contains "peer rejected our client certificate"
    expect_stderr_contains "unknown_ca (48)"
    expect_stderr_contains "$MSG_REJECTED"
    [ "$v" = 1_3 ] && expect_summary client_cert "sent, rejected"
    case_end

    case_begin "TLS $V, optional, no client certificate ($d)"
    serve "$v" -verify
    connect "$d"
    expect_exit 0
    expect_summary client_cert "requested, none sent"
    case_end

    case_begin "TLS $V, not requested ($d)"
    start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" \
      -cert_chain "$PKI/int.pem" "-tls$v"
    connect "$d" "${GOOD[@]}"
    expect_exit 0
    expect_summary client_cert "not requested"
    case_end
  done
done

for i in 1 2 3; do
  case_begin "tlsc get, TLS 1.3, required, no client certificate (run $i): the alert, not a reset"
  serve 1_3 -Verify -www
  run_tlsc get "https://localhost:$SRV_PORT/" --ca "$ROOT" -o "$CASE_DIR/body"
  expect_exit $EXIT_ALERT
  expect_stderr_contains "certificate_required (116)"
  expect_stderr_not_contains "reset"
  case_end
done

case_begin "tlsc get, TLS 1.3, client certificate from the wrong CA: unknown_ca"
serve 1_3 -Verify -verify_return_error -www
run_tlsc get "https://localhost:$SRV_PORT/" --ca "$ROOT" "${WRONG[@]}" -o "$CASE_DIR/body"
expect_exit $EXIT_ALERT
expect_stderr_contains "unknown_ca (48)"
expect_stderr_not_contains "reset"
case_end

finish
