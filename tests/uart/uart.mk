# The PL011 through each chardev backend, compared with QEMU (tests/uart).
$(BUILD)/tests/uart/echo.elf: tests/uart/echo.c $(GUEST_COMMON) $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -Itests/guest $(GUEST_LDFLAGS) -o $@ $(GUEST_COMMON) $<

TEST_DEPS   += $(BUILD)/tests/uart/echo.elf $(GUEST_DIR)/uart.elf
TEST_SUITES += tests/uart/run.sh
