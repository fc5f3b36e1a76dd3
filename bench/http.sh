#!/usr/bin/env bash
# bench/http.sh BUILD_DIR — the HTTPS client's download speed and memory.
#
# One run each, over loopback, against nginx (TLS 1.3, the cipher suite
# pinned to TLS_AES_128_GCM_SHA256 on the server so both clients use it):
#   1. throughput of a 256 MiB download: `tlsc get` vs curl (ratio);
#   2. tlsc's peak heap during a download (handshake included, from
#      `tlsc get --stats`) when nginx sends 4 KiB vs 16 KiB records
#      (ssl_buffer_size).
# Uses the release build; nginx-light and curl from scripts/deps.sh bench.
set -euo pipefail
build=${1:?usage: bench/http.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
tlsc=$build/tools/tlsc
[ -x "$tlsc" ] || { echo "http.sh: $tlsc missing: build first (make)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "http.sh: nginx missing (scripts/deps.sh bench)" >&2; exit 1; }
command -v curl >/dev/null || { echo "http.sh: curl missing (scripts/deps.sh bench)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-bench-http.XXXXXX")
ngx=""
stop_nginx() { [ -n "$ngx" ] && kill "$ngx" 2>/dev/null && wait "$ngx" 2>/dev/null; ngx=""; }
trap 'stop_nginx; rm -rf "$tmp"' EXIT
export OPENSSL_CONF=/dev/null
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$tmp/pki" >/dev/null 2>&1
mkdir -p "$tmp/www"
head -c $((256 * 1048576)) /dev/urandom > "$tmp/www/256m"
head -c $((16 * 1048576)) /dev/urandom > "$tmp/www/16m"
suite=TLS_AES_128_GCM_SHA256

start_nginx() { # SSL_BUFFER_SIZE
  stop_nginx
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    cat > "$tmp/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 16; }
http {
  access_log off;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites $suite;
    ssl_buffer_size $1;
    ssl_certificate $tmp/pki/server-p256-chain.pem;
    ssl_certificate_key $tmp/pki/server-p256.key;
    root $tmp/www;
  }
}
CONF
    nginx -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" </dev/null >/dev/null 2>&1 &
    ngx=$!
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { PORT=$port; return 0; }
      kill -0 "$ngx" 2>/dev/null || break
      sleep 0.05
    done
    stop_nginx
  done
  echo "http.sh: nginx did not start: $(tail -2 "$tmp/error.log")" >&2
  exit 1
}

now_ns() { date +%s%N; }
mib_s() { awk -v b="$1" -v ns="$2" 'BEGIN{printf "%.1f", b / 1048576 / (ns / 1e9)}'; }

start_nginx 16k
url=https://127.0.0.1:$PORT/256m
size=$(stat -c %s "$tmp/www/256m")

t0=$(now_ns)
"$tlsc" get "$url" --ca "$tmp/pki/root.pem" --tls1.3 --stats > /dev/null 2> "$tmp/tlsc.err"
t1=$(now_ns)
curl -sS --tlsv1.3 --tls13-ciphers "$suite" --cacert "$tmp/pki/root.pem" -o /dev/null "$url"
t2=$(now_ns)
tlsc_rate=$(mib_s "$size" $((t1 - t0)))
curl_rate=$(mib_s "$size" $((t2 - t1)))
echo "download of 256 MiB over loopback, TLS 1.3 $suite, nginx (one run each)"
printf '%-8s %10s %12s\n' client "MiB/s" seconds
printf '%-8s %10s %12s\n' tlsc "$tlsc_rate" "$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.2f", n/1e9}')"
printf '%-8s %10s %12s\n' curl "$curl_rate" "$(awk -v n=$((t2 - t1)) 'BEGIN{printf "%.2f", n/1e9}')"
echo "ratio tlsc/curl: $(awk -v a="$tlsc_rate" -v b="$curl_rate" 'BEGIN{printf "%.2f", a / b}')"
echo

echo "peak heap of tlsc during a 16 MiB download (handshake included), by server record size"
printf '%-22s %16s\n' "nginx ssl_buffer_size" heap_peak_bytes
for rec in 4k 16k; do
  start_nginx "$rec"
  "$tlsc" get "https://127.0.0.1:$PORT/16m" --ca "$tmp/pki/root.pem" --tls1.3 --stats \
    > /dev/null 2> "$tmp/tlsc.err"
  printf '%-22s %16s\n' "$rec" "$(sed -n 's/^heap_peak_bytes: //p' "$tmp/tlsc.err")"
done
