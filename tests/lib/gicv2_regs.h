/* GICv2 register offsets (Arm IHI 0048B, 4.1.2: distributor, 4.1.3: CPU
 * interface), for the tests that drive a GIC: the bare-metal guests
 * (tests/guest) through the virt board's frames and the unit tests
 * (tests/unit) through the device's callbacks. Plain defines only, so both
 * the cross compiler's freestanding builds and the host's can include it. */
#ifndef TESTS_GICV2_REGS_H
#define TESTS_GICV2_REGS_H

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_SPENDSGIR 0xf20

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_APR0 0xd0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000

/* GICD_SGIR.TargetListFilter = 2: the SGI goes to the requesting CPU only. */
#define SGI_SELF (2u << 24)

#endif
