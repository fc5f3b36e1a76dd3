#!/usr/bin/env bash
# tests/device/qemu.sh REPO MBEDTLS_DIR DEPS_DIR LIB_OUT OUT — tlsc as
# firmware on QEMU's mps2-an386 (Cortex-M4) with lwIP over the emulated
# LAN9118, against a real nginx on the host (reached as 10.0.2.2 through
# QEMU's user network). Builds lwIP from Debian's source package
# (scripts/fetch-lwip.sh into DEPS_DIR/lwip: nothing is fetched when it is
# there) and the firmware (scripts/device.mk; tlsc's and mbedTLS's
# archives in LIB_OUT/full, shared with build_cortex_m4).
# Cases: a verified TLS 1.3 GET; the wrong host name and an expired
# certificate (exact error line on the device console); lwIP's TCP window
# (4 KiB) smaller than the server's 16 KiB TLS records; 3% of the frames
# dropped and 3% reordered by the netif with the download still intact;
# three connections at once on the event driver over lwIP (small4k, TLS 1.2
# with 4 KiB records), one of them held (tlsc_ev_hold) for a while; a name
# resolved by lwIP's DNS client (the test's DNS server, tests/device/dns.py,
# on the host's port 53: root only, skipped otherwise) and one it cannot
# resolve.
set -u
repo=${1:?usage: qemu.sh REPO MBEDTLS_DIR DEPS_DIR LIB_OUT OUT}
mbedtls=${2:?}; deps=${3:?}; lib_out=${4:?}; out=${5:?}
export OPENSSL_CONF=/dev/null
source "$repo/tests/event/nginx_start.sh"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
pass=0; fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }
die() { echo "not ok - $*"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }

