/* Synchronous exceptions taken to EL1 (Arm ARM D1.10, D17.2.37 ESR_EL1):
 * each must arrive at the right vector (VBAR_EL1 + 0x200 "current EL with
 * SP_ELx" = index 4, or + 0x400 "lower EL, AArch64" = index 8) with the
 * right ESR_EL1 (EC in bits 31:26, IL = bit 25, ISS below) and ELR_EL1.
 *   SVC #0x1234: EC 0x15, IL 1, ISS imm16 -> 0x56001234; ELR = next insn
 *   BRK #0x42:   EC 0x3c, IL 1, ISS imm16 -> 0xf2000042; ELR = the BRK
 *   UDF #0 (0x00000000), MRS of an EL2 register at EL1 (EL2 not
 *   implemented): EC 0 "unknown reason", IL 1 -> 0x02000000; ELR = the insn
 *   LDXR from an odd address: data abort, EC 0x25, IL 1, DFSC 0x21
 *   (alignment fault) -> 0x96000021; FAR_EL1 = the address
 * SPSR_EL1 holds the interrupted PSTATE: M = 0b0101 (EL1h), DAIF masked as
 * at reset (bits 9:6 = 0xf), NZCV as set before the instruction. The
 * handler steps past BRK/UDF/aborts by adding 4 to ELR_EL1. */
#include "guest.h"

struct taken {
    int count;
    int vector;
    uint64_t esr, elr, spsr, far;
};
static struct taken seen;

static void handler(struct exc_frame *f, int vector)
{
    seen.count++;
    seen.vector = vector;
    seen.esr = f->esr;
    seen.elr = f->elr;
    seen.spsr = f->spsr;
    __asm__ volatile("mrs %0, far_el1" : "=r"(seen.far));
    uint64_t ec = f->esr >> 26;
    if (ec != 0x15)
        f->elr += 4;
}

static void reset_seen(void)
{
    seen = (struct taken){ .count = 0, .vector = -1 };
}

static void check_svc(void)
{
    uint64_t next, x5, nzcv;

    reset_seen();
    __asm__ volatile("msr nzcv, %3\n\t"
                     "mov x5, %4\n\t"
                     "svc #0x1234\n"
                     "1: adr %0, 1b\n\t"
                     "mov %1, x5\n\t"
                     "mrs %2, nzcv"
                     : "=&r"(next), "=&r"(x5), "=&r"(nzcv)
                     : "r"((uint64_t)(FLAG_N | FLAG_C)), "r"(0x5555ull) : "x5", "cc", "memory");
    CHECK("svc taken once", seen.count, 1);
    CHECK("svc vector (sync, current EL, SPx)", seen.vector, 4);
    CHECK("svc ESR_EL1", seen.esr, 0x56001234);
    CHECK("svc ELR_EL1 = next instruction", seen.elr, next);
    CHECK("svc SPSR_EL1 mode (EL1h)", seen.spsr & 0xf, 0x5);
    CHECK("svc SPSR_EL1 DAIF", seen.spsr & 0x3c0, 0x3c0);
    CHECK("svc SPSR_EL1 NZCV", seen.spsr & 0xf0000000, FLAG_N | FLAG_C);
    CHECK("svc registers preserved", x5, 0x5555);
    CHECK("svc NZCV restored by eret", nzcv, FLAG_N | FLAG_C);
}

static void check_brk(void)
{
    uint64_t at;

    reset_seen();
    __asm__ volatile("1: brk #0x42\n\t"
                     "adr %0, 1b"
                     : "=r"(at) : : "memory");
    CHECK("brk taken once", seen.count, 1);
    CHECK("brk vector", seen.vector, 4);
    CHECK("brk ESR_EL1", seen.esr, 0xf2000042);
    CHECK("brk ELR_EL1 = the brk", seen.elr, at);
}

