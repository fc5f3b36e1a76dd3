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
if(TLSC_FUZZ)
  target_include_directories(tlsc_mbedtls_headers INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/config)
  target_compile_definitions(tlsc_mbedtls_headers INTERFACE
    "MBEDTLS_USER_CONFIG_FILE=\"tlsc_fuzz_config.h\"")
endif()

# The profile's name: tlsc_mbedtls_config.h is "full", tlsc_mbedtls_NAME.h "NAME".
string(REGEX REPLACE "\\.h$" "" TLSC_PROFILE "${_cfg_name}")
string(REGEX REPLACE "^tlsc_mbedtls_" "" TLSC_PROFILE "${TLSC_PROFILE}")
if(TLSC_PROFILE STREQUAL "config")
  set(TLSC_PROFILE "full")
endif()
message(STATUS "tlsc: mbedTLS profile '${TLSC_PROFILE}' (${TLSC_MBEDTLS_CONFIG})")

file(GLOB TLSC_MBEDTLS_SOURCES ${TLSC_MBEDTLS_DIR}/library/*.c)
# p256-m (3rdparty): compiles to nothing unless the profile enables its
# PSA driver (MBEDTLS_PSA_P256M_DRIVER_ENABLED, the small profiles).
list(APPEND TLSC_MBEDTLS_SOURCES
  ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m/p256-m_driver_entrypoints.c
  ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m/p256-m/p256-m.c)
add_library(tlsc_mbedtls OBJECT ${TLSC_MBEDTLS_SOURCES})
target_include_directories(tlsc_mbedtls PRIVATE ${TLSC_MBEDTLS_DIR}/library
  ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m ${TLSC_MBEDTLS_DIR}/3rdparty/p256-m/p256-m)
target_link_libraries(tlsc_mbedtls PUBLIC tlsc_mbedtls_headers)
# mbedTLS is third-party code: its warnings are not ours to -Werror.
target_compile_options(tlsc_mbedtls PRIVATE -w -fvisibility=hidden)
target_compile_definitions(tlsc_mbedtls PRIVATE _POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
