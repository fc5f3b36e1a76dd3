# Firmware for QEMU's mps2-an386 (Cortex-M4) with lwIP: the board layer
# (device/mps2-an386/), lwIP from Debian's source package
# (scripts/fetch-lwip.sh), tlsc's lwIP transport (src/platform/lwip/) and
# tlsc + mbedTLS from scripts/baremetal.mk (same flags, same profile).
#   make -f scripts/device.mk REPO=. MBEDTLS_DIR=... LWIP_DIR=... PROFILE=config/x.h OUT=dir \
#        [FW_OUT=dir] [TCP_WND=bytes] [fw]
# fw   links device/mps2-an386/fw_get.c into FW_OUT/fw_get.elf (+ .map)
# OUT holds tlsc's and mbedTLS's archives (baremetal.mk's, so the same
# directory as tests/build/cortex_m4.sh's serves both); FW_OUT (default
# OUT) holds lwIP, the board and the firmware, so that firmware variants
# (TCP_WND=bytes: lwIP's receive window, default 4 * MSS) share one
# mbedTLS build.
.DEFAULT_GOAL := fw
FW_OUT ?= $(OUT)
LWIP_DIR ?= $(error LWIP_DIR not set)
BOARD := $(REPO)/device/mps2-an386
include $(REPO)/scripts/baremetal.mk

LWIP_INC := -I$(BOARD) -I$(LWIP_DIR)/src/include
WND_DEF := $(if $(TCP_WND),-DTCP_WND=$(TCP_WND))
LWIP_SRC := $(wildcard $(LWIP_DIR)/src/core/*.c) $(wildcard $(LWIP_DIR)/src/core/ipv4/*.c) \
  $(LWIP_DIR)/src/netif/ethernet.c
LWIP_OBJ := $(patsubst $(LWIP_DIR)/src/%.c,$(FW_OUT)/lwip/%.o,$(LWIP_SRC))
BOARD_SRC := $(BOARD)/board.c $(BOARD)/semihost.c $(BOARD)/lan9118.c $(BOARD)/net.c
BOARD_OBJ := $(patsubst $(BOARD)/%.c,$(FW_OUT)/board/%.o,$(BOARD_SRC))
PORT_OBJ := $(FW_OUT)/port/tlsc_lwip.o
DEVICE_CFLAGS := $(TLSC_CFLAGS) $(LWIP_INC) $(WND_DEF)

.PHONY: fw
fw: $(FW_OUT)/fw_get.elf

# lwIP is third-party code: built without tlsc's warnings.
$(FW_OUT)/lwip/%.o: $(LWIP_DIR)/src/%.c $(BOARD)/lwipopts.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -w $(LWIP_INC) $(WND_DEF) -c $< -o $@

$(FW_OUT)/board/%.o: $(BOARD)/%.c $(BOARD)/lwipopts.h $(PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -c $< -o $@

$(FW_OUT)/port/tlsc_lwip.o: $(REPO)/src/platform/lwip/tlsc_lwip.c $(BOARD)/lwipopts.h $(PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -c $< -o $@

$(FW_OUT)/liblwip.a: $(LWIP_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(FW_OUT)/fw_get.elf: $(FW_OUT)/board/fw_get.o $(BOARD_OBJ) $(PORT_OBJ) $(FW_OUT)/liblwip.a \
                   $(OUT)/libtlsc.a $(OUT)/libmbedtls.a $(BOARD)/mps2_an386.ld
	$(CC) $(ARCH) --specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections \
	  -T$(BOARD)/mps2_an386.ld -Wl,-Map=$(FW_OUT)/fw_get.map -o $@ \
	  $(FW_OUT)/board/fw_get.o $(BOARD_OBJ) $(PORT_OBJ) \
	  -Wl,--start-group $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

-include $(LWIP_OBJ:.o=.d) $(BOARD_OBJ:.o=.d) $(PORT_OBJ:.o=.d) $(FW_OUT)/board/fw_get.d
