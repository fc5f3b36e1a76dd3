#!/usr/bin/env bash
# tests/event/nginx.sh — many connections on one event loop against nginx:
# `tlsc bench-connect` opens N verified TLS 1.3 connections (default 1000)
# with C handshakes in flight (default 200) to a local nginx, in one
# thread; every one must succeed and the run must be leak-free (the tlsc
# binary of `make check` is built with ASan/LSan).
#
# nginx runs with its own prefix, configuration, pid file and logs in a
# private temp dir, in the foreground (daemon off), on a random free port
# (retried when taken). The server uses an ECDSA P-256 certificate, which
# keeps 1000 handshakes cheap under the sanitizers.
#
# With --table (bench/connect.sh) it prints handshakes per second, latency
# and peak heap for 1, 10, 50 and 200 in flight instead.
#
# With TLSC_NGINX_CAP=1 (ctest event_nginx_cap, also run by the small
# profiles' builds): nginx offers TLS 1.2 and 1.3 (small4k speaks 1.2 by
# default), the client asks for no version, and beyond "all succeeded" the
# run must show the event loop's cap on handshakes in flight at work: with a
# fixed PSA key-slot table (small profiles) the cap is set (max_handshakes
# > 0) and below the concurrency, and the key slots in use never reached
# the table's size.
#
# Environment: TLSC_BIN (required), TLSC_PKI_GEN, TLSC_NGINX_N / _C,
# TLSC_NGINX_CAP.
set -u
: "${TLSC_BIN:?TLSC_BIN must name the tlsc binary}"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/nginx_start.sh"
gen=${TLSC_PKI_GEN:-$here/../pki/gen.sh}
n=${TLSC_NGINX_N:-1000}
c=${TLSC_NGINX_C:-200}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
export OPENSSL_CONF=/dev/null

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-nginx.XXXXXX") || exit 1
pid=""
cleanup() {
  pid=${pid:-${NGINX_PID:-}}
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() { echo "not ok - $*"; echo "0 passed, 1 failed"; exit 1; }

protocols=TLSv1.3 version=--tls1.3
if [ "${TLSC_NGINX_CAP:-}" = 1 ]; then protocols="TLSv1.2 TLSv1.3" version=""; fi

[ -x "$nginx" ] || fail "nginx not found (apt-get install nginx-light)"
TLSC_PKI_NO_RSA4096=1 bash "$gen" "$T/pki" > /dev/null 2>&1 || fail "PKI generation"
mkdir -p "$T/logs" "$T/tmp"

write_conf() {
  { nginx_conf_head "$T" 4096; cat <<CONF; } > "$T/nginx.conf"
  access_log off;
  # nginx 1.22 bounds the TLS handshake by client_header_timeout (60 s);
  # 200 handshakes in flight in one sanitized thread on a busy machine can
  # take longer than that each, so give them time (the client's own
  # handshake timeout is raised the same way below).
  client_header_timeout 600s;
  server {
    listen 127.0.0.1:$1 ssl backlog=1024;
    ssl_certificate $T/pki/server-p256-chain.pem;
    ssl_certificate_key $T/pki/server-p256.key;
    ssl_protocols $protocols;
    location / { return 200 "ok\n"; }
  }
}
CONF
}

nginx_start "$T" write_conf && port=$NGINX_PORT pid=$NGINX_PID
[ -n "${port:-}" ] || { cat "$T/logs/error.log"; fail "nginx did not start"; }

# bench/connect.sh: one table over several concurrencies, no pass/fail.
if [ "${1:-}" = --table ]; then
  printf '| %-11s | %-11s | %-14s | %-8s | %-8s | %-15s |\n' connections "in flight" \
    "handshakes/s" "p50 ms" "p99 ms" "heap peak bytes"
  printf '|%s|%s|%s|%s|%s|%s|\n' ------------- ------------- ---------------- ---------- \
    ---------- -----------------
  for cc in 1 10 50 200; do
    out=$("$TLSC_BIN" bench-connect "127.0.0.1:$port" -n "$n" -c "$cc" --ca "$T/pki/root.pem" \
          --tls1.3 --quiet --timeout 300000) || { echo "$out"; exit 1; }
    v() { sed -n "s/^$1: //p" <<< "$out"; }
    printf '| %-11s | %-11s | %-14s | %-8s | %-8s | %-15s |\n' "$(v succeeded)/$n" "$cc" \
      "$(v handshakes_per_s)" "$(v handshake_ms_p50)" "$(v handshake_ms_p99)" "$(v heap_peak_bytes)"
  done
  exit 0
fi

t0=${EPOCHREALTIME/./}
out=$("$TLSC_BIN" bench-connect "127.0.0.1:$port" -n "$n" -c "$c" --ca "$T/pki/root.pem" \
      $version --quiet --timeout "${TLSC_NGINX_TIMEOUT:-300000}" 2> "$T/err")
rc=$?
t1=${EPOCHREALTIME/./}
echo "$out" | sed 's/^/# /'
sed 's/^/# stderr: /' "$T/err" | head -40
echo "# wall time: $(((t1 - t0) / 1000)) ms"
[ "$rc" = 0 ] || fail "bench-connect exit status $rc"
grep -qx "succeeded: $n" <<< "$out" || fail "not all $n connections succeeded"
grep -qx "failed: 0" <<< "$out" || fail "failures"
grep -q "LeakSanitizer\|AddressSanitizer" "$T/err" && fail "sanitizer report"
if [ "${TLSC_NGINX_CAP:-}" = 1 ]; then
  v() { sed -n "s/^$1: //p" <<< "$out"; }
  cap=$(v key_slots_capacity) peak=$(v key_slots_peak) mh=$(v max_handshakes)
  if [ "$cap" != 0 ]; then
    [ "$mh" -gt 0 ] && [ "$mh" -lt "$c" ] || fail "max_handshakes $mh: no cap below $c in flight"
    [ "$peak" -lt "$cap" ] || fail "key slots in use reached the table ($peak of $cap)"
  fi
  echo "ok - $c connections at once, at most $mh handshakes in flight, key slots peak $peak of $cap"
fi
echo "ok - $n verified TLS 1.3 connections to nginx, $c in flight, one thread"
echo "1 passed, 0 failed"
