# Trace tests: -d in_asm,int,cpu and -dfilter output against QEMU's for the
# same guest (tests/trace/run.sh).
TEST_DEPS   += $(BUILD)/tests/guest/exception.elf
TEST_SUITES += tests/trace/run.sh

$(BUILD)/tests/trace/unimp.elf: tests/trace/unimp.S tests/blocks/blocks.ld
	@mkdir -p $(dir $@)
	$(GUEST_CC) -nostdlib -static -Wl,--build-id=none,--no-warn-rwx-segments \
		-T tests/blocks/blocks.ld -o $@ $<
TEST_DEPS += $(BUILD)/tests/trace/unimp.elf
