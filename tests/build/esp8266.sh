#!/usr/bin/env bash
# tests/build/esp8266.sh REPO MBEDTLS_DIR OUT_DIR — tlsc and mbedTLS (small
# profile, the one meant for ESP8266-class parts) build for the ESP8266's
# lx106 core with Debian's gcc-xtensa-lx106 and picolibc (scripts/
# baremetal.mk with CROSS=xtensa-lx106-elf-), and the minimal client
# (bench/footprint_client.c) links: catches code that needs what the lx106
# lacks, first of all __atomic_* helpers (it has no atomic instructions;
# TLSC_NO_THREADS makes the core's atomics plain: src/core/base/atomics.h).
# The link is SIZE-ONLY: device/esp8266/lx106_size.ld lays out flash and
# DRAM like the SDK, and the ROM's arithmetic helpers the lx106 libgcc
# leaves out are stand-ins (device/esp8266/rom_stubs.c); the image never
# runs. Prints the flash and RAM of the client. Incremental.
set -u
repo=${1:?usage: esp8266.sh REPO MBEDTLS_DIR OUT_DIR}
mbedtls=${2:?}
out=${3:?}/small
specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
cc=xtensa-lx106-elf-gcc
if ! command -v "$cc" >/dev/null || [ ! -f "$specs" ]; then
  echo "FAIL: xtensa-lx106-elf-gcc or picolibc missing: scripts/deps.sh check" \
       "(gcc-xtensa-lx106 picolibc-xtensa-lx106-elf)"
  exit 1
fi
mkdir -p "$out"
vars=(REPO="$repo" MBEDTLS_DIR="$mbedtls" PROFILE="$repo/config/tlsc_mbedtls_small.h" OUT="$out"
      CROSS=xtensa-lx106-elf- ARCH=-mlongcalls "LIBC_SPECS=--specs=$specs")
if ! make -f "$repo/scripts/baremetal.mk" -j"${BM_JOBS:-2}" "${vars[@]}" lib "$out/client.o" \
      "$out/board.o" > "$out/build.log" 2>&1; then
  grep -E ': error|undefined' "$out/build.log" | head -20
  echo "FAIL: lx106 build (small profile, $out/build.log)"; exit 1
fi
"$cc" --specs="$specs" -mlongcalls -Os -std=c11 -c "$repo/device/esp8266/rom_stubs.c" \
  -o "$out/rom_stubs.o" || { echo "FAIL: rom_stubs.c"; exit 1; }
if ! "$cc" --specs="$specs" -mlongcalls -nostartfiles -T"$repo/device/esp8266/lx106_size.ld" \
      -Wl,--gc-sections -Wl,-Map="$out/client.map" -o "$out/client.elf" \
      "$out/client.o" "$out/board.o" "$out/rom_stubs.o" \
      -Wl,--start-group "$out/libtlsc.a" "$out/libmbedtls.a" -lc -lgcc -Wl,--end-group \
      > "$out/link.log" 2>&1; then
  grep -E 'undefined|error' "$out/link.log" | sort -u | head -20
  echo "FAIL: lx106 link"; exit 1
fi
xtensa-lx106-elf-nm "$out/client.elf" | grep -q ' T tlsc_conn_connect$' ||
  { echo "FAIL: tlsc_conn_connect not in the image"; exit 1; }
if xtensa-lx106-elf-nm "$out/libtlsc.a" 2>/dev/null | grep -q ' U __atomic_'; then
  echo "FAIL: tlsc needs __atomic_* helpers on the lx106:"
  xtensa-lx106-elf-nm -A "$out/libtlsc.a" | grep ' U __atomic_' | head; exit 1
fi
xtensa-lx106-elf-size -A "$out/client.elf" | awk '
  $1 == ".irom0.text" { flash += $2 } $1 == ".data" { flash += $2; ram += $2 }
  $1 == ".bss" { ram += $2 }
  END { printf "ok: small profile on the lx106: %d bytes of flash, %d of static RAM\n", flash, ram }'
