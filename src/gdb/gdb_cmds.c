/*
 * The gdbstub's packets (GDB manual, "Remote Protocol"): registers in the
 * numbering of the target description (gdb_xml.c), memory through the
 * current translation, breakpoints and watchpoints, resumes, queries.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/mmu.h"
#include "gdb/debug.h"
#include "gdb/gdb_internal.h"
#include "mem/physmem.h"

/* Register numbers (gdb_xml.c): x0-x30, sp, pc, cpsr; v0-v31, fpsr, fpcr. */
#define REG_SP 31
#define REG_PC 32
#define REG_CPSR 33
#define REG_V0 34
#define REG_FPSR 66
#define REG_FPCR 67
#define REG_COUNT 68

/* ---- hex ---- */

void gdb_to_hex(char *out, const void *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * len] = '\0';
}

bool gdb_from_hex(void *buf, const char *hex, size_t len)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        int hi = hex_digit_value(hex[2 * i]), lo = hi < 0 ? -1 : hex_digit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* A hex number ending at a character of `stops` (or the end); *p moves past it. */
static bool parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int d;
    unsigned n = 0;
    while ((d = hex_digit_value(*s)) >= 0 && n < 16) {
        x = x << 4 | (uint64_t)d;
        s++;
        n++;
    }
    if (!n || hex_digit_value(*s) >= 0)
        return false;
    *p = s;
    *v = x;
    return true;
}

/* ---- registers ---- */

/* The register's bytes in target (little-endian) order; its size. */
static size_t reg_get(const struct cpu *cpu, unsigned n, uint8_t *out)
{
    uint64_t v;
    if (n < 31)
        v = cpu->x[n];
    else if (n == REG_SP)
        v = cpu->sp;
    else if (n == REG_PC)
        v = cpu->pc;
    else if (n == REG_CPSR || n == REG_FPSR || n == REG_FPCR) {
        uint32_t w = n == REG_CPSR ? cpu_get_pstate(cpu) : n == REG_FPSR ? cpu->fpsr : cpu->fpcr;
        memcpy(out, &w, 4);
        return 4;
    } else if (n >= REG_V0 && n < REG_V0 + 32) {
        memcpy(out, cpu->v[n - REG_V0], 16);
        return 16;
    } else
        return 0;
    memcpy(out, &v, 8);
    return 8;
}

static size_t reg_size(unsigned n)
{
    if (n < REG_CPSR)
        return 8;
    if (n == REG_CPSR || n == REG_FPSR || n == REG_FPCR)
        return 4;
    return n < REG_COUNT ? 16 : 0;
}

static bool reg_set(struct cpu *cpu, unsigned n, const uint8_t *in)
{
    uint64_t v = 0;
    uint32_t w = 0;
    memcpy(&v, in, n < REG_CPSR ? 8 : 0);
    memcpy(&w, in, n == REG_CPSR || n == REG_FPSR || n == REG_FPCR ? 4 : 0);
    if (n < 31)
        cpu->x[n] = v;
    else if (n == REG_SP)
        cpu->sp = v;
    else if (n == REG_PC)
        cpu->pc = v;
    else if (n == REG_CPSR) {
        /* Only states this core has: AArch64 at EL0 or EL1. */
        if ((w & SPSR_M_AARCH32) || ((w >> 2) & 3) > 1)
            return false;
        cpu_set_pstate(cpu, w);
    } else if (n == REG_FPSR)
        cpu->fpsr = w;
    else if (n == REG_FPCR)
        cpu->fpcr = w;
    else if (n >= REG_V0 && n < REG_V0 + 32)
        memcpy(cpu->v[n - REG_V0], in, 16);
    else
        return false;
    return true;
}

/* 'g': the core registers, as QEMU (the FP/SIMD ones are read with 'p'). */
static void cmd_read_regs(struct gdbstub *g)
{
    char out[(REG_CPSR * 8 + 4) * 2 + 1];
    char *p = out;
    uint8_t b[16];
    for (unsigned n = 0; n <= REG_CPSR; n++) {
        size_t len = reg_get(g->cpu, n, b);
        gdb_to_hex(p, b, len);
        p += 2 * len;
    }
    gdb_send(g, out);
}

