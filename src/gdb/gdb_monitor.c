/*
 * The gdbstub's monitor commands (gdb's "monitor CMD", packet qRcmd): a
 * look at the machine state gdb itself cannot see. Output goes back as
 * console-output ('O') packets.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/mmu.h"
#include "gdb/debug.h"
#include "gdb/gdb_internal.h"
#include "mem/physmem.h"
#include "trace/log.h"

void gdb_monitor_out(struct gdbstub *g, const char *fmt, ...)
{
    char text[512];
    char out[2 * sizeof(text) + 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    out[0] = 'O';
    gdb_to_hex(out + 1, text, strlen(text));
    gdb_send(g, out);
}

static const char *const access_names[] = {"read", "write", "fetch"};

/* The descriptors a stage-1 walk of va reads, level by level (Arm ARM D8.2,
 * the same table geometry as mmu.c): shown, not used, so a broken table is
 * displayed as far as it goes. */
static void show_walk(struct gdbstub *g, uint64_t va)
{
    const struct cpu *cpu = g->cpu;
    uint64_t tcr = cpu->sys.tcr_el1;
    bool upper = (va >> 55) & 1;
    unsigned tsz = (unsigned)((upper ? tcr >> 16 : tcr) & 0x3f);
    unsigned tg = (unsigned)((upper ? tcr >> 30 : tcr >> 14) & 3);
    unsigned grain = upper ? (tg == 1 ? 14 : tg == 3 ? 16 : 12) : (tg == 1 ? 16 : tg == 2 ? 14 : 12);
    if (tsz < 16)
        tsz = 16;
    if (tsz > 39)
        tsz = 39;
    unsigned inputsize = 64 - tsz, stride = grain - 3;
    int start = 4 - (int)((inputsize - grain + stride - 1) / stride);
    uint64_t table = (upper ? cpu->sys.ttbr1_el1 : cpu->sys.ttbr0_el1) & 0x0000fffffffffffeull;
    gdb_monitor_out(g, "  walk: TTBR%d, %u-bit input, %u KiB granule, start level %d\n", upper,
                    inputsize, (1u << grain) >> 10, start);
    for (int level = start; level <= 3; level++) {
        unsigned shift = grain + (unsigned)(3 - level) * stride;
        unsigned bits = level == start ? inputsize - shift : stride;
        uint64_t index = (va >> shift) & ((1ull << bits) - 1), desc;
        uint64_t at = table + index * 8;
        if (physmem_read_buf(cpu->mem, at, &desc, 8) != MEM_OK) {
            gdb_monitor_out(g, "  L%d [%3" PRIu64 "] @0x%" PRIx64 ": not in memory\n", level,
                            index, at);
            return;
        }
        const char *kind = !(desc & 1)                 ? "invalid"
                           : level < 3 && (desc & 2)   ? "table"
                           : level == 3 && (desc & 2)  ? "page"
                           : level == 3                ? "reserved"
                                                       : "block";
        gdb_monitor_out(g, "  L%d [%3" PRIu64 "] @0x%" PRIx64 ": 0x%016" PRIx64 " %s\n", level,
                        index, at, desc, kind);
        if (strcmp(kind, "table"))
            return;
        table = desc & 0x0000fffffffff000ull & ~((1ull << grain) - 1);
    }
}

/* monitor xlate VA: the walk, and what each regime and access makes of it. */
static void mon_xlate(struct gdbstub *g, const char *arg)
{
    struct cpu *cpu = g->cpu;
    char *end;
    uint64_t va = strtoull(arg, &end, 0);
    if (end == arg || *end) {
        gdb_monitor_out(g, "usage: xlate VA\n");
        return;
    }
    gdb_monitor_out(g, "VA 0x%016" PRIx64 ": SCTLR_EL1 0x%" PRIx64 " (MMU %s) TCR_EL1 0x%" PRIx64
                       "\n  TTBR0_EL1 0x%016" PRIx64 " TTBR1_EL1 0x%016" PRIx64 "\n",
                    va, cpu->sys.sctlr_el1, (cpu->sys.sctlr_el1 & 1) ? "on" : "off",
                    cpu->sys.tcr_el1, cpu->sys.ttbr0_el1, cpu->sys.ttbr1_el1);
    if (cpu->sys.sctlr_el1 & 1)
        show_walk(g, va);
    struct mem_fault saved = cpu->fault;
    for (unsigned idx = MMU_IDX_EL1 + 1; idx-- > 0;) {
        for (unsigned a = MMU_READ; a <= MMU_FETCH; a++) {
            struct mmu_result res;
            if (mmu_translate(cpu, va, (enum mmu_access)a, idx, &res))
                gdb_monitor_out(g, "  EL%u %-5s -> PA 0x%016" PRIx64 " (%s%s%s, %u KiB page)\n",
                                idx, access_names[a], res.pa, (res.prot & PROT_R) ? "r" : "-",
                                (res.prot & PROT_W) ? "w" : "-", (res.prot & PROT_X) ? "x" : "-",
                                (1u << res.page_bits) >> 10);
            else
                gdb_monitor_out(g, "  EL%u %-5s -> fault, FSC 0x%02x (%s level %d)\n", idx,
                                access_names[a], cpu->fault.fsc,
                                (cpu->fault.fsc & 0x3c) == 0x04   ? "translation"
                                : (cpu->fault.fsc & 0x3c) == 0x08 ? "access flag"
                                : (cpu->fault.fsc & 0x3c) == 0x0c ? "permission"
                                : (cpu->fault.fsc & 0x3c) == 0x00 ? "address size"
                                                                  : "external abort",
                                cpu->fault.fsc & 3);
        }
    }
    cpu->fault = saved;
}

