/*
 * Debugger breakpoints and watchpoints (see debug.h).
 */
#include "gdb/debug.h"

#include "cpu/op.h"

unsigned debug_bp_count, debug_wp_count;

static uint64_t breakpoints[DEBUG_MAX_BREAKPOINTS];

struct watchpoint {
    uint64_t addr, len;
    enum debug_watch_kind kind;
};
static struct watchpoint watchpoints[DEBUG_MAX_WATCHPOINTS];

struct debug_cpu {
    struct debug_stop stop;
    bool stepping;
    bool resume_armed;
    uint64_t resume_pc, resume_insns;
};
static struct debug_cpu debug_cpus[DEBUG_MAX_CPUS];

static struct debug_cpu *dcpu(const struct cpu *cpu)
{
    return &debug_cpus[cpu->index % DEBUG_MAX_CPUS];
}

bool debug_bp_at(uint64_t pc)
{
    for (unsigned i = 0; i < debug_bp_count; i++)
        if (breakpoints[i] == pc)
            return true;
    return false;
}

bool debug_bp_in(uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < debug_bp_count; i++)
        if (breakpoints[i] >= start && breakpoints[i] < end)
            return true;
    return false;
}

bool debug_bp_insert(uint64_t addr)
{
    if (debug_bp_at(addr))
        return true; /* gdb may insert twice; one stop is enough */
    if (debug_bp_count == DEBUG_MAX_BREAKPOINTS)
        return false;
    breakpoints[debug_bp_count++] = addr;
    return true;
}

bool debug_bp_remove(uint64_t addr)
{
    for (unsigned i = 0; i < debug_bp_count; i++)
        if (breakpoints[i] == addr) {
            breakpoints[i] = breakpoints[--debug_bp_count];
            return true;
        }
    return false;
}

bool debug_wp_insert(uint64_t addr, uint64_t len, enum debug_watch_kind kind)
{
    if (len == 0 || addr + len - 1 < addr || debug_wp_count == DEBUG_MAX_WATCHPOINTS)
        return false;
    watchpoints[debug_wp_count++] = (struct watchpoint){addr, len, kind};
    return true;
}

bool debug_wp_remove(uint64_t addr, uint64_t len, enum debug_watch_kind kind)
{
    for (unsigned i = 0; i < debug_wp_count; i++) {
        struct watchpoint *w = &watchpoints[i];
        if (w->addr == addr && w->len == len && w->kind == kind) {
            *w = watchpoints[--debug_wp_count];
            return true;
        }
    }
    return false;
}

void debug_remove_all(void)
{
    debug_bp_count = 0;
    debug_wp_count = 0;
}

static bool wp_matches(const struct watchpoint *w, bool write)
{
    return (w->kind & (write ? DEBUG_WATCH_WRITE : DEBUG_WATCH_READ)) != 0;
}

bool debug_wp_on_page(uint64_t va, bool write)
{
    uint64_t page = va & ~0xfffull, page_last = page + 0xfff;
    for (unsigned i = 0; i < debug_wp_count; i++) {
        const struct watchpoint *w = &watchpoints[i];
        if (wp_matches(w, write) && w->addr <= page_last && w->addr + w->len - 1 >= page)
            return true;
    }
    return false;
}

bool debug_wp_check(struct cpu *cpu, uint64_t va, unsigned size, bool write)
{
    struct debug_cpu *d = dcpu(cpu);
    uint64_t last = va + size - 1;
    for (unsigned i = 0; i < debug_wp_count; i++) {
        const struct watchpoint *w = &watchpoints[i];
        if (!wp_matches(w, write) || w->addr > last || w->addr + w->len - 1 < va)
            continue;
        /* The address gdb is told: the first watched byte accessed. */
        d->stop.reason = DEBUG_STOP_WATCH;
        d->stop.kind = w->kind;
        d->stop.addr = va > w->addr ? va : w->addr;
        cpu->fault.va = va;
        cpu->fault.fsc = FSC_DEBUG_WATCH;
        cpu->fault.write = write;
        cpu->fault.fetch = false;
        cpu->fault.s1ptw = false;
        return true;
    }
    return false;
}

struct debug_stop *debug_stop_of(struct cpu *cpu)
{
    return &dcpu(cpu)->stop;
}

void debug_arm_resume(struct cpu *cpu)
{
    struct debug_cpu *d = dcpu(cpu);
    d->stop.reason = DEBUG_STOP_NONE;
    d->resume_armed = true;
    d->resume_pc = cpu->pc;
    d->resume_insns = cpu->insns;
}

void debug_set_stepping(struct cpu *cpu, bool on)
{
    dcpu(cpu)->stepping = on;
}

bool debug_stepping(const struct cpu *cpu)
{
    return dcpu(cpu)->stepping;
}

/* The block's first op, before the instruction at the breakpoint. It is not
 * an instruction: the run loop counts every op it runs, so this one takes
 * itself off the count. */
enum exec_status debug_op_break(struct cpu *cpu, const struct op *op)
{
    struct debug_cpu *d = dcpu(cpu);
    bool resuming = d->resume_armed && d->resume_pc == op->pc && d->resume_insns == cpu->insns;
    d->resume_armed = false;
    cpu->insns--;
    if (resuming || !debug_bp_at(op->pc))
        return EXEC_NEXT;
    d->stop.reason = DEBUG_STOP_BREAK;
    d->stop.addr = op->pc;
    cpu->pc = op->pc;
    return EXEC_EXIT;
}
