#!/usr/bin/env bash
# Every mbedTLS profile still builds for a bare-metal Cortex-M4
# (arm-none-eabi-gcc, newlib-nano, the "none" platform, -Werror for tlsc's
# own sources) and the minimal clients link (blocking, and the event driver
# over a user transport, the MQTT client): catches POSIX-only code in the
# core, src/event and src/mqtt, 64-bit assumptions (uint32_t is `long` there,
# enums are short) and missing symbols; the client with a sign-callback
# credential (tlsc/signer.h) links too. Incremental: only the first run
# compiles mbedTLS.
# Sizes are bench/footprint.sh's business, not this test's.
set -u
repo=${1:?usage: cortex_m4.sh REPO MBEDTLS_DIR OUT_DIR}
mbedtls=${2:?}
out=${3:?}
. "$repo/scripts/baremetal.sh"
bm_need_toolchain || exit 1
pass=0; fail=0
while read -r profile; do
  name=$(bm_profile_name "$profile")
  if bm_build "$repo" "$mbedtls" "$profile" "$out/$name" &&
     arm-none-eabi-nm "$out/$name/client.elf" | grep -q ' T tlsc_conn_connect$' &&
     bm_make event_elf "the event client of profile $name" "$repo" "$mbedtls" "$profile" \
       "$out/$name" &&
     arm-none-eabi-nm "$out/$name/event_client.elf" | grep -q ' T tlsc_ev_connect_transport$' &&
     bm_make signer_elf "the signer client of profile $name" "$repo" "$mbedtls" "$profile" \
       "$out/$name" &&
     arm-none-eabi-nm "$out/$name/signer_client.elf" | grep -q ' T tlsc_config_set_client_signer$' &&
     bm_make mqtt_elf "the MQTT client of profile $name" "$repo" "$mbedtls" "$profile" \
       "$out/$name" &&
     arm-none-eabi-nm "$out/$name/mqtt_client.elf" | grep -q ' T tlsc_mqtt_connect_transport$'; then
    echo "ok: profile $name ($(arm-none-eabi-size -B "$out/$name/client.elf" | awk 'NR==2 {print $1 + $2}') bytes of flash)"
    pass=$((pass+1))
  else
    echo "FAIL: profile $name"; fail=$((fail+1))
  fi
done < <(bm_profiles "$repo")
echo "$pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
