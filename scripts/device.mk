# Firmware for QEMU's mps2-an386 (Cortex-M4) with lwIP: the board layer
# (device/mps2-an386/), lwIP from Debian's source package
# (scripts/fetch-lwip.sh), tlsc's lwIP transport (src/platform/lwip/) and
# tlsc + mbedTLS from scripts/baremetal.mk (same flags, same profile).
#   make -f scripts/device.mk REPO=. MBEDTLS_DIR=... LWIP_DIR=... PROFILE=config/x.h OUT=dir \
#        [FW_OUT=dir] [TCP_WND=bytes] [fw]
# fw   links device/mps2-an386/fw_get.c into FW_OUT/fw_get.elf (+ .map):
#      one GET with tlsc_conn over a tlsc_lwip transport (newlib-nano, no stdio)
# ev   links device/mps2-an386/fw_ev.c into FW_OUT/fw_ev.elf: GETs at once
#      on the event driver (tlsc_lwip_ev_connect), one held for a while
# altcp (with ALTCP=1, its own FW_OUT: lwIP is built with ALTCP) links
#      device/mps2-an386/fw_altcp.c, the same GET over lwIP's own
#      altcp_tls_mbedtls, into FW_OUT/fw_altcp.elf for bench/device.sh
# cli  links the tlsc command (tools/cmd_connect.c, cmd_get.c and their option
#      parsing) into FW_OUT/tlsc.elf (+ .map) for scripts/tlsc-qemu: the
#      command's files (tools/cli_file.c's platform part) are
#      device/mps2-an386/cli_file_device.c, not tools/cli_file_posix.c; the
#      lwIP platform's TCP (src/platform/lwip/tcp_lwip.c) and files on the
#      host (device/mps2-an386/tlsc_file.c) replace the none platform's
#      tcp_none.o / file_none.o (objects linked before libtlsc.a, so those
#      archive members are never pulled), the HTTPS client (src/http), and
#      newlib's semihosting syscalls (librdimon) for stdio.
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
WND_DEF := $(if $(TCP_WND),-DTCP_WND=$(TCP_WND)) \
  $(if $(ALTCP),-DLWIP_ALTCP=1 -DLWIP_ALTCP_TLS=1 -DLWIP_ALTCP_TLS_MBEDTLS=1)
ALTCP_COMPAT := -DMBEDTLS_ALLOW_PRIVATE_ACCESS -I$(REPO)/device/altcp-compat \
  -I$(MBEDTLS_DIR)/library -I$(LWIP_DIR)/src/apps -include altcp_compat.h
