/*
 * The CPU's traces, in the shapes QEMU 7.2's -d prints them, so logs can be
 * compared line by line: in_asm (each block's disassembly by Capstone when it
 * is decoded), exec and cpu (each block as it is entered, with registers),
 * int (each exception taken), mmu (TLB fills and translation faults).
 * Callers test log_enabled() first; nothing here is on a fast path.
 */
#ifndef ARMVIRT_TRACE_H
#define ARMVIRT_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "trace/log.h"

struct op;

/* in_asm: "IN:" and one line per instruction of a decoded block. */
void trace_in_asm(const struct op *ops, unsigned n);
/* One instruction as "0xADDR:  WORD  mnemonic operands" into buf. */
void trace_disas(char *buf, size_t len, uint64_t pc, uint32_t insn);

/* The leading op of a block decoded while exec or cpu tracing is on: logs
 * the block's entry ("Trace N: ...") and/or the registers. */
enum exec_status trace_op_entry(struct cpu *cpu, const struct op *op);
/* The register dump -d cpu prints (also used by the gdbstub's monitor). */
void trace_cpu_state(const struct cpu *cpu, void (*out)(const char *fmt, ...));

/* int: an exception was taken from from_el (cpu is in its handler now).
 * far_valid for aborts, which QEMU logs with their FAR. */
void trace_exception(const struct cpu *cpu, unsigned from_el, uint32_t esr, bool is_irq,
                     unsigned vector_kind, bool far_valid);

/* int: calls the emulator's firmware answers instead of taking an
 * exception, logged as QEMU does ("Taking exception 16 [Semihosting call]",
 * "Taking exception 11 [Hypervisor Call] ... handled as PSCI call"). */
void trace_semihosting_call(const struct cpu *cpu);
void trace_psci_call(const struct cpu *cpu, bool smc, uint16_t imm);

#endif
