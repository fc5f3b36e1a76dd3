#!/usr/bin/env bash
# tests/interop/matrix.sh — tlsc against real servers.
#
# {openssl s_server, gnutls-serv} x {TLS 1.2, TLS 1.3} x {ECDSA P-256,
# ECDSA P-384, RSA-2048} x {no client certificate, client certificate
# required}; then RSA-4096, PSK, ALPN, SNI, group selection, forced cipher
# suites, client key formats and data relay. Every case asserts the
# negotiated facts from `tlsc connect --summary`, not just success.
#
# Usage: TLSC_BIN=build/release/tools/tlsc bash tests/interop/matrix.sh
source "$(dirname "$0")/lib.sh"

setup_pki rsa4096
ROOT=$PKI/root.pem
PSK_KEY=5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c
PSK_ID=device-17

# ---- helpers --------------------------------------------------------------------

# ver_flag 1.2|1.3 -> openssl s_server option / gnutls priority / tlsc option
ossl_ver() { [ "$1" = 1.2 ] && echo -tls1_2 || echo -tls1_3; }
gnutls_prio() { [ "$1" = 1.2 ] && echo "NORMAL:-VERS-ALL:+VERS-TLS1.2" || echo "NORMAL:-VERS-ALL:+VERS-TLS1.3"; }
tlsc_ver() { [ "$1" = 1.2 ] && echo --tls1.2 || echo --tls1.3; }

# The suite regex for a version and server key type.
suite_re() {
  if [ "$1" = 1.3 ]; then echo "$RE_TLS13_SUITE"
  elif [ "${2#rsa}" != "$2" ]; then echo "$RE_TLS12_RSA_SUITE"
  else echo "$RE_TLS12_ECDSA_SUITE"; fi
}

# Subject tlsc must report for server-<key>.pem.
peer_of() {
  case $1 in
    p256) echo "CN=localhost, O=tlsc tests, OU=ecdsa-p256" ;;
    p384) echo "CN=localhost, O=tlsc tests, OU=ecdsa-p384" ;;
    rsa2048) echo "CN=localhost, O=tlsc tests, OU=rsa-2048" ;;
    rsa4096) echo "CN=localhost, O=tlsc tests, OU=rsa-4096" ;;
  esac
}

# Client credentials used with a server key: ECDSA client for ECDSA
# servers, RSA client for RSA servers (both are exercised).
client_of() { [ "${1#rsa}" != "$1" ] && echo rsa || echo ec; }

# Common facts of a certificate handshake.
expect_cert_handshake() { # VERSION KEY
  expect_exit 0
  expect_summary_complete
  expect_summary protocol "TLSv$1"
  expect_summary_re cipher "$(suite_re "$1" "$2")"
  expect_summary_re group "$RE_GROUP"
  expect_summary peer "$(peer_of "$2")"
  expect_summary verify ok
  expect_summary alpn none
  expect_summary resumed no
}

# ---- the matrix -------------------------------------------------------------------

for server in openssl gnutls; do
  for ver in 1.2 1.3; do
    for key in p256 p384 rsa2048; do
      for auth in none required; do
        case_begin "$server TLS$ver $key client-cert:$auth"
        args=()
        cl=$(client_of "$key")
        if [ "$server" = openssl ]; then
          [ "$auth" = required ] &&
            args=(-Verify 1 -CAfile "$PKI/client-ca.pem" -verify_return_error)
          start_openssl "$(ossl_ver "$ver")" -cert "$PKI/server-$key.pem" \
            -cert_chain "$PKI/int.pem" -key "$PKI/server-$key.key" "${args[@]}"
        else
          [ "$auth" = required ] &&
            args=(--require-client-cert --verify-client-cert --x509cafile "$PKI/client-ca.pem")
          start_gnutls --priority "$(gnutls_prio "$ver")" \
            --x509certfile "$PKI/server-$key-chain.pem" --x509keyfile "$PKI/server-$key.key" "${args[@]}"
        fi
        targs=(--ca "$ROOT" --summary)
        [ "$auth" = required ] && targs+=(--cert "$PKI/client-$cl.pem" --key "$PKI/client-$cl.key")
        # Half the cases use the name, half the IP address (SAN IP).
        host=localhost
        [ "$key" = p384 ] && host=127.0.0.1
        run_tlsc connect "$host:$SRV_PORT" "${targs[@]}"
        expect_cert_handshake "$ver" "$key"
        if [ "$auth" = required ]; then
          # TLS 1.3 clients finish before the server checks their
          # certificate: the server's log is the proof it accepted it.
          if [ "$server" = openssl ]; then
            expect_server_log "^Peer certificate: CN = tlsc-client-$cl, O = tlsc tests"
            expect_server_log '^Verification: OK'
          else
            expect_server_log 'The certificate is trusted'
            expect_server_log "Subject: O=tlsc tests,CN=tlsc-client-$cl\$"
          fi
        fi
        case_end
      done
    done
  done
