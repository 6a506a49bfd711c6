# Loader tests (tests/loader/run.sh): a guest program turned into a Linux
# arm64 Image (Image header + the tests/guest runtime, as a flat binary),
# linked at RAM base + the header's text_offset.
LOADER_DIR := $(BUILD)/tests/loader

$(LOADER_DIR)/image.elf: tests/loader/image_head.S tests/loader/image.c $(GUEST_COMMON) $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -Itests/guest $(GUEST_LDFLAGS) -Wl,--section-start=.text=0x40080000 -o $@ \
		tests/loader/image_head.S $(GUEST_COMMON) tests/loader/image.c

$(LOADER_DIR)/image.bin: $(LOADER_DIR)/image.elf
	aarch64-linux-gnu-objcopy -O binary $< $@

TEST_DEPS   += $(LOADER_DIR)/image.bin
TEST_SUITES += tests/loader/run.sh
