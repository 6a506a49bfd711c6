/*
 * Log categories as QEMU's -d spells them (in_asm, int, exec, cpu, mmu,
 * guest_errors, unimp), the -D log file and the -dfilter address ranges.
 *
 * Every category is one bit of log_mask, set once at start-up before any
 * vCPU thread runs, so a disabled category costs one load and one
 * predicted-not-taken branch where it is tested (and in_asm, exec and cpu
 * are only tested when a block is decoded, see exec.c).
 */
#ifndef ARMVIRT_LOG_H
#define ARMVIRT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

enum log_category {
    LOG_IN_ASM = 1u << 0,       /* each block's disassembly when it is decoded */
    LOG_INT = 1u << 1,          /* every exception taken */
    LOG_EXEC = 1u << 2,         /* each block as it is entered */
    LOG_CPU = 1u << 3,          /* registers at each block entry */
    LOG_MMU = 1u << 4,          /* translations the TLB fills, and faults */
    LOG_GUEST_ERROR = 1u << 5,  /* the guest did something wrong */
    LOG_UNIMP = 1u << 6,        /* the guest used something not modelled */
    LOG_NOCHAIN = 1u << 7,      /* accepted; chaining is off whenever exec/cpu trace */
    LOG_DEV_TRACE = 1u << 8,    /* device register accesses (trace:pl011* etc.) */
};

extern unsigned log_mask;

static inline bool log_enabled(unsigned cat)
{
    return unlikely(log_mask & cat);
}

/* -d ITEM[,ITEM...]: sets log_mask. "help" lists the items on stdout and
 * sets *help. False with a message in err for an unknown item. */
bool log_parse_items(const char *spec, bool *help, char *err, size_t errlen);
/* -D FILE: the log goes there instead of stderr. */
bool log_open_file(const char *path, char *err, size_t errlen);
/* -dfilter ADDR+SIZE|ADDR..END|ADDR-SIZE[,...] (QEMU's forms: ADDR-SIZE
 * means the SIZE bytes ending at ADDR; ..END is inclusive). */
bool log_parse_dfilter(const char *spec, char *err, size_t errlen);
/* True if [addr, addr+size) overlaps a -dfilter range, or there is no filter. */
bool log_in_filter(uint64_t addr, uint64_t size);
void log_close(void);

/* Print to the log. One call is written whole; a multi-line record that must
 * not interleave with another thread's is bracketed by log_lock/log_unlock
 * and written with log_printf_locked. */
__attribute__((format(printf, 1, 2))) void log_printf(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_printf_locked(const char *fmt, ...);
void log_lock(void);
void log_unlock(void);
/* log_printf when cat is enabled: for device models. */
#define log_cat(cat, ...)                 \
    do {                                  \
        if (log_enabled(cat))             \
            log_printf(__VA_ARGS__);      \
    } while (0)

#endif