static void cmd_write_regs(struct gdbstub *g, const char *hex)
{
    size_t have = strlen(hex) / 2;
    size_t off = 0;
    uint8_t b[16];
    for (unsigned n = 0; n <= REG_CPSR && off + reg_size(n) <= have; n++) {
        if (!gdb_from_hex(b, hex + 2 * off, reg_size(n))) {
            gdb_send(g, "E01");
            return;
        }
        if (!reg_set(g->cpu, n, b)) {
            gdb_send(g, "E01");
            return;
        }
        off += reg_size(n);
    }
    gdb_send(g, "OK");
}

static void cmd_read_reg(struct gdbstub *g, const char *args)
{
    uint64_t n;
    uint8_t b[16];
    char out[33];
    if (!parse_hex(&args, &n) || *args || n >= REG_COUNT) {
        gdb_send(g, "E01");
        return;
    }
    gdb_to_hex(out, b, reg_get(g->cpu, (unsigned)n, b));
    gdb_send(g, out);
}

static void cmd_write_reg(struct gdbstub *g, const char *args)
{
    uint64_t n;
    uint8_t b[16];
    if (!parse_hex(&args, &n) || *args != '=' || n >= REG_COUNT ||
        strlen(args + 1) != 2 * reg_size((unsigned)n) || !gdb_from_hex(b, args + 1, reg_size((unsigned)n)) ||
        !reg_set(g->cpu, (unsigned)n, b)) {
        gdb_send(g, "E01");
        return;
    }
    gdb_send(g, "OK");
}

/* ---- memory ---- */

/* Translates va for a debugger access: the current regime's view, read
 * permission (a debugger may write read-only code), no exception. */
static bool debug_translate(struct cpu *cpu, uint64_t va, uint64_t *pa)
{
    struct mem_fault saved = cpu->fault;
    struct mmu_result res;
    bool ok = mmu_translate(cpu, va, MMU_READ, cpu->mmu_idx, &res);
    cpu->fault = saved;
    if (ok)
        *pa = res.pa;
    return ok;
}

static bool access_virt(struct cpu *cpu, uint64_t va, void *buf, size_t len, bool write)
{
    uint8_t *b = buf;
    while (len) {
        size_t chunk = (size_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (chunk > len)
            chunk = len;
        uint64_t pa;
        if (!debug_translate(cpu, va, &pa))
            return false;
        /* Writes to pages holding decoded code drop those blocks (physmem). */
        enum mem_result r = write ? physmem_write_buf(cpu->mem, pa, b, chunk)
                                  : physmem_read_buf(cpu->mem, pa, b, chunk);
        if (r != MEM_OK)
            return false;
        b += chunk;
        va += chunk;
        len -= chunk;
    }
    return true;
}

bool gdb_read_virt(struct cpu *cpu, uint64_t va, void *buf, size_t len)
{
    return access_virt(cpu, va, buf, len, false);
}

bool gdb_write_virt(struct cpu *cpu, uint64_t va, const void *buf, size_t len)
{
    return access_virt(cpu, va, (void *)buf, len, true);
}

/* "ADDR,LEN" */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
    if (!parse_hex(p, addr) || **p != ',')
        return false;
    (*p)++;
    return parse_hex(p, len);
}

static void cmd_read_mem(struct gdbstub *g, const char *args)
{
    uint64_t addr, len;
    if (!parse_addr_len(&args, &addr, &len) || *args) {
        gdb_send(g, "E01");
        return;
    }
    if (len > GDB_PACKET_MAX / 2)
        len = GDB_PACKET_MAX / 2;
    uint8_t buf[GDB_PACKET_MAX / 2];
    char out[GDB_PACKET_MAX + 1];
    if (!gdb_read_virt(g->cpu, addr, buf, len)) {
        gdb_send(g, "E14"); /* EFAULT, as QEMU */
        return;
    }
    gdb_to_hex(out, buf, len);
    gdb_send(g, out);
}

/* 'M' (hex data) and 'X' (binary data, escaped with '}' x^0x20). */
static void cmd_write_mem(struct gdbstub *g, const char *args, size_t avail, bool binary)
{
    const char *start = args;
    uint64_t addr, len;
    if (!parse_addr_len(&args, &addr, &len) || *args != ':' || len > GDB_PACKET_MAX) {
        gdb_send(g, "E01");
        return;
    }
    args++;
    avail -= (size_t)(args - start);
    uint8_t buf[GDB_PACKET_MAX];
    if (binary) {
        size_t i = 0, j = 0;
        while (i < len && j < avail) {
            uint8_t c = (uint8_t)args[j++];
            if (c == '}' && j < avail)
                c = (uint8_t)(args[j++] ^ 0x20);
            buf[i++] = c;
        }
        if (i != len) {
            gdb_send(g, "E01");
            return;
        }
    } else if (avail < 2 * len || !gdb_from_hex(buf, args, len)) {
        gdb_send(g, "E01");
        return;
    }
    if (len && !gdb_write_virt(g->cpu, addr, buf, len)) {
        gdb_send(g, "E14");
        return;
    }
    gdb_send(g, "OK");
}

