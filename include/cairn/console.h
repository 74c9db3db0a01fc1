/* SPDX-License-Identifier: MIT */
/*
 * The kernel console seen from user space: the kernel log and the console
 * hand-off (docs/ipc.md, "The kernel log and the console hand-off"; the
 * calls are klog_read and console_claim in docs/syscalls.md). Shared by
 * the kernel and libc.
 *
 * Everything the kernel's console prints (its log lines, its other
 * output, and what processes write with debug_write) is also kept as
 * records in a ring in the kernel, CAIRN_KLOG_RING_SIZE bytes; when full,
 * the oldest records give way. Each record has a sequence number, one
 * more than the record before it since boot, so a reader that asks for
 * record N and gets first a record M > N knows that M - N records were
 * overwritten before it could read them: nothing is lost silently.
 *
 * A CAIRN_OBJ_CONSOLE handle stands for the console. init's (include/
 * cairn/init.h) has READ, to read the log, and MANAGE, to claim a device.
 * console_claim gives a new console handle that is the claim: while it
 * exists the kernel writes nothing to that device but a panic or a fault
 * report (which always reach the serial port); the records still go into
 * the ring. Closing the claim's last handle (or the end of the process
 * holding it) hands the device back to the kernel.
 *
 * Fixed-width types only, no pointers, explicit sizes checked at compile
 * time.
 */
#ifndef CAIRN_CONSOLE_H
#define CAIRN_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* console_claim devices; also the bits of a record's `shown`. */
#define CAIRN_CONSOLE_SERIAL      1u /* COM1 */
#define CAIRN_CONSOLE_FRAMEBUFFER 2u /* the boot framebuffer's text console */

/* Record sources. */
#define CAIRN_KLOG_KERNEL 0u /* the kernel's own output */
#define CAIRN_KLOG_USER   1u /* a process's debug_write */
#define CAIRN_KLOG_FORCED \
    2u /* flag: a panic or fault report, written to serial whatever the claims */

#define CAIRN_KLOG_RING_SIZE 65536u /* bytes of records the kernel keeps */
#define CAIRN_KLOG_TEXT_MAX  512u   /* longest text of one record; longer writes are split */

/*
 * One record as klog_read stores it: this header, then len bytes of text
 * (no NUL; a line keeps its '\n'), then zero padding up to the next
 * multiple of 8 bytes, where the next record starts.
 */
struct cairn_klog_record {
    uint64_t seq;     /* 0 for the first record since boot */
    uint64_t time_ns; /* the monotonic clock when it was written */
    uint16_t len;     /* bytes of text, at most CAIRN_KLOG_TEXT_MAX */
    uint8_t source;   /* CAIRN_KLOG_KERNEL or _USER, | CAIRN_KLOG_FORCED */
    uint8_t shown;    /* CAIRN_CONSOLE_* bits: the devices it was written to */
    uint32_t reserved;
};

_Static_assert(sizeof(struct cairn_klog_record) == 24, "cairn_klog_record is ABI");
_Static_assert(offsetof(struct cairn_klog_record, len) == 16, "cairn_klog_record is ABI");

/* The bytes a record of len bytes of text takes in klog_read's buffer. */
#define CAIRN_KLOG_RECORD_SIZE(len) ((24u + (uint32_t)(len) + 7u) & ~7u)

/* The smallest buffer klog_read takes: room for the longest record. */
#define CAIRN_KLOG_READ_MIN CAIRN_KLOG_RECORD_SIZE(CAIRN_KLOG_TEXT_MAX)

#endif
