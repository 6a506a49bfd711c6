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

# FP/SIMD kernels (bench/fpsimd.c), one ELF each, built like tests/fpguest's
# programs (FP registers allowed, -O3, SIMD&FP enabled at entry).
BENCH_FP_CFLAGS = $(filter-out -mgeneral-regs-only -O2,$(GUEST_CFLAGS)) -O3 -fno-math-errno -Itests/guest
$(BUILD)/bench/matmul.elf $(BUILD)/bench/scan.elf: $(BUILD)/bench/%.elf: bench/fpsimd.c \
		tests/fpguest/fpen.S $(GUEST_COMMON) $(GUEST_HDRS) bench/bench.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(BENCH_FP_CFLAGS) -DKERNEL_$(shell echo $* | tr a-z A-Z) $(GUEST_LDFLAGS) \
		-Wl,-e,fp_entry -o $@ tests/fpguest/fpen.S $(GUEST_COMMON) bench/fpsimd.c

BENCH_DEPS += $(BUILD)/bench/matmul.elf $(BUILD)/bench/scan.elf

# Boot-to-init of Debian's cloud-arm64 kernel (tests/linux/linux.mk builds
# the kernel cache and this initramfs, whose /init is tests/linux/init-boot).
BENCH_LINUX_KERNEL := $(GUEST_CACHE)/cloud-arm64/vmlinuz
BENCH_LINUX_INITRD := $(LINUX_DIR)/cloud-arm64/initrd-boot.gz
BENCH_DEPS += $(BENCH_LINUX_KERNEL) $(BENCH_LINUX_INITRD)

# The network benchmark (bench/net.sh) boots tests/net's initramfs.
BENCH_DEPS += $(NET_INITRD)
