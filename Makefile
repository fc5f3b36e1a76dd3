# tlsc — top-level entry points. Everything real lives in CMake; this file
# installs what the build needs (Debian packages) and drives CMake.
#   make          build the library, the tlsc command and examples (build/release)
#   make check    build with ASan+LSan+UBSan and run every test (build/check),
#                 and the tests of the small profiles (build/check-small*)
#   make demo     run the self-contained mutual-TLS demo
#   make qemu     only the device tests: tlsc firmware on an emulated Cortex-M4
#                 board with lwIP (ctest label qemu; also part of make check)
#   make bench    run the benchmarks (bench/*.sh) and print their tables
#   make fuzz     run each libFuzzer target FUZZ_SECONDS (default 300) and
#                 merge inputs that add coverage into tests/fuzz/corpus/
#   make install  install into PREFIX (default /usr/local)
PREFIX ?= /usr/local
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_GEN ?= Unix Makefiles
DEPS_DIR := $(CURDIR)/build/_deps

FUZZ_SECONDS ?= 300

.PHONY: all build check qemu fuzz demo bench install clean deps-build deps-check deps-bench

all: build

deps-build:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

deps-bench:
	@scripts/deps.sh bench

build/release/CMakeCache.txt: | deps-build
	cmake -S . -B build/release -G "$(CMAKE_GEN)" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DTLSC_BUILD_TESTS=OFF -DTLSC_DEPS_DIR=$(DEPS_DIR) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps-build build/release/CMakeCache.txt
	cmake --build build/release -j $(JOBS)

build/check/CMakeCache.txt: | deps-check
	cmake -S . -B build/check -G "$(CMAKE_GEN)" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
	  -DTLSC_SANITIZE=ON -DTLSC_DEPS_DIR=$(DEPS_DIR)

# The ECC-only profiles (config/tlsc_mbedtls_small*.h), with the same
# sanitizers, run the tests that apply to them: the RSA-specific cases of
# the API tests skip themselves (tlsc_profile_has_rsa); small4k offers
# TLS 1.2 only by default (4 KiB input buffer), so it runs the memory tests.
# Both run the capacity tests of their fixed PSA key-slot table: slot
# exhaustion named as such (api_keyslots) and more connections than the
# event loop's cap on handshakes in flight (event_nginx_cap, 100 to nginx,
# 40 at once). Both run the sign callback (api_signer): its devices (an
# ECC secure element) are what these profiles are for, and a build of it
# there is how its compile under them stays checked.
SMALL_TESTS := ^(unit_(ip|hostname|codec|time|str|error)|api|api_rng|api_memory|api_arena|interop_buffers|api_keyslots|api_signer|event_nginx_cap)$$
SMALL4K_TESTS := ^(api_rng|api_memory|api_arena|api_keyslots|api_signer|event_nginx_cap)$$
# Only what those tests run is built (the fuzz replays, examples and
# benchmarks are the full build's).
SMALL_TARGETS := unit_ip unit_hostname unit_codec unit_time unit_str unit_error \
                 test_api test_memory test_arena test_keyslots test_rng test_signer tlsc_cli
SMALL4K_TARGETS := test_rng test_memory test_arena test_keyslots test_signer tlsc_cli
build/check-%/CMakeCache.txt: | deps-check
	cmake -S . -B build/check-$* -G "$(CMAKE_GEN)" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
	  -DTLSC_SANITIZE=ON -DTLSC_DEPS_DIR=$(DEPS_DIR) \
	  -DTLSC_MBEDTLS_CONFIG=$(CURDIR)/config/tlsc_mbedtls_$*.h

build/fuzz/CMakeCache.txt: | deps-check
	cmake -S . -B build/fuzz -G "$(CMAKE_GEN)" -DCMAKE_C_COMPILER=clang -DTLSC_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSC_DEPS_DIR=$(DEPS_DIR)

# The sanitizer build runs every test (and replays the fuzz corpora); the
# small profiles build and run theirs; then a short libFuzzer run of each
# target (clang).
check: deps-check build build/check/CMakeCache.txt build/fuzz/CMakeCache.txt \
       build/check-small/CMakeCache.txt build/check-small4k/CMakeCache.txt
	cmake --build build/check -j $(JOBS)
	cd build/check && ctest --output-on-failure -j $(JOBS) --timeout 300
	cmake --build build/check-small -j $(JOBS) --target $(SMALL_TARGETS)
	cd build/check-small && ctest --output-on-failure -j $(JOBS) --timeout 300 -R '$(SMALL_TESTS)'
	cmake --build build/check-small4k -j $(JOBS) --target $(SMALL4K_TARGETS)
	cd build/check-small4k && ctest --output-on-failure -j $(JOBS) --timeout 300 -R '$(SMALL4K_TESTS)'
	cmake --build build/fuzz -j $(JOBS)
	cd build/fuzz && ctest -L fuzz --output-on-failure -j $(JOBS)

qemu: deps-check build/check/CMakeCache.txt
	cd build/check && ctest -L qemu --output-on-failure --timeout 600

fuzz: deps-check build/fuzz/CMakeCache.txt
	cmake --build build/fuzz -j $(JOBS)
	@for t in $(notdir $(wildcard tests/fuzz/corpus/*)); do \
	  echo "== fuzz_$$t ($(FUZZ_SECONDS) s)"; \
	  bash tests/fuzz/run.sh build/fuzz/tests/fuzz/fuzz_$$t tests/fuzz/corpus/$$t \
	    $(FUZZ_SECONDS) build/fuzz/fuzz-artifacts --merge || exit 1; \
	done

demo: build
	@scripts/demo.sh build/release

bench: deps-bench build
	@for s in bench/*.sh; do echo "== $$s"; bash $$s build/release || exit 1; done

install: build
	cmake --install build/release --prefix $(PREFIX)

clean:
	rm -rf build
