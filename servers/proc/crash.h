/* SPDX-License-Identifier: MIT */
/*
 * proc's crash reports (docs/proc.md, "Crash reports"): proc is the
 * exception endpoint of every process it starts, and a fault of one
 * comes to its endpoint as a call (include/cairn/fault.h) badged
 * PROC_FAULT_BADGE | pid. proc writes a report (the fault, then a
 * backtrace named from the program's function table, lib/elfsym) to the
 * process's standard error, or its own output (the kernel's log) when the
 * process has none or it does not take the report in time, and answers
 * CAIRN_FAULT_KILL_PROCESS, so the parent still sees
 * PROTO_STATUS_FAULTED | vector.
 *
 * Per slot of the table (the same index as servers/proc/table.h's), what
 * a report needs and the process's start leaves: the memory object of its
 * image (which the process's code is mapped from anyway, so keeping it
 * costs no memory) and a copy of its standard error's handle.
 */
#ifndef CAIRN_SERVERS_PROC_CRASH_H
#define CAIRN_SERVERS_PROC_CRASH_H

#include <stdint.h>

#include <cairn/sys.h>

/* The badge bit of fault calls; below it, the pid. Requests carry pids
 * (or 0) alone, and only the kernel holds handles with this bit. */
#define PROC_FAULT_BADGE (1ull << 32)

/* Keeps the image (size bytes) and a copy of stderr (or -1) of the
 * process in slot; their handles are the slot's until crash_forget. */
void crash_keep(unsigned slot, long image, uint64_t size, long err);

/* The process in slot ended: its handles go. */
void crash_forget(unsigned slot);

/* Writes the report of the fault in msg (words) and buf (len bytes: a
 * struct cairn_fault_msg, possibly cut short) of the process called name
 * with pid in slot. Takes at most a few hundred milliseconds. */
void crash_report(unsigned slot, const char *name, int32_t pid, const struct cairn_msg *msg,
                  const void *buf, uint32_t len);

#endif
