#!/usr/bin/env bash
# bench/resume.sh BUILD_DIR — full vs resumed handshakes, side by side.
#
# CPU is counted in instructions by valgrind's callgrind, collecting only
# inside tlsc_conn_connect (the client's handshake; repeatable, unlike
# seconds). Bytes are what the handshake put on the wire each way. The
# server is a local `openssl s_server` (-allow_no_dhe_kex so psk_ke can be
# chosen). Targets (issue #8): a resumed TLS 1.2 handshake and a TLS 1.3
# psk_ke one cost at most 1/10 of a full handshake's CPU; TLS 1.3
# psk_dhe_ke at most 1/2 (it still does the key exchange, not the
# certificate work).
set -euo pipefail
build=${1:?usage: bench/resume.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bench/resume_bench
command -v valgrind >/dev/null || { echo "resume.sh: valgrind missing (scripts/deps.sh bench)" >&2; exit 1; }
[ -x "$bin" ] || { echo "resume.sh: $bin missing: build first (make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-bench.XXXXXX")
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export OPENSSL_CONF=/dev/null
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$tmp/pki" >/dev/null 2>&1
ca=$tmp/pki/root.pem

start_server() { # KEYNAME
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  openssl s_server -accept 127.0.0.1:0 -cert "$tmp/pki/$1.pem" -cert_chain "$tmp/pki/int.pem" \
    -key "$tmp/pki/$1.key" -www -allow_no_dhe_kex -naccept 1000 >"$tmp/server.log" 2>&1 </dev/null &
  server=$!
  for _ in $(seq 50); do
    port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$tmp/server.log")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "resume.sh: server did not start" >&2; exit 1
}

# measure MODE STEP -> "INSTRUCTIONS BYTES_OUT BYTES_IN"
measure() {
  local out
  out=$(valgrind --tool=callgrind --toggle-collect=tlsc_conn_connect \
          --callgrind-out-file="$tmp/cg.out" "$bin" "$port" "$ca" "$1" "$2" "$tmp/sess" 2>"$tmp/vg.log") ||
    { echo "resume.sh: $1 $2 failed:" >&2; tail -5 "$tmp/vg.log" >&2; exit 1; }
  local instr
  instr=$(sed -n 's/^\(summary\|totals\): *\([0-9][0-9]*\).*/\2/p' "$tmp/cg.out" | tail -1)
  echo "$instr $(awk '{print $2, $4}' <<<"$out")"
}

printf '%-9s %-22s %14s %14s %7s %7s %15s %15s %s\n' key handshake full_instr resumed_instr ratio target \
  "full_bytes o/i" "resumed_bytes" met
for key in server-p256 server-rsa2048; do
  start_server "$key"
  for mode in tls12 tls13 tls13-psk-ke; do
    read -r fi fo fin < <(measure "$mode" full)
    read -r ri ro rin < <(measure "$mode" resumed)
    case $mode in tls13) target=0.50 ;; *) target=0.10 ;; esac
    label=$mode; [ "$mode" = tls13 ] && label="tls13 (psk_dhe_ke)"; [ "$mode" = tls13-psk-ke ] && label="tls13 (psk_ke)"
    ratio=$(awk -v r="$ri" -v f="$fi" 'BEGIN{printf "%.3f", r/f}')
    met=$(awk -v r="$ratio" -v t="$target" 'BEGIN{print (r <= t) ? "yes" : "NO"}')
    printf '%-9s %-22s %14s %14s %7s %7s %15s %15s %s\n' "${key#server-}" "$label" "$fi" "$ri" \
      "$ratio" "<=$target" "$fo/$fin" "$ro/$rin" "$met"
  done
done
