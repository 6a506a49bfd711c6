# virtio-console and -chardev (tests/console/run.sh): chardev backends with
# the UART, testdev, bad -chardev specs, and Linux's hvc0 through a unix
# socket on both transports, each compared with qemu-system-aarch64.
$(BUILD)/tests/console/%.elf: tests/console/%.c $(GUEST_COMMON) $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -Itests/guest $(GUEST_LDFLAGS) -o $@ $(GUEST_COMMON) $<

# The Linux part: Debian's cloud-arm64 kernel with /init = init-console.
# (This file is read before tests/linux/linux.mk, hence its own names.)
GUEST_CACHE    ?= build/guest-cache
CONSOLE_INITRD := $(BUILD)/console/initrd-console.gz
$(CONSOLE_INITRD): tests/console/init-console tests/linux/init-common.sh \
		tests/linux/modules.list scripts/mkinitramfs.sh $(GUEST_CACHE)/cloud-arm64/vmlinuz \
		$(GUEST_CACHE)/busybox
	@mkdir -p $(dir $@)
	sh scripts/mkinitramfs.sh $@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/cloud-arm64/modules $<

TEST_DEPS   += $(BUILD)/tests/console/testdev.elf $(BUILD)/tests/console/vcon-testdev.elf $(BUILD)/tests/uart/echo.elf $(CONSOLE_INITRD)
TEST_SUITES += tests/console/run.sh
