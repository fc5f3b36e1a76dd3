#!/usr/bin/env bash
# tests/interop/probe.sh — `tlsc probe` against openssl s_server set up the
# way real servers differ: TLS 1.2 only, TLS 1.3 only, an ECDSA or an RSA
# chain, a restricted suite list, small records (-max_send_frag); against
# gnutls-serv (which answers record_size_limit); and through a relay
# (tests/hostile/hostile.py coalesce) that merges the server's records the
# way a server ignoring max_fragment_length sends them.
#
# record_size_limit depends on the build: the full profile does not offer
# it ("unknown"), the small ones do (openssl 3.0 ignores it: "no";
# gnutls-serv answers: "yes"). The first case learns which from the
# openssl line; the gnutls case checks the pair.
#
# Expected values are computed from the certificates the server sends, not
# copied from tlsc's output: the chain size is the sum of the DER sizes, and
# the largest handshake message is the Certificate message, whose size the
# RFCs fix (TLS 1.2: 4 + 3 + sum(3 + der); TLS 1.3: 4 + 1 + 3 +
# sum(3 + der + 2)).
#
# Usage: TLSC_BIN=build/dev/tools/tlsc bash tests/interop/probe.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem
TLS13_SUITES="TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256"
ECDSA_SUITES="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
RSA_SUITES="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"

der_len() { openssl x509 -in "$1" -outform DER | wc -c; }

# serve LEAF [s_server args...]: the leaf and the intermediate, -www.
serve() {
  local leaf=$1; shift
  start_openssl -www -cert "$PKI/$leaf.pem" -cert_chain "$PKI/int.pem" \
    -key "$PKI/$leaf.key" "$@"
}

probe() { run_tlsc probe "localhost:$SRV_PORT" --ca "$ROOT" "$@"; }

# start_hostile_relay SCENARIO ARGS...: tests/hostile/hostile.py on a port
# chosen by the kernel ("LISTEN 127.0.0.1:PORT"). Sets SRV_PORT, SRV_LOG.
HOSTILE=$(cd "$(dirname "$0")/../hostile" && pwd)/hostile.py
start_hostile_relay() {
  _next_log
  _spawn "$SRV_LOG" "${TLSC_PYTHON:-/usr/bin/python3}" "$HOSTILE" "$@" --lifetime "$SERVER_LIFETIME" --hold 5
  if ! _wait_for_log "$SRV_PID" "$SRV_LOG" '^LISTEN ' 10; then
    fail "hostile.py did not start: $(head -3 "$SRV_LOG" | tr '\n' ' ')"
    SRV_PORT=1
    return 1
  fi
  SRV_PORT=$(sed -n 's/^LISTEN .*:\([0-9][0-9]*\)$/\1/p' "$SRV_LOG" | head -1)
}

# The value of probe output line KEY ("key: value") on stdout.
value() { sed -n "/^$1: /{s/^$1: //p;q}" <<< "$OUT"; }

expect() {
  grep -q "^$1: " <<< "$OUT" || { fail "no '$1:' line"; return; }
  local v; v=$(value "$1")
  [ "$v" = "$2" ] || fail "$1: '$v', expected '$2'"
}

expect_re() {
  local v; v=$(value "$1")
  grep -qE "$2" <<< "$v" || fail "$1: '$v', expected to match /$2/"
}

expect_absent() {
  grep -q "^$1: " <<< "$OUT" && fail "unexpected '$1:' line"
  return 0
}

# expect_le KEY LIMIT / expect_gt KEY LIMIT: numeric value bounds.
expect_le() { local v; v=$(value "$1"); [ -n "$v" ] && [ "$v" -le "$2" ] || fail "$1: '$v', expected <= $2"; }
expect_gt() { local v; v=$(value "$1"); [ -n "$v" ] && [ "$v" -gt "$2" ] || fail "$1: '$v', expected > $2"; }

# expect_chain LEAF KEYS: chain_* lines and the handshake sizes for the
# leaf + intermediate chain (DER sizes from openssl).
expect_chain() {
  local l i; l=$(der_len "$PKI/$1.pem"); i=$(der_len "$PKI/int.pem")
  expect chain_certs 2
  expect chain_bytes $((l + i))
  expect leaf_key "${2%%,*}"
  expect chain_keys "$2"
  CERT12=$((7 + l + 3 + i + 3))
  CERT13=$((8 + l + 5 + i + 5))
}

