#!/usr/bin/env bash
# scripts/demo.sh BUILD_DIR — the `make demo` walk-through: mutual TLS 1.3
# between the tlsc command and a local openssl s_server, with a PKI made on
# the spot. Everything lives in a temp dir that is removed at the end, and
# the server is always stopped.
set -euo pipefail

build=${1:?usage: scripts/demo.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
tlsc=$build/tools/tlsc
export OPENSSL_CONF=/dev/null

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say()  { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
info() { printf '    %s\n' "$@"; }
die()  { printf '\ndemo failed: %s\n' "$*" >&2; exit 1; }

[ -x "$tlsc" ] || die "$tlsc not found: build first (make)"
command -v openssl > /dev/null || die "openssl is not installed (apt-get install openssl)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-demo.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "1. Creating a throw-away PKI in $tmp/pki"
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$tmp/pki" > "$tmp/pki.log" 2>&1 ||
  die "PKI generation failed: $(tail -3 "$tmp/pki.log")"
pki=$tmp/pki
info "server: root CA -> intermediate CA -> leaf 'localhost' (ECDSA P-256)" \
     "client: client CA -> leaf 'tlsc-client-ec' (ECDSA P-256, clientAuth)"

say "2. Starting openssl s_server: TLS 1.3 only, client certificate REQUIRED"
timeout -k 2 120 openssl s_server -accept 127.0.0.1:0 -tls1_3 -rev \
  -cert "$pki/server-p256.pem" -cert_chain "$pki/int.pem" -key "$pki/server-p256.key" \
  -Verify 1 -CAfile "$pki/client-ca.pem" -verify_return_error \
  > "$tmp/server.log" 2>&1 < /dev/null &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$tmp/server.log")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
[ -n "$port" ] || die "the server did not start: $(head -3 "$tmp/server.log")"
info "listening on 127.0.0.1:$port; it reverses every line it receives (-rev)"

connect=("$tlsc" connect "localhost:$port" --ca "$pki/root.pem"
         --cert "$pki/client-ec.pem" --key "$pki/client-ec.key")

say "3. tlsc connect over mutual TLS, printing the session summary"
info "\$ tlsc connect localhost:$port --ca root.pem --cert client-ec.pem --key client-ec.key --summary"
if ! "${connect[@]}" --summary 2> "$tmp/summary.txt"; then
  cat "$tmp/summary.txt" >&2
  die "tlsc could not connect (see its message above)"
fi
sed 's/^/    | /' "$tmp/summary.txt"

say "4. Sending a line through the encrypted connection"
line="Hello from tlsc over mutual TLS!"
info "\$ printf '$line\\nCLOSE\\n' | tlsc connect localhost:$port ..."
reply=$(printf '%s\nCLOSE\n' "$line" | "${connect[@]}" 2> "$tmp/relay.err") ||
  { cat "$tmp/relay.err" >&2; die "the relay failed"; }
info "sent:     $line" "received: $reply"
expected=""
for ((i = ${#line} - 1; i >= 0; i--)); do expected+=${line:i:1}; done
[ "$reply" = "$expected" ] || die "expected the reversed line '$expected'"

say "5. What the server saw"
grep -E '^(Protocol version|Ciphersuite|Peer certificate|Verification):' "$tmp/server.log" |
  head -4 | sed 's/^/    | /'
grep -q '^Peer certificate: CN = tlsc-client-ec' "$tmp/server.log" ||
  die "the server did not log our client certificate"

say "6. Stopping the server"
kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
info "done: the client verified the server, the server verified the client."
