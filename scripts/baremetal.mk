# Cross-build of tlsc (core, event driver, the "none" platform) and mbedTLS for a bare-
# metal Cortex-M4 with Debian's arm-none-eabi-gcc and newlib-nano, with one
# mbedTLS profile. Incremental (dependency files), so `make check` pays the
# full compile only once. Used by bench/footprint.sh and
# tests/build/cortex_m4.sh:
#   make -f scripts/baremetal.mk REPO=. MBEDTLS_DIR=... PROFILE=config/x.h OUT=dir [lib|elf]
# lib  builds OUT/libtlsc.a (tlsc only) and OUT/libmbedtls.a
# elf  also links bench/footprint_client.c into OUT/client.elf (+ client.map)
# event_elf links bench/footprint_event_client.c (the event driver over a
#      user transport) into OUT/event_client.elf (+ .map)
# signer_elf links bench/footprint_signer_client.c (the client above plus a
#      sign-callback credential, tlsc/signer.h) into OUT/signer_client.elf:
#      its size minus client.elf's is the hook's footprint
# mqtt_elf links bench/footprint_mqtt_client.c (the MQTT client on the event
#      driver over a user transport) into OUT/mqtt_client.elf (+ .map); src/mqtt
#      goes into OUT/libtlsc.a with the rest of tlsc
# mini links bench/footprint_mini_client.c (mbedTLS's mini_client, no tlsc)
#      against OUT/libmbedtls.a only into OUT/mini_client.elf (+ .map): the
#      "mbedTLS alone" rows of bench/footprint.sh, with bench/mbedtls_floor_*.h
# The platform layer is chosen here by file, not by #if: POSIX's
# src/platform/*.c are left out and src/platform/none/*.c go in.
REPO ?= .
MBEDTLS_DIR ?= $(error MBEDTLS_DIR not set)
PROFILE ?= $(error PROFILE not set)
OUT ?= $(error OUT not set)
CROSS ?= arm-none-eabi-
CC := $(CROSS)gcc
AR := $(CROSS)ar

ARCH ?= -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
# The C library's specs: newlib-nano on Cortex-M4; the ESP8266 build
# (tests/build/esp8266.sh) passes picolibc's.
LIBC_SPECS ?= --specs=nano.specs
CFLAGS_COMMON := $(ARCH) -Os -std=c11 -ffunction-sections -fdata-sections $(LIBC_SPECS) \
  -D_DEFAULT_SOURCE -I$(MBEDTLS_DIR)/include -I$(dir $(PROFILE)) -I$(REPO)/config \
  '-DMBEDTLS_CONFIG_FILE="$(notdir $(PROFILE))"' \
  '-DMBEDTLS_USER_CONFIG_FILE="tlsc_platform_none.h"' -MMD -MP
TLSC_WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
  -Wformat=2 -Wvla -Wpointer-arith
TLSC_CFLAGS := $(CFLAGS_COMMON) -DTLSC_NO_THREADS $(TLSC_WARNINGS) -I$(REPO)/include -I$(REPO)/src -I$(MBEDTLS_DIR)/library
MBEDTLS_CFLAGS := $(CFLAGS_COMMON) -w -I$(MBEDTLS_DIR)/library -I$(MBEDTLS_DIR)/3rdparty/p256-m
LDFLAGS := $(ARCH) --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections

