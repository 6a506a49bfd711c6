# Debian's own arm64 kernels (the cloud-arm64 and the generic arm64 flavour)
# and busybox, fetched once with apt-get download into GUEST_CACHE (shared by
# the normal and the sanitizer build), and the initramfs images built from
# them, one set per flavour because each carries its kernel's modules
# (scripts/fetch-guest.sh, mkinitramfs.sh).
#   make run                          boots to an interactive busybox shell
#   make run LINUX_FLAVOUR=arm64      the same with the generic kernel
#   make run KERNEL=Image INITRD=initrd.gz APPEND="console=ttyAMA0 ..."
GUEST_CACHE    ?= build/guest-cache
LINUX_FLAVOUR  ?= cloud-arm64
LINUX_FLAVOURS := cloud-arm64 arm64
LINUX_DIR      := $(BUILD)/linux
LINUX_KERNEL   := $(GUEST_CACHE)/$(LINUX_FLAVOUR)/vmlinuz

# glibc-test (tests/linux/glibc-test*.c): a static program linked with
# Debian's aarch64 glibc, in every initramfs as /bin/glibc-test.
# -frounding-math: it changes the rounding mode between calls;
# -fno-tree-loop-distribute-patterns: its reference loops must stay loops,
# not become calls to the routines they check.
GUEST_CC        ?= aarch64-linux-gnu-gcc
GLIBC_TEST      := $(LINUX_DIR)/glibc-test
GLIBC_TEST_SRCS := $(sort $(wildcard tests/linux/glibc-test*.c))
$(GLIBC_TEST): $(GLIBC_TEST_SRCS) tests/linux/glibc-test.h tests/linux/linux.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) -static -O2 -frounding-math -fno-tree-loop-distribute-patterns \
		-Wall -Wextra -Werror -o $@ $(GLIBC_TEST_SRCS) -lm

# busybox comes with the default flavour; every kernel waits for it, so only
# one fetch at a time updates apt's lists.
$(GUEST_CACHE)/busybox:
	sh scripts/fetch-guest.sh $(GUEST_CACHE) $(LINUX_FLAVOUR)
$(GUEST_CACHE)/%/vmlinuz: | $(GUEST_CACHE)/busybox
	sh scripts/fetch-guest.sh $(GUEST_CACHE) $*

# $(LINUX_DIR)/FLAVOUR/initrd-INIT.gz: /init is tests/linux/init-INIT.
define linux_initrd_rule
$(LINUX_DIR)/$(1)/initrd-%.gz: tests/linux/init-% tests/linux/init-common.sh \
		tests/linux/modules.list scripts/mkinitramfs.sh $(GUEST_CACHE)/$(1)/vmlinuz \
		$(GUEST_CACHE)/busybox $(GLIBC_TEST)
	@mkdir -p $$(dir $$@)
	sh scripts/mkinitramfs.sh $$@ $(GUEST_CACHE)/busybox $(GUEST_CACHE)/$(1)/modules $$< \
		$(GLIBC_TEST)
endef
$(foreach f,$(LINUX_FLAVOURS),$(eval $(call linux_initrd_rule,$(f))))

KERNEL ?= $(LINUX_KERNEL)
INITRD ?= $(LINUX_DIR)/$(LINUX_FLAVOUR)/initrd-shell.gz
APPEND ?= console=ttyAMA0
# Both flavours are fetched (once) by `make run`, so either can be booted.
RUN_DEPS += $(KERNEL) $(INITRD) $(foreach f,$(LINUX_FLAVOURS),$(GUEST_CACHE)/$(f)/vmlinuz)
RUN_CMD = $(ARMVIRT) -M virt -cpu cortex-a57 -m 1G -nographic -kernel $(KERNEL) \
	-initrd $(INITRD) -append "$(APPEND)"

TEST_DEPS   += $(foreach f,$(LINUX_FLAVOURS),$(LINUX_DIR)/$(f)/initrd-check.gz)
TEST_SUITES += tests/linux/run.sh