# ---- cases ---------------------------------------------------------------------

case_begin "ECDSA P-256 chain, TLS 1.2 and 1.3"
serve server-p256
probe
expect_exit 0
expect server "localhost:$SRV_PORT"
expect tls1.2 yes
expect tls1.3 yes
expect protocol TLSv1.3
expect_re cipher "$RE_TLS13_SUITE"
expect_re group "$RE_GROUP"
expect suites "$TLS13_SUITES,$ECDSA_SUITES"
expect suites_rejected "$RSA_SUITES"
# s_server honours max_fragment_length (records of <= 512 bytes; the probe's
# 512-byte buffer cannot reassemble the Certificate message, which is not
# the server's fault).
expect max_fragment_length yes
expect_re record_size_limit '^(unknown|no)$'
RSL_OPENSSL=$(value record_size_limit)
expect_chain server-p256 "ec secp256r1,ec secp256r1"
expect max_handshake_message "$CERT13"
# The Certificate message travels in one record: 16-byte tag + content type.
expect max_record_in $((CERT13 + 17))
expect_re max_record_out '^[1-9][0-9]*$'
OUT_BASE=$(value max_record_out)
expect buffers "$CERT13,$OUT_BASE"
expect_re buffers_tls1.2 "^$CERT12,[1-9][0-9]*\$"
expect_re buffers_tls1.3 "^$CERT13,[1-9][0-9]*\$"
[ "$(value buffers_tls1.2 | cut -d, -f2)" -lt "$OUT_BASE" ] ||
  fail "a TLS 1.2-only ClientHello should be smaller than one offering both versions"
# The smallest max_fragment_length size holding TLS 1.2's Certificate
# message, confirmed by a connection; the ClientHello fits 512 bytes.
SET12=512
while [ "$SET12" -lt "$CERT12" ]; do SET12=$((SET12 * 2)); done
expect buffers_setting "$SET12,512 tls1.2"

case_begin "TLS 1.2-only server"
serve server-p256 -tls1_2
probe
expect_exit 0
expect tls1.2 yes
expect tls1.3 no
expect protocol TLSv1.2
expect_re cipher "$RE_TLS12_ECDSA_SUITE"
expect suites "$ECDSA_SUITES"
expect suites_rejected "$TLS13_SUITES,$RSA_SUITES"
expect max_fragment_length yes
expect record_size_limit skipped
expect_chain server-p256 "ec secp256r1,ec secp256r1"
expect max_handshake_message "$CERT12"
expect_re buffers "^$CERT12,"
expect_absent buffers_tls1.3

case_begin "TLS 1.3-only server"
serve server-p256 -tls1_3
probe
expect_exit 0
expect tls1.2 no
expect tls1.3 yes
expect protocol TLSv1.3
expect suites "$TLS13_SUITES"
expect suites_rejected "$ECDSA_SUITES,$RSA_SUITES"
expect max_fragment_length skipped
expect record_size_limit "$RSL_OPENSSL"
expect_chain server-p256 "ec secp256r1,ec secp256r1"
expect max_handshake_message "$CERT13"
expect_absent buffers_tls1.2
# No TLS 1.2, so no max_fragment_length: only a full record buffer is safe.
expect_re buffers_setting '^16384,[0-9]+ any$'

case_begin "RSA 2048 leaf"
serve server-rsa2048
probe
expect_exit 0
expect suites "$TLS13_SUITES,$RSA_SUITES"
expect suites_rejected "$ECDSA_SUITES"
expect_chain server-rsa2048 "rsa 2048,ec secp256r1"
expect max_handshake_message "$CERT13"

case_begin "P-384 leaf, server restricted to two suites"
serve server-p384 -ciphersuites TLS_CHACHA20_POLY1305_SHA256 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
probe
expect_exit 0
expect cipher TLS_CHACHA20_POLY1305_SHA256
expect suites "TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
expect_chain server-p384 "ec secp384r1,ec secp256r1"

