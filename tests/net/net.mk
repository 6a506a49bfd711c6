# virtio-net on Linux (tests/net/run.sh): Debian's cloud-arm64 kernel with an
# initramfs whose /init is tests/net/init-net, built as tests/linux/linux.mk
# builds its own.
# It also carries bench/netstream, the guest's end of bench/net.sh.
NET_INITRD := $(BUILD)/net/initrd-net.gz
NETSTREAM  := $(BUILD)/net/netstream
$(NETSTREAM): bench/netstream.c tests/net/net.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) -static -O2 -Wall -Wextra -Werror -o $@ $<
$(NET_INITRD): tests/net/init-net tests/linux/init-common.sh tests/linux/modules.list \
		scripts/mkinitramfs.sh $(GUEST_CACHE)/cloud-arm64/vmlinuz $(GUEST_CACHE)/busybox \
		$(NETSTREAM)
	@mkdir -p $(dir $@)
	sh scripts/mkinitramfs.sh $@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/cloud-arm64/modules $< \
		$(NETSTREAM)

TEST_DEPS   += $(NET_INITRD)
TEST_SUITES += tests/net/run.sh
