#!/usr/bin/env bash
# bench/connect.sh BUILD_DIR — handshakes, against a local nginx (TLS 1.3,
# ECDSA P-256 leaf and intermediate under a P-256 root):
#   1. many handshakes on one event loop: `tlsc bench-connect`, 1000
#      verified connections with 1, 10, 50 and 200 in flight, one thread:
#      handshakes per second, latency, peak heap (tests/event/nginx.sh);
#   2. one verified handshake at a time, side by side, for the full and the
#      small profile (the small one is built into build/bench-small once):
#        tlsc bench-connect -c 1, the raw mbedTLS client in a loop
#        (bench/raw_client.c, same mbedTLS and profile, no tlsc), and
#        openssl s_time -new (OpenSSL's own code, for scale);
#      handshakes per second of wall time and per CPU second of the client
#      (best of BENCH_ROUNDS interleaved rounds, default 3), and
#      instructions (valgrind callgrind: exact, unlike times on a shared
#      machine):
#        per connection: the whole process, (I(5 conns) - I(1 conn)) / 4
#          (s_time: by its connection count), TCP and close included;
#        per handshake: inside mbedtls_ssl_handshake_step only (callgrind
#          --toggle-collect), also for mbedTLS's programs/ssl/ssl_client2
#          built with tlsc's full profile (+ bench/ssl_client2_tlsc_config.h;
#          into build/ssl_client2-tlsc once);
#      raw and ssl_client2 offer tlsc's key-exchange groups in tlsc's order
#      (secp256r1 first): the same handshake;
#      with the ratios tlsc/raw, tlsc/ssl_client2 and tlsc/openssl.
# Needs nginx (nginx-light), valgrind, openssl, /usr/bin/time.
set -euo pipefail
build=${1:?usage: bench/connect.sh BUILD_DIR}
build=$(cd "$build" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/tools/tlsc
[ -x "$bin" ] || { echo "connect.sh: $bin missing: build first (make)" >&2; exit 1; }
for tool in valgrind openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "connect.sh: $tool missing (scripts/deps.sh bench)" >&2; exit 1; }
done
rounds=${BENCH_ROUNDS:-3}
jobs=${JOBS:-2}

# BENCH_CONNECT_LOOP=0 skips part 1.
if [ "${BENCH_CONNECT_LOOP:-1}" != 0 ]; then
  echo "== many handshakes on one event loop (tlsc bench-connect, full profile)"
  TLSC_BIN=$bin TLSC_PKI_GEN=$repo/tests/pki/gen.sh bash "$repo/tests/event/nginx.sh" --table
  echo
fi

# ---- builds ---------------------------------------------------------------------
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
mbedtls=$(cache TLSC_MBEDTLS_SOURCE_DIR)
if [ -z "$mbedtls" ]; then
  mbedtls=$(ls -d "$(cache TLSC_DEPS_DIR)"/mbedtls/src/mbedtls-3.6.* | head -1)
fi
small=$repo/build/bench-small
if [ ! -f "$small/CMakeCache.txt" ]; then
  echo "building the small profile into $small (once)..." >&2
  cmake -S "$repo" -B "$small" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSC_BUILD_TESTS=OFF \
    -DTLSC_MBEDTLS_SOURCE_DIR="$mbedtls" \
    -DTLSC_MBEDTLS_CONFIG="$repo/config/tlsc_mbedtls_small.h" >/dev/null
fi
cmake "$small" >/dev/null
cmake --build "$small" -j "$jobs" --target tlsc_cli raw_client >/dev/null
client2_dir=$repo/build/ssl_client2-tlsc
if [ ! -f "$client2_dir/CMakeCache.txt" ]; then
  echo "building mbedTLS's ssl_client2 with tlsc's full profile into $client2_dir (once)..." >&2
  cmake -S "$mbedtls" -B "$client2_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENABLE_TESTING=OFF \
    -DENABLE_PROGRAMS=ON -DMBEDTLS_FATAL_WARNINGS=OFF \
    -DMBEDTLS_CONFIG_FILE="$repo/config/tlsc_mbedtls_config.h" \
    -DMBEDTLS_USER_CONFIG_FILE="$repo/bench/ssl_client2_tlsc_config.h" >/dev/null
