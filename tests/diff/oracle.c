/*
 * diff-oracle: runs differential test cases on Unicorn and reports what
 * happened (protocol in diff.h). Linked with libunicorn only, never with
 * libarmvirt: the two export functions of the same names.
 *
 * Unicorn 2.0 is QEMU 5.0's CPU without its exception entry: a synchronous
 * exception stops emulation and is reported to a UC_HOOK_INTR hook with
 * QEMU's EXCP_* number, and accesses to unmapped memory end emulation with
 * UC_ERR_{READ,WRITE,FETCH}_UNMAPPED. Both are mapped onto enum diff_exc
 * here. The CPU starts at EL1h with the MMU off, as armvirt's does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "diff.h"

/* QEMU's exception numbers (target/arm/cpu.h) as Unicorn passes them on. */
enum qemu_excp {
    EXCP_UDEF = 1,
    EXCP_SWI = 2,
    EXCP_PREFETCH_ABORT = 3,
    EXCP_DATA_ABORT = 4,
    EXCP_BKPT = 7,
    EXCP_HVC = 11,
    EXCP_SMC = 13,
};

/* Everything written before and read after a case, in one batch: X0-X30,
 * SP, NZCV, FPCR, FPSR (all through 64-bit slots; Unicorn uses the low 32
 * bits of the last three) and Q0-Q31 as two 64-bit halves each. */
#define NGPR 35
#define NREGS (NGPR + 32)
struct regvals {
    uint64_t gpr[NGPR];
    uint64_t q[32][2];
};

struct oracle {
    uc_engine *uc;
    uint8_t *ram;
    uint8_t img[DIFF_RAM_SIZE];
    int regs[NREGS];       /* Unicorn ids, in the order of struct regvals */
    int intno;             /* -1 when no exception was reported */
    uint32_t fpen;         /* CPACR_EL1.FPEN as last written */
};

static void die(const char *what, uc_err e)
{
    fprintf(stderr, "diff-oracle: %s: %s\n", what, uc_strerror(e));
    exit(2);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct oracle *o = user;
    o->intno = (int)intno;
    uc_emu_stop(uc);
}

static void oracle_open(struct oracle *o, uint64_t seed)
{
    uc_err e = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &o->uc);
    if (e)
        die("uc_open", e);
    /* QEMU's cortex-a57: ARMv8.0 plus CRC32, as armvirt's default model. */
    e = uc_ctl_set_cpu_model(o->uc, UC_CPU_ARM64_A57);
    if (e)
        die("cpu model", e);
    o->ram = aligned_alloc(4096, DIFF_RAM_SIZE);
    if (!o->ram)
        die("ram", UC_ERR_NOMEM);
    diff_mem_init_image(o->img, seed);
    memcpy(o->ram, o->img, DIFF_RAM_SIZE);
    e = uc_mem_map_ptr(o->uc, DIFF_RAM_BASE, DIFF_RAM_SIZE, UC_PROT_ALL, o->ram);
    if (e)
        die("uc_mem_map_ptr", e);
    uc_arm64_cp_reg sctlr = {.op0 = 3, .op1 = 0, .crn = 1, .crm = 0, .op2 = 0, .val = DIFF_SCTLR};
    e = uc_reg_write(o->uc, UC_ARM64_REG_CP_REG, &sctlr);
    if (e)
        die("SCTLR_EL1", e);
    uc_hook h;
    e = uc_hook_add(o->uc, &h, UC_HOOK_INTR, (void *)on_intr, o, 1, 0);
    if (e)
        die("uc_hook_add", e);
    for (int i = 0; i < 29; i++)
        o->regs[i] = UC_ARM64_REG_X0 + i;
    o->regs[29] = UC_ARM64_REG_X29;
    o->regs[30] = UC_ARM64_REG_X30;
    o->regs[31] = UC_ARM64_REG_SP;
    o->regs[32] = UC_ARM64_REG_NZCV;
    o->regs[33] = UC_ARM64_REG_FPCR;
    o->regs[34] = UC_ARM64_REG_FPSR;
    for (int i = 0; i < 32; i++)
        o->regs[NGPR + i] = UC_ARM64_REG_Q0 + i;
    o->fpen = ~0u;
}

/* CPACR_EL1 through the system-register interface. Unicorn 2.0 still runs
 * SIMD&FP instructions as if FPEN were 11 (the trap is not reached through
 * either register interface), so FPEN cases are judged on armvirt's side
 * (compare.c); the value is written anyway, so that a Unicorn that does
 * take the trap is compared like any other result. */
static void oracle_set_fpen(struct oracle *o, uint32_t fpen)
{
    if (fpen == o->fpen)
        return;
    uc_arm64_cp_reg cpacr = {.op0 = 3, .op1 = 0, .crn = 1, .crm = 0, .op2 = 2,
                             .val = (uint64_t)(fpen & 3) << 20};
    uc_err e = uc_reg_write(o->uc, UC_ARM64_REG_CP_REG, &cpacr);
    if (e)
        die("CPACR_EL1", e);
    o->fpen = fpen;
}