/* ---- breakpoints and watchpoints ---- */

static void cmd_breakpoint(struct gdbstub *g, const char *args, bool insert)
{
    char type = args[0];
    uint64_t addr, kind;
    const char *p = args + 2;
    if (type < '0' || type > '4' || args[1] != ',' || !parse_addr_len(&p, &addr, &kind)) {
        gdb_send(g, "E01");
        return;
    }
    bool ok;
    if (type == '0' || type == '1') {
        ok = insert ? debug_bp_insert(addr) : debug_bp_remove(addr);
        /* Blocks decoded before do not know about it. */
        cpu_flush_blocks(g->cpu);
    } else {
        enum debug_watch_kind k = type == '2'   ? DEBUG_WATCH_WRITE
                                  : type == '3' ? DEBUG_WATCH_READ
                                                : DEBUG_WATCH_ACCESS;
        ok = insert ? debug_wp_insert(addr, kind, k) : debug_wp_remove(addr, kind, k);
        /* Watched pages must leave (or may rejoin) the fast path. */
        tlb_flush(g->cpu);
    }
    gdb_send(g, ok ? "OK" : "E22");
}

/* ---- resumes ---- */

/* c [ADDR] / s [ADDR] */
static void cmd_resume(struct gdbstub *g, const char *args, bool step)
{
    uint64_t addr;
    if (*args) {
        if (!parse_hex(&args, &addr)) {
            gdb_send(g, "E01");
            return;
        }
        g->cpu->pc = addr;
    }
    gdb_resume(g, step);
}

/* vCont;ACTION[:THREAD][;ACTION...]: one core, so the first action that
 * applies to thread 1 or all threads decides. */
static void cmd_vcont(struct gdbstub *g, const char *args)
{
    while (*args == ';') {
        args++;
        char action = *args;
        const char *thread = strchr(args, ':');
        const char *next = strchr(args, ';');
        bool ours = true;
        if (thread && (!next || thread < next)) {
            long t = strtol(thread + 1, NULL, 16);
            ours = t == 1 || t == -1 || t == 0 || !strncmp(thread + 1, "p1", 2);
        }
        if (ours) {
            if (action == 'c' || action == 'C') {
                gdb_resume(g, false);
                return;
            }
            if (action == 's' || action == 'S') {
                gdb_resume(g, true);
                return;
            }
            gdb_send(g, "E01");
            return;
        }
        args = next ? next : args + strlen(args);
    }
    gdb_send(g, "E01");
}

/* ---- queries ---- */

static void cmd_xfer_features(struct gdbstub *g, const char *args)
{
    /* "ANNEX:OFF,LEN" */
    char annex[64];
    const char *colon = strchr(args, ':');
    if (!colon || (size_t)(colon - args) >= sizeof(annex)) {
        gdb_send(g, "E00");
        return;
    }
    memcpy(annex, args, (size_t)(colon - args));
    annex[colon - args] = '\0';
    const char *doc = gdb_xml_annex(annex);
    uint64_t off, len;
    const char *p = colon + 1;
    if (!doc) {
        gdb_send(g, "E00");
        return;
    }
    if (!parse_addr_len(&p, &off, &len)) {
        gdb_send(g, "E01");
        return;
    }
    size_t total = strlen(doc);
    if (off >= total) {
        gdb_send(g, "l");
        return;
    }
    if (len > GDB_PACKET_MAX - 8)
        len = GDB_PACKET_MAX - 8;
    char out[GDB_PACKET_MAX];
    size_t n = total - off < len ? total - off : len;
    out[0] = off + n >= total ? 'l' : 'm';
    /* The documents hold none of the characters that need escaping. */
    memcpy(out + 1, doc + off, n);
    out[1 + n] = '\0';
    gdb_send(g, out);
}