TLSC_SRC := $(wildcard $(REPO)/src/core/*/*.c) $(wildcard $(REPO)/src/event/*.c) \
  $(wildcard $(REPO)/src/mqtt/*.c) $(wildcard $(REPO)/src/platform/none/*.c)
MBEDTLS_SRC := $(wildcard $(MBEDTLS_DIR)/library/*.c)
# p256-m (MBEDTLS_PSA_P256M_DRIVER_ENABLED, a small-profile choice): its
# files compile to nothing unless the profile enables it.
P256M_SRC := $(MBEDTLS_DIR)/3rdparty/p256-m/p256-m_driver_entrypoints.c \
  $(MBEDTLS_DIR)/3rdparty/p256-m/p256-m/p256-m.c
TLSC_OBJ := $(patsubst $(REPO)/src/%.c,$(OUT)/tlsc/%.o,$(TLSC_SRC))
MBEDTLS_OBJ := $(patsubst $(MBEDTLS_DIR)/library/%.c,$(OUT)/mbedtls/%.o,$(MBEDTLS_SRC)) \
  $(patsubst $(MBEDTLS_DIR)/3rdparty/%.c,$(OUT)/mbedtls/3rdparty/%.o,$(P256M_SRC))

.PHONY: lib elf event_elf signer_elf mqtt_elf mini
lib: $(OUT)/libtlsc.a $(OUT)/libmbedtls.a
elf: $(OUT)/client.elf
event_elf: $(OUT)/event_client.elf
signer_elf: $(OUT)/signer_client.elf
mqtt_elf: $(OUT)/mqtt_client.elf
mini: $(OUT)/mini_client.elf

# Every object also depends on the profile (a changed profile rebuilds all).
$(OUT)/tlsc/%.o: $(REPO)/src/%.c $(PROFILE) $(REPO)/config/tlsc_platform_none.h
	@mkdir -p $(dir $@)
	$(CC) $(TLSC_CFLAGS) -c $< -o $@

$(OUT)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c $(PROFILE) $(REPO)/config/tlsc_platform_none.h
	@mkdir -p $(dir $@)
	$(CC) $(MBEDTLS_CFLAGS) -c $< -o $@

$(OUT)/mbedtls/3rdparty/%.o: $(MBEDTLS_DIR)/3rdparty/%.c $(PROFILE) $(REPO)/config/tlsc_platform_none.h
	@mkdir -p $(dir $@)
	$(CC) $(MBEDTLS_CFLAGS) -c $< -o $@

$(OUT)/libtlsc.a: $(TLSC_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(OUT)/libmbedtls.a: $(MBEDTLS_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(OUT)/board.o: $(REPO)/bench/footprint_board.c $(PROFILE)
	$(CC) $(TLSC_CFLAGS) -c $< -o $@

$(OUT)/client.o: $(REPO)/bench/footprint_client.c $(PROFILE)
	$(CC) $(TLSC_CFLAGS) -c $< -o $@

$(OUT)/client.elf: $(OUT)/client.o $(OUT)/board.o $(OUT)/libtlsc.a $(OUT)/libmbedtls.a
	$(CC) $(LDFLAGS) -Wl,-Map=$(OUT)/client.map -o $@ $(OUT)/client.o $(OUT)/board.o \
	  -Wl,--start-group $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

$(OUT)/event_client.o: $(REPO)/bench/footprint_event_client.c $(PROFILE)
	$(CC) $(TLSC_CFLAGS) -c $< -o $@

$(OUT)/event_client.elf: $(OUT)/event_client.o $(OUT)/board.o $(OUT)/libtlsc.a \
                         $(OUT)/libmbedtls.a
	$(CC) $(LDFLAGS) -Wl,-Map=$(OUT)/event_client.map -o $@ $(OUT)/event_client.o $(OUT)/board.o \
	  -Wl,--start-group $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

$(OUT)/client_fn.o: $(REPO)/bench/footprint_client.c $(PROFILE)
	$(CC) $(TLSC_CFLAGS) -Dmain=footprint_client_main -Wno-missing-prototypes -c $< -o $@

$(OUT)/signer_client.o: $(REPO)/bench/footprint_signer_client.c $(PROFILE)
	$(CC) $(TLSC_CFLAGS) -c $< -o $@

$(OUT)/signer_client.elf: $(OUT)/signer_client.o $(OUT)/client_fn.o $(OUT)/board.o \
                          $(OUT)/libtlsc.a $(OUT)/libmbedtls.a
	$(CC) $(LDFLAGS) -Wl,-Map=$(OUT)/signer_client.map -o $@ $(OUT)/signer_client.o \
	  $(OUT)/client_fn.o $(OUT)/board.o \
	  -Wl,--start-group $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

$(OUT)/mqtt_client.o: $(REPO)/bench/footprint_mqtt_client.c $(PROFILE)
	$(CC) $(TLSC_CFLAGS) -c $< -o $@

$(OUT)/mqtt_client.elf: $(OUT)/mqtt_client.o $(OUT)/board.o $(OUT)/libtlsc.a \
                        $(OUT)/libmbedtls.a
	$(CC) $(LDFLAGS) -Wl,-Map=$(OUT)/mqtt_client.map -o $@ $(OUT)/mqtt_client.o $(OUT)/board.o \
	  -Wl,--start-group $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

$(OUT)/mini_client.o: $(REPO)/bench/footprint_mini_client.c $(PROFILE)
	$(CC) $(CFLAGS_COMMON) $(TLSC_WARNINGS) -c $< -o $@

$(OUT)/mini_client.elf: $(OUT)/mini_client.o $(OUT)/libmbedtls.a
	$(CC) $(LDFLAGS) -Wl,-Map=$(OUT)/mini_client.map -o $@ $(OUT)/mini_client.o \
	  -Wl,--start-group $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

-include $(TLSC_OBJ:.o=.d) $(MBEDTLS_OBJ:.o=.d) $(OUT)/client.d $(OUT)/event_client.d $(OUT)/board.d \
  $(OUT)/mini_client.d $(OUT)/client_fn.d $(OUT)/signer_client.d $(OUT)/mqtt_client.d
