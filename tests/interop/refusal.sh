#!/usr/bin/env bash
# tests/interop/refusal.sh — servers tlsc shares nothing with (issue 13,
# section 2). Each openssl s_server / gnutls-serv is set up to offer only
# one thing: a version (TLS 1.1, TLS 1.3, TLS 1.2), a suite family (CBC,
# RSA key exchange, DHE, CCM), a group (ffdhe2048, X448, P-521), or a
# certificate whose key this build cannot verify (P-521, Ed25519, Ed448,
# brainpoolP256r1), generated here. Asserted:
# - `tlsc connect`'s error names what tlsc offered, in words, and the
#   --buffers / --tls1.2 / --tls1.3 narrowing behind a protocol_version;
# - a P-521 or Ed25519 intermediate above a P-256 leaf is a verification
#   failure (status 9) naming depth, subject and key type;
# - `tlsc probe` prints what it learned and a `verdict:` line in words.
#
# Usage: TLSC_BIN=build/dev/tools/tlsc bash tests/interop/refusal.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem
OFFERED="which offered TLS 1.2 and 1.3; suites TLS 1.3 AES-GCM and ChaCha20, ECDHE-ECDSA and ECDHE-RSA with AES-GCM or ChaCha20; groups secp256r1, x25519, secp384r1; signatures ECDSA P-256/P-384, RSA PKCS#1 and RSA-PSS"

# ---- certificates with keys this build cannot use (signed by int) -------------
cat > "$PKI/refusal.cnf" <<'EOF'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost
EOF
# issue_cert NAME ISSUER EXT SUBJECT GENPKEY-ARGS...
issue_cert() {
  local name=$1 issuer=$2 ext=$3 subj=$4; shift 4
  openssl genpkey "$@" -out "$PKI/$name.key" 2>/dev/null &&
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" &&
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$issuer.pem" -CAkey "$PKI/$issuer.key" \
    -days 5 -extfile "$PKI/refusal.cnf" -extensions "$ext" -out "$PKI/$name.pem" 2>/dev/null ||
    die "cannot issue $name"
}
EC="-algorithm EC -pkeyopt ec_paramgen_curve"
issue_cert leaf-p521 int leaf "/CN=localhost/OU=p521" $EC:P-521
issue_cert leaf-ed25519 int leaf "/CN=localhost/OU=ed25519" -algorithm ED25519
issue_cert leaf-ed448 int leaf "/CN=localhost/OU=ed448" -algorithm ED448
issue_cert leaf-bp256 int leaf "/CN=localhost/OU=brainpool" $EC:brainpoolP256r1
issue_cert int-p521 root ca "/CN=tlsc P-521 Intermediate" $EC:P-521
issue_cert int-ed25519 root ca "/CN=tlsc Ed25519 Intermediate" -algorithm ED25519
issue_cert below-p521 int-p521 leaf "/CN=localhost/OU=below-p521" $EC:P-256
issue_cert below-ed25519 int-ed25519 leaf "/CN=localhost/OU=below-ed25519" $EC:P-256

# serve LEAF CHAIN [s_server args]
serve() {
  local leaf=$1 chain=$2; shift 2
  start_openssl -cert "$PKI/$leaf.pem" -key "$PKI/$leaf.key" -cert_chain "$PKI/$chain.pem" "$@"
}
connect() { run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary "$@"; }
probe() { run_tlsc probe "localhost:$SRV_PORT" --ca "$ROOT" --timeout 5000 "$@"; }
value() { sed -n "/^$1: /{s/^$1: //p;q}" <<< "$OUT"; }
expect_line() {
  local v; v=$(value "$1")
  [ "$v" = "$2" ] || fail "$1: '$v', expected '$2'"
}
# A failed probe still prints what it learned, the verdict last.
expect_verdict() {
  local last; last=$(tail -1 <<< "$OUT")
  [ "$last" = "verdict: $1" ] || fail "last line '$last', expected 'verdict: $1'"
  grep -q "^server: localhost:$SRV_PORT$" <<< "$OUT" || fail "no server: line"
}

# ---- connect: what tlsc offered -------------------------------------------------

