#!/usr/bin/env bash
# bench/memory.sh [BUILD_DIR] — heap needed by one verified connection, per
# mbedTLS profile of tlsc, side by side with mbedTLS's own ssl_client2 built
# from the same source with mbedTLS's default configuration. One run each,
# printed as a table with the targets of issue 7.
#
# BUILD_DIR is the full-profile release build (default build/release). The
# small and small4k profiles are built here, once, into build/bench-small
# and build/bench-small4k; ssl_client2 into build/ssl_client2.
#
# What is counted (see bench/memory_bench.c): every byte tlsc and mbedTLS
# request through tlsc's allocator hook, from before the first
# tlsc_config_new (PSA initialisation, configuration, CA, connection,
# handshake, first response). "+hdr" adds tlsc's 16-byte bookkeeping
# header per block (the C library's own per-block overhead comes on top in
# both columns). ssl_client2 is measured by mbedTLS's memory_buffer_alloc
# (MBEDTLS_MEMORY_BUFFER_ALLOC_C + MEMORY_DEBUG added to the default
# configuration): the peak of the bytes requested, rounded up to 8 each;
# ssl_client2 keeps its SSL context, configuration and RNG on the stack,
# tlsc on the heap (about 2.3 KB of the tlsc figures; see the notes printed).
#
# Server: a Python (OpenSSL) TLS server with an ECDSA P-256 leaf and a P-256
# intermediate under a P-256 root, generated here; it sends the response in
# one write (one record: 16384 bytes for the TLS 1.3 scenario) and honours
# max_fragment_length. OpenSSL ignores record_size_limit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
full=${1:-$root/build/release}
deps=$root/build/_deps
py=/usr/bin/python3
jobs=$(nproc 2>/dev/null || echo 2)
mbedtls=$(ls -d "$deps"/mbedtls/src/mbedtls-3.6.* | head -1)

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- builds -------------------------------------------------------------------
profile_build() {
  local p=$1 dir=$root/build/bench-$1
  if [ "$p" = full ]; then dir=$full; fi
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    echo "building the $p profile into $dir (once)..." >&2
    cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSC_BUILD_TESTS=OFF \
      -DTLSC_DEPS_DIR="$deps" -DTLSC_MBEDTLS_CONFIG="$root/config/tlsc_mbedtls_$p.h" >/dev/null
  fi
  cmake "$dir" >/dev/null # pick up new targets
  cmake --build "$dir" -j "$jobs" --target memory_bench >/dev/null
  echo "$dir/bench/memory_bench"
}

client2_build() {
  local dir=$root/build/ssl_client2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    echo "building mbedTLS's ssl_client2 (default configuration) into $dir (once)..." >&2
    cmake -S "$mbedtls" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DENABLE_TESTING=OFF \
      -DENABLE_PROGRAMS=ON -DMBEDTLS_FATAL_WARNINGS=OFF \
      -DCMAKE_C_FLAGS="-DMBEDTLS_USER_CONFIG_FILE='\"$root/bench/ssl_client2_user_config.h\"'" \
      >/dev/null
  fi
  cmake --build "$dir" -j "$jobs" --target ssl_client2 >/dev/null
  echo "$dir/programs/ssl/ssl_client2"
}

# ---- PKI: P-256 root, P-256 intermediate, P-256 leaf ----------------------------
pki() {
  cd "$work"
  export OPENSSL_CONF=/dev/null
  local ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
  cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
CNF
  openssl req -x509 $ec -keyout root.key -out root.pem -subj "/CN=bench root" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  openssl req $ec -keyout int.key -out int.csr -subj "/CN=bench intermediate" 2>/dev/null
  openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -out int.pem -days 30 \
    -extfile ext.cnf -extensions ca -set_serial 2 2>/dev/null
  openssl req $ec -keyout leaf.key -out leaf.csr -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -out leaf.pem -days 30 \
    -extfile ext.cnf -extensions leaf -set_serial 3 2>/dev/null
  cat leaf.pem int.pem > chain.pem
  cd - >/dev/null
}

# start_server VERSION DEFAULT_SIZE [TICKETS]: sets $port
start_server() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  "$py" "$root/bench/memory_server.py" "$work/chain.pem" "$work/leaf.key" "$1" "$1" "$2" \
    "${3:-0}" > "$work/port" &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(cat "$work/port")
  : > "$work/port"
}

val() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<< " $2"; }

# ---- runs -----------------------------------------------------------------------
pki
"$full/tools/tlsc" bundle build -o "$work/root.bundle" "$work/root.pem" >/dev/null 2>&1 ||
  { echo "bench: cannot build the root bundle with $full/tools/tlsc" >&2; exit 1; }
declare -A bin
for p in full small small4k; do
  bin[$p]=$(profile_build "$p") || { echo "bench: cannot build the $p profile" >&2; exit 1; }
