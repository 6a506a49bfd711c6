# The debugger tests: gdb-multiarch in batch mode against armvirt's gdbstub
# and against qemu-system-aarch64 with the same script (tests/gdb/run.sh).
GDB_TEST_DIR    := $(BUILD)/tests/gdb
GDB_TEST_TARGET := $(GDB_TEST_DIR)/target.elf

# -O0: every variable in memory, every line a stop.
$(GDB_TEST_TARGET): tests/gdb/target.c tests/guest/start.S tests/guest/lib.c tests/guest/guest.h \
                    tests/guest/guest.ld
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -O0 -Itests/guest $(GUEST_LDFLAGS) -o $@ tests/guest/start.S tests/guest/lib.c $<

TEST_DEPS   += $(GDB_TEST_TARGET)
TEST_SUITES += tests/gdb/run.sh