done

# ---- RSA-4096 ------------------------------------------------------------------------

for ver in 1.2 1.3; do
  case_begin "openssl TLS$ver rsa4096"
  start_openssl "$(ossl_ver "$ver")" -cert "$PKI/server-rsa4096.pem" \
    -cert_chain "$PKI/int.pem" -key "$PKI/server-rsa4096.key"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  expect_cert_handshake "$ver" rsa4096
  case_end
done
case_begin "gnutls TLS1.3 rsa4096"
start_gnutls --priority "$(gnutls_prio 1.3)" \
  --x509certfile "$PKI/server-rsa4096-chain.pem" --x509keyfile "$PKI/server-rsa4096.key"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_cert_handshake 1.3 rsa4096
case_end

# ---- TLS 1.2 RSA signature schemes ----------------------------------------------------
# A TLS 1.2 server with an RSA key signs its ServerKeyExchange with the
# scheme it prefers among those the client offers: rsa_pss_rsae_* (0x0804..6)
# when offered (openssl and gnutls both prefer it), else rsa_pkcs1_*.

for sa in "RSA+SHA256 rsa_pkcs1_sha256" "rsa_pss_rsae_sha256 rsa_pss_rsae_sha256" \
          "rsa_pss_rsae_sha384 rsa_pss_rsae_sha384"; do
  set -- $sa
  case_begin "openssl TLS1.2 rsa2048 server signs with $2"
  start_openssl -tls1_2 -sigalgs "$1" -cert "$PKI/server-rsa2048.pem" \
    -cert_chain "$PKI/int.pem" -key "$PKI/server-rsa2048.key"
  [ "$1" != RSA+SHA256 ] && known_issue "mbedTLS 3.6 TLS 1.2 client rejects an RSA-PSS" \
    "ServerKeyExchange it offered (illegal_parameter); fixed upstream by Mbed-TLS/mbedtls#10672"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  expect_cert_handshake 1.2 rsa2048
  case_end
done

# ---- version negotiation without forcing the client -------------------------------------

for ver in 1.2 1.3; do
  case_begin "openssl TLS$ver-only server, tlsc default versions"
  start_openssl "$(ossl_ver "$ver")" -cert "$PKI/server-p256.pem" \
    -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  expect_cert_handshake "$ver" p256
  case_end
done
case_begin "gnutls default server, tlsc --tls1.2"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --tls1.2 --summary
expect_cert_handshake 1.2 p256
case_end

# ---- PSK -----------------------------------------------------------------------------

echo "$PSK_ID:$PSK_KEY" > "$T/psk.txt"

# expect_psk VERSION GROUP CIPHER_REGEX
expect_psk() {
  expect_exit 0
  expect_summary_complete
  expect_summary protocol "TLSv$1"
  expect_summary group "$2"
  expect_summary_re cipher "$3"
  expect_summary verify psk
  expect_summary peer none
}

