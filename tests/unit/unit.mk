# Unit tests of pure functions: each tests/unit/test_<name>.c is one program
# (harness in tests/unit/test.h) linked against the library.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libarmvirt.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libarmvirt.a $(LDLIBS)

TEST_DEPS += $(UNIT_BINS)
TEST_SUITES += $(UNIT_BINS)