LWIP_SRC := $(wildcard $(LWIP_DIR)/src/core/*.c) $(wildcard $(LWIP_DIR)/src/core/ipv4/*.c) \
  $(LWIP_DIR)/src/netif/ethernet.c
LWIP_OBJ := $(patsubst $(LWIP_DIR)/src/%.c,$(FW_OUT)/lwip/%.o,$(LWIP_SRC))
BOARD_SRC := $(BOARD)/board.c $(BOARD)/semihost.c $(BOARD)/lan9118.c $(BOARD)/net.c
BOARD_OBJ := $(patsubst $(BOARD)/%.c,$(FW_OUT)/board/%.o,$(BOARD_SRC))
PORT_OBJ := $(FW_OUT)/port/tlsc_lwip.o
# The firmware links newlib in full, not newlib-nano (as its figures were
# measured). Neither has C99's %zu / %llu: tlsc and the command print
# without them (tests/build/formats.sh). (libtlsc.a and libmbedtls.a,
# compiled against nano's headers, only call the string and formatting
# functions, whose interfaces are the same.)
# CLI_PATH_MAX: the tlsc command's path buffers (tools/cli.h) are on the
# board's 32 KB stack, beside a download's TLS stack.
DEVICE_CFLAGS := $(filter-out --specs=nano.specs,$(TLSC_CFLAGS)) $(LWIP_INC) $(WND_DEF) \
  -DCLI_PATH_MAX=512
LWIP_CFLAGS := $(filter-out --specs=nano.specs,$(CFLAGS_COMMON)) -w $(LWIP_INC) $(WND_DEF)
CLI_SRC := $(addprefix $(REPO)/tools/,cli_common.c cli_file.c cli_tls.c cli_session.c cmd_connect.c cmd_get.c)
CLI_OBJ := $(patsubst $(REPO)/tools/%.c,$(FW_OUT)/tools/%.o,$(CLI_SRC)) \
  $(FW_OUT)/board/fw_tlsc.o $(FW_OUT)/board/cli_device.o $(FW_OUT)/board/cli_file_device.o \
  $(FW_OUT)/board/tlsc_file.o $(FW_OUT)/port/tcp_lwip.o
HTTP_OBJ := $(patsubst $(REPO)/src/%.c,$(FW_OUT)/%.o,$(wildcard $(REPO)/src/http/*.c))
LINK := $(CC) $(ARCH) -nostartfiles -Wl,--gc-sections -T$(BOARD)/mps2_an386.ld

.PHONY: fw cli ev altcp
fw: $(FW_OUT)/fw_get.elf
ev: $(FW_OUT)/fw_ev.elf
altcp: $(FW_OUT)/fw_altcp.elf
cli: $(FW_OUT)/tlsc.elf

$(FW_OUT)/tools/%.o: $(REPO)/tools/%.c $(PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -I$(REPO)/tools -c $< -o $@

# The HTTP client's read buffer: 4 KiB in every profile (the full
# profile's 16 KiB does not fit beside a download in the 96 KB arena).
$(FW_OUT)/http/%.o: $(REPO)/src/http/%.c $(PROFILE) $(REPO)/scripts/device.mk
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -DTLSC_HTTP_READ_BUFFER=4096 -c $< -o $@

$(FW_OUT)/board/fw_tlsc.o $(FW_OUT)/board/cli_device.o $(FW_OUT)/board/cli_file_device.o: \
  DEVICE_CFLAGS += -I$(REPO)/tools

$(FW_OUT)/port/tcp_lwip.o: $(REPO)/src/platform/lwip/tcp_lwip.c $(BOARD)/lwipopts.h $(PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(DEVICE_CFLAGS) -c $< -o $@

$(FW_OUT)/tlsc.elf: $(CLI_OBJ) $(HTTP_OBJ) $(BOARD_OBJ) $(PORT_OBJ) $(FW_OUT)/liblwip.a \
                    $(OUT)/libtlsc.a $(OUT)/libmbedtls.a $(BOARD)/mps2_an386.ld
	$(LINK) -Wl,--wrap=tlsc_conn_connect -Wl,--wrap=tlsc_config_new -Wl,-Map=$(FW_OUT)/tlsc.map -o $@ \
	  $(CLI_OBJ) $(HTTP_OBJ) $(BOARD_OBJ) $(PORT_OBJ) \
	  -Wl,--start-group $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a \
	  -lc -lrdimon -lgcc -Wl,--end-group

# lwIP is third-party code: built without tlsc's warnings.
$(FW_OUT)/lwip/%.o: $(LWIP_DIR)/src/%.c $(BOARD)/lwipopts.h
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CFLAGS) -c $< -o $@

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
	$(LINK) --specs=nosys.specs -Wl,-Map=$(FW_OUT)/fw_get.map -o $@ \
	  $(FW_OUT)/board/fw_get.o $(BOARD_OBJ) $(PORT_OBJ) \
	  -Wl,--start-group $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

$(FW_OUT)/fw_ev.elf: $(FW_OUT)/board/fw_ev.o $(BOARD_OBJ) $(PORT_OBJ) $(FW_OUT)/board/tlsc_file.o \
                    $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a $(BOARD)/mps2_an386.ld
	$(LINK) --specs=nosys.specs -Wl,-Map=$(FW_OUT)/fw_ev.map -o $@ \
	  $(FW_OUT)/board/fw_ev.o $(BOARD_OBJ) $(PORT_OBJ) $(FW_OUT)/board/tlsc_file.o \
	  -Wl,--start-group $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

$(FW_OUT)/altcp/altcp_tls_mbedtls.o: $(LWIP_DIR)/src/apps/altcp_tls/altcp_tls_mbedtls.c \
                                     $(REPO)/device/altcp-compat/altcp_compat.h $(BOARD)/lwipopts.h
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CFLAGS) $(ALTCP_COMPAT) -c $< -o $@

$(FW_OUT)/board/fw_altcp.o: DEVICE_CFLAGS += -DMBEDTLS_ALLOW_PRIVATE_ACCESS -I$(LWIP_DIR)/src/apps

$(FW_OUT)/fw_altcp.elf: $(FW_OUT)/board/fw_altcp.o $(FW_OUT)/altcp/altcp_tls_mbedtls.o $(BOARD_OBJ) \
                        $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a $(BOARD)/mps2_an386.ld
	$(LINK) --specs=nosys.specs -Wl,-Map=$(FW_OUT)/fw_altcp.map -o $@ \
	  $(FW_OUT)/board/fw_altcp.o $(FW_OUT)/altcp/altcp_tls_mbedtls.o $(BOARD_OBJ) \
	  -Wl,--start-group $(FW_OUT)/liblwip.a $(OUT)/libtlsc.a $(OUT)/libmbedtls.a -lc -lnosys -Wl,--end-group

-include $(FW_OUT)/board/fw_altcp.d $(FW_OUT)/altcp/altcp_tls_mbedtls.d $(FW_OUT)/board/fw_ev.d $(LWIP_OBJ:.o=.d) $(BOARD_OBJ:.o=.d) $(PORT_OBJ:.o=.d) $(FW_OUT)/board/fw_get.d \
  $(CLI_OBJ:.o=.d) $(HTTP_OBJ:.o=.d)
