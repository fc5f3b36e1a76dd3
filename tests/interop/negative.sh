#!/usr/bin/env bash
# tests/interop/negative.sh — every way a connection must fail, and how.
#
# Each case asserts the exit status (2 + error category) AND that the
# detail on stderr names the cause: which certificate, which date, which
# host, which alert. Also the two ways to trust without a CA (insecure,
# pin-only), which must succeed and say so.
#
# Usage: TLSC_BIN=build/release/tools/tlsc bash tests/interop/negative.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem
PSK_KEY=5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c
OTHER_KEY=00112233445566778899aabbccddeeff
PSK_ID=device-17

# serve NAME [openssl options]: openssl s_server with leaf NAME (.pem/.key)
# and the intermediate as its chain.
serve() {
  local name=$1; shift
  start_openssl -cert "$PKI/$name.pem" -key "$PKI/$name.key" -cert_chain "$PKI/int.pem" "$@"
}

# connect_summary HOST [tlsc options]: tlsc connect HOST:$SRV_PORT --summary
connect_summary() {
  local host=$1; shift
  run_tlsc connect "$host:$SRV_PORT" --summary "$@"
}

# A failed connection prints an error line; with --summary, no summary
# (the summary comes only after a successful handshake).
expect_failure() { # EXIT
  expect_exit "$1"
  expect_error_line
  case " $CMDLINE " in
    *" --summary "*)
      grep -q '^protocol: ' <<< "$ERR" &&
        fail "a summary was printed for a failed connection" ;;
  esac
  return 0
}

# ---- server certificate verification (exit 9) --------------------------------------

case_begin "expired leaf"
serve expired
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "expired on 2024-01-01T00:00:00Z"
expect_stderr_contains "CN=expired.localhost"
case_end

case_begin "not-yet-valid leaf"
serve notyet -tls1_2
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "not valid before 2040-01-01T00:00:00Z"
expect_stderr_contains "CN=notyet.localhost"
case_end

case_begin "wrong host name: SAN DNS:other.test only"
serve wronghost
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "hostname mismatch"
expect_stderr_contains "wanted localhost"
expect_stderr_contains "DNS:other.test"
case_end

case_begin "wrong host: connecting by IP to a certificate without that SAN IP"
serve wronghost -tls1_2
connect_summary 127.0.0.1 --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "hostname mismatch"
expect_stderr_contains "wanted 127.0.0.1"
case_end

case_begin "--servername other.test is verified against the certificate"
serve server-p256
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername other.test --ca "$ROOT" --summary
expect_failure $EXIT_VERIFY
expect_stderr_contains "wanted other.test"
expect_stderr_contains "DNS:localhost"
case_end

case_begin "CN=localhost without subjectAltName is rejected (CN is never matched)"
serve nosan
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "hostname mismatch"
expect_stderr_re "no subjectAltName|no SAN"
case_end

case_begin "self-signed leaf"
start_openssl -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key"
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "self-signed"
expect_stderr_contains "OU=self-signed"
case_end

case_begin "leaf of an untrusted root (server sends the leaf): unknown issuer"
start_openssl -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key"
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "unknown issuer CN=tlsc Untrusted Root CA"
case_end

case_begin "leaf of an untrusted root (server sends leaf + root)"
start_openssl -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key" -cert_chain "$PKI/untrusted-root.pem"
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "CN=tlsc Untrusted Root CA"
expect_stderr_re "not trusted|unknown issuer"
case_end

case_begin "missing intermediate: server sends its leaf only"
start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key"
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "unknown issuer CN=tlsc Test Intermediate CA"
expect_stderr_contains "intermediate"
case_end

case_begin "missing intermediate (gnutls, TLS 1.2)"
start_gnutls --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" \
  --x509certfile "$PKI/server-p384.pem" --x509keyfile "$PKI/server-p384.key"
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_contains "unknown issuer CN=tlsc Test Intermediate CA"
case_end

case_begin "trusting only the intermediate's sibling: client CA is not a server root"
serve server-p256
connect_summary localhost --ca "$PKI/client-ca.pem"
expect_failure $EXIT_VERIFY
expect_stderr_contains "unknown issuer"
case_end

case_begin "leaf with extendedKeyUsage clientAuth only"
serve badeku
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_re "extended key usage|extendedKeyUsage"
case_end

case_begin "RSA-1024 leaf is too weak"
serve weak-rsa1024 -cipher DEFAULT@SECLEVEL=0
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_re "unacceptable key|too short|weak key"
expect_stderr_contains "OU=rsa-1024"
case_end

case_begin "SHA-1 signed leaf is refused"
serve sha1 -cipher DEFAULT@SECLEVEL=0
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_VERIFY
expect_stderr_re "unacceptable hash|SHA-?1|weak hash"
expect_stderr_contains "OU=sha1-signed"
case_end

