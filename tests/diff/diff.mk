# Differential CPU tests (tests/diff/): armvirt's core against Unicorn.
# difftest (linked with libarmvirt) generates and compares; diff-oracle
# (linked with libunicorn only, since the two libraries export functions of
# the same names) runs the cases on Unicorn. See tests/diff/diff.h.
#   make check                    runs DIFF_CHECK_N integer and DIFF_CHECK_FP_N FP/SIMD
#                                 cases with seed DIFF_CHECK_SEED
#   make difftest N=1000000       a longer run, random seed (DIFF_SEED=... to repeat one)
#   make difftest DIFF_SEED=7 DIFF_ARGS="-g ldst_pair -c 412"   one case again
DIFF_DIR      := $(BUILD)/tests/diff
DIFF_BIN      := $(DIFF_DIR)/difftest
DIFF_ORACLE   := $(DIFF_DIR)/diff-oracle
DIFF_OBJS     := $(addprefix $(DIFF_DIR)/,difftest.o core.o gen.o gen_util.o \
                 gen_fpval.o gen_fp.o gen_simd.o \
                 gen_simd_fp.o compare.o diff_mem.o)
DIFF_ORC_OBJS := $(addprefix $(DIFF_DIR)/,oracle.o oracle_mem.o)
DIFF_UC_LIBS  := $(shell pkg-config --libs unicorn 2>/dev/null || echo -lunicorn)
DIFF_CS_LIBS  := $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)
DIFF_CHECK_N    ?= 210000
DIFF_CHECK_FP_N ?= 380000
DIFF_CHECK_SEED ?= 20261125
DIFF_CHECK_JIT_SEED ?= 20261126
N ?= 2000000

$(DIFF_BIN): $(DIFF_OBJS) $(BUILD)/libarmvirt.a
	$(CC) $(LDFLAGS) -o $@ $(DIFF_OBJS) $(BUILD)/libarmvirt.a $(DIFF_CS_LIBS) $(LDLIBS)

# The oracle is a harness around Unicorn, not armvirt code: it is built
# without sanitizers even under SANITIZE=1, where instrumenting it only
# slowed the whole run down (it is the slower half of the pipeline).
DIFF_ORC_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS))
$(DIFF_DIR)/oracle.o: tests/diff/oracle.c
	@mkdir -p $(dir $@)
	$(CC) $(DIFF_ORC_CFLAGS) -c $< -o $@
$(DIFF_DIR)/oracle_mem.o: tests/diff/diff_mem.c
	@mkdir -p $(dir $@)
	$(CC) $(DIFF_ORC_CFLAGS) -c $< -o $@

$(DIFF_ORACLE): $(DIFF_ORC_OBJS)
	$(CC) -o $@ $(DIFF_ORC_OBJS) $(DIFF_UC_LIBS)

TEST_DEPS   += $(DIFF_BIN) $(DIFF_ORACLE)
TEST_SUITES += "$(DIFF_BIN) -n $(DIFF_CHECK_N) -s $(DIFF_CHECK_SEED) -f int"
TEST_SUITES += "$(DIFF_BIN) -n $(DIFF_CHECK_FP_N) -s $(DIFF_CHECK_SEED) -f fp,simd,simdfp"
# The integer groups again through generated code (cpu/jit.h), other cases.
TEST_SUITES += "$(DIFF_BIN) -n $(DIFF_CHECK_N) -s $(DIFF_CHECK_JIT_SEED) -f int -j"

.PHONY: difftest difftest-now
difftest: deps
	@$(MAKE) --no-print-directory difftest-now
difftest-now: $(DIFF_BIN) $(DIFF_ORACLE)
	$(DIFF_BIN) -n $(N) $(if $(DIFF_SEED),-s $(DIFF_SEED)) $(DIFF_ARGS)
