# Differential CPU tests (tests/diff/): armvirt's core against Unicorn.
# difftest (linked with libarmvirt) generates and compares; diff-oracle
# (linked with libunicorn only, since the two libraries export functions of
# the same names) runs the cases on Unicorn. See tests/diff/diff.h.
#   make check                    runs DIFF_CHECK_N cases with seed DIFF_CHECK_SEED
#   make difftest N=1000000       a longer run, random seed (DIFF_SEED=... to repeat one)
#   make difftest DIFF_SEED=7 DIFF_ARGS="-g ldst_pair -c 412"   one case again
DIFF_DIR      := $(BUILD)/tests/diff
DIFF_BIN      := $(DIFF_DIR)/difftest
DIFF_ORACLE   := $(DIFF_DIR)/diff-oracle
DIFF_OBJS     := $(addprefix $(DIFF_DIR)/,difftest.o core.o gen.o compare.o diff_mem.o)
DIFF_ORC_OBJS := $(addprefix $(DIFF_DIR)/,oracle.o diff_mem.o)
DIFF_UC_LIBS  := $(shell pkg-config --libs unicorn 2>/dev/null || echo -lunicorn)
DIFF_CS_LIBS  := $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)
DIFF_CHECK_N    ?= 210000
DIFF_CHECK_SEED ?= 20261125
N ?= 2000000

$(DIFF_BIN): $(DIFF_OBJS) $(BUILD)/libarmvirt.a
	$(CC) $(LDFLAGS) -o $@ $(DIFF_OBJS) $(BUILD)/libarmvirt.a $(DIFF_CS_LIBS) $(LDLIBS)

$(DIFF_ORACLE): $(DIFF_ORC_OBJS)
	$(CC) $(LDFLAGS) -o $@ $(DIFF_ORC_OBJS) $(DIFF_UC_LIBS)

TEST_DEPS   += $(DIFF_BIN) $(DIFF_ORACLE)
TEST_SUITES += "$(DIFF_BIN) -n $(DIFF_CHECK_N) -s $(DIFF_CHECK_SEED)"

.PHONY: difftest difftest-now
difftest: deps
	@$(MAKE) --no-print-directory difftest-now
difftest-now: $(DIFF_BIN) $(DIFF_ORACLE)
	$(DIFF_BIN) -n $(N) $(if $(DIFF_SEED),-s $(DIFF_SEED)) $(DIFF_ARGS)
