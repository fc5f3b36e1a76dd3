#!/usr/bin/env bash
# bench/footprint.sh BUILD_DIR — Cortex-M4 flash and static RAM per profile.
#
# For every mbedTLS profile config/tlsc_mbedtls_*.h (not the fuzz overlay),
# cross-compiles tlsc (core + the bare-metal "none" platform) and mbedTLS
# with Debian's arm-none-eabi-gcc at -Os for -mcpu=cortex-m4 -mthumb
# (soft float) with newlib-nano, and links the minimal client
# bench/footprint_client.c (a verified TLS connection over a user transport,
# with the application's clock and entropy) with --gc-sections: only what a
# real client pulls in is counted. See scripts/baremetal.mk.
#
# flash = text + rodata + data (the initial image of .data lives in flash);
# static RAM = data + bss (heap and stack are not static: bench/ memory
# benchmarks measure the heap). Shares come from the linker map: input
# sections from libtlsc.a are tlsc's, from libmbedtls.a mbedTLS's; "other"
# is the rest (newlib-nano, libgcc, crt0 and the client itself, ~1 KB).
# Merged string constants are counted in the map before deduplication, so
# the shares can exceed the total by a few hundred bytes; "other" absorbs it.
# The "mbedTLS alone" rows are the floor: mbedTLS's own minimal client
# (programs/ssl/mini_client.c, ported to the same FIFO and TRNG:
# bench/footprint_mini_client.c) with the smallest configurations that still
# complete a verified ECDHE-ECDSA P-256 handshake, TLS 1.2
# (bench/mbedtls_floor_tls12.h) and TLS 1.3 (bench/mbedtls_floor_tls13.h);
# bench/footprint_floor_check.sh proves the handshakes on the host.
# Targets (issue #7): flash <= 100 KB for the full profile, <= 60 KB for an
# ECC-only one (a profile without MBEDTLS_RSA_C). 1 KB = 1024 bytes.
set -euo pipefail
build=${1:?usage: bench/footprint.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/baremetal.sh"
bm_need_toolchain

deps=$(sed -n 's/^TLSC_DEPS_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
mbedtls=$("$repo/scripts/fetch-mbedtls.sh" "${deps:-$repo/build/_deps}/mbedtls")
out=$build/footprint

kb() { awk -v b="$1" 'BEGIN { printf "%.1fK", b / 1024 }'; }

# measure OUT [NAME] -> "FLASH TLSC_FLASH MBEDTLS_FLASH RAM TLSC_RAM MBEDTLS_RAM"
# (NAME.elf and NAME.map in OUT; NAME defaults to client)
measure() {
  local elf=$1/${2:-client}.elf text data bss
  read -r text data bss _ < <(arm-none-eabi-size -B "$elf" | tail -1)
  awk -v flash=$((text + data)) -v ram=$((data + bss)) '
    $2 == "text" || $2 == "data" { f[$1] += $3 }
    $2 == "data" || $2 == "bss"  { r[$1] += $3 }
    END { print flash, f["tlsc"] + 0, f["mbedtls"] + 0, ram, r["tlsc"] + 0, r["mbedtls"] + 0 }
  ' < <(awk -f "$repo/scripts/mapsize.awk" "$1/${2:-client}.map")
}

echo "Cortex-M4 footprint: $(arm-none-eabi-gcc --version | head -1 | sed 's/.*) //'), -Os -mthumb" \
     "-mcpu=cortex-m4 -mfloat-abi=soft, newlib-nano, --gc-sections; mbedTLS $(basename "$mbedtls" | sed 's/mbedtls-//')"
echo "client: bench/footprint_client.c (verified TLS 1.2/1.3 over a user transport)"
fmt='%-12s %9s %9s %9s %9s %8s %-4s | %8s %8s %8s %8s\n'
printf "$fmt" profile flash tlsc mbedtls other target met ram_B tlsc mbedtls other
status=0
while read -r profile; do
  name=$(bm_profile_name "$profile")
  dir=$out/$name
  bm_build "$repo" "$mbedtls" "$profile" "$dir" || { status=1; continue; }
  read -r flash ftlsc fmbed ram rtlsc rmbed < <(measure "$dir")
  if bm_profile_has "$repo" "$mbedtls" "$profile" MBEDTLS_RSA_C; then target=100; else target=60; fi
  met=$( [ "$flash" -le $((target * 1024)) ] && echo yes || echo NO)
  printf "$fmt" "$name" "$(kb "$flash")" "$(kb "$ftlsc")" "$(kb "$fmbed")" \
    "$(kb $((flash - ftlsc - fmbed)))" "<=${target}K" "$met" \
    "$ram" "$rtlsc" "$rmbed" "$((ram - rtlsc - rmbed))"
done < <(bm_profiles "$repo")
echo "mbedTLS alone, mini_client (bench/footprint_mini_client.c), config bench/mbedtls_floor_<row>.h, no tlsc:"
for floor in tls12 tls13; do
  dir=$out/floor_$floor
  bm_build_mini "$repo" "$mbedtls" "$repo/bench/mbedtls_floor_$floor.h" "$dir" || { status=1; continue; }
  read -r flash ftlsc fmbed ram rtlsc rmbed < <(measure "$dir" mini_client)
  printf "$fmt" "floor_$floor" "$(kb "$flash")" - "$(kb "$fmbed")" \
    "$(kb $((flash - fmbed)))" - - "$ram" - "$rmbed" "$((ram - rmbed))"
done
echo "(flash = text+rodata+data, ram = data+bss, static only; per-object detail:" \
     "awk -v by=object -f scripts/mapsize.awk $out/PROFILE/client.map)"
exit $status
