# Device-tree parity with QEMU (tests/dtb/run.sh, dtbcmp.c).
$(BUILD)/tests/dtb/dtbcmp: tests/dtb/dtbcmp.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lfdt

TEST_DEPS   += $(BUILD)/tests/dtb/dtbcmp
TEST_SUITES += tests/dtb/run.sh
