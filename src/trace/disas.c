/*
 * -d in_asm: disassembly of each decoded block by Capstone, in QEMU 7.2's
 * layout ("0x40000000:  580001c0  ldr      x0, #0x40000038"), so the lines of
 * the two logs can be compared.
 */
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>

#include "cpu/op.h"
#include "trace/trace.h"

/* Capstone is loaded when in_asm first needs it, so nothing links against
 * it and a machine without it still runs: in_asm then prints the words
 * alone. */
static cs_err (*p_cs_open)(cs_arch arch, cs_mode mode, csh *handle);
static size_t (*p_cs_disasm)(csh handle, const uint8_t *code, size_t size, uint64_t address,
                             size_t count, cs_insn **insn);
static void (*p_cs_free)(cs_insn *insn, size_t count);

static bool capstone_load(void)
{
    static const char *const names[] = {"libcapstone.so.4", "libcapstone.so.5", "libcapstone.so"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        void *lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!lib)
            continue;
        *(void **)&p_cs_open = dlsym(lib, "cs_open");
        *(void **)&p_cs_disasm = dlsym(lib, "cs_disasm");
        *(void **)&p_cs_free = dlsym(lib, "cs_free");
        if (p_cs_open && p_cs_disasm && p_cs_free)
            return true;
        dlclose(lib);
    }
    return false;
}

static pthread_mutex_t cs_lock = PTHREAD_MUTEX_INITIALIZER;
static csh cs_handle;
static bool cs_ready, cs_failed;

void trace_disas(char *buf, size_t len, uint64_t pc, uint32_t insn)
{
    uint8_t bytes[4] = {(uint8_t)insn, (uint8_t)(insn >> 8), (uint8_t)(insn >> 16),
                        (uint8_t)(insn >> 24)};
    pthread_mutex_lock(&cs_lock);
    if (!cs_ready && !cs_failed) {
        if (capstone_load() &&
            p_cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &cs_handle) == CS_ERR_OK)
            cs_ready = true;
        else
            cs_failed = true;
    }
    cs_insn *ci = NULL;
    size_t count = cs_ready ? p_cs_disasm(cs_handle, bytes, 4, pc, 1, &ci) : 0;
    if (count == 1)
        snprintf(buf, len, "0x%08" PRIx64 ":  %08" PRIx32 "  %-8s %s", pc, insn, ci->mnemonic,
                 ci->op_str);
    else
        /* Capstone knows no such instruction (unallocated, or newer): the
         * bytes, as QEMU shows them. */
        snprintf(buf, len,
                 "0x%08" PRIx64 ":  %08" PRIx32 "  .byte    0x%02x, 0x%02x, 0x%02x, 0x%02x", pc,
                 insn, bytes[0], bytes[1], bytes[2], bytes[3]);
    if (count)
        p_cs_free(ci, count);
    pthread_mutex_unlock(&cs_lock);
}

void trace_in_asm(const struct op *ops, unsigned n)
{
    char line[160];
    log_lock();
    log_printf_locked("----------------\nIN: \n");
    for (unsigned i = 0; i < n; i++) {
        trace_disas(line, sizeof(line), ops[i].pc, ops[i].insn);
        log_printf_locked("%s\n", line);
    }
    log_printf_locked("\n");
    log_unlock();
}