done
client2=$(client2_build) || { echo "bench: cannot build ssl_client2" >&2; exit 1; }

kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000 }'; }

row() { # scenario label version size target [tickets]
  local scen=$1 label=$2 ver=$3 size=$4 target=$5 tickets=${6:-0} out line
  printf '\n%s (target %s)\n' "$label" "$target"
  printf '  %-22s %9s %9s %8s %9s %9s %11s %s\n' build "peak KB" "+hdr KB" allocs "held KB" \
    "stack KB" "record in/out" result
  for p in full small small4k; do
    for ca in pem bundle; do
      local label="tlsc $p" trust=$work/root.pem
      if [ "$ca" = bundle ]; then label="  ... CA in bundle"; trust=bundle:$work/root.bundle; fi
      start_server "$ver" "$size" "$tickets"
      line=$("${bin[$p]}" "$scen" "$port" "$trust" || true)
      if grep -q '^error=' <<< "$line"; then
        printf '  %-22s %s\n' "$label" \
          "fails: $(sed -n 's/.*\(record of [0-9]* bytes\).*\(holds records of [0-9]* bytes\).*/\1, buffer \2/p;t;s/^error=//p' <<< "$line" | cut -c1-110)"
        continue
      fi
      printf '  %-22s %9s %9s %8s %9s %9s %11s %s\n' "$label" "$(kb "$(val peak "$line")")" \
        "$(kb "$(val peak_hdr "$line")")" "$(val allocs "$line")" "$(kb "$(val held "$line")")" \
        "$(kb "$(val stack "$line")")" "$(val rec_in "$line")/$(val rec_out "$line")" \
        "$(val protocol "$line")"
    done
  done
  start_server "$ver" "$size" "$tickets"
  local mfl=""
  [ "$ver" = 1.2 ] && mfl="max_frag_len=4096"
  out=$("$client2" server_name=localhost server_addr=127.0.0.1 server_port="$port" \
        ca_file="$work/root.pem" auth_mode=required force_version="tls${ver/./}" $mfl \
        2>&1 || true)
  local st
  st=$(grep -o 'max: [0-9]* blocks / [0-9]* bytes' <<< "$out" | head -1)
  if [ -n "$st" ]; then
    local bytes blocks
    blocks=$(awk '{print $2}' <<< "$st"); bytes=$(awk '{print $5}' <<< "$st")
    printf '  %-22s %9s %9s %8s %9s %9s %11s %s\n' "ssl_client2 (default)" "$(kb "$bytes")" \
      "-" "$(grep -o 'alloc / free: [0-9]*' <<< "$out" | awk '{print $4}')" "-" "-" "-" \
      "peak $blocks blocks at once"
  else
    printf '  %-22s %s\n' "ssl_client2 (default)" "no heap statistics: $(tail -1 <<< "$out")"
  fi
}

echo "Heap of one verified connection (bytes requested through the allocator; KB = 1000 bytes)"
echo "tlsc record buffers: tls12-4k in=4096 out=1024 (max_fragment_length 4096);"
echo "tls13-16k in=build maximum out=1024; input buffers elastic (the default)."
echo "'held' = what the open connection keeps after its first response,"
echo "configuration/CA/PSA state excluded. 'CA in bundle': the root from a tlsc"
echo "bundle used in place (flash on a device), not parsed onto the heap."
echo "'stack' = the deepest stack the handshake, request and response used"
echo "(x86-64; DNS and TCP connect excluded; see bench/memory_bench.c)."
row tls12-4k "TLS 1.2 ECDHE-ECDSA P-256, leaf+intermediate, 4 KiB records (MFL), 64-byte response" \
  1.2 64 "peak <= 12 KB; held <= 6 KB"
row tls13-16k "TLS 1.3 verified handshake + first response in one 16 KiB record" 1.3 16384 \
  "peak <= 24 KB"
row tls13-16k-resume "the same with resumption on: the server sends 2 TLS 1.3 tickets, the newest is kept" \
  1.3 16384 "peak <= 24 KB" 2
cat <<'NOTES'

Notes: "peak" counts from before tlsc_config_new: PSA state, the
configuration (tlsc_config 1.4 KB with mbedtls_ssl_config and the CA chain
head inside), the parsed CA (PEM rows), the connection object (tlsc_conn
0.9 KB with mbedtls_ssl_context inside), the record buffers and everything
the handshake allocates. The input buffer is elastic: it is created at 512
bytes (tlsc's allocator hands mbedtls_ssl_setup that much for it: the
build maximum is never allocated), grows to the record being read, and
returns to 512 bytes once the handshake is over and whenever the
connection waits with nothing buffered. ssl_client2 keeps its SSL context,
configuration, CA chain head and RNG contexts on the stack: its figure is
mbedTLS's heap only. small4k cannot receive a 16 KiB record (its maximum
is 4096): its tls13-16k row shows the error a device gets.
NOTES
