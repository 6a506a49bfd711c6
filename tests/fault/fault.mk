# Fault injection (src/fault): unit tests are in tests/unit/test_fault.c;
# tests/fault/run.sh drives armvirt over qtest and boots Debian's
# cloud-arm64 kernel with an initramfs whose /init is tests/fault/init-fault.
# (This file is read before tests/linux/linux.mk: the cache path is set here
# the same way, and the kernel's fetch rule comes from linux.mk.)
GUEST_CACHE  ?= build/guest-cache
FAULT_INITRD := $(BUILD)/fault/initrd-fault.gz

$(FAULT_INITRD): tests/fault/init-fault tests/linux/init-common.sh tests/linux/modules.list \
		scripts/mkinitramfs.sh $(GUEST_CACHE)/cloud-arm64/vmlinuz $(GUEST_CACHE)/busybox
	@mkdir -p $(dir $@)
	sh scripts/mkinitramfs.sh $@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/cloud-arm64/modules \
		tests/fault/init-fault

TEST_DEPS   += $(FAULT_INITRD)
TEST_SUITES += tests/fault/run.sh