case_begin "no --ca: the system CA file is used and does not know the test root"
serve server-p256
connect_summary localhost
if [ -e /etc/ssl/certs/ca-certificates.crt ]; then
  expect_failure $EXIT_VERIFY
  expect_stderr_contains "unknown issuer CN=tlsc Test Root CA"
else
  expect_failure $EXIT_CONFIG
  expect_stderr_contains "no trust"
fi
case_end

# ---- pins, insecure ----------------------------------------------------------------

PIN_SELF=$(pin_of "$PKI/selfsigned.pem")
PIN_P256=$(pin_of "$PKI/server-p256.pem")
PIN_OTHER=$(pin_of "$PKI/server-p384.pem")

case_begin "--insecure accepts a self-signed leaf and says so"
start_openssl -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key"
connect_summary localhost --insecure
expect_exit 0
expect_summary verify insecure
expect_summary peer "CN=localhost, O=tlsc tests, OU=self-signed"
case_end

case_begin "--insecure accepts an expired leaf for another host"
serve expired -tls1_2
connect_summary 127.0.0.1 --insecure
expect_exit 0
expect_summary verify insecure
expect_summary protocol TLSv1.2
case_end

case_begin "--insecure still enforces a pin"
start_openssl -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key"
connect_summary localhost --insecure --pin "$PIN_OTHER"
expect_failure $EXIT_VERIFY
expect_stderr_contains "pin mismatch"
expect_stderr_contains "${PIN_SELF#sha256//}"
case_end

case_begin "pin-only trust: the right pin accepts a self-signed leaf"
start_openssl -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key"
connect_summary localhost --pin "$PIN_SELF"
expect_exit 0
expect_summary verify pin-only
expect_summary peer "CN=localhost, O=tlsc tests, OU=self-signed"
case_end

case_begin "pin-only trust: one of several pins (';'-separated) matches"
serve server-p256 -tls1_2
connect_summary localhost --pin "$PIN_OTHER;$PIN_P256"
expect_exit 0
expect_summary verify pin-only
case_end

case_begin "pin-only trust: wrong pin"
start_openssl -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key"
connect_summary localhost --pin "$PIN_OTHER"
expect_failure $EXIT_VERIFY
expect_stderr_contains "pin mismatch"
expect_stderr_contains "${PIN_SELF#sha256//}"
case_end

case_begin "pin-only trust still checks the host name"
serve wronghost
connect_summary localhost --pin "$(pin_of "$PKI/wronghost.pem")"
expect_failure $EXIT_VERIFY
expect_stderr_contains "hostname mismatch"
case_end

case_begin "pin-only trust still checks the dates"
serve expired
connect_summary localhost --pin "$(pin_of "$PKI/expired.pem")"
expect_failure $EXIT_VERIFY
expect_stderr_contains "expired on 2024-01-01T00:00:00Z"
case_end

case_begin "CA and pin: valid chain but wrong pin"
serve server-p256
connect_summary localhost --ca "$ROOT" --pin "$PIN_OTHER"
expect_failure $EXIT_VERIFY
expect_stderr_contains "pin mismatch"
expect_stderr_contains "${PIN_P256#sha256//}"
case_end

case_begin "CA and pin: valid chain and right pin"
serve server-p256
connect_summary localhost --ca "$ROOT" --pin "$PIN_P256"
expect_exit 0
expect_summary verify ok
case_end

# ---- alerts from the server (exit 8) --------------------------------------------------

