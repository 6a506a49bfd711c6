/*
 * The gdbstub's pieces: connection and run state (gdbstub.c), the packet
 * commands (gdb_cmds.c), the target description (gdb_xml.c) and the monitor
 * commands (gdb_monitor.c).
 */
#ifndef ARMVIRT_GDB_INTERNAL_H
#define ARMVIRT_GDB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "util.h"

/* Bigger than any packet we send (a 'g' reply is 33*16+8 hex digits; the
 * biggest memory read is bounded by this) and what we advertise. */
#define GDB_PACKET_MAX 4096

struct gdbstub {
    struct cpu *cpu;
    int listen_fd;
    int fd;                    /* the connection, -1 when none */
    unsigned port;
    pthread_t thread;
    bool thread_started;

    /* The run state, under lock; cond signals every change. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool running;              /* the core may run */
    bool stepping;             /* ...one instruction */
    bool parked;               /* the vCPU thread waits in gdb_before_run */
    bool stop_wanted;          /* stop at the next boundary (Ctrl-C, connect) */
    bool reply_on_stop;        /* a c/s/vCont waits for its stop reply */
    bool killed, finished, closing;

    /* Output, from the stub thread or (stop replies) the vCPU thread. */
    pthread_mutex_t send_lock;
    bool no_ack;
    bool multiprocess;         /* gdb offered multiprocess+: ids are pPID.TID */
    char last_sent[GDB_PACKET_MAX + 8];
};

/* The core's thread id as gdb wants it spelt ("01" or "p01.01"). */
const char *gdb_thread_id(const struct gdbstub *g);
/* Sends one packet (framed and checksummed); false if the connection is gone. */
bool gdb_send(struct gdbstub *g, const char *data);
/* Handles one packet's payload; false ends the connection (detach, kill). */
bool gdb_handle_packet(struct gdbstub *g, char *pkt, size_t len);
/* Lets the core run (c, s, vCont): the stop reply is sent when it stops. */
void gdb_resume(struct gdbstub *g, bool step);

/* The target description documents (NULL if no such annex). */
const char *gdb_xml_annex(const char *name);

/* qRcmd: runs a monitor command; output goes out through gdb_monitor_out. */
void gdb_monitor(struct gdbstub *g, const char *cmd);
__attribute__((format(printf, 2, 3))) void gdb_monitor_out(struct gdbstub *g, const char *fmt,
                                                            ...);

/* Reads guest memory at virtual address va through the current translation
 * (no exception is raised; the fault record is left as it was). */
bool gdb_read_virt(struct cpu *cpu, uint64_t va, void *buf, size_t len);
bool gdb_write_virt(struct cpu *cpu, uint64_t va, const void *buf, size_t len);

/* Hex helpers (single digits: hex_digit_value in util.h). */
void gdb_to_hex(char *out, const void *buf, size_t len);
bool gdb_from_hex(void *buf, const char *hex, size_t len);

#endif
