# Locate (or fetch) an mbedTLS 3.6 source tree and compile it with tlsc's
# configuration header. Defines:
#   tlsc_mbedtls          OBJECT library: mbedTLS compiled for tlsc
#   tlsc_mbedtls_headers  INTERFACE: include dirs + MBEDTLS_CONFIG_FILE
#   TLSC_MBEDTLS_DIR      the source tree used
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

if(TLSC_MBEDTLS_SOURCE_DIR)
  set(TLSC_MBEDTLS_DIR "${TLSC_MBEDTLS_SOURCE_DIR}")
else()
  message(STATUS "tlsc: fetching Debian's mbedtls source package into ${TLSC_DEPS_DIR}")
  execute_process(
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/fetch-mbedtls.sh ${TLSC_DEPS_DIR}/mbedtls
    OUTPUT_VARIABLE TLSC_MBEDTLS_DIR
    RESULT_VARIABLE _fetch_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _fetch_rc EQUAL 0)
    message(FATAL_ERROR "tlsc: could not fetch mbedTLS (see above); "
                        "or pass -DTLSC_MBEDTLS_SOURCE_DIR=/path/to/mbedtls-3.6")
  endif()
endif()

set(_bi "${TLSC_MBEDTLS_DIR}/include/mbedtls/build_info.h")
if(NOT EXISTS "${_bi}")
  message(FATAL_ERROR "tlsc: ${TLSC_MBEDTLS_DIR} is not an mbedTLS source tree (no include/mbedtls/build_info.h)")
endif()
file(STRINGS "${_bi}" _ver REGEX "^#define MBEDTLS_VERSION_STRING +\"[0-9.]+\"")
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" TLSC_MBEDTLS_VERSION "${_ver}")
if(NOT TLSC_MBEDTLS_VERSION MATCHES "^3\\.6\\.")
  message(FATAL_ERROR "tlsc: needs mbedTLS 3.6 LTS, but ${TLSC_MBEDTLS_DIR} is mbedTLS "
                      "'${TLSC_MBEDTLS_VERSION}'. Point TLSC_MBEDTLS_SOURCE_DIR at a 3.6.x tree.")
endif()
message(STATUS "tlsc: mbedTLS ${TLSC_MBEDTLS_VERSION} from ${TLSC_MBEDTLS_DIR}")

get_filename_component(_cfg_dir "${TLSC_MBEDTLS_CONFIG}" DIRECTORY)
get_filename_component(_cfg_name "${TLSC_MBEDTLS_CONFIG}" NAME)

add_library(tlsc_mbedtls_headers INTERFACE)
target_include_directories(tlsc_mbedtls_headers SYSTEM INTERFACE
  ${TLSC_MBEDTLS_DIR}/include ${_cfg_dir})
target_compile_definitions(tlsc_mbedtls_headers INTERFACE
  "MBEDTLS_CONFIG_FILE=\"${_cfg_name}\"")

# The hook for a platform's accelerators (docs/footprint.md): a header
# appended to the profile (mbedTLS's MBEDTLS_USER_CONFIG_FILE, e.g. defining
# MBEDTLS_SHA256_ALT or a PSA driver) and the sources that implement it,
# compiled with mbedTLS. The header's directory is on every include path,
# so the *_alt.h headers mbedTLS then includes can live next to it.
set(TLSC_MBEDTLS_USER_CONFIG "" CACHE FILEPATH
    "Header appended to the mbedTLS profile (MBEDTLS_USER_CONFIG_FILE): *_ALT, PSA drivers")
set(TLSC_MBEDTLS_EXTRA_SOURCES "" CACHE STRING
    "Sources compiled with mbedTLS (;-separated): the implementations TLSC_MBEDTLS_USER_CONFIG names")
set(TLSC_MBEDTLS_EXTRA_INCLUDE_DIRS "" CACHE STRING
    "Include directories for TLSC_MBEDTLS_USER_CONFIG's *_alt.h headers (;-separated), e.g. a vendor port's")
