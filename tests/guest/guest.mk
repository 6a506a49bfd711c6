# Bare-metal guest programs (tests/guest/*.c), built with Debian's cross
# compiler, linked at the start of the virt board's RAM and run on armvirt and
# qemu-system-aarch64 by tests/guest/run.sh. demo.c is the `make demo` guest.
GUEST_CC     ?= aarch64-linux-gnu-gcc
GUEST_CFLAGS := -O2 -g -ffreestanding -nostdlib -static -mgeneral-regs-only \
                -mstrict-align -fno-strict-aliasing -fno-pic -fno-stack-protector -Wall -Wextra -Werror \
                -Wno-unused-parameter
GUEST_LDFLAGS := -nostdlib -static -Wl,--build-id=none,--no-warn-rwx-segments -T tests/guest/guest.ld
GUEST_DIR    := $(BUILD)/tests/guest
GUEST_COMMON := tests/guest/start.S tests/guest/lib.c
GUEST_HDRS   := $(wildcard tests/guest/*.h tests/lib/*.h) tests/guest/guest.ld tests/guest/guest.mk
GUEST_NAMES  := $(sort $(basename $(notdir $(filter-out tests/guest/lib.c tests/guest/demo.c,\
                  $(wildcard tests/guest/*.c)))))
GUEST_ELFS   := $(GUEST_NAMES:%=$(GUEST_DIR)/%.elf)
GUEST_TRIVIAL := $(GUEST_DIR)/trivial.elf
GUEST_DEMO   := $(GUEST_DIR)/demo.elf

$(GUEST_DIR)/%.elf: tests/guest/%.c $(GUEST_COMMON) $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_COMMON) $<

# The smallest guest: exits at once (used to time emulator start-up).
$(GUEST_TRIVIAL): tests/guest/trivial.S $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ tests/guest/trivial.S

TEST_DEPS   += $(GUEST_ELFS)
TEST_SUITES += tests/guest/run.sh

# `make demo`: the bare-metal demo guest (prints to the UART).
.PHONY: demo
demo: $(ARMVIRT) $(GUEST_DEMO)
	$(ARMVIRT) -M virt -cpu cortex-a57 -nographic -semihosting -kernel $(GUEST_DEMO)
