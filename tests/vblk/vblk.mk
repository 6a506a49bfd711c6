# virtio-blk and virtio-rng under Linux (tests/vblk/run.sh) and the disk
# benchmark (bench/disk.sh): Debian's cloud-arm64 kernel with an initramfs
# built like tests/linux's (scripts/mkinitramfs.sh, its modules.list, which
# names ext4 and what it needs), whose /init is tests/vblk/init-vblk or
# tests/vblk/init-bench. The test needs e2fsprogs on the host (mkfs.ext4 -d,
# debugfs, e2fsck).
VBLK_DIR          := $(BUILD)/vblk
VBLK_INITRD       := $(VBLK_DIR)/initrd-vblk.gz
VBLK_BENCH_INITRD := $(VBLK_DIR)/initrd-bench.gz

$(VBLK_DIR)/initrd-%.gz: tests/vblk/init-% tests/linux/init-common.sh tests/linux/modules.list \
		scripts/mkinitramfs.sh $(GUEST_CACHE)/cloud-arm64/vmlinuz $(GUEST_CACHE)/busybox
	@mkdir -p $(dir $@)
	sh scripts/mkinitramfs.sh $@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/cloud-arm64/modules $<

TEST_DEPS   += $(VBLK_INITRD) $(GUEST_CACHE)/cloud-arm64/vmlinuz
TEST_SUITES += tests/vblk/run.sh
BENCH_DEPS  += $(VBLK_BENCH_INITRD) $(GUEST_CACHE)/cloud-arm64/vmlinuz