case_begin "openssl TLS1.2 PSK (plain PSK suite)"
start_openssl -tls1_2 -nocert -psk "$PSK_KEY" -psk_identity "$PSK_ID" -cipher PSK-AES128-GCM-SHA256
run_tlsc connect "127.0.0.1:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
expect_psk 1.2 none '^TLS_PSK_WITH_AES_128_GCM_SHA256$'
case_end

case_begin "openssl TLS1.2 ECDHE-PSK (secp256r1)"
start_openssl -tls1_2 -nocert -psk "$PSK_KEY" -psk_identity "$PSK_ID" \
  -cipher ECDHE-PSK-CHACHA20-POLY1305 -groups P-256
run_tlsc connect "127.0.0.1:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
expect_psk 1.2 secp256r1 '^TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256$'
case_end

case_begin "openssl TLS1.3 PSK (psk_dhe_ke)"
start_openssl -tls1_3 -nocert -psk "$PSK_KEY" -psk_identity "$PSK_ID"
run_tlsc connect "localhost:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
# (secp256r1: tlsc offers it first and the server follows the client order)
expect_psk 1.3 secp256r1 '^TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256$'
expect_server_log '^Ciphersuite: TLS_'
case_end

case_begin "gnutls TLS1.2 PSK (plain PSK suite)"
start_gnutls --pskpasswd "$T/psk.txt" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+PSK"
run_tlsc connect "127.0.0.1:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
expect_psk 1.2 none '^TLS_PSK_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$'
case_end

case_begin "gnutls TLS1.2 ECDHE-PSK"
start_gnutls --pskpasswd "$T/psk.txt" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-PSK"
run_tlsc connect "127.0.0.1:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
expect_psk 1.2 secp256r1 '^TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256$'
case_end

case_begin "gnutls TLS1.3 PSK psk_ke (no key share)"
start_gnutls --pskpasswd "$T/psk.txt" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-KX-ALL:+PSK"
run_tlsc connect "127.0.0.1:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
expect_psk 1.3 none '^TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256$'
case_end

case_begin "gnutls TLS1.3 PSK psk_dhe_ke (secp384r1)"
start_gnutls --pskpasswd "$T/psk.txt" \
  --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-KX-ALL:+ECDHE-PSK:-GROUP-ALL:+GROUP-SECP384R1"
run_tlsc connect "127.0.0.1:$SRV_PORT" --psk "$PSK_ID:$PSK_KEY" --summary
expect_psk 1.3 secp384r1 '^TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256$'
case_end

# ---- ALPN ------------------------------------------------------------------------------

case_begin "openssl ALPN: server preference h2 over client's http/1.1"
start_openssl -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" \
  -key "$PKI/server-p256.key" -alpn h2,http/1.1
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --alpn http/1.1,h2 --summary
expect_exit 0
expect_summary alpn h2
case_end

case_begin "openssl ALPN: one common protocol (TLS 1.2)"
start_openssl -tls1_2 -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" \
  -key "$PKI/server-p256.key" -alpn mqtt
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --alpn h2,mqtt --summary
expect_exit 0
expect_summary protocol TLSv1.2
expect_summary alpn mqtt
case_end

case_begin "openssl ALPN: server without ALPN -> alpn none"
start_openssl -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --alpn h2 --summary
expect_exit 0
expect_summary alpn none
case_end

for ver in 1.2 1.3; do
  case_begin "gnutls ALPN TLS$ver"
  start_gnutls --priority "$(gnutls_prio "$ver")" --x509certfile "$PKI/server-p256-chain.pem" \
    --x509keyfile "$PKI/server-p256.key" --alpn h2
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" "$(tlsc_ver "$ver")" --alpn mqtt,h2 --summary
  expect_exit 0
  expect_summary protocol "TLSv$ver"
  expect_summary alpn h2
  case_end
done

# ---- SNI ---------------------------------------------------------------------------------

