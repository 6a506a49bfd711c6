# armvirt -- build, run, test. See README.md.
#   make            build build/armvirt
#   make run        boot the default guest (installs what is missing first)
#   make check      all tests (installs what is missing first)
#   make bench      benchmarks side by side with qemu-system-aarch64
#   make difftest N=1000000   a longer differential CPU test run
#   make check SANITIZE=1     everything built with address+undefined sanitizers

BUILD   ?= build
CC      ?= gcc
# Branch targets reached only by jumps start on 16 bytes: the run loop and
# the executors are mostly such targets (measured: integer bench 3-7%, SIMD
# scan 17% faster on the x86-64 machines we use).
CFLAGS  ?= -O2 -g -falign-jumps=16
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -MMD -MP -pthread
LDLIBS  += -lfdt -lpthread -lm
# libslirp (-netdev user); its .pc needs glib's, which its header does not.
LDLIBS  += $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp)

ifeq ($(SANITIZE),1)
BUILD   := build-san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

SRCS     := $(shell find src -name '*.c' | sort)
# The command line (src/main.c, src/cli/) makes the program; the rest is
# the library the tests link too.
CLI_SRCS := src/main.c $(filter src/cli/%,$(SRCS))
LIB_SRCS := $(filter-out $(CLI_SRCS),$(SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
ARMVIRT  := $(BUILD)/armvirt

.PHONY: all deps run check bench run-now check-now bench-now clean
all: $(ARMVIRT)

# The user-facing targets install what is missing first, then build: two
# steps so a parallel make never compiles before the compiler's libraries exist.
deps:
	@sh scripts/install-deps.sh
run check bench: deps
	@$(MAKE) --no-print-directory $@-now

$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libarmvirt.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(ARMVIRT): $(CLI_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/libarmvirt.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test programs: each tests/<suite>/*.mk adds its own targets and appends its
# runnable checks to TEST_SUITES (see tests/run.sh for the reporting contract).
TEST_SUITES :=
# tests/guest first: other suites build on its guest runtime and variables.
-include tests/guest/guest.mk
-include $(filter-out tests/guest/guest.mk,$(sort $(wildcard tests/*/*.mk)))
-include $(sort $(wildcard bench/*.mk))

run-now: $(ARMVIRT) $(RUN_DEPS)
	$(RUN_CMD)

check-now: $(ARMVIRT) $(TEST_DEPS)
	@BUILD=$(BUILD) sh tests/run.sh $(TEST_SUITES)

bench-now: $(ARMVIRT) $(BENCH_DEPS)
	@BUILD=$(BUILD) sh bench/run.sh

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
