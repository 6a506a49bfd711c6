# virtio-net on Linux (tests/net/run.sh): Debian's cloud-arm64 kernel with an
# initramfs whose /init is tests/net/init-net, built as tests/linux/linux.mk
# builds its own.
NET_INITRD := $(BUILD)/net/initrd-net.gz
$(NET_INITRD): tests/net/init-net tests/linux/init-common.sh tests/linux/modules.list \
		scripts/mkinitramfs.sh $(GUEST_CACHE)/cloud-arm64/vmlinuz $(GUEST_CACHE)/busybox
	@mkdir -p $(dir $@)
	sh scripts/mkinitramfs.sh $@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/cloud-arm64/modules $<

TEST_DEPS   += $(NET_INITRD)
TEST_SUITES += tests/net/run.sh
