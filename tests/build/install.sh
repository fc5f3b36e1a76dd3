#!/usr/bin/env bash
# `cmake --install` gives a usable package: headers, libraries, a pkg-config
# file and a CMake package config. A consumer builds against each.
set -u
build=${1:?usage: install.sh BUILD_DIR SOURCE_DIR}
src=${2:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() { if "$@" >"$tmp/log" 2>&1; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $*"; tail -20 "$tmp/log"; fi; }

check cmake --install "$build" --prefix "$tmp/prefix"
check test -f "$tmp/prefix/include/tlsc/tlsc.h"
check test -f "$tmp/prefix/lib/pkgconfig/tlsc.pc"
check test -f "$tmp/prefix/lib/cmake/tlsc/tlscConfig.cmake"

cat > "$tmp/app.c" <<'C'
#include <stdio.h>
#include "tlsc/tlsc.h"
int main(void) { printf("%s %s\n", tlsc_version(), tlsc_mbedtls_version()); return 0; }
C
pc() { PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config "$@"; }
check bash -c "${CC:-cc} '$tmp/app.c' -o '$tmp/app_pc' $(pc --cflags tlsc) $(pc --libs tlsc) -Wl,-rpath,'$tmp/prefix/lib' ${TLSC_SAN_FLAGS:-}"
check "$tmp/app_pc"

mkdir -p "$tmp/consumer"
cat > "$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(tlsc 0.1 REQUIRED)
add_executable(app ../app.c)
target_link_libraries(app PRIVATE tlsc::tlsc)
CM
check cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_C_FLAGS="${TLSC_SAN_FLAGS:-}"
check cmake --build "$tmp/consumer/build"
check "$tmp/consumer/build/app"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
