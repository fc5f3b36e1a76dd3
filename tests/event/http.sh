#!/usr/bin/env bash
# tests/event/http.sh — HTTP over the event driver (tlsc_http_ev) against a
# real nginx and a TLS peer that cuts a close-delimited body without
# close_notify (peers.py httpcut); the checks are in test_event_http.c.
# Afterwards nginx's access log must show each of the 20 connections
# carrying 3 requests (keep-alive really reused them). Redirects and
# verified downloads (resumed through a relay that cuts the connection,
# tests/interop/cutrelay.py) go through the same engine as the blocking
# client.
#
# nginx runs with its own prefix, conf, pid, logs and temp paths in a
# private temp dir, in the foreground, on a random free port (retried when
# taken), with the echo module for chunked responses with trailers.
#
# Environment: TLSC_TEST_BIN (test_event_http), TLSC_EXAMPLE_BIN
# (example_event_https_get, run too when set), TLSC_PKI_GEN,
# TLSC_EVENT_PEERS (peers.py).
set -u
: "${TLSC_TEST_BIN:?}" "${TLSC_EVENT_PEERS:?}"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/nginx_start.sh"
gen=${TLSC_PKI_GEN:-$here/../pki/gen.sh}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
py=$(command -v /usr/bin/python3 || command -v python3)
echo_module=/usr/lib/nginx/modules/ngx_http_echo_module.so
export OPENSSL_CONF=/dev/null

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-evhttp.XXXXXX") || exit 1
pid="" cpid=""
cleanup() {
  pid=${pid:-${NGINX_PID:-}}
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() { echo "not ok - $*"; echo "0 passed, 1 failed"; exit 1; }

[ -x "$nginx" ] || fail "nginx not found (apt-get install nginx-light)"
[ -f "$echo_module" ] || fail "nginx echo module missing (libnginx-mod-http-echo)"
TLSC_PKI_NO_RSA4096=1 bash "$gen" "$T/pki" > /dev/null 2>&1 || fail "PKI generation"
mkdir -p "$T/logs" "$T/tmp" "$T/www/files"
head -c 1048576 /dev/urandom > "$T/www/files/1m"
printf 'x' > "$T/www/files/one"
sha=$(sha256sum "$T/www/files/1m" | cut -d' ' -f1)

write_conf() {
  { echo "load_module $echo_module;"; echo "master_process off;"
    nginx_conf_head "$T" 256; cat <<CONF; } > "$T/nginx.conf"
  log_format t '\$connection \$connection_requests "\$request" \$status \$body_bytes_sent';
  access_log $T/logs/access.log t;
  keepalive_requests 1000;
  server {
    listen 127.0.0.1:$1 ssl;
    ssl_certificate $T/pki/server-p256-chain.pem;
    ssl_certificate_key $T/pki/server-p256.key;
    root $T/www;
    location = /chunked { add_trailer X-Trailer done; echo hello; echo_flush; echo world; }
    location = /close { chunked_transfer_encoding off; echo closing; }
    location = /echo-body { client_body_buffer_size 64k; echo_read_request_body; echo_request_body; }
    location = /short { keepalive_timeout 1s; echo short; }
    absolute_redirect off;
    location = /redir { return 302 /files/1m; }
    location = /loop { return 302 /loop; }
  }
}
CONF
}

nginx_start "$T" write_conf && port=$NGINX_PORT pid=$NGINX_PID
[ -n "${port:-}" ] || { cat "$T/logs/error.log"; fail "nginx did not start"; }

cut_bytes=30000
"$py" "$TLSC_EVENT_PEERS" httpcut "$T/pki/server-p256-chain.pem" "$T/pki/server-p256.key" \
  "$cut_bytes" > "$T/cut.out" 2>&1 &
cpid=$!
for i in $(seq 1 50); do grep -q ACCEPT "$T/cut.out" && break; sleep 0.1; done
cut_port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/cut.out")
[ -n "$cut_port" ] || fail "httpcut peer did not start"

# A relay in front of nginx that cuts its first connection after 300000
# bytes (tests/interop/cutrelay.py): the event download resumes.
"$py" "$here/../interop/cutrelay.py" "$port" 300000 > "$T/relay.out" 2>&1 &
rpid=$!
for i in $(seq 1 50); do grep -q '^PORT' "$T/relay.out" && break; sleep 0.1; done
relay_port=$(sed -n 's/^PORT //p' "$T/relay.out" | head -1)
[ -n "$relay_port" ] || fail "cutrelay did not start"

mkdir -p "$T/dl"
"$TLSC_TEST_BIN" "$T/pki/root.pem" "$port" "$cut_port" "$cut_bytes" "$sha" "$T/pki/client-ca.pem" \
  "$relay_port" "$T/dl"
rc=$?
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null
if grep -q '^CUT' "$T/relay.out"; then
  echo "ok - the relay cut the download's first connection"
else
  echo "not ok - the relay never cut the connection"; rc=1
fi

# The README's example: three GETs at once, digests as sha256sum says.
if [ -n "${TLSC_EXAMPLE_BIN:-}" ]; then
  base=https://127.0.0.1:$port/files
  out=$("$TLSC_EXAMPLE_BIN" "$T/pki/root.pem" "$base/1m" "$base/one" "$base/1m" 2>&1)
  ex=$?
  want1=$(printf '200 %s 1048576 %s' "$sha" "$base/1m")
  want2=$(printf '200 %s 1 %s' "$(sha256sum "$T/www/files/one" | cut -d' ' -f1)" "$base/one")
  if [ "$ex" = 0 ] && [ "$(grep -cxF "$want1" <<< "$out")" = 2 ] && grep -qxF "$want2" <<< "$out"; then
    echo "ok - examples/event_https_get: 3 GETs at once, sizes and SHA-256 right"
  else
    echo "not ok - examples/event_https_get (exit $ex):"; sed 's/^/# /' <<< "$out"; rc=1
  fi
fi
third=$(grep -c '^[0-9]* 3 "GET /files/1m ' "$T/logs/access.log")
if [ "$third" -ge 20 ]; then
  echo "ok - nginx saw $third connections carry a 3rd GET of /files/1m (keep-alive)"
else
  echo "not ok - nginx saw only $third connections carry a 3rd GET of /files/1m"
  sed 's/^/# /' "$T/logs/access.log" | head -20
  rc=1
fi
exit $rc
