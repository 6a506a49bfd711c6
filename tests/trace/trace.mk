# Trace tests: -d in_asm,int,cpu and -dfilter output against QEMU's for the
# same guest (tests/trace/run.sh).
TEST_DEPS   += $(BUILD)/tests/guest/exception.elf
TEST_SUITES += tests/trace/run.sh
