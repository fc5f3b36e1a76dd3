#!/usr/bin/env bash
# tests/event/http_bounds.sh — a server cannot hold an HTTP client forever
# (issue 13, section 6). Against peers.py httpbad (a TLS server that
# misbehaves after the request head), `tlsc get` (blocking client) and
# http_bounds_client (the event client, tlsc_http_ev) must end:
#   continue  endless "100 Continue"        -> HTTP too many interim (exit 13)
#   blank     endless empty lines           -> HTTP too many empty lines (13)
#   trickle   one body byte a second        -> --max-time / max_ms: total
#                                              timeout (exit 6), in time
#   endless   close-delimited body forever  -> --size 100: size mismatch (13)
#                                              at once, nothing at -o FILE
#   biglen    Content-Length over --size    -> size mismatch before any byte
# Environment: TLSC_BIN, TLSC_BOUNDS_CLIENT, TLSC_PKI_GEN, TLSC_EVENT_PEERS.
set -u
: "${TLSC_BIN:?}" "${TLSC_BOUNDS_CLIENT:?}" "${TLSC_EVENT_PEERS:?}"
here=$(cd "$(dirname "$0")" && pwd)
gen=${TLSC_PKI_GEN:-$here/../pki/gen.sh}
py=$(command -v /usr/bin/python3 || command -v python3)
export OPENSSL_CONF=/dev/null

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-bounds.XXXXXX") || exit 1
spid=""
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
pass=0 failn=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; failn=$((failn + 1)); }

TLSC_PKI_NO_RSA4096=1 bash "$gen" "$T/pki" > /dev/null 2>&1 || { echo "not ok - PKI"; echo "0 passed, 1 failed"; exit 1; }

start() { # KIND: start peers.py httpbad KIND, set port
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  "$py" "$TLSC_EVENT_PEERS" httpbad "$T/pki/server-p256-chain.pem" "$T/pki/server-p256.key" \
    "$1" > "$T/peer.out" 2>&1 &
  spid=$!
  port=""
  for i in $(seq 1 50); do
    port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/peer.out")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  return 1
}

# get NAME WANT_RC WORDS MAX_S ARGS...: run tlsc get, check exit status,
# key words of stderr and that it took at most MAX_S seconds.
get() {
  local name=$1 want=$2 words=$3 max=$4; shift 4
  local t0=$SECONDS
  timeout 60 "$TLSC_BIN" get --ca "$T/pki/root.pem" "$@" > "$T/out.txt" 2> "$T/err.txt"
  local rc=$? took=$((SECONDS - t0))
  if [ "$rc" = "$want" ] && grep -q -- "$words" "$T/err.txt" && [ "$took" -le "$max" ]; then
    ok "tlsc get: $name (exit $rc in ${took} s)"
  else
    bad "tlsc get: $name: exit $rc (want $want) in ${took} s (max $max), stderr:"
    sed 's/^/#   /' "$T/err.txt" | head -5
  fi
}

# ev NAME WANT_CODE WORDS MAX_MS: the event client, one GET.
ev() {
  local name=$1 code=$2 words=$3 max=$4
  local out
  out=$(timeout 70 "$TLSC_BOUNDS_CLIENT" "$T/pki/root.pem" "$port" "$max" 2>&1)
  if [[ "$out" == "END $code "* ]] && grep -q -- "$words" <<< "$out"; then
    ok "event client: $name ($out)"
  else
    bad "event client: $name: want END $code ... $words, got: $out"
  fi
}

url() { echo "https://127.0.0.1:$port/"; }

start continue || bad "peer continue did not start"
get "endless 100 Continue" 13 "more than 8 interim responses" 20 "$(url)" -o "$T/c.out"
ev "endless 100 Continue" 1113 "more than 8 interim responses" 0

start blank || bad "peer blank did not start"
get "endless empty lines" 13 "more than 4 empty lines" 20 "$(url)" -o "$T/b.out"
ev "endless empty lines" 1114 "more than 4 empty lines" 0

start trickle || bad "peer trickle did not start"
get "one byte a second, --max-time 2" 6 "did not complete within 2000 ms" 8 \
  --timeout 5000 --max-time 2 "$(url)" -o "$T/t.out"
get "one byte a second, --max-time 1.5, no -o" 6 "total time limit" 8 --max-time 1.5 "$(url)"
ev "one byte a second, max_ms 2000" 404 "total time limit" 2000
[ ! -e "$T/t.out" ] && ! ls "$T"/t.out.tlsc-* > /dev/null 2>&1 && ok "nothing left after the timeout" \
  || bad "files left after the timeout: $(ls "$T")"

start endless || bad "peer endless did not start"
echo keep > "$T/e.out"
get "endless body, --size 100" 13 "exceeds the expected 100 bytes" 20 --size 100 "$(url)" -o "$T/e.out"
[ "$(cat "$T/e.out")" = keep ] && ! ls "$T"/e.out.tlsc-* > /dev/null 2>&1 \
  && ok "endless body: the file at -o untouched, no temporary file left" \
  || bad "endless body: destination changed or litter: $(ls "$T")"

start biglen || bad "peer biglen did not start"
get "Content-Length over --size" 13 "exceeds the expected 100 bytes (1000000000 received or announced)" \
  20 --size 100 "$(url)" -o "$T/g.out"
[ ! -e "$T/g.out" ] && ! ls "$T"/g.out.tlsc-* > /dev/null 2>&1 && ok "biglen: nothing at the destination" \
  || bad "biglen: litter: $(ls "$T")"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
