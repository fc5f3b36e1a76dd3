#!/usr/bin/env bash
# bench/device.sh BUILD_DIR — tlsc against lwIP's own TLS layer on the
# emulated Cortex-M4 board (QEMU mps2-an386, lwIP 2.2.1 over the LAN9118):
# the same verified GET of a 20 KB file from the same nginx (TLS 1.2, ECDSA
# P-256 leaf + intermediate), the same mbedTLS 3.6 build and profile (full),
# the same board and arena. tlsc: device/mps2-an386/fw_get.c (tlsc_conn over
# tlsc_lwip). lwIP: fw_altcp.c (altcp_tls_mbedtls with its defaults,
# compiled against mbedTLS 3.6 through device/altcp-compat/). Prints the
# arena's high-water mark, the handshake's instructions (-icount shift=0,
# idle excluded), the firmware's flash, and what each does by default with
# an expired certificate and with a wrong host name.
# Firmware goes to BUILD_DIR/device-bench; lwIP and mbedTLS sources to
# ${TLSC_DEPS_DIR:-build/_deps} (fetched when missing).
set -euo pipefail
build=${1:?usage: bench/device.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
deps=${TLSC_DEPS_DIR:-$repo/build/_deps}
out=$(mkdir -p "$build/device-bench" && cd "$build/device-bench" && pwd)
export OPENSSL_CONF=/dev/null
mbedtls=$("$repo/scripts/fetch-mbedtls.sh" "$deps/mbedtls")
lwip=$("$repo/scripts/fetch-lwip.sh" "$deps/lwip")
mk() { make -s -f "$repo/scripts/device.mk" -j2 REPO="$repo" MBEDTLS_DIR="$mbedtls" LWIP_DIR="$lwip" \
         PROFILE="$repo/config/tlsc_mbedtls_config.h" OUT="$out" "$@"; }
mk FW_OUT="$out/tlsc" fw > "$out/build-tlsc.log" 2>&1 || { tail "$out/build-tlsc.log"; exit 1; }
mk FW_OUT="$out/altcp" ALTCP=1 altcp > "$out/build-altcp.log" 2>&1 || { tail "$out/build-altcp.log"; exit 1; }
mkp() { # PROFILE TARGET: a firmware of another profile, into $out/PROFILE
  make -s -f "$repo/scripts/device.mk" -j2 REPO="$repo" MBEDTLS_DIR="$mbedtls" LWIP_DIR="$lwip" \
    PROFILE="$repo/config/tlsc_mbedtls_$1.h" OUT="$out/lib-$1" FW_OUT="$out/$1" "$2" \
    > "$out/build-$1-$2.log" 2>&1 || { tail "$out/build-$1-$2.log"; exit 1; }
}
mkp small fw
mkp small4k ev

source "$repo/tests/event/nginx_start.sh"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-devbench.XXXXXX")
trap '[ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; [ -n "${NGINX13_PID:-}" ] && kill "$NGINX13_PID" 2>/dev/null; rm -rf "$T"' EXIT
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$T/pki" > /dev/null 2>&1
mkdir -p "$T/logs" "$T/tmp" "$T/www"
head -c 20000 /dev/urandom > "$T/www/file"
head -c 262144 /dev/urandom > "$T/www/big"
chmod -R a+rX "$T"
source "$repo/tests/device/nginx_conf.sh"
write_conf() {
  device_nginx_conf "$T" "$1" TLSv1.2 "$T/www" "$T/pki/server-p256-chain.pem" \
    "$T/pki/server-p256.key" "$T/pki/expired-chain.pem" "$T/pki/expired.key"
}
nginx_start "$T" write_conf || { cat "$T/logs/error.log"; exit 1; }
port=$NGINX_PORT
# A second nginx with TLS 1.3 as well (16 KiB records) for tlsc's own targets.
mkdir -p "$T/n13/logs" "$T/n13/tmp"
write_conf13() {
  device_nginx_conf "$T/n13" "$1" "TLSv1.2 TLSv1.3" "$T/www" "$T/pki/server-p256-chain.pem" \
    "$T/pki/server-p256.key"
}
NGINX13_PID=""
pid1=$NGINX_PID
nginx_start "$T/n13" write_conf13 || { cat "$T/n13/logs/error.log"; exit 1; }
port13=$NGINX_PORT NGINX13_PID=$NGINX_PID NGINX_PID=$pid1

run() { # ELF PORT NAME
  timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -nic user,model=lan9118 -icount shift=0 -kernel "$1" \
    -semihosting-config "enable=on,target=native,arg=10.0.2.2,arg=$2,arg=$3,arg=/file,arg=$T/pki/root.pem,arg=$T/out" 2>&1
}
v() { sed -n "s/^$1: //p" <<< "$2" | head -1; }
verdict() { # OUTPUT STATUS
  if [ "$2" = 0 ]; then echo "connects (verify_flags $(v verify_flags "$1"))"; else echo "refuses"; fi
}
a=$(run "$out/tlsc/fw_get.elf" "$port" localhost) || { echo "$a"; exit 1; }
b=$(run "$out/altcp/fw_altcp.elf" "$port" localhost) || { echo "$b"; exit 1; }
set +e
ae=$(run "$out/tlsc/fw_get.elf" "$((port + 1))" localhost); aes=$?
be=$(run "$out/altcp/fw_altcp.elf" "$((port + 1))" localhost); bes=$?
aw=$(run "$out/tlsc/fw_get.elf" "$port" wrong.example); aws=$?
bw=$(run "$out/altcp/fw_altcp.elf" "$port" wrong.example); bws=$?
set -e
printf '| %-42s | %-26s | %-34s |\n' "same GET, TLS 1.2, full profile" "tlsc (fw_get.c)" "lwIP altcp_tls_mbedtls (fw_altcp.c)"
printf '|%s|%s|%s|\n' -------------------------------------------- ---------------------------- ------------------------------------
printf '| %-42s | %-26s | %-34s |\n' "arena high-water (bytes)" "$(v heap_peak_bytes "$a")" "$(v arena_peak_bytes "$b")"
printf '| %-42s | %-26s | %-34s |\n' "handshake instructions" "$(v handshake_instructions "$a")" "$(v handshake_instructions "$b")"
printf '| %-42s | %-26s | %-34s |\n' "flash of the firmware (bytes)" "$(v flash_bytes "$a")" "$(v flash_bytes "$b")"
printf '| %-42s | %-26s | %-34s |\n' "stack high-water (bytes)" "$(v stack_peak_bytes "$a")" "$(v stack_peak_bytes "$b")"
printf '| %-42s | %-26s | %-34s |\n' "expired certificate, by default" "$(verdict "$ae" "$aes")" "$(verdict "$be" "$bes")"
printf '| %-42s | %-26s | %-34s |\n' "wrong host name, by default" "$(verdict "$aw" "$aws")" "$(verdict "$bw" "$bws")"

# run_args ELF ARGS: the firmware with a semihosting argument list.
run_args() {
  timeout 180 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -nic user,model=lan9118 -icount shift=0 -kernel "$1" \
    -semihosting-config "enable=on,target=native,$2" 2>&1
}
ca=arg=$T/pki/root.pem
g=$(run_args "$out/small/fw_get.elf" "arg=10.0.2.2,arg=$port13,arg=localhost,arg=/big,$ca,arg=$T/out") ||
  { echo "$g"; exit 1; }
e=$(run_args "$out/small4k/fw_ev.elf" \
  "arg=10.0.2.2,arg=$port13,arg=localhost,arg=/file,$ca,arg=3,arg=20000,arg=staged") || { echo "$e"; exit 1; }
echo
printf '| %-66s | %-9s | %-9s |\n' "tlsc alone on the board (issue 15's targets)" "measured" "target"
printf '|%s|%s|%s|\n' -------------------------------------------------------------------- ----------- -----------
printf '| %-66s | %-9s | %-9s |\n' "small, TLS $(v protocol "$g" | sed 's/TLSv//'), verified GET of 256 KB in 16 KiB records: tlsc heap peak" \
  "$(v tlsc_heap_peak_bytes "$g")" "<= 24 KB"
printf '| %-66s | %-9s | %-9s |\n' "  the same: arena high-water (tlsc's bytes + block headers)" "$(v heap_peak_bytes "$g")" ""
printf '| %-66s | %-9s | %-9s |\n' "  the same: stack high-water" "$(v stack_peak_bytes "$g")" "<= 6 KB"
printf '| %-66s | %-9s | %-9s |\n' "small4k, two connections open and idle + one handshake: arena" \
  "$(v arena_peak_at_last_handshake_bytes "$e")" "<= 40 KB"
printf '| %-66s | %-9s | %-9s |\n' "  the same three then transferring at once: arena" "$(v arena_peak_bytes "$e")" ""
