#!/usr/bin/env bash
# tests/build/valgrind.sh TLSC — the tlsc command exits clean under valgrind
# (issue 13): no leak of any kind, "possibly lost" included, so
# `valgrind --error-exitcode` can gate a run. PSA's global state used to
# be left "possibly lost" (three blocks per run); the command now frees it
# with tlsc_global_free before it exits.
#
# valgrind cannot run an AddressSanitizer binary: TLSC is a build without
# sanitizers (the check build passes build/release's tlsc, which `make
# check` builds first). Exit 77 (skipped) when TLSC does not exist.
# Runs: `tlsc verify` (offline) and `tlsc connect --summary` with a TLS 1.3
# handshake against openssl s_server, with a certificate made here.
set -u
tlsc=${1:?usage: valgrind.sh TLSC}
if [ ! -x "$tlsc" ]; then
  echo "no non-sanitized tlsc at $tlsc (run 'make build' first): skipped"
  exit 77
fi
command -v valgrind >/dev/null || { echo "valgrind not installed"; echo "0 passed, 1 failed"; exit 1; }
export OPENSSL_CONF=/dev/null
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-valgrind.XXXXXX")
SRV=""
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
passed=0 failed=0

# A root and a server certificate for localhost (the policy wants a CA
# root and serverAuth in the leaf).
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
printf '%s\n' "subjectAltName=DNS:localhost" "extendedKeyUsage=serverAuth" \
  "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" > "$T/leaf.ext"
{ openssl req -x509 "${ec[@]}" -days 2 -subj /CN=root -keyout "$T/root.key" -out "$T/root.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
  openssl req "${ec[@]}" -subj /CN=localhost -keyout "$T/key.pem" -out "$T/leaf.csr" &&
  openssl x509 -req -in "$T/leaf.csr" -CA "$T/root.pem" -CAkey "$T/root.key" -days 2 \
    -extfile "$T/leaf.ext" -out "$T/cert.pem"; } > "$T/pki.log" 2>&1 ||
  { cat "$T/pki.log"; echo "0 passed, 1 failed"; exit 1; }

# vg NAME ARGS...: tlsc ARGS under valgrind; any leak or error fails.
vg() {
  local name=$1; shift
  local rc
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
    --errors-for-leak-kinds=all "$tlsc" "$@" > "$T/out" 2> "$T/err" < /dev/null
  rc=$?
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name (exit $rc)"; sed 's/^/    | /' "$T/err" | head -60
  fi
}

vg "tlsc verify" verify --ca "$T/root.pem" --chain "$T/cert.pem" --host localhost

timeout 120 openssl s_server -accept 127.0.0.1:0 -cert "$T/cert.pem" -key "$T/key.pem" \
  -tls1_3 -rev -naccept 1 > "$T/srv.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q '^ACCEPT' "$T/srv.log" && break; sleep 0.05; done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/srv.log")
if [ -z "$port" ]; then
  failed=$((failed + 1)); echo "not ok - openssl s_server did not start"
else
  vg "tlsc connect --summary (TLS 1.3)" connect "localhost:$port" --ca "$T/root.pem" --summary \
    --timeout 60000
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
