#!/usr/bin/env bash
# bench/http.sh BUILD_DIR — the HTTPS client's download speed and memory.
#
# Over loopback, against nginx (TLS 1.3, the cipher suite pinned to
# TLS_AES_128_GCM_SHA256 on the server so every client uses it):
#   1. a 256 MiB download by each client, interleaved (each round runs every
#      client once, the order rotated per round; BENCH_ROUNDS rounds,
#      default 3):
#        tlsc get -o FILE              raw --out FILE
#        tlsc get -o FILE --sha256 H   raw --out FILE --sha256
#        tlsc get URL > /dev/null      raw --stdout > /dev/null
#                                      raw (reads and discards)
#        curl -o FILE
#      FILE is in the bench's temporary directory (never /dev/null); raw is
#      bench/raw_client.c: mbedTLS alone, built from the same sources and
#      profile as tlsc, GET + mbedtls_ssl_read into 16 KiB (and the same
#      write(2)s, fsync and SHA-256 as tlsc when asked). Printed per client:
#      MiB/s of wall time and MiB per CPU second of the client process
#      (user + sys, /usr/bin/time: the figure that survives a machine shared
#      with other jobs), each the best of the rounds; then the ratios
#      tlsc/raw and tlsc/curl of both;
#   2. tlsc's peak heap during a download (handshake included, from
#      `tlsc get --stats`) when nginx sends 4 KiB vs 16 KiB records
#      (ssl_buffer_size).
#      When BUILD_DIR does AES-GCM through GNU Nettle (the default on a
#      Linux host: src/accel/nettle, docs/footprint.md), the same tlsc and
#      raw client built with mbedTLS's own AES-GCM (-DTLSC_ACCEL_NETTLE=OFF,
#      into build/bench-mbedtls-gcm, once) run in the same rounds, so the
#      table shows what the accelerator changes;
# BENCH_BASELINE=BUILD_DIR adds the raw client of another build (before/after).
# Uses the release build (make); nginx-light and curl from scripts/deps.sh
# bench.
set -euo pipefail
build=${1:?usage: bench/http.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
tlsc=$build/tools/tlsc
raw=$build/bench/raw_client
[ -x "$tlsc" ] || { echo "http.sh: $tlsc missing: build first (make)" >&2; exit 1; }
[ -x "$raw" ] || { echo "http.sh: $raw missing: build first (make)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "http.sh: nginx missing (scripts/deps.sh bench)" >&2; exit 1; }
command -v curl >/dev/null || { echo "http.sh: curl missing (scripts/deps.sh bench)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "http.sh: /usr/bin/time missing (scripts/deps.sh bench)" >&2; exit 1; }
rounds=${BENCH_ROUNDS:-3}

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
ca=$tmp/pki/root.pem

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

# ---- 1. download speed -------------------------------------------------------

start_nginx 16k
url=https://127.0.0.1:$PORT/256m
size=$(stat -c %s "$tmp/www/256m")
sha=$(sha256sum "$tmp/www/256m" | cut -d' ' -f1)
out=$tmp/out.bin

# Each client: NAME and a command (out= is the file it writes, if any).
clients=(tlsc_o raw_o tlsc_o_sha raw_o_sha tlsc_stdout raw_stdout raw_discard curl_o)
# BENCH_CLIENTS="tlsc_o raw_o" runs only those (the ratios of the others
# then read 0).
[ -n "${BENCH_CLIENTS:-}" ] && read -r -a clients <<< "$BENCH_CLIENTS"
# With Nettle's AES-GCM in BUILD_DIR: the same programs with mbedTLS's own.
mbgcm=""
if [ -z "${BENCH_CLIENTS:-}" ] && grep -q '^TLSC_AES_GCM_IMPL:INTERNAL=nettle$' "$build/CMakeCache.txt" 2>/dev/null; then
  mbgcm=$repo/build/bench-mbedtls-gcm
  if [ ! -f "$mbgcm/CMakeCache.txt" ]; then
    echo "building tlsc with mbedTLS's own AES-GCM into $mbgcm (once)..." >&2
    src=$(sed -n 's/^TLSC_MBEDTLS_SOURCE_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
    deps=$(sed -n 's/^TLSC_DEPS_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
    cmake -S "$repo" -B "$mbgcm" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSC_BUILD_TESTS=OFF \
      -DTLSC_ACCEL_NETTLE=OFF ${src:+-DTLSC_MBEDTLS_SOURCE_DIR="$src"} \
      ${deps:+-DTLSC_DEPS_DIR="$deps"} >/dev/null
  fi
  cmake "$mbgcm" >/dev/null
  cmake --build "$mbgcm" -j "${JOBS:-2}" --target tlsc_cli raw_client >/dev/null
  clients+=(mb_tlsc_o mb_raw_discard)
fi
# BENCH_BASELINE=BUILD_DIR adds that build's raw client (e.g. one configured
# with -DTLSC_MBEDTLS_ARCH_FLAGS=OFF: before/after in one run).
base_raw=""
if [ -n "${BENCH_BASELINE:-}" ]; then
  base_raw=$BENCH_BASELINE/bench/raw_client
  [ -x "$base_raw" ] || { echo "http.sh: $base_raw missing" >&2; exit 1; }
  clients+=(base_discard)
fi
label() {
  case $1 in
    tlsc_o) echo "tlsc get -o FILE" ;;          raw_o) echo "raw --out FILE" ;;
    tlsc_o_sha) echo "tlsc get -o FILE --sha256" ;; raw_o_sha) echo "raw --out FILE --sha256" ;;
    tlsc_stdout) echo "tlsc get > /dev/null" ;;   raw_stdout) echo "raw --stdout > /dev/null" ;;
    raw_discard) echo "raw (discard)" ;;
    curl_o) echo "curl -o FILE" ;;
    base_discard) echo "raw (discard), baseline" ;;
    mb_tlsc_o) echo "tlsc get -o FILE, mbedTLS GCM" ;;
    mb_raw_discard) echo "raw (discard), mbedTLS GCM" ;;
  esac
}
# Runs NAME under /usr/bin/time (wall, user, sys into $tmp/time).
run_client() { # NAME
  local t=(/usr/bin/time -f '%e %U %S' -o "$tmp/time") tls=(--ca "$ca" --tls1.3)
  case $1 in
    tlsc_o) "${t[@]}" "$tlsc" get "$url" "${tls[@]}" -o "$out" ;;
    tlsc_o_sha) "${t[@]}" "$tlsc" get "$url" "${tls[@]}" -o "$out" --sha256 "$sha" ;;
    # stdout is not -o: /dev/null is fine here (tlsc fails on a body
    # shorter than its Content-Length)
    tlsc_stdout) "${t[@]}" "$tlsc" get "$url" "${tls[@]}" > /dev/null ;;
    raw_o) "${t[@]}" "$raw" get 127.0.0.1 "$PORT" /256m "$ca" --out "$out" 2>"$tmp/raw.err" ;;
    raw_o_sha) "${t[@]}" "$raw" get 127.0.0.1 "$PORT" /256m "$ca" --out "$out" --sha256 \
                 2>"$tmp/raw.err" && grep -q "^sha256: $sha" "$tmp/raw.err" ;;
    raw_stdout) "${t[@]}" "$raw" get 127.0.0.1 "$PORT" /256m "$ca" --stdout > /dev/null \
                2>"$tmp/raw.err" && grep -q "^bytes: $size" "$tmp/raw.err" ;;
    raw_discard) "${t[@]}" "$raw" get 127.0.0.1 "$PORT" /256m "$ca" 2>"$tmp/raw.err" &&
                 grep -q "^bytes: $size" "$tmp/raw.err" ;;
    base_discard) "${t[@]}" "$base_raw" get 127.0.0.1 "$PORT" /256m "$ca" 2>"$tmp/raw.err" &&
                  grep -q "^bytes: $size" "$tmp/raw.err" ;;
    mb_tlsc_o) "${t[@]}" "$mbgcm/tools/tlsc" get "$url" "${tls[@]}" -o "$out" ;;
    mb_raw_discard) "${t[@]}" "$mbgcm/bench/raw_client" get 127.0.0.1 "$PORT" /256m "$ca" \
                      2>"$tmp/raw.err" && grep -q "^bytes: $size" "$tmp/raw.err" ;;
    curl_o) "${t[@]}" curl -sS --tlsv1.3 --tls13-ciphers "$suite" --cacert "$ca" -o "$out" "$url" ;;
  esac
}
# One timed run, checked: appends "NAME WALL_S CPU_S" to $tmp/runs.
timed() { # NAME
  rm -f "$out"
  run_client "$1" || { echo "http.sh: $(label "$1") failed: $(tail -2 "$tmp/raw.err" 2>/dev/null)" >&2; exit 1; }
  if [ "${1%_o*}" != "$1" ] && [ "$(stat -c %s "$out" 2>/dev/null)" != "$size" ]; then
    echo "http.sh: $(label "$1") did not write the $size bytes" >&2; exit 1
  fi
  awk -v n="$1" '{print n, $1, $2 + $3}' "$tmp/time" >> "$tmp/runs"
}
: > "$tmp/runs"
for ((r = 0; r < rounds; r++)); do
  for ((i = 0; i < ${#clients[@]}; i++)); do
    timed "${clients[$(((i + r) % ${#clients[@]}))]}"
  done
done
rm -f "$out"

# best wall MiB/s and best MiB per CPU second of NAME
rate() { awk -v n="$1" -v b="$size" '$1 == n && $2 > 0 {r = b / 1048576 / $2; if (r > m) m = r} END {printf "%.1f", m}' "$tmp/runs"; }
cpurate() { awk -v n="$1" -v b="$size" '$1 == n && $3 > 0 {r = b / 1048576 / $3; if (r > m) m = r} END {printf "%.1f", m}' "$tmp/runs"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}'; }

echo "download of 256 MiB over loopback, TLS 1.3 $suite, nginx;"
echo "AES-GCM of $build: $(sed -n 's/^TLSC_AES_GCM_IMPL:INTERNAL=//p' "$build/CMakeCache.txt")"
echo "$rounds interleaved rounds, best of each (machine shared: trust the CPU column)"
printf '%-28s %10s %14s\n' client "MiB/s" "MiB/CPU-s"
for c in "${clients[@]}"; do
  printf '%-28s %10s %14s\n' "$(label "$c")" "$(rate "$c")" "$(cpurate "$c")"
done
echo
printf '%-46s %8s %8s\n' "ratio" wall CPU
ratio_row() { # TEXT A B
  printf '%-46s %8s %8s\n' "$1" "$(ratio "$(rate "$2")" "$(rate "$3")")" \
    "$(ratio "$(cpurate "$2")" "$(cpurate "$3")")"
}
ratio_row "tlsc -o / raw --out (no digest)" tlsc_o raw_o
ratio_row "tlsc -o --sha256 / raw --out --sha256" tlsc_o_sha raw_o_sha
ratio_row "tlsc > stdout / raw --stdout" tlsc_stdout raw_stdout
ratio_row "tlsc -o / curl -o" tlsc_o curl_o
if [ -n "$mbgcm" ]; then
  ratio_row "tlsc -o / curl -o, mbedTLS's own AES-GCM" mb_tlsc_o curl_o
  ratio_row "raw (discard): Nettle GCM / mbedTLS GCM" raw_discard mb_raw_discard
fi
[ -n "$base_raw" ] && ratio_row "raw (discard) / baseline raw (discard)" raw_discard base_discard
echo

# ---- 2. memory ----------------------------------------------------------------

echo "peak heap of tlsc during a 16 MiB download (handshake included), by server record size"
printf '%-22s %16s\n' "nginx ssl_buffer_size" heap_peak_bytes
for rec in 4k 16k; do
  start_nginx "$rec"
  "$tlsc" get "https://127.0.0.1:$PORT/16m" --ca "$tmp/pki/root.pem" --tls1.3 --stats \
    > /dev/null 2> "$tmp/tlsc.err"
  printf '%-22s %16s\n' "$rec" "$(sed -n 's/^heap_peak_bytes: //p' "$tmp/tlsc.err")"
done
