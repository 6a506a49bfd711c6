# Block-cache invariants (self-modifying code, changed translations) as
# small assembly programs, compared with QEMU (tests/blocks/run.sh).
BLOCKS_ELFS := $(BUILD)/tests/blocks/patch.elf $(BUILD)/tests/blocks/remap.elf

$(BUILD)/tests/blocks/%.elf: tests/blocks/%.S tests/blocks/blocks.ld
	@mkdir -p $(dir $@)
	$(GUEST_CC) -nostdlib -static -Wl,--build-id=none,--no-warn-rwx-segments \
		-T tests/blocks/blocks.ld -o $@ $<

TEST_DEPS   += $(BLOCKS_ELFS)
TEST_SUITES += tests/blocks/run.sh
