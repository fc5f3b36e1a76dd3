#!/usr/bin/env bash
# bench/footprint_floor_check.sh BUILD_DIR — proof that the "mbedTLS alone"
# floor configurations of bench/footprint.sh (bench/mbedtls_floor_tls1[23].h)
# really complete a certificate-verified handshake: builds mbedTLS with each
# for this host, links bench/footprint_mini_client.c (TLSC_FLOOR_HOST: TCP
# instead of the FIFO, root from a file) and connects to openssl s_server
# with a P-256 root -> P-256 leaf for "localhost": TLS 1.2 with
# ECDHE-ECDSA-AES128-GCM-SHA256, TLS 1.3 with TLS_AES_128_GCM_SHA256, each
# once with the right root (must succeed) and once with another root
# (must fail: the verification is real). About 10 s (two host mbedTLS builds).
set -euo pipefail
build=${1:?usage: bench/footprint_floor_check.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$build/floor-check
deps=$(sed -n 's/^TLSC_DEPS_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
mbedtls=$("$repo/scripts/fetch-mbedtls.sh" "${deps:-$repo/build/_deps}/mbedtls")
mkdir -p "$out"
export OPENSSL_CONF=/dev/null

pki() { # DIR NAME: a P-256 root and a localhost leaf signed by it
  local d=$1/$2
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=floor $2 root" -keyout "$d/root.key" -out "$d/root.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
  openssl x509 -in "$d/root.pem" -outform DER -out "$d/root.der"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$d/leaf.key" -out "$d/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n' > "$d/ext"
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/root.pem" -CAkey "$d/root.key" -days 30 \
    -CAcreateserial -extfile "$d/ext" -out "$d/leaf.pem" 2>/dev/null
}

build() { # CONFIG_BASENAME -> $out/NAME/mini_client
  local cfg=$1 dir=$out/${1%.h}
  mkdir -p "$dir/obj"
  local flags=(-O1 -w -I"$mbedtls/include" -I"$mbedtls/library" -I"$mbedtls/3rdparty/p256-m"
               -I"$repo/bench" "-DMBEDTLS_CONFIG_FILE=\"$cfg\"")
  printf '%s\n' "$mbedtls"/library/*.c "$mbedtls"/3rdparty/p256-m/p256-m_driver_entrypoints.c \
      "$mbedtls"/3rdparty/p256-m/p256-m/p256-m.c |
    xargs -P2 -I{} sh -c 'cc "$@" -c {} -o "'"$dir"'/obj/$(basename {} .c).o"' _ "${flags[@]}"
  cc "${flags[@]}" -DTLSC_FLOOR_HOST -o "$dir/mini_client" "$repo/bench/footprint_mini_client.c" \
    "$dir"/obj/*.o
}

run() { # CONFIG_BASENAME S_SERVER_PROTO_ARGS... ; prints pass/FAIL lines
  local cfg=$1 bin=$out/${1%.h}/mini_client port=$((20000 + RANDOM % 20000)) rc
  shift
  openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$out/pki/good/leaf.pem" \
    -key "$out/pki/good/leaf.key" "$@" </dev/null >"$out/s_server.log" 2>&1 &
  local srv=$!
  sleep 0.5
  rc=0; "$bin" "$out/pki/good/root.der" "$port" >"$out/client.log" || rc=$?
  [ "$rc" = 0 ] && echo "pass: $cfg verified handshake ($*)" || { echo "FAIL: $cfg exit $rc ($*)"; status=1; }
  rc=0; "$bin" "$out/pki/other/root.der" "$port" >"$out/client.log" || rc=$?
  # 8 = ssl_handshake_failed: an unknown root must fail the handshake
  [ "$rc" = 8 ] && echo "pass: $cfg rejects an unknown root" || { echo "FAIL: $cfg with another root: exit $rc"; status=1; }
  kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null || true
}

status=0
pki "$out/pki" good
pki "$out/pki" other
build mbedtls_floor_tls12.h
build mbedtls_floor_tls13.h
run mbedtls_floor_tls12.h -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
run mbedtls_floor_tls13.h -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256 -groups P-256
exit $status
