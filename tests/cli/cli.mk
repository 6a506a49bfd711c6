# Command-line error handling: every bad option or file gets one line and
# exit status 2 (tests/cli/run.sh). Uses the hello guest as a good kernel.
TEST_DEPS   += $(GUEST_DIR)/hello.elf
TEST_SUITES += tests/cli/run.sh