if(TLSC_MBEDTLS_EXTRA_INCLUDE_DIRS)
  target_include_directories(tlsc_mbedtls_headers SYSTEM INTERFACE ${TLSC_MBEDTLS_EXTRA_INCLUDE_DIRS})
endif()
# The profile's name: tlsc_mbedtls_config.h is "full", tlsc_mbedtls_NAME.h "NAME".
string(REGEX REPLACE "\\.h$" "" TLSC_PROFILE "${_cfg_name}")
string(REGEX REPLACE "^tlsc_mbedtls_" "" TLSC_PROFILE "${TLSC_PROFILE}")
if(TLSC_PROFILE STREQUAL "config")
  set(TLSC_PROFILE "full")
endif()
message(STATUS "tlsc: mbedTLS profile '${TLSC_PROFILE}' (${TLSC_MBEDTLS_CONFIG})")

# The Linux accelerator (src/accel/nettle; docs/footprint.md, "AES-GCM
# through GNU Nettle on a Linux host"): mbedTLS's GCM interface over GNU
# Nettle's AES-GCM, plugged in through the same hook as a device's engines. AUTO: on for the full
# profile of a native Linux build when nettle-dev >= 3.8 (the version
# measured) is installed and no other accelerator header is given; never in
# fuzz builds (they replace the RNG, not the cipher, and stay pure mbedTLS)
# nor in the small profiles (they stand for the device: on a device the
# board's own AES engine goes here). The 4 KiB hashing table of Nettle's
# context sits where mbedTLS's GCM context sits: on the stack of each PSA
# record operation (full profile, MBEDTLS_USE_PSA_CRYPTO).
set(TLSC_ACCEL_NETTLE AUTO CACHE STRING
    "AES-GCM through GNU Nettle (AUTO|ON|OFF; AUTO: full profile, native Linux, nettle-dev >= 3.8)")