command -v qemu-system-arm >/dev/null || die "qemu-system-arm missing (scripts/deps.sh check)"
lwip=$("$repo/scripts/fetch-lwip.sh" "$deps/lwip") || die "fetch-lwip.sh"
build_fw() { # FW_OUT TARGET PROFILE(full|small|small4k) [TCP_WND]
  local cfg=$repo/config/tlsc_mbedtls_$3.h
  [ "$3" = full ] && cfg=$repo/config/tlsc_mbedtls_config.h
  mkdir -p "$1"
  make -f "$repo/scripts/device.mk" -j"${BM_JOBS:-2}" REPO="$repo" MBEDTLS_DIR="$mbedtls" \
    LWIP_DIR="$lwip" PROFILE="$cfg" OUT="$lib_out/$3" \
    FW_OUT="$1" ${4:+TCP_WND=$4} "$2" > "$1/build.log" 2>&1 ||
    { grep -E ': error|undefined reference' "$1/build.log" | head; die "firmware build ($1)"; }
}
build_fw "$out/fw" fw full
build_fw "$out/fw-wnd4k" fw full 4096
build_fw "$out/ev-small4k" ev small4k

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-qemu.XXXXXX") || exit 1
cleanup() {
  [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  [ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null && wait "$DNS_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$T/pki" > /dev/null 2>&1 || die "PKI generation"
mkdir -p "$T/logs" "$T/tmp" "$T/www"
head -c 20000 /dev/urandom > "$T/www/small.bin"
head -c 262144 /dev/urandom > "$T/www/big.bin"
chmod -R a+rX "$T" # nginx's workers run as another user when started by root

# Two servers: the good chain (port P) and the expired leaf (port P+1).
source "$repo/tests/device/nginx_conf.sh"
write_conf() {
  device_nginx_conf "$T" "$1" "TLSv1.2 TLSv1.3" "$T/www" "$T/pki/server-p256-chain.pem" \
    "$T/pki/server-p256.key" "$T/pki/expired-chain.pem" "$T/pki/expired.key"
}
nginx_start "$T" write_conf || { cat "$T/logs/error.log"; die "nginx did not start"; }
port=$NGINX_PORT

# run FW PORT NAME PATH [faults=..]: the firmware's exit status in RC, its
# console in OUT and ERR, the body in $T/body.
run() {
  local fw=$1 args a
  args="arg=${ADDR:-10.0.2.2},arg=$2,arg=$3,arg=$4,arg=$T/pki/root.pem,arg=$T/body"
  for a in "${@:5}"; do args="$args,arg=${a//,/,,}"; done
  rm -f "$T/body"
  timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -nic user,model=lan9118 -icount shift=0 \
    -semihosting-config "enable=on,target=native,$args" -kernel "$fw/fw_get.elf" \
    > "$T/out" 2> "$T/err"
  RC=$?
  OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}
key() { sed -n "s/^$1: //p" <<< "$OUT"; }
show() { sed 's/^/#   /' <<< "$OUT"; sed 's/^/#   stderr: /' <<< "$ERR"; }

run "$out/fw" "$port" localhost /small.bin
if [ "$RC" = 0 ] && [ "$(key protocol)" = TLSv1.3 ] && cmp -s "$T/body" "$T/www/small.bin" &&
   grep -q '^status: HTTP/1.1 200' <<< "$OUT" && [ "$(key stack_peak_bytes)" -gt 0 ] &&
   [ "$(key heap_peak_bytes)" -gt 0 ] && [ "$(key handshake_instructions)" -gt 0 ]; then
  ok "verified TLS 1.3 GET ($(key heap_peak_bytes) bytes of heap, $(key stack_peak_bytes) of stack)"
else
  bad "verified TLS 1.3 GET (exit $RC)"; show
fi

run "$out/fw" "$port" wrong.example /small.bin
want="error: server certificate is not valid for the requested host name: hostname mismatch: wanted wrong.example, certificate has DNS:localhost, DNS:tlsc.test, IP:127.0.0.1, IP:0:0:0:0:0:0:0:1 (the subject CN is not used when a subjectAltName is present)"
if [ "$RC" = 9 ] && [ "$ERR" = "$want" ] && [ ! -s "$T/body" ]; then
  ok "wrong host name refused"
else
  bad "wrong host name (exit $RC)"; show
fi

run "$out/fw" "$((port + 1))" localhost /small.bin
want="error: a certificate of the server's chain has expired: certificate expired on 2024-01-01T00:00:00Z (depth 0, CN=expired.localhost, O=tlsc tests)"
if [ "$RC" = 9 ] && [ "$ERR" = "$want" ]; then
  ok "expired certificate refused"
else
  bad "expired certificate (exit $RC)"; show
fi

# 16 KiB records (nginx's default ssl_buffer_size) through a 4 KiB TCP window: each part
# of a record is acknowledged as tlsc takes it, so the window reopens.
run "$out/fw-wnd4k" "$port" localhost /big.bin
if [ "$RC" = 0 ] && cmp -s "$T/body" "$T/www/big.bin"; then
  ok "TCP window (4 KiB) smaller than the 16 KiB records"
else
  bad "TCP window smaller than record (exit $RC)"; show
fi

run "$out/fw" "$port" localhost /big.bin faults=30,30
if [ "$RC" = 0 ] && cmp -s "$T/body" "$T/www/big.bin" && [ "$(key frames_dropped)" -gt 0 ] &&
   [ "$(key frames_reordered)" -gt 0 ]; then
  ok "3% of frames dropped and 3% reordered: download intact ($(key frames_dropped) dropped, $(key frames_reordered) reordered)"
else
  bad "fault injection (exit $RC)"; show
fi

# lwIP's DNS client (dns_gethostbyname): the firmware asks the test's DNS
# server on the host, which knows dev.tlsc.test only.
DNS_PID=""
python3 "$repo/tests/device/dns.py" dev.tlsc.test 10.0.2.2 "$T/dns.log" > "$T/dns.out" 2>&1 &
DNS_PID=$!
for i in $(seq 1 50); do grep -q ready "$T/dns.out" 2>/dev/null && break; kill -0 "$DNS_PID" 2>/dev/null || break; sleep 0.1; done
if grep -q ready "$T/dns.out"; then
  ADDR=dev.tlsc.test run "$out/fw" "$port" localhost /small.bin dns=10.0.2.2
  if [ "$RC" = 0 ] && cmp -s "$T/body" "$T/www/small.bin" && grep -q '^dev.tlsc.test 1$' "$T/dns.log"; then
    ok "name resolved by lwIP's DNS client, then a verified GET"
  else
    bad "name resolved by lwIP's DNS client (exit $RC)"; show
  fi
  ADDR=nope.tlsc.test run "$out/fw" "$port" localhost /small.bin dns=10.0.2.2
  if [ "$RC" = 9 ] && [[ $ERR == "error: host name could not be resolved: "* ]] &&
     grep -q '^nope.tlsc.test 1$' "$T/dns.log"; then
    ok "unknown name: \"host name could not be resolved\""
  else
    bad "unknown name (exit $RC)"; show
  fi
else
  echo "skip - lwIP's DNS client: no DNS server on 127.0.0.1:53 ($(head -c 200 "$T/dns.out"))"
fi

# Three GETs at once on tlsc's event driver over lwIP: the firmware's loop
# only polls the netif, runs lwIP's timers and tlsc_loop_process.
args="arg=10.0.2.2,arg=$port,arg=localhost,arg=/big.bin,arg=$T/pki/root.pem,arg=3,arg=262144"
timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
  -nic user,model=lan9118 -icount shift=0 -semihosting-config "enable=on,target=native,$args" \
  -kernel "$out/ev-small4k/fw_ev.elf" > "$T/out" 2> "$T/err"
RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
if [ "$RC" = 0 ] && [ "$(grep -c ': ok (262144 body bytes)$' <<< "$OUT")" = 3 ] &&
   [ "$(key open_at_once)" = 3 ]; then
  ok "three event connections at once over lwIP, one held (small4k: $(key arena_peak_bytes) bytes of arena)"
else
  bad "three event connections (exit $RC)"; show
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