# Without --summary tlsc reads after the handshake: in TLS 1.3 the server
# checks the client's certificate after the client has finished, so its
# alert arrives then.
for ver in 1.2 1.3; do
  case_begin "openssl TLS$ver requires a client certificate, none configured"
  serve server-p256 "-tls${ver/./_}" -Verify 1 -CAfile "$PKI/client-ca.pem" -verify_return_error
  run_tlsc_input 'hello\n' 3 connect "localhost:$SRV_PORT" --ca "$ROOT"
  expect_failure $EXIT_ALERT
  if [ "$ver" = 1.2 ]; then
    expect_stderr_contains "handshake_failure (40)"
  else
    expect_stderr_contains "certificate_required (116)"
  fi
  case_end

  case_begin "gnutls TLS$ver requires a client certificate, none configured"
  start_gnutls --priority "NORMAL:-VERS-ALL:+VERS-TLS$ver" --require-client-cert --verify-client-cert \
    --x509cafile "$PKI/client-ca.pem" --x509certfile "$PKI/server-p256-chain.pem" \
    --x509keyfile "$PKI/server-p256.key"
  run_tlsc_input 'hello\n' 3 connect "localhost:$SRV_PORT" --ca "$ROOT"
  expect_failure $EXIT_ALERT
  if [ "$ver" = 1.2 ]; then
    # gnutls-serv 3.7 answers an empty Certificate with decode_error.
    expect_stderr_contains "decode_error (50)"
  else
    expect_stderr_contains "certificate_required (116)"
  fi
  case_end

  case_begin "openssl TLS$ver rejects a client certificate of an unknown CA"
  serve server-p256 "-tls${ver/./_}" -Verify 1 -CAfile "$PKI/client-ca.pem" -verify_return_error
  run_tlsc_input 'hello\n' 3 connect "localhost:$SRV_PORT" --ca "$ROOT" \
    --cert "$PKI/client-selfsigned.pem" --key "$PKI/client-selfsigned.key"
  expect_failure $EXIT_ALERT
  expect_stderr_contains "unknown_ca (48)"
  case_end

  case_begin "gnutls TLS$ver rejects a client certificate of an unknown CA"
  start_gnutls --priority "NORMAL:-VERS-ALL:+VERS-TLS$ver" --require-client-cert --verify-client-cert \
    --x509cafile "$PKI/client-ca.pem" --x509certfile "$PKI/server-p256-chain.pem" \
    --x509keyfile "$PKI/server-p256.key"
  run_tlsc_input 'hello\n' 3 connect "localhost:$SRV_PORT" --ca "$ROOT" \
    --cert "$PKI/client-selfsigned.pem" --key "$PKI/client-selfsigned.key"
  expect_failure $EXIT_ALERT
  expect_stderr_contains "access_denied (49)"
  case_end
done

echo "$PSK_ID:$PSK_KEY" > "$T/psk.txt"

case_begin "PSK TLS1.2: wrong key (openssl)"
start_openssl -tls1_2 -nocert -psk "$PSK_KEY" -psk_identity "$PSK_ID"
connect_summary 127.0.0.1 --psk "$PSK_ID:$OTHER_KEY"
expect_failure $EXIT_ALERT
expect_stderr_contains "bad_record_mac (20)"
case_end

case_begin "PSK TLS1.2: unknown identity (gnutls answers as for a wrong key)"
start_gnutls --pskpasswd "$T/psk.txt" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:+PSK:+ECDHE-PSK"
connect_summary 127.0.0.1 --psk "someone-else:$PSK_KEY"
expect_failure $EXIT_ALERT
expect_stderr_contains "bad_record_mac (20)"
case_end

case_begin "PSK TLS1.3: unknown identity (openssl, no certificate to fall back to)"
start_openssl -tls1_3 -nocert -psk "$PSK_KEY" -psk_identity "$PSK_ID"
connect_summary 127.0.0.1 --psk "someone-else:$PSK_KEY"
expect_failure $EXIT_ALERT
expect_stderr_contains "handshake_failure (40)"
case_end

case_begin "PSK TLS1.3: wrong key (openssl: binder check fails)"
start_openssl -tls1_3 -nocert -psk "$PSK_KEY" -psk_identity "$PSK_ID"
connect_summary 127.0.0.1 --psk "$PSK_ID:$OTHER_KEY"
expect_failure $EXIT_ALERT
expect_stderr_re "(illegal_parameter \(47\)|decrypt_error \(51\))"
case_end

case_begin "PSK TLS1.3: wrong key (gnutls)"
start_gnutls --pskpasswd "$T/psk.txt" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK:+ECDHE-PSK"
connect_summary 127.0.0.1 --psk "$PSK_ID:$OTHER_KEY"
expect_failure $EXIT_ALERT
expect_stderr_re "(illegal_parameter \(47\)|decrypt_error \(51\))"
case_end

case_begin "server speaks TLS 1.2 only, tlsc --tls1.3"
serve server-p256 -tls1_2
connect_summary localhost --ca "$ROOT" --tls1.3
expect_failure $EXIT_ALERT
expect_stderr_contains "protocol_version (70)"
case_end

case_begin "server speaks TLS 1.3 only, tlsc --tls1.2"
serve server-p256 -tls1_3
connect_summary localhost --ca "$ROOT" --tls1.2
expect_failure $EXIT_ALERT
expect_stderr_contains "protocol_version (70)"
case_end

case_begin "no common cipher suite (server: AES128-SHA only)"
serve server-rsa2048 -tls1_2 -cipher AES128-SHA
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_ALERT
expect_stderr_contains "handshake_failure (40)"
case_end

case_begin "no common group (server: P-521 only)"
serve server-p256 -groups P-521
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_ALERT
expect_stderr_contains "handshake_failure (40)"
case_end

case_begin "ALPN: no common protocol (openssl sends no_application_protocol)"
serve server-p256 -alpn h2
connect_summary localhost --ca "$ROOT" --alpn mqtt
expect_failure $EXIT_ALERT
expect_stderr_contains "no_application_protocol (120)"
case_end

case_begin "ALPN: gnutls --alpn-fatal"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key" \
  --alpn h2 --alpn-fatal