/* The physical address a TLB entry's host address stands for. */
static bool host_to_pa(struct physmem *pm, uintptr_t host, uint64_t *pa)
{
    for (unsigned i = 0; i < pm->count; i++) {
        const struct region *r = &pm->regions[i];
        if (r->host && host >= (uintptr_t)r->host && host - (uintptr_t)r->host < r->size) {
            *pa = r->base + (host - (uintptr_t)r->host);
            return true;
        }
    }
    return false;
}

/* monitor tlb: every valid software TLB entry. */
static void mon_tlb(struct gdbstub *g)
{
    struct cpu *cpu = g->cpu;
    unsigned shown = 0;
    gdb_monitor_out(g, "regime  VA page            PA page            perms\n");
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            const struct tlb_entry *e = &cpu->tlb[idx][i];
            uint64_t page = e->tag_read != TLB_INVALID    ? e->tag_read
                            : e->tag_exec != TLB_INVALID  ? e->tag_exec
                            : e->tag_write != TLB_INVALID ? e->tag_write
                                                          : TLB_INVALID;
            if (page == TLB_INVALID)
                continue;
            uint64_t pa = 0;
            bool known = host_to_pa(cpu->mem, (uintptr_t)(page + e->addend), &pa);
            gdb_monitor_out(g, "EL%u     0x%016" PRIx64 " 0x%016" PRIx64 " %c%c%c%s\n",
                            idx, page, pa, e->tag_read != TLB_INVALID ? 'r' : '-',
                            e->tag_write != TLB_INVALID ? 'w' : '-',
                            e->tag_exec != TLB_INVALID ? 'x' : '-', known ? "" : " (?)");
            shown++;
        }
    gdb_monitor_out(g, "%u entries (writes to code pages and watched pages go the slow way)\n",
                    shown);
}

static void mon_sysregs(struct gdbstub *g)
{
    const struct cpu *c = g->cpu;
    gdb_monitor_out(g,
                    "EL%u SPSel %u  SCTLR_EL1 %016" PRIx64 "  TCR_EL1 %016" PRIx64 "\n"
                    "TTBR0_EL1 %016" PRIx64 "  TTBR1_EL1 %016" PRIx64 "  MAIR_EL1 %016" PRIx64
                    "\n"
                    "VBAR_EL1 %016" PRIx64 "  ESR_EL1 %016" PRIx64 "  FAR_EL1 %016" PRIx64 "\n"
                    "ELR_EL1 %016" PRIx64 "  SPSR_EL1 %016" PRIx64 "  SP_EL0 %016" PRIx64
                    "  SP_EL1 %016" PRIx64 "\n",
                    (unsigned)c->el, (unsigned)c->spsel, c->sys.sctlr_el1, c->sys.tcr_el1,
                    c->sys.ttbr0_el1, c->sys.ttbr1_el1, c->sys.mair_el1, c->sys.vbar_el1,
                    c->sys.esr_el1, c->sys.far_el1, c->sys.elr_el1, c->sys.spsr_el1,
                    c->el == 0 || !c->spsel ? c->sp : c->sp_el[0],
                    c->el == 1 && c->spsel ? c->sp : c->sp_el[1]);
    gdb_monitor_out(g, "instructions retired: %" PRIu64 "\n", c->insns);
}

static void mon_log(struct gdbstub *g, const char *arg)
{
    char err[160];
    bool help;
    if (!*arg) {
        gdb_monitor_out(g, "log mask 0x%x\n", log_mask);
        return;
    }
    if (!strcmp(arg, "none")) {
        log_mask = 0;
    } else if (!log_parse_items(arg, &help, err, sizeof(err))) {
        gdb_monitor_out(g, "%s\n", err);
        return;
    }
    /* in_asm, exec and cpu are decided when blocks are decoded. */
    cpu_flush_blocks(g->cpu);
    gdb_monitor_out(g, "log mask 0x%x\n", log_mask);
}

static void mon_help(struct gdbstub *g)
{
    gdb_monitor_out(g, "monitor commands:\n"
                       "  help           this list\n"
                       "  xlate VA       translate VA for read/write/fetch at EL1 and EL0\n"
                       "  tlb            dump the software TLB\n"
                       "  sysregs        EL1 system registers and banked stack pointers\n"
                       "  breakpoints    breakpoints and watchpoints the debugger set\n"
                       "  log [ITEMS]    show or set the -d items (in_asm,int,exec,cpu,mmu,"
                       "guest_errors,unimp; none)\n");
}

static void mon_breakpoints(struct gdbstub *g)
{
    gdb_monitor_out(g, "%u breakpoint(s), %u watchpoint(s)\n", debug_bp_count, debug_wp_count);
}

void gdb_monitor(struct gdbstub *g, const char *cmd)
{
    while (*cmd == ' ')
        cmd++;
    const char *arg = strchr(cmd, ' ');
    size_t n = arg ? (size_t)(arg - cmd) : strlen(cmd);
    if (arg)
        while (*arg == ' ')
            arg++;
    else
        arg = "";
#define IS(name) (n == strlen(name) && !strncmp(cmd, name, n))
    if (IS("help") || n == 0)
        mon_help(g);
    else if (IS("xlate") || IS("x"))
        mon_xlate(g, arg);
    else if (IS("tlb"))
        mon_tlb(g);
    else if (IS("sysregs"))
        mon_sysregs(g);
    else if (IS("breakpoints"))
        mon_breakpoints(g);
    else if (IS("log"))
        mon_log(g, arg);
    else
        gdb_monitor_out(g, "unknown command '%.*s' (try: monitor help)\n", (int)n, cmd);
#undef IS
}
