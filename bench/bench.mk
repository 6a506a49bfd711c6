# The integer benchmark: bench/bench.c + bench/intloop.S on the guest
# runtime of tests/guest (start.S, lib.c), run by bench/run.sh on armvirt
# and qemu-system-aarch64 side by side. $(GUEST_TRIVIAL) measures start-up.
BENCH_ELF := $(BUILD)/bench/intloop.elf
BENCH_ITERATIONS ?= 180000000

$(BENCH_ELF): bench/bench.c bench/intloop.S bench/intloop.h $(GUEST_COMMON) $(GUEST_HDRS) bench/bench.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -Itests/guest -DITERATIONS=$(BENCH_ITERATIONS)ull $(GUEST_LDFLAGS) \
		-o $@ $(GUEST_COMMON) bench/bench.c bench/intloop.S

BENCH_DEPS += $(BENCH_ELF) $(GUEST_TRIVIAL)