case_begin "connect to a CBC-only server: the alert's detail says what tlsc offered"
serve server-p256 int -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA
connect
expect_exit $EXIT_ALERT
expect_stderr_contains "peer sent fatal alert handshake_failure (40) during the handshake: it refused tlsc's ClientHello, $OFFERED"
expect_stderr_contains "Never offered: TLS 1.0/1.1, CBC, RSA key exchange, DHE, CCM, ffdhe/X448/P-521, EdDSA"
case_end

case_begin "connect to a TLS 1.3-only server with --buffers 4096: the buffer is named"
serve server-p256 int -tls1_3
connect --buffers 4096
expect_exit $EXIT_ALERT
expect_stderr_contains "protocol_version (70)"
expect_stderr_contains "which offered TLS 1.2 only"
expect_stderr_contains "because an input buffer of 4096 bytes (--buffers, tlsc_config_set_buffers) limits this connection to TLS 1.2: use 16384 or a server that speaks TLS 1.2"
case_end

case_begin "connect --tls1.2 to a TLS 1.3-only server: --tls1.2 is named"
serve server-p256 int -tls1_3
connect --tls1.2
expect_exit $EXIT_ALERT
expect_stderr_contains "likely because TLS 1.2 only was asked for (--tls1.2"
case_end

case_begin "connect --tls1.3 to a TLS 1.2-only server: --tls1.3 is named"
serve server-p256 int -tls1_2
connect --tls1.3
expect_exit $EXIT_ALERT
expect_stderr_contains "which offered TLS 1.3 only"
expect_stderr_contains "likely because TLS 1.3 only was asked for (--tls1.3"
case_end

# ---- keys this build cannot verify in the chain ------------------------------------

for v in 1_2 1_3; do
  case_begin "P-521 intermediate above a P-256 leaf, TLS ${v/_/.}: verification failure"
  serve below-p521 int-p521 -tls$v
  connect
  expect_exit $EXIT_VERIFY
  expect_stderr_contains "its certificate at depth 1 (CN=tlsc P-521 Intermediate, a CA certificate) has a key of type ec secp521r1 (P-521), and this build verifies RSA keys and EC keys on P-256 (secp256r1) and P-384 (secp384r1)"
  expect_stderr_not_contains "only NIST curves"
  case_end

  case_begin "Ed25519 intermediate above a P-256 leaf, TLS ${v/_/.}: verification failure"
  serve below-ed25519 int-ed25519 -tls$v
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary --driver event
  expect_exit $EXIT_VERIFY
  expect_stderr_contains "its certificate at depth 1 (CN=tlsc Ed25519 Intermediate, a CA certificate) has a key of type ed25519"
  case_end
done

# tlsc verify (tlsc_verify_chain) says the same as a connection.
case_begin "tlsc verify: P-521 intermediate above a P-256 leaf"
cat "$PKI/below-p521.pem" "$PKI/int-p521.pem" > "$PKI/below-p521-chain.pem"
run_tlsc verify --ca "$ROOT" --chain "$PKI/below-p521-chain.pem" --host localhost
expect_exit $EXIT_VERIFY
expect_stderr_contains "its certificate at depth 1 (CN=tlsc P-521 Intermediate, a CA certificate) has a key of type ec secp521r1 (P-521), and this build verifies"
expect_stderr_not_contains "only NIST curves"
case_end

# ---- probe: what the server wants -----------------------------------------------------

case_begin "probe a TLS 1.1-only server"
serve server-p256 int -tls1_1 -cipher DEFAULT@SECLEVEL=0
probe
expect_exit $EXIT_ALERT
expect_line server_versions "TLS 1.1"
expect_verdict "no — the server only accepts TLS 1.1 and older; tlsc requires TLS 1.2 or 1.3"
case_end

case_begin "probe a CBC-only server"
serve server-p256 int -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA
probe
expect_exit $EXIT_ALERT
expect_line server_suites_tls1.2 "cbc"
expect_line server_key "ec secp256r1"
expect_verdict "no — the server accepts only TLS 1.2 CBC suites; tlsc offers AES-GCM and ChaCha20-Poly1305 (TLS 1.3) and ECDHE with them (TLS 1.2)"
case_end

