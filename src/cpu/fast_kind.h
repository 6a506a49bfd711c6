#ifndef ARMVIRT_FAST_KIND_H
#define ARMVIRT_FAST_KIND_H

/*
 * The run loop's inline forms: the commonest integer instructions run as
 * code inside the run loop instead of through a call, which on the hosts we
 * measured costs more than the work of the instruction itself.
 * Each case is the same computation as the row's executor, written with the
 * same helpers (reg_read, alu_adds64, cpu_load...); the executor stays the
 * reference and is used for every form not listed here. FAST_END is the
 * sentinel op after a block's last op. The code generator (jit.h)
 * translates ops by these kinds too.
 */
enum fast_kind {
    FAST_CALL = 0,
    FAST_END,
    FAST_NOP,     /* HINT, and a B that block decoding follows */
    FAST_BL_ON,   /* a BL that block decoding follows: only X30 changes */
    FAST_ADD_IMM, FAST_SUB_IMM, FAST_SUBS_IMM, FAST_CMP_IMM,
    /* Shifted register, by shift type in the order of the encoding's
     * field (alu_shift64): a kind's _LSL value plus op->a. ADD/SUB have
     * no ROR (the row rejects it) but keep the layout. */
    FAST_ADD_LSL, FAST_ADD_LSR, FAST_ADD_ASR, FAST_ADD_ROR,
    FAST_SUB_LSL, FAST_SUB_LSR, FAST_SUB_ASR, FAST_SUB_ROR,
    FAST_SUBS_LSL, FAST_SUBS_LSR, FAST_SUBS_ASR, FAST_SUBS_ROR,
    FAST_CMP_LSL, FAST_CMP_LSR, FAST_CMP_ASR, FAST_CMP_ROR,
    FAST_AND_LSL, FAST_AND_LSR, FAST_AND_ASR, FAST_AND_ROR,
    FAST_ORR_LSL, FAST_ORR_LSR, FAST_ORR_ASR, FAST_ORR_ROR,
    FAST_EOR_LSL, FAST_EOR_LSR, FAST_EOR_ASR, FAST_EOR_ROR,
    FAST_MOV_REG,
    FAST_AND_IMM, FAST_ORR_IMM, FAST_EOR_IMM, FAST_SET_IMM, FAST_MOVK,
    FAST_ADD_IMM_W, FAST_SUB_IMM_W,
    FAST_CSEL, FAST_CSINC, FAST_MADD, FAST_MUL, FAST_UBFM, FAST_SBFM,
    FAST_ADDS_IMM_W, FAST_SUBS_IMM_W,
    FAST_LDR_IMM, FAST_STR_IMM, FAST_LDR_REG, FAST_STR_REG, FAST_LDP, FAST_STP,
    FAST_LDR_W_IMM, FAST_STR_W_IMM, FAST_LDRB_IMM, FAST_STRB_IMM, FAST_STP_PRE, FAST_LDP_POST,
    FAST_B, FAST_BL, FAST_CBZ, FAST_CBNZ, FAST_TBZ, FAST_TBNZ, FAST_RET,
    FAST_CBZ_W, FAST_CBNZ_W, FAST_BR, FAST_BLR,
    FAST_ADDS_LSL, FAST_ADDS_LSR, FAST_ADDS_ASR, FAST_ADDS_ROR,
    FAST_ADD_EXT, FAST_ADC, FAST_ADD_W, FAST_SUB_W, FAST_SUBS_W, FAST_MOV_W,
    FAST_LDRB_REG, FAST_LDRH_REG, FAST_LDR_W_REG,
    FAST_CCMP_X, FAST_CCMP_IMM_W, FAST_CCMP_IMM_X, FAST_ADD_IMM_SP, FAST_SUB_IMM_SP,
    FAST_AND_IMM_W, FAST_EOR_W, FAST_LSLV, FAST_LSRV,
    FAST_ANDS_IMM_X, FAST_ANDS_IMM_W, FAST_EXTR_W, FAST_CSINC_W, FAST_CSINV_W,
    FAST_LDRH_IMM, FAST_LDRB_PRE, FAST_LDRB_POST, FAST_STRB_POST, FAST_STR_POST,
    FAST_LDTR, FAST_STTR, FAST_STRH_IMM, FAST_LDRSW_IMM,
    FAST_LDR_Q_IMM, FAST_LDR_Q_REG, FAST_STR_Q_IMM, FAST_LDP_Q, FAST_STP_Q,
    /* B.cond, one kind per condition (FAST_B_COND + cond), so each tests
     * its own condition with no lookup. */
    FAST_B_COND, FAST_B_COND_LAST = FAST_B_COND + 15,
};

#endif