static void cmd_query(struct gdbstub *g, char *q)
{
    char out[160];
    if (!strncmp(q, "qSupported", 10)) {
        g->multiprocess = strstr(q, "multiprocess+") != NULL;
        snprintf(out, sizeof(out),
                 "PacketSize=%x;qXfer:features:read+;vContSupported+;QStartNoAckMode+%s",
                 GDB_PACKET_MAX, g->multiprocess ? ";multiprocess+" : "");
        gdb_send(g, out);
    } else if (!strncmp(q, "qXfer:features:read:", 20)) {
        cmd_xfer_features(g, q + 20);
    } else if (!strcmp(q, "qAttached") || !strncmp(q, "qAttached:", 10)) {
        gdb_send(g, "1");
    } else if (!strcmp(q, "qC")) {
        snprintf(out, sizeof(out), "QC%s", gdb_thread_id(g));
        gdb_send(g, out);
    } else if (!strcmp(q, "qfThreadInfo")) {
        snprintf(out, sizeof(out), "m%s", gdb_thread_id(g));
        gdb_send(g, out);
    } else if (!strcmp(q, "qsThreadInfo")) {
        gdb_send(g, "l");
    } else if (!strncmp(q, "qThreadExtraInfo,", 17)) {
        char text[32];
        snprintf(text, sizeof(text), "CPU#%u [%s]", g->cpu->index,
                 g->cpu->halted ? "halted " : "running");
        gdb_to_hex(out, text, strlen(text));
        gdb_send(g, out);
    } else if (!strncmp(q, "qRcmd,", 6)) {
        size_t n = strlen(q + 6) / 2;
        char *cmd = malloc(n + 1);
        if (!cmd || !gdb_from_hex(cmd, q + 6, n)) {
            free(cmd);
            gdb_send(g, "E01");
            return;
        }
        cmd[n] = '\0';
        gdb_monitor(g, cmd);
        free(cmd);
        gdb_send(g, "OK");
    } else if (!strcmp(q, "QStartNoAckMode")) {
        gdb_send(g, "OK");
        g->no_ack = true;
    } else {
        gdb_send(g, "");
    }
}

bool gdb_handle_packet(struct gdbstub *g, char *pkt, size_t len)
{
    switch (pkt[0]) {
    case '?': {
        /* As QEMU: whatever stopped the core, SIGTRAP. */
        char reply[32];
        snprintf(reply, sizeof(reply), "T05thread:%s;", gdb_thread_id(g));
        gdb_send(g, reply);
        break;
    }
    case 'g':
        cmd_read_regs(g);
        break;
    case 'G':
        cmd_write_regs(g, pkt + 1);
        break;
    case 'p':
        cmd_read_reg(g, pkt + 1);
        break;
    case 'P':
        cmd_write_reg(g, pkt + 1);
        break;
    case 'm':
        cmd_read_mem(g, pkt + 1);
        break;
    case 'M':
        cmd_write_mem(g, pkt + 1, len - 1, false);
        break;
    case 'X':
        cmd_write_mem(g, pkt + 1, len - 1, true);
        break;
    case 'Z':
    case 'z':
        cmd_breakpoint(g, pkt + 1, pkt[0] == 'Z');
        break;
    case 'c':
        cmd_resume(g, pkt + 1, false);
        break;
    case 's':
        cmd_resume(g, pkt + 1, true);
        break;
    case 'C':
    case 'S': {
        /* Signals mean nothing to a bare machine: CSIG[;ADDR]. */
        const char *addr = strchr(pkt, ';');
        cmd_resume(g, addr ? addr + 1 : "", pkt[0] == 'S');
        break;
    }
    case 'v':
        if (!strncmp(pkt, "vCont?", 6))
            gdb_send(g, "vCont;c;C;s;S");
        else if (!strncmp(pkt, "vCont;", 6))
            cmd_vcont(g, pkt + 5);
        else if (!strncmp(pkt, "vKill", 5)) {
            gdb_send(g, "OK");
            goto kill;
        } else
            gdb_send(g, "");
        break;
    case 'H':
    case 'T':
        gdb_send(g, "OK"); /* one thread: every thread id is it */
        break;
    case 'D':
        gdb_send(g, "OK");
        return false;
    case 'k':
    kill:
        fprintf(stderr, "armvirt: terminated via GDBstub\n");
        pthread_mutex_lock(&g->lock);
        g->killed = true;
        cpu_request_stop(g->cpu);
        pthread_cond_broadcast(&g->cond);
        pthread_mutex_unlock(&g->lock);
        return false;
    case 'q':
    case 'Q':
        cmd_query(g, pkt);
        break;
    default:
        gdb_send(g, "");
        break;
    }
    return true;
}