connect_summary localhost --ca "$ROOT" --alpn mqtt,http/1.1
expect_failure $EXIT_ALERT
expect_stderr_contains "no_application_protocol (120)"
case_end

case_begin "SNI: gnutls --sni-hostname-fatal refuses another name"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key" \
  --sni-hostname tlsc.test --sni-hostname-fatal
connect_summary localhost --ca "$ROOT"
expect_failure $EXIT_ALERT
expect_stderr_contains "unrecognized_name (112)"
case_end

# ---- configuration errors (exit 3) ---------------------------------------------------

# These fail before connecting: port 9 (discard) on 127.0.0.1 is never used.
case_begin "encrypted PKCS#8 key, wrong password"
run_tlsc connect 127.0.0.1:9 --ca "$ROOT" --cert "$PKI/client-ec.pem" \
  --key "$PKI/client-ec.enc.p8.pem" --key-pass wrong --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "password"
case_end

case_begin "encrypted SEC1 (Proc-Type) key, wrong password"
run_tlsc connect 127.0.0.1:9 --ca "$ROOT" --cert "$PKI/client-ec.pem" \
  --key "$PKI/client-ec.enc.sec1.pem" --key-pass wrong --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "password"
case_end

case_begin "encrypted key, no password given"
run_tlsc connect 127.0.0.1:9 --ca "$ROOT" --cert "$PKI/client-rsa.pem" \
  --key "$PKI/client-rsa.enc.p8.pem" --summary
expect_failure $EXIT_CONFIG
expect_stderr_re "encrypted|password"
case_end

case_begin "client key does not match the certificate"
run_tlsc connect 127.0.0.1:9 --ca "$ROOT" --cert "$PKI/client-ec.pem" \
  --key "$PKI/client-mismatch.key" --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "does not match"
case_end

case_begin "client RSA key with the ECDSA certificate"
run_tlsc connect 127.0.0.1:9 --ca "$ROOT" --cert "$PKI/client-ec.pem" \
  --key "$PKI/client-rsa.key" --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "does not match"
case_end

case_begin "CA file does not exist"
run_tlsc connect 127.0.0.1:9 --ca "$T/nonexistent.pem" --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "$T/nonexistent.pem"
case_end

case_begin "CA file holds no certificate (a private key)"
run_tlsc connect 127.0.0.1:9 --ca "$PKI/server-p256.key" --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "server-p256.key"
case_end

case_begin "malformed pin"
run_tlsc connect 127.0.0.1:9 --pin "sha256//not-base64!" --summary
expect_failure $EXIT_CONFIG
expect_stderr_contains "not-base64!"
case_end

case_begin "malformed PSK key (not hex)"
run_tlsc connect 127.0.0.1:9 --psk "$PSK_ID:xyz123" --summary
expect_failure $EXIT_CONFIG
expect_stderr_re "hex|PSK"
case_end

# ---- usage errors (exit 2) ----------------------------------------------------------

case_begin "usage: HOST without :PORT"
run_tlsc connect localhost --ca "$ROOT"
expect_exit $EXIT_USAGE
expect_stderr_contains "localhost"
case_end

case_begin "usage: --cert without --key"
run_tlsc connect localhost:9 --ca "$ROOT" --cert "$PKI/client-ec.pem"
expect_exit $EXIT_USAGE
expect_stderr_contains "--key"
case_end

# ---- network, DNS, timeout, truncation -----------------------------------------------

case_begin "connection refused"
# A port that was just in use and is now closed.
serve server-p256
port=$SRV_PORT
stop_servers
SRV_PORT=$port
connect_summary 127.0.0.1 --ca "$ROOT"
expect_failure $EXIT_NETWORK
expect_stderr_contains "refused"
expect_stderr_contains "$port"
case_end

case_begin "DNS failure: a name under .invalid"
run_tlsc connect no-such-host.invalid:443 --ca "$ROOT" --summary --timeout 5000
expect_failure $EXIT_DNS
expect_stderr_contains "no-such-host.invalid"
case_end

case_begin "handshake timeout: the server accepts and never answers"
start_silent
connect_summary localhost --ca "$ROOT" --timeout 1000
expect_failure $EXIT_TIMEOUT
expect_stderr_contains "handshake"
expect_stderr_contains "1000 ms"
expect_elapsed_between 900 2000
case_end

case_begin "server vanishes mid-session without close_notify: truncated"
serve server-p256
# SIGTERM: s_server has no handler, so it dies without close_notify
(sleep 1; pkill -TERM -P "$SRV_PID" -x openssl) > /dev/null 2>&1 &
HELPER_PIDS+=("$!")
run_tlsc_input 'hello\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT"
expect_failure $EXIT_CLOSED
expect_stdout_contains "olleh"
expect_stderr_contains "close_notify"
expect_elapsed_between 800 4000
case_end

finish
