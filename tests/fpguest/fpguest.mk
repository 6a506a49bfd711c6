# FP/SIMD guest programs (tests/fpguest): built like tests/guest's but with
# the FP/SIMD registers allowed and vectorisation on, entered through
# fpen.S, which enables SIMD&FP before any C runs.
FPGUEST_DIR    := $(BUILD)/tests/fpguest
FPGUEST_CFLAGS := $(filter-out -mgeneral-regs-only -O2,$(GUEST_CFLAGS)) -O3 -fno-math-errno -Itests/guest
FPGUEST_ELFS   := $(patsubst tests/fpguest/%.c,$(FPGUEST_DIR)/%.elf,$(wildcard tests/fpguest/*.c))

$(FPGUEST_DIR)/%.elf: tests/fpguest/%.c tests/fpguest/fpen.S $(GUEST_COMMON) $(GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(FPGUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,-e,fp_entry -o $@ \
		tests/fpguest/fpen.S $(GUEST_COMMON) $<

TEST_DEPS   += $(FPGUEST_ELFS)
TEST_SUITES += tests/fpguest/run.sh
