# Shared by bench/footprint.sh and tests/build/cortex_m4.sh (source it):
# the mbedTLS profiles to build for Cortex-M4 and how to build one.

# Every profile config/tlsc_mbedtls_*.h (the fuzz overlay is not a profile).
bm_profiles() { # REPO
  local f
  for f in "$1"/config/tlsc_mbedtls_*.h; do
    [ -f "$f" ] || continue
    case $(basename "$f") in *fuzz*) continue ;; esac
    echo "$f"
  done
}

# config/tlsc_mbedtls_config.h is the full profile; others are named by file.
bm_profile_name() { # PROFILE_PATH
  local n
  n=$(basename "$1" .h); n=${n#tlsc_mbedtls_}
  [ "$n" = config ] && n=full
  echo "$n"
}

# Whether a profile enables mbedTLS option OPT after its own #if logic and
# the bare-metal overlay (asks the preprocessor, not grep).
bm_profile_has() { # REPO MBEDTLS_DIR PROFILE OPT
  printf '#include "mbedtls/build_info.h"\n#ifdef %s\nTLSC_HAS_IT\n#endif\n' "$4" |
    arm-none-eabi-gcc -E -P -x c -I"$2/include" -I"$(dirname "$3")" -I"$1/config" \
      "-DMBEDTLS_CONFIG_FILE=\"$(basename "$3")\"" \
      '-DMBEDTLS_USER_CONFIG_FILE="tlsc_platform_none.h"' - 2>/dev/null | grep -q TLSC_HAS_IT
}

# make TARGET of scripts/baremetal.mk into OUT (incremental). Output goes to
# OUT/build.log; on failure, WHAT is named and the log's errors are shown.
bm_make() { # TARGET WHAT REPO MBEDTLS_DIR PROFILE OUT
  mkdir -p "$6"
  if ! make -f "$3/scripts/baremetal.mk" -j"${BM_JOBS:-2}" REPO="$3" MBEDTLS_DIR="$4" \
        PROFILE="$5" OUT="$6" "$1" >"$6/build.log" 2>&1; then
    echo "Cortex-M4 build of $2 failed ($6/build.log):" >&2
    grep -E 'error|undefined' "$6/build.log" | head -20 >&2
    tail -5 "$6/build.log" >&2
    return 1
  fi
}

# Build the archives and the minimal client for one profile into OUT.
bm_build() { # REPO MBEDTLS_DIR PROFILE OUT
  bm_make elf "profile $(bm_profile_name "$3")" "$@"
}

# Build mbedTLS alone with CONFIG and link bench/footprint_mini_client.c
# (mbedTLS's mini_client) into OUT/mini_client.elf: the floor rows.
bm_build_mini() { # REPO MBEDTLS_DIR CONFIG OUT
  bm_make mini "mini_client with $(basename "$3")" "$@"
}

bm_need_toolchain() {
  if ! command -v arm-none-eabi-gcc >/dev/null ||
     ! arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb --specs=nano.specs \
         -print-file-name=libc_nano.a | grep -q /; then
    echo "arm-none-eabi-gcc with newlib-nano is missing: run scripts/deps.sh check" \
         "(gcc-arm-none-eabi libnewlib-arm-none-eabi)" >&2
    return 1
  fi
}