fi
cmake --build "$client2_dir" -j "$jobs" --target ssl_client2 >/dev/null
client2=$client2_dir/programs/ssl/ssl_client2

# ---- the server -------------------------------------------------------------------
here=$repo/tests/event
source "$here/nginx_start.sh"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
export OPENSSL_CONF=/dev/null
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-bench-connect.XXXXXX")
trap '[ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$T"' EXIT
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$T/pki" >/dev/null 2>&1
mkdir -p "$T/logs" "$T/tmp"
write_conf() {
  { nginx_conf_head "$T" 256; cat <<CONF; } > "$T/nginx.conf"
  access_log off;
  server {
    listen 127.0.0.1:$1 ssl backlog=256;
    ssl_certificate $T/pki/server-p256-chain.pem;
    ssl_certificate_key $T/pki/server-p256.key;
    ssl_protocols TLSv1.3;
    ssl_session_tickets off;
    location / { return 200 "ok\n"; }
  }
}
CONF
}
nginx_start "$T" write_conf || { cat "$T/logs/error.log" >&2; exit 1; }
port=$NGINX_PORT
ca=$T/pki/root.pem

# ---- clients ------------------------------------------------------------------------
# cmd_for KIND BUILD N: CMD = the command doing N verified handshakes.
cmd_for() {
  case $1 in
    tlsc) CMD=("$2/tools/tlsc" bench-connect "127.0.0.1:$port" -n "$3" -c 1 --ca "$ca" --tls1.3
               --quiet) ;;
    raw) CMD=("$2/bench/raw_client" connect 127.0.0.1 "$port" "$ca" "$3") ;;
  esac
}
fail_run() { echo "connect.sh: ${CMD[*]} failed: $(tail -3 "$1")" >&2; exit 1; }

# One timed run: "N WALL_RATE CPU_RATE" (handshakes per second, per CPU second).
timed() { # KIND BUILD N
  cmd_for "$@"
  /usr/bin/time -f '%e %U %S' -o "$T/time" "${CMD[@]}" > "$T/out" 2>&1 || fail_run "$T/out"
  awk -v n="$3" '{printf "%d %.1f %.1f\n", n, ($1 > 0 ? n / $1 : 0), ($2 + $3 > 0 ? n / ($2 + $3) : 0)}' "$T/time"
}
# s_time counts itself: "N connections in CPU_Ss; R connections/user sec, ..."
# then "N connections in T real seconds, ...".
timed_stime() {
  CMD=(openssl s_time -connect "127.0.0.1:$port" -new -time 5 -CAfile "$ca" -verify 3)
  "${CMD[@]}" > "$T/out" 2>&1 || fail_run "$T/out"
  awk '/connections\/user sec/ && !n {n = $1; cpu = $5}
       / real seconds/ && !t {t = $4}
       END {printf "%d %.1f %.1f\n", n, (t > 0 ? n / t : 0), cpu}' "$T/out"
}

