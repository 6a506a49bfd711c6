# Debian's own arm64 kernel and busybox, fetched once with apt-get download
# into GUEST_CACHE (shared by the normal and the sanitizer build), and the
# initramfs images built from them (scripts/fetch-guest.sh, mkinitramfs.sh).
#   make run                          boots to an interactive busybox shell
#   make run KERNEL=Image INITRD=initrd.gz APPEND="console=ttyAMA0 ..."
GUEST_CACHE  ?= build/guest-cache
LINUX_FLAVOUR ?= cloud-arm64
LINUX_DIR    := $(BUILD)/linux
LINUX_KERNEL := $(GUEST_CACHE)/$(LINUX_FLAVOUR)/vmlinuz

$(LINUX_KERNEL) $(GUEST_CACHE)/busybox:
	sh scripts/fetch-guest.sh $(GUEST_CACHE) $(LINUX_FLAVOUR)

$(LINUX_DIR)/initrd-%.gz: tests/linux/init-% tests/linux/init-common.sh tests/linux/modules.list \
		scripts/mkinitramfs.sh $(LINUX_KERNEL) $(GUEST_CACHE)/busybox
	@mkdir -p $(dir $@)
	sh scripts/mkinitramfs.sh $@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/$(LINUX_FLAVOUR)/modules $<

KERNEL ?= $(LINUX_KERNEL)
INITRD ?= $(LINUX_DIR)/initrd-shell.gz
APPEND ?= console=ttyAMA0
RUN_DEPS += $(KERNEL) $(INITRD)
RUN_CMD = $(ARMVIRT) -M virt -cpu cortex-a57 -m 1G -nographic -kernel $(KERNEL) \
	-initrd $(INITRD) -append "$(APPEND)"

TEST_DEPS   += $(LINUX_DIR)/initrd-check.gz
TEST_SUITES += tests/linux/run.sh