for host in localhost tlsc.test; do
  case_begin "openssl SNI: connecting to $host sends server_name $host"
  start_openssl -trace -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key"
  if [ "$host" = localhost ]; then
    run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  else
    # tlsc.test does not resolve: connect to the address, name it for TLS.
    run_tlsc connect "127.0.0.1:$SRV_PORT" --servername tlsc.test --ca "$ROOT" --summary
  fi
  expect_exit 0
  wait_server_log 'extension_type=server_name|CONNECTION ESTABLISHED' || true
  expect_equal "SNI seen by s_server" "$(openssl_sni_seen)" "$host"
  case_end
done

case_begin "openssl SNI: connecting to 127.0.0.1 sends no server_name"
start_openssl -trace -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key"
run_tlsc connect "127.0.0.1:$SRV_PORT" --ca "$ROOT" --summary
expect_exit 0
expect_server_log 'ClientHello'
expect_equal "SNI seen by s_server" "$(openssl_sni_seen)" "-"
case_end

case_begin "gnutls SNI: connecting to localhost sends server_name localhost"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_exit 0
expect_server_log '^- Version: TLS'
expect_equal "SNI seen by gnutls-serv" "$(gnutls_sni_seen)" localhost
case_end

case_begin "gnutls SNI: connecting to [::1] sends no server_name (SAN IP ::1)"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key"
run_tlsc connect "[::1]:$SRV_PORT" --ca "$ROOT" --summary
expect_exit 0
expect_summary peer "$(peer_of p256)"
expect_server_log '^- Version: TLS'
expect_equal "SNI seen by gnutls-serv" "$(gnutls_sni_seen)" "-"
case_end

case_begin "gnutls SNI: --sni-hostname-fatal accepts the right name"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key" \
  --sni-hostname tlsc.test --sni-hostname-fatal
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername tlsc.test --ca "$ROOT" --summary
expect_exit 0
expect_equal "SNI seen by gnutls-serv" "$(gnutls_sni_seen)" tlsc.test
case_end

# ---- groups ----------------------------------------------------------------------------

# name in openssl, gnutls priority name, tlsc name
for g in "P-256 SECP256R1 secp256r1" "P-384 SECP384R1 secp384r1" "X25519 X25519 x25519"; do
  set -- $g
  for ver in 1.2 1.3; do
    case_begin "openssl TLS$ver group $1 only"
    start_openssl "$(ossl_ver "$ver")" -groups "$1" -cert "$PKI/server-p256.pem" \
      -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key"
    run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
    expect_cert_handshake "$ver" p256
    expect_summary group "$3"
    case_end
  done
  case_begin "gnutls TLS1.3 group $2 only"
  start_gnutls --priority "$(gnutls_prio 1.3):-GROUP-ALL:+GROUP-$2" \
    --x509certfile "$PKI/server-p384-chain.pem" --x509keyfile "$PKI/server-p384.key"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  expect_cert_handshake 1.3 p384
  expect_summary group "$3"
  case_end
done

# ---- forced cipher suites --------------------------------------------------------------

for cs in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
  case_begin "openssl TLS1.3 suite $cs"
  start_openssl -tls1_3 -ciphersuites "$cs" -cert "$PKI/server-p256.pem" \
    -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  expect_exit 0
  expect_summary cipher "$cs"
  case_end
done
for cs in "ECDHE-ECDSA-AES128-GCM-SHA256 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 p256" \
          "ECDHE-ECDSA-AES256-GCM-SHA384 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 p256" \
          "ECDHE-ECDSA-CHACHA20-POLY1305 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 p256" \
          "ECDHE-RSA-AES128-GCM-SHA256 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 rsa2048" \
          "ECDHE-RSA-AES256-GCM-SHA384 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 rsa2048" \
          "ECDHE-RSA-CHACHA20-POLY1305 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 rsa2048"; do
  set -- $cs
  case_begin "openssl TLS1.2 suite $2"
  start_openssl -tls1_2 -cipher "$1" -cert "$PKI/server-$3.pem" \
    -cert_chain "$PKI/int.pem" -key "$PKI/server-$3.key"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
  expect_exit 0
  expect_summary protocol TLSv1.2
  expect_summary cipher "$2"
  case_end
done

# ---- client key formats (server requires and verifies the certificate) ----------------