static void check_undefined(void)
{
    uint64_t at, after = 0;

    reset_seen();
    __asm__ volatile("1: .inst 0x00000000\n\t"
                     "adr %0, 1b\n\t"
                     "mov %1, #1"
                     : "=r"(at), "+r"(after) : : "memory");
    CHECK("udf taken once", seen.count, 1);
    CHECK("udf vector", seen.vector, 4);
    CHECK("udf ESR_EL1 (EC 0)", seen.esr, 0x02000000);
    CHECK("udf ELR_EL1 = the udf", seen.elr, at);
    CHECK("udf resumes after", after, 1);

    reset_seen();
    __asm__ volatile("1: mrs x9, hcr_el2\n\t"
                     "adr %0, 1b"
                     : "=r"(at) : : "x9", "memory");
    CHECK("mrs hcr_el2 at EL1 taken once", seen.count, 1);
    CHECK("mrs hcr_el2 ESR_EL1 (EC 0)", seen.esr, 0x02000000);
    CHECK("mrs hcr_el2 ELR_EL1", seen.elr, at);
}

static uint64_t cell[2] __attribute__((aligned(16)));

static void check_alignment(void)
{
    uint64_t at, addr = (uint64_t)cell + 1;

    reset_seen();
    __asm__ volatile("1: ldxr x9, [%1]\n\t"
                     "adr %0, 1b"
                     : "=r"(at) : "r"(addr) : "x9", "memory");
    CHECK("unaligned ldxr taken once", seen.count, 1);
    CHECK("unaligned ldxr vector", seen.vector, 4);
    CHECK("unaligned ldxr ESR_EL1 EC/IL/DFSC", seen.esr & 0xfe00003f, 0x96000021);
    CHECK("unaligned ldxr ESR_EL1 WnR", seen.esr & (1u << 6), 0);
    CHECK("unaligned ldxr ELR_EL1", seen.elr, at);
    CHECK("unaligned ldxr FAR_EL1", seen.far, addr);
}

/* Drop to EL0 (ERET with SPSR_EL1.M = EL0t), run SVC #0x77 there, and come
 * back: the handler returns to el0_back at EL1h. */
extern void el0_call(uint64_t el0_sp);
extern char el0_svc[], el0_back[];
__asm__(".text\n"
        ".global el0_call\n"
        "el0_call:\n\t"
        "msr sp_el0, x0\n\t"
        "adr x9, el0_code\n\t"
        "msr elr_el1, x9\n\t"
        "mov x9, #0x3c0\n\t"
        "msr spsr_el1, x9\n\t"
        "eret\n"
        "el0_code:\n\t"
        "mov x0, #0x55\n\t"
        "svc #0x77\n"
        ".global el0_svc\n"
        "el0_svc:\n\t"
        "b el0_svc\n"
        ".global el0_back\n"
        "el0_back:\n\t"
        "ret");

static uint64_t el0_stack[64] __attribute__((aligned(16)));
static uint64_t el0_x0;

static void el0_handler(struct exc_frame *f, int vector)
{
    handler(f, vector);
    el0_x0 = f->x[0];
    f->elr = (uint64_t)el0_back;
    f->spsr = 0x3c5;
}

static void check_el0(void)
{
    reset_seen();
    guest_exc_hook = el0_handler;
    el0_call((uint64_t)(el0_stack + 64));
    guest_exc_hook = handler;
    CHECK("el0 svc taken once", seen.count, 1);
    CHECK("el0 svc vector (sync, lower EL, AArch64)", seen.vector, 8);
    CHECK("el0 svc ESR_EL1", seen.esr, 0x56000077);
    CHECK("el0 svc ELR_EL1", seen.elr, (uint64_t)el0_svc);
    CHECK("el0 svc SPSR_EL1 (EL0t)", seen.spsr, 0x3c0);
    CHECK("el0 x0 seen by handler", el0_x0, 0x55);
}

int main(void)
{
    guest_exc_hook = handler;
    check_svc();
    check_brk();
    check_undefined();
    check_alignment();
    check_el0();
    guest_exc_hook = 0;
    return guest_done("exception");
}
