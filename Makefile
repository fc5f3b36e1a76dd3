# tlsc — top-level entry points. Everything real lives in CMake; this file
# installs what the build needs (Debian packages) and drives CMake.
#   make          build the library, the tlsc command and examples (build/release)
#   make check    build with ASan+LSan+UBSan and run every test (build/check)
#   make demo     run the self-contained mutual-TLS demo
#   make bench    run the benchmarks (bench/*.sh) and print their tables
#   make install  install into PREFIX (default /usr/local)
PREFIX ?= /usr/local
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_GEN ?= Unix Makefiles
DEPS_DIR := $(CURDIR)/build/_deps

.PHONY: all build check demo bench install clean deps-build deps-check deps-bench

all: build

deps-build:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

deps-bench:
	@scripts/deps.sh bench

build/release/CMakeCache.txt: | deps-build
	cmake -S . -B build/release -G "$(CMAKE_GEN)" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DTLSC_DEPS_DIR=$(DEPS_DIR) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps-build build/release/CMakeCache.txt
	cmake --build build/release -j $(JOBS)

build/check/CMakeCache.txt: | deps-check
	cmake -S . -B build/check -G "$(CMAKE_GEN)" -DCMAKE_BUILD_TYPE=Debug \
	  -DTLSC_SANITIZE=ON -DTLSC_DEPS_DIR=$(DEPS_DIR)

check: deps-check build build/check/CMakeCache.txt
	cmake --build build/check -j $(JOBS)
	cd build/check && ctest --output-on-failure -j $(JOBS) --timeout 300

demo: build
	@scripts/demo.sh build/release

bench: deps-bench build
	@for s in bench/*.sh; do echo "== $$s"; bash $$s build/release || exit 1; done

install: build
	cmake --install build/release --prefix $(PREFIX)

clean:
	rm -rf build