# cert key [password]
for kf in "client-ec.pem client-ec.key" \
          "client-ec.pem client-ec.p8.pem" \
          "client-ec.pem client-ec.enc.p8.pem secret" \
          "client-ec.pem client-ec.enc.sec1.pem secret" \
          "client-ec.der client-ec.key.der" \
          "client-rsa.pem client-rsa.key" \
          "client-rsa.pem client-rsa.p8.pem" \
          "client-rsa.pem client-rsa.enc.p8.pem secret"; do
  set -- $kf
  for ver in 1.2 1.3; do
    case_begin "client credentials $1 + $2${3:+ (password)} TLS$ver"
    start_openssl "$(ossl_ver "$ver")" -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" \
      -key "$PKI/server-p256.key" -Verify 1 -CAfile "$PKI/client-ca.pem" -verify_return_error
    pass=()
    [ -n "${3:-}" ] && pass=(--key-pass "$3")
    # Relay a line: proves the server accepted the certificate (TLS 1.3
    # reports a rejection only after the client's handshake is done).
    run_tlsc_input 'hello client auth\nCLOSE\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT" \
      --cert "$PKI/$1" --key "$PKI/$2" "${pass[@]}"
    expect_exit 0
    expect_stdout_contains "htua tneilc olleh"
    expect_summary protocol "TLSv$ver"
    cn=tlsc-client-ec
    [ "${1#client-rsa}" != "$1" ] && cn=tlsc-client-rsa
    expect_server_log "^Peer certificate: CN = $cn, O = tlsc tests"
    case_end
  done
done

# ---- data relay ------------------------------------------------------------------------

for ver in 1.2 1.3; do
  case_begin "openssl -rev relay TLS$ver: lines come back reversed, server's close_notify ends it"
  start_openssl "$(ossl_ver "$ver")" -rev -cert "$PKI/server-p384.pem" \
    -cert_chain "$PKI/int.pem" -key "$PKI/server-p384.key"
  run_tlsc_input 'hello tlsc\nsecond line 12345\nCLOSE\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT"
  expect_exit 0
  expect_stdout_contains "cslt olleh"
  expect_stdout_equals "$(printf 'cslt olleh\n54321 enil dnoces')"
  # stdin stays open for 5 s: ending sooner means the server's close ended it
  expect_elapsed_between 0 3000
  case_end
done

case_begin "openssl -www relay: HTTP response over TLS 1.3"
start_openssl -www -tls1_3 -cert "$PKI/server-rsa2048.pem" -cert_chain "$PKI/int.pem" \
  -key "$PKI/server-rsa2048.key"
run_tlsc_input 'GET / HTTP/1.0\r\n\r\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT"
expect_exit 0
expect_stdout_contains "HTTP/1.0 200 ok"
expect_stdout_contains "TLS_"
case_end

case_begin "gnutls echo relay TLS1.2: bytes echoed, end of stdin closes cleanly"
start_gnutls --priority "$(gnutls_prio 1.2)" --x509certfile "$PKI/server-p256-chain.pem" \
  --x509keyfile "$PKI/server-p256.key"
run_tlsc_input 'ping over gnutls\n' 0 connect "localhost:$SRV_PORT" --ca "$ROOT"
expect_exit 0
expect_stdout_equals "ping over gnutls"
case_end

case_begin "gnutls echo relay TLS1.3: 64 KiB round trip"
start_gnutls --priority "$(gnutls_prio 1.3)" --x509certfile "$PKI/server-p256-chain.pem" \
  --x509keyfile "$PKI/server-p256.key"
head -c 49152 /dev/urandom | base64 -w 64 > "$T/big.txt"     # 64 KiB of lines
run_tlsc_input "$(cat "$T/big.txt")\n" 0 connect "localhost:$SRV_PORT" --ca "$ROOT"
expect_exit 0
expect_equal "echoed bytes (cksum)" "$(cksum < "$CASE_DIR/tlsc.out")" "$(cksum < "$T/big.txt")"
case_end

finish