set_property(CACHE TLSC_ACCEL_NETTLE PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${TLSC_ACCEL_NETTLE}" _accel_nettle)
if(NOT _accel_nettle MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "tlsc: TLSC_ACCEL_NETTLE is AUTO, ON or OFF, not '${TLSC_ACCEL_NETTLE}'")
endif()
include(CheckCSourceCompiles)
set(TLSC_MBEDTLS_LINK_LIBS "")
set(_accel_configs "")
set(_nettle_want OFF)
if(_accel_nettle STREQUAL "AUTO")
  if(TLSC_PROFILE STREQUAL "full" AND NOT TLSC_FUZZ AND NOT TLSC_MBEDTLS_USER_CONFIG
     AND NOT CMAKE_CROSSCOMPILING AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(_nettle_want AUTO)
  endif()
elseif(_accel_nettle STREQUAL "ON")
  set(_nettle_want ON)
endif()
if(_nettle_want)
  find_path(TLSC_NETTLE_INCLUDE_DIR nettle/gcm.h)
  find_library(TLSC_NETTLE_LIBRARY nettle)
  set(_nettle_ok OFF)
  if(TLSC_NETTLE_INCLUDE_DIR AND TLSC_NETTLE_LIBRARY)
    set(CMAKE_REQUIRED_INCLUDES ${TLSC_NETTLE_INCLUDE_DIR})
    check_c_source_compiles("
#include <nettle/version.h>
#if NETTLE_VERSION_MAJOR < 3 || (NETTLE_VERSION_MAJOR == 3 && NETTLE_VERSION_MINOR < 8)
#error nettle older than 3.8
#endif
int main(void) { return 0; }" TLSC_NETTLE_3_8)
    unset(CMAKE_REQUIRED_INCLUDES)
    set(_nettle_ok ${TLSC_NETTLE_3_8})
  endif()
  if(_nettle_ok)
    set(_accel_dir "${CMAKE_CURRENT_SOURCE_DIR}/src/accel/nettle")
    set(_accel_configs "${_accel_dir}/tlsc_accel_nettle.h")
    target_include_directories(tlsc_mbedtls_headers SYSTEM INTERFACE ${_accel_dir}
      ${TLSC_NETTLE_INCLUDE_DIR})
    list(APPEND TLSC_MBEDTLS_EXTRA_SOURCES "${_accel_dir}/gcm_nettle.c")
    set(TLSC_MBEDTLS_LINK_LIBS ${TLSC_NETTLE_LIBRARY})
    set(TLSC_AES_GCM "nettle")
    message(STATUS "tlsc: AES-GCM through GNU Nettle (${TLSC_NETTLE_LIBRARY}): TLSC_ACCEL_NETTLE=${TLSC_ACCEL_NETTLE}")
  elseif(_nettle_want STREQUAL "ON")
    message(FATAL_ERROR "tlsc: TLSC_ACCEL_NETTLE=ON needs nettle-dev >= 3.8 (scripts/deps.sh build installs it)")
  else()
    set(_nettle_why " (nettle-dev >= 3.8 not found)")
  endif()
endif()
if(NOT TLSC_AES_GCM)
  set(TLSC_AES_GCM "mbedtls")
  message(STATUS "tlsc: AES-GCM: mbedTLS's own, TLSC_ACCEL_NETTLE=${TLSC_ACCEL_NETTLE}${_nettle_why}")
endif()
# for the benchmarks, which read it from CMakeCache.txt
set(TLSC_AES_GCM_IMPL "${TLSC_AES_GCM}" CACHE INTERNAL "AES-GCM implementation: nettle or mbedtls")

# mbedTLS takes one user config file; the fuzz overlay and the platform's
# header are both included from one generated header.
set(_user_configs ${_accel_configs})
if(TLSC_FUZZ)
  list(APPEND _user_configs "${CMAKE_CURRENT_SOURCE_DIR}/config/tlsc_fuzz_config.h")
endif()
if(TLSC_MBEDTLS_USER_CONFIG)
  get_filename_component(_user_cfg "${TLSC_MBEDTLS_USER_CONFIG}" ABSOLUTE)
  if(NOT EXISTS "${_user_cfg}")
    message(FATAL_ERROR "tlsc: TLSC_MBEDTLS_USER_CONFIG ${_user_cfg} does not exist")
  endif()
  list(APPEND _user_configs "${_user_cfg}")
  get_filename_component(_user_cfg_dir "${_user_cfg}" DIRECTORY)
  target_include_directories(tlsc_mbedtls_headers SYSTEM INTERFACE ${_user_cfg_dir})
  message(STATUS "tlsc: mbedTLS user configuration ${_user_cfg}")
endif()
if(_user_configs)
  set(_user_h "/* Generated by cmake/mbedtls.cmake: the headers appended to the profile. */\n")
  foreach(_f IN LISTS _user_configs)
    string(APPEND _user_h "#include \"${_f}\"\n")
  endforeach()
  set(_user_dir "${CMAKE_BINARY_DIR}/tlsc_mbedtls_user")
  file(CONFIGURE OUTPUT "${_user_dir}/tlsc_user_config.h" CONTENT "${_user_h}")
  target_include_directories(tlsc_mbedtls_headers SYSTEM INTERFACE ${_user_dir})
  target_compile_definitions(tlsc_mbedtls_headers INTERFACE
    "MBEDTLS_USER_CONFIG_FILE=\"tlsc_user_config.h\"")
endif()


file(GLOB TLSC_MBEDTLS_SOURCES ${TLSC_MBEDTLS_DIR}/library/*.c)
# p256-m (3rdparty): compiles to nothing unless the profile enables its
# PSA driver (MBEDTLS_PSA_P256M_DRIVER_ENABLED, the small profiles).
list(APPEND TLSC_MBEDTLS_SOURCES
  ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m/p256-m_driver_entrypoints.c
  ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m/p256-m/p256-m.c)
foreach(_src IN LISTS TLSC_MBEDTLS_EXTRA_SOURCES)
  get_filename_component(_src "${_src}" ABSOLUTE)
  if(NOT EXISTS "${_src}")
    message(FATAL_ERROR "tlsc: TLSC_MBEDTLS_EXTRA_SOURCES: ${_src} does not exist")
  endif()
  list(APPEND TLSC_MBEDTLS_SOURCES "${_src}")
endforeach()
add_library(tlsc_mbedtls OBJECT ${TLSC_MBEDTLS_SOURCES})
target_include_directories(tlsc_mbedtls PRIVATE ${TLSC_MBEDTLS_DIR}/library
  ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m/p256-m)
target_link_libraries(tlsc_mbedtls PUBLIC tlsc_mbedtls_headers)
# mbedTLS is third-party code: its warnings are not ours to -Werror.
target_compile_options(tlsc_mbedtls PRIVATE -w -fvisibility=hidden)
target_compile_definitions(tlsc_mbedtls PRIVATE _POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)

# x86-64: library/aesni.c uses the compiler's AES-NI and PCLMUL intrinsics
# only when it is compiled for them (aesni.h: __AES__ and __PCLMUL__);
# otherwise it falls back to an inline-assembly path whose GCM
# multiplication reverses bytes in C loops (~293 instructions per 16-byte
# block): AES-128-GCM decryption 270 -> 410 MiB/s on the reference machine.
# aesni.c gets -maes -mpclmul -mssse3 (SSSE3 lets the compiler turn those
# byte loops into shuffles; every CPU with PCLMUL has it), and mbedTLS
# calls it only after its runtime CPUID check (mbedtls_aesni_has_support).
# aes.c must see the same choice (MBEDTLS_AESNI_HAVE_CODE == 2): only then
# does it align the round keys to 16 bytes as the intrinsics' loads and
# stores require (a crash otherwise). It gets -maes -mpclmul only, with
# which a compiler emits those instructions for intrinsics alone, never
# for plain C: the library still runs on a CPU without AES-NI. Other targets need nothing here: on Arm64, aesce.c and
# sha256.c switch the crypto extension on per function (#pragma target) and
# check the CPU at run time; Cortex-M cross builds (scripts/baremetal.mk)
# keep the portable C code. TLSC_MBEDTLS_ARCH_FLAGS=OFF keeps the portable
# build of aesni.c, to compare.
option(TLSC_MBEDTLS_ARCH_FLAGS "Compile mbedTLS's aesni.c with -maes -mpclmul -mssse3 on x86-64" ON)
include(CheckCSourceCompiles)
check_c_source_compiles("
#if !defined(__x86_64__) || !(defined(__GNUC__) || defined(__clang__))
#error not x86-64 GCC/Clang
#endif
#include <wmmintrin.h>
__attribute__((target(\"aes,pclmul,ssse3\")))
static __m128i f(__m128i a, __m128i b) { return _mm_clmulepi64_si128(_mm_aesenc_si128(a, b), b, 0); }
int main(void) { __m128i z = _mm_setzero_si128(); return (int)_mm_cvtsi128_si32(f(z, z)); }"
  TLSC_TARGET_X86_64_AESNI)
if(TLSC_MBEDTLS_ARCH_FLAGS AND TLSC_TARGET_X86_64_AESNI)
  set_source_files_properties(${TLSC_MBEDTLS_DIR}/library/aesni.c
    PROPERTIES COMPILE_OPTIONS "-maes;-mpclmul;-mssse3")
  set_source_files_properties(${TLSC_MBEDTLS_DIR}/library/aes.c
    PROPERTIES COMPILE_OPTIONS "-maes;-mpclmul")
  message(STATUS "tlsc: mbedTLS aesni.c built with -maes -mpclmul -mssse3 (AES-NI intrinsics)")
endif()