static enum diff_exc exc_of_intno(int intno)
{
    switch (intno) {
    case EXCP_UDEF: return DIFF_EXC_UNDEF;
    case EXCP_SWI: return DIFF_EXC_SVC;
    case EXCP_HVC: return DIFF_EXC_HVC;
    case EXCP_SMC: return DIFF_EXC_SMC;
    case EXCP_BKPT: return DIFF_EXC_BRK;
    case EXCP_DATA_ABORT: return DIFF_EXC_DABT;
    /* Every word of a case lies in mapped RAM, so a prefetch abort can only
     * come from fetching the next instruction after the case's last one
     * (a branch to an address QEMU cannot fetch): the case is complete. */
    case EXCP_PREFETCH_ABORT: return DIFF_EXC_NONE;
    default: return DIFF_EXC_OTHER;
    }
}

static void oracle_run(struct oracle *o, const struct diff_case *c, struct diff_result *r)
{
    struct regvals vals;
    void *ptrs[NREGS];
    memset(r, 0, sizeof(*r));
    diff_mem_apply(o->ram, c);
    uc_ctl_remove_cache(o->uc, c->code_addr, c->code_addr + 4 * c->ninsn);
    oracle_set_fpen(o, c->fpen);

    memcpy(vals.gpr, c->init.x, sizeof(c->init.x));
    vals.gpr[31] = c->init.sp;
    vals.gpr[32] = c->init.nzcv;
    vals.gpr[33] = c->init.fpcr;
    vals.gpr[34] = c->init.fpsr;
    memcpy(vals.q, c->init.v, sizeof(vals.q));
    for (int i = 0; i < NGPR; i++)
        ptrs[i] = &vals.gpr[i];
    for (int i = 0; i < 32; i++)
        ptrs[NGPR + i] = vals.q[i];
    uc_reg_write_batch(o->uc, o->regs, ptrs, NREGS);

    o->intno = -1;
    uc_err e = uc_emu_start(o->uc, c->code_addr, 0, 0, c->ninsn);

    memset(&vals, 0, sizeof(vals));
    uc_reg_read_batch(o->uc, o->regs, ptrs, NREGS);
    memcpy(r->st.x, vals.gpr, sizeof(r->st.x));
    r->st.sp = vals.gpr[31];
    r->st.nzcv = (uint32_t)vals.gpr[32];
    r->st.fpcr = (uint32_t)vals.gpr[33];
    r->st.fpsr = (uint32_t)vals.gpr[34];
    memcpy(r->st.v, vals.q, sizeof(r->st.v));
    uc_reg_read(o->uc, UC_ARM64_REG_PC, &r->st.pc);

    switch (e) {
    case UC_ERR_OK:
        r->exc = o->intno < 0 ? DIFF_EXC_NONE : exc_of_intno(o->intno);
        r->exc_detail = o->intno < 0 ? 0 : (uint32_t)o->intno;
        break;
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_WRITE_UNMAPPED:
        r->exc = DIFF_EXC_BUS;
        r->exc_detail = e;
        break;
    case UC_ERR_FETCH_UNMAPPED: /* the fetch after the last word: see above */
        r->exc = DIFF_EXC_NONE;
        break;
    case UC_ERR_INSN_INVALID:
        r->exc = DIFF_EXC_UNDEF;
        r->exc_detail = e;
        break;
    default:
        r->exc = DIFF_EXC_OTHER;
        r->exc_detail = e;
        break;
    }
    if (r->exc != DIFF_EXC_NONE)
        r->exc_pc = r->st.pc;
    diff_mem_collect(o->ram, o->img, c, r);
}

static int read_full(void *buf, size_t len)
{
    return fread(buf, 1, len, stdin) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: diff-oracle SEED (cases on stdin, results on stdout)\n");
        return 2;
    }
    static struct oracle o;
    oracle_open(&o, strtoull(argv[1], NULL, 0));
    static struct diff_case cases[DIFF_BATCH];
    static struct diff_result results[DIFF_BATCH];
    for (;;) {
        uint32_t n;
        if (read_full(&n, sizeof(n)) || n == 0 || n > DIFF_BATCH)
            break;
        if (read_full(cases, n * sizeof(cases[0]))) {
            fprintf(stderr, "diff-oracle: short batch\n");
            return 2;
        }
        for (uint32_t i = 0; i < n; i++)
            oracle_run(&o, &cases[i], &results[i]);
        if (fwrite(results, sizeof(results[0]), n, stdout) != n || fflush(stdout))
            return 2;
    }
    uc_close(o.uc);
    free(o.ram);
    return 0;
}