# Instructions (callgrind) of CMD: the whole process, or with --toggle-collect
# only inside that function.
ir() { # OUTFILE [--toggle-collect=FN]
  local f=$1; shift
  valgrind --tool=callgrind "$@" --callgrind-out-file="$f" "${CMD[@]}" > "$T/vg.out" 2>&1 ||
    fail_run "$T/vg.out"
  sed -n 's/^summary: //p; s/^totals: //p' "$f" | head -1
}
per_conn() { # KIND BUILD -> instructions per connection
  local a b
  cmd_for "$1" "$2" 1; a=$(ir "$T/cg.1")
  cmd_for "$1" "$2" 5; b=$(ir "$T/cg.5")
  echo $(((b - a) / 4))
}
per_hs_step() { # KIND BUILD -> instructions inside mbedtls_ssl_handshake_step, one handshake
  cmd_for "$1" "$2" 1
  ir "$T/cg.step" --toggle-collect=mbedtls_ssl_handshake_step
}
stime_conns() { grep -m1 -o '^[0-9]* connections in' "$T/vg.out" | cut -d' ' -f1; }
per_conn_stime() {
  local a b na nb
  CMD=(openssl s_time -connect "127.0.0.1:$port" -new -time 2 -CAfile "$ca" -verify 3)
  a=$(ir "$T/cg.s1"); na=$(stime_conns)
  CMD=(openssl s_time -connect "127.0.0.1:$port" -new -time 8 -CAfile "$ca" -verify 3)
  b=$(ir "$T/cg.s2"); nb=$(stime_conns)
  [ "${nb:-0}" -gt "${na:-0}" ] || { echo "?"; return; }
  echo $(((b - a) / (nb - na)))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", (b > 0 ? a / b : 0)}'; }
best() { # FILE COLUMN
  awk -v c="$2" '$c > m {m = $c} END {printf "%.1f", m}' "$1"
}

profile_table() { # NAME BUILD N
  local name=$1 b=$2 n=$3 r k
  local order=(tlsc raw stime)
  : > "$T/tlsc.rates"; : > "$T/raw.rates"; : > "$T/stime.rates"
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < 3; k++)); do
      case ${order[$(((k + r) % 3))]} in
        tlsc) timed tlsc "$b" "$n" >> "$T/tlsc.rates" ;;
        raw) timed raw "$b" "$n" >> "$T/raw.rates" ;;
        stime) timed_stime >> "$T/stime.rates" ;;
      esac
    done
  done
  local it ir_ is ht hr hc=""
  it=$(per_conn tlsc "$b"); ir_=$(per_conn raw "$b"); is=$(per_conn_stime)
  ht=$(per_hs_step tlsc "$b"); hr=$(per_hs_step raw "$b")
  if [ "$name" = full ]; then
    CMD=("$client2" server_addr=127.0.0.1 server_port="$port" ca_file="$ca" auth_mode=required
         server_name=localhost force_version=tls13 groups=secp256r1,x25519,secp384r1)
    hc=$(ir "$T/cg.c2" --toggle-collect=mbedtls_ssl_handshake_step)
  fi
  echo "== one verified handshake at a time, profile $name ($n per run, best of $rounds interleaved rounds)"
  local f='%-28s %10s %10s %14s %14s\n'
  printf "$f" client "hs/s" "hs/CPU-s" "instr/conn" "instr/hs-step"
  printf "$f" "tlsc bench-connect -c 1" "$(best "$T/tlsc.rates" 2)" "$(best "$T/tlsc.rates" 3)" \
    "$it" "$ht"
  printf "$f" "raw mbedTLS client, loop" "$(best "$T/raw.rates" 2)" "$(best "$T/raw.rates" 3)" \
    "$ir_" "$hr"
  [ -n "$hc" ] && printf "$f" "ssl_client2, same profile" - - - "$hc"
  printf "$f" "openssl s_time -new" "$(best "$T/stime.rates" 2)" "$(best "$T/stime.rates" 3)" \
    "$is" -
  echo "ratio tlsc/raw:         hs/CPU-s $(ratio "$(best "$T/tlsc.rates" 3)" "$(best "$T/raw.rates" 3)")," \
    "instr/conn $(ratio "$it" "$ir_"), instr/hs-step $(ratio "$ht" "$hr")"
  [ -n "$hc" ] && echo "ratio tlsc/ssl_client2: instr/hs-step $(ratio "$ht" "$hc")"
  echo "ratio tlsc/openssl:     hs/CPU-s $(ratio "$(best "$T/tlsc.rates" 3)" "$(best "$T/stime.rates" 3)")," \
    "instr/conn $(ratio "$it" "$is")"
  echo
}

profile_table full "$build" "${BENCH_HANDSHAKES:-200}"
profile_table small "$small" "${BENCH_HANDSHAKES_SMALL:-50}"
echo "s_time: OpenSSL's client and arithmetic, verifying the chain (-verify); its"
echo "hs/CPU-s is its own 'connections/user sec'. Times are of a machine shared with"
echo "other jobs: compare the instruction columns first."