case_begin "probe an RSA-key-exchange-only server"
serve server-rsa2048 int -tls1_2 -cipher AES128-GCM-SHA256
probe
expect_line server_suites_tls1.2 "rsa-kex"
expect_line server_key "rsa 2048"
expect_verdict "no — the server accepts only TLS 1.2 RSA key exchange suites; tlsc offers AES-GCM and ChaCha20-Poly1305 (TLS 1.3) and ECDHE with them (TLS 1.2)"
case_end

case_begin "probe a DHE-only server"
serve server-rsa2048 int -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
probe
expect_line server_suites_tls1.2 "dhe"
expect_verdict "no — the server accepts only TLS 1.2 DHE suites; tlsc offers AES-GCM and ChaCha20-Poly1305 (TLS 1.3) and ECDHE with them (TLS 1.2)"
case_end

case_begin "probe a CCM-only server (gnutls-serv)"
start_gnutls --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key" \
  --priority "NORMAL:-CIPHER-ALL:+AES-128-CCM:+AES-256-CCM"
probe
expect_line server_suites_tls1.2 "ccm"
expect_line server_suites_tls1.3 "ccm"
expect_verdict "no — the server accepts only TLS 1.2 CCM and TLS 1.3 CCM suites; tlsc offers AES-GCM and ChaCha20-Poly1305 (TLS 1.3) and ECDHE with them (TLS 1.2)"
case_end

case_begin "probe a TLS 1.3 server with ffdhe2048 only"
serve server-p256 int -tls1_3 -groups ffdhe2048
probe
expect_line server_groups "ffdhe2048"
expect_verdict "no — the server accepts only the groups ffdhe2048; tlsc offers secp256r1, x25519 and secp384r1"
case_end

case_begin "probe a server with X448 only"
serve server-p256 int -groups X448
probe
expect_line server_groups "x448"
expect_verdict "no — the server accepts only the groups x448; tlsc offers secp256r1, x25519 and secp384r1"
case_end

case_begin "probe a TLS 1.2 server with P-521 only"
serve server-p256 int -tls1_2 -groups P-521
probe
expect_line server_groups "secp521r1"
expect_verdict "no — the server accepts only the groups secp521r1; tlsc offers secp256r1, x25519 and secp384r1"
case_end

# name words version
key_case() {
  case_begin "probe a server whose certificate key is $1, TLS ${3/_/.}"
  serve "leaf-$1" int "-tls$3"
  probe
  expect_exit $EXIT_ALERT
  expect_verdict "no — the server's certificate key is $2, which this build cannot verify"
  case_end
}
key_case p521 "EC P-521 (secp521r1)" 1_3
key_case p521 "EC P-521 (secp521r1)" 1_2
key_case ed25519 Ed25519 1_3
key_case ed25519 Ed25519 1_2
key_case ed448 Ed448 1_3
key_case ed448 Ed448 1_2
# OpenSSL 3.0 has no TLS 1.3 brainpool signature algorithms
key_case bp256 "EC brainpool" 1_2

case_begin "probe a TLS 1.3-only server with --buffers 4096"
serve server-p256 int -tls1_3
probe --buffers 4096
expect_exit $EXIT_ALERT
expect_line server_versions "TLS 1.3"
expect_verdict "no — the server accepts only TLS 1.3, and --buffers 4096 limits tlsc to TLS 1.2; use --buffers 16384 (TLS 1.3 needs it) or a server that speaks TLS 1.2"
case_end

case_begin "probe a TLS 1.3-only server with --tls1.2"
serve server-p256 int -tls1_3
probe --tls1.2
expect_verdict "no — the server accepts only TLS 1.3, and --tls1.2 limits tlsc to TLS 1.2; drop --tls1.2"
case_end

case_begin "probe a TLS 1.2-only server with --tls1.3"
serve server-p256 int -tls1_2
probe --tls1.3
expect_verdict "no — the server does not accept TLS 1.3, and --tls1.3 was given; drop it"
case_end

case_begin "probe a server tlsc can use: verdict yes"
serve server-p256 int
probe
expect_exit 0
expect_verdict_re() { grep -qE "^verdict: yes( — with --buffers [0-9]+,[0-9]+ --tls1.2)?$" <<< "$(tail -1 <<< "$OUT")" || fail "last line: $(tail -1 <<< "$OUT")"; }
expect_verdict_re
case_end

finish