case_begin "small records (-max_send_frag 512): the handshake message still needs its size"
serve server-p256 -max_send_frag 512
probe
expect_exit 0
expect_chain server-p256 "ec secp256r1,ec secp256r1"
expect_le max_record_in $((512 + 17))
expect max_handshake_message "$CERT13"
expect_gt max_handshake_message 512
expect_re buffers "^$CERT13,"
expect max_fragment_length yes

case_begin "gnutls-serv: honours max_fragment_length, answers record_size_limit"
start_gnutls --http --x509certfile "$PKI/server-p256-chain.pem" --x509keyfile "$PKI/server-p256.key"
probe
expect_exit 0
expect tls1.2 yes
expect tls1.3 yes
expect max_fragment_length yes
case $RSL_OPENSSL in
  unknown) expect record_size_limit unknown ;;  # the full profile offers none
  *) expect record_size_limit yes ;;
esac

case_begin "a server ignoring max_fragment_length (relay merging its records)"
serve server-p256
# Each probe connection goes through the relay; about 10 with --tls1.2.
start_hostile_relay coalesce --upstream "$SRV_PORT" --connections 20
probe --tls1.2
expect_exit 0
expect tls1.2 yes
expect max_fragment_length no
expect record_size_limit skipped
expect_chain server-p256 "ec secp256r1,ec secp256r1"
expect_gt max_record_in 1024
expect_re buffers_setting '^16384,[0-9]+ any$'

case_begin "--tls1.2 limits the probe to TLS 1.2"
serve server-p256
probe --tls1.2
expect_exit 0
expect tls1.2 yes
expect tls1.3 skipped
expect protocol TLSv1.2
expect suites "$ECDSA_SUITES"
expect suites_rejected "$RSA_SUITES"
expect record_size_limit skipped
expect_absent buffers_tls1.3

case_begin "PSK only: PSK suites tried, no certificate suites, no chain"
PSK_HEX=0102030405060708090a0b0c0d0e0f10
start_openssl -www -nocert -psk "$PSK_HEX" -psk_identity dev1 \
  -cipher 'PSK-AES128-GCM-SHA256:ECDHE-PSK-CHACHA20-POLY1305'
run_tlsc probe "localhost:$SRV_PORT" --psk "dev1:$PSK_HEX"
expect_exit 0
expect tls1.2 yes
expect tls1.3 yes
# s_server's -psk is a TLS 1.3 external PSK bound to SHA-256: the SHA-384
# suite cannot use it.
expect suites "TLS_AES_128_GCM_SHA256,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,TLS_PSK_WITH_AES_128_GCM_SHA256"
expect suites_rejected "TLS_AES_256_GCM_SHA384,TLS_PSK_WITH_AES_256_GCM_SHA384,TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"
expect chain_certs 0
expect chain_bytes 0
# No certificate: the handshake fits records of 512 bytes and completes.
expect max_fragment_length yes
expect leaf_key none
expect chain_keys none
expect_re buffers '^[1-9][0-9]*,[1-9][0-9]*$'

case_begin "untrusted server: verification error, what was learned and the verdict"
serve server-p256
run_tlsc probe "localhost:$SRV_PORT" --ca "$PKI/untrusted-root.pem"
expect_exit "$EXIT_VERIFY"
expect_stderr_contains 'does not lead to a trusted CA'
expect "server_versions" "TLS 1.3, TLS 1.2"
expect "server_key" "ec secp256r1"
last=$(tail -1 <<< "$OUT")
grep -q "^verdict: no — tlsc's handshake fails: server certificate chain does not lead to a trusted CA: unknown issuer" <<< "$last" ||
  fail "last line: $last"

case_begin "usage errors and help"
run_tlsc probe --help
expect_exit 0
grep -q '^Usage: tlsc probe HOST:PORT' <<< "$OUT" || fail "--help lacks the usage line"
grep -q 'max_handshake_message' <<< "$OUT" || fail "--help lacks the output keys"
grep -q 'does not offer record_size_limit' <<< "$OUT" ||
  fail "--help does not explain record_size_limit: unknown"
run_tlsc probe localhost:1 --sess-in "$T/none" --insecure
expect_exit "$EXIT_USAGE"
expect_stderr_contains "do not apply to probe"
expect_stderr_contains "tlsc probe --help"
run_tlsc probe localhost --insecure
expect_exit "$EXIT_USAGE"
expect_stderr_contains "tlsc probe --help"

finish
