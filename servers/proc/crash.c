// SPDX-License-Identifier: MIT
/*
 * proc's crash reports (crash.h, docs/proc.md "Crash reports").
 *
 * A report never waits long: the names come from the image proc already
 * holds (mapped, read with lib/elfsym, whose checks make a malformed image
 * give addresses without names, never a fault of proc), and the one
 * blocking step, the write to the process's standard error, has a time
 * limit; a stream that does not take the report in time (a full pipe, a
 * stuck server) gets no more, and the report goes to proc's own output.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/fault.h>
#include <cairn/sys.h>
#include <elfsym/elfsym.h>
#include <proto/io.h>

#include "crash.h"
#include "table.h"

#define MS_NS            1000000ull
#define CRASH_WRITE_WAIT (200 * MS_NS) /* for the whole report on stderr */
#define CRASH_TEXT_MAX   2048          /* 17 lines of at most ~100 bytes */

static struct {
    long image, err; /* handles, or <= 0: none (0 is proc's own process) */
    uint64_t size;
    int reported; /* one report a process: a second thread's fault is not news */
} crash_slots[PROC_MAX];

void
crash_keep(unsigned slot, long image, uint64_t size, long err)
{
    crash_slots[slot].image = image;
    crash_slots[slot].size = size;
    crash_slots[slot].err = err;
    crash_slots[slot].reported = 0;
}

void
crash_forget(unsigned slot)
{
    if (crash_slots[slot].image > 0)
        cairn_handle_close(crash_slots[slot].image);
    if (crash_slots[slot].err > 0)
        cairn_handle_close(crash_slots[slot].err);
    crash_slots[slot].image = crash_slots[slot].err = -1;
    crash_slots[slot].size = 0;
}

/* What the CPU called it. */
static const char *
crash_vector_name(uint64_t vector)
{
    switch (vector) {
    case CAIRN_FAULT_VEC_DIVIDE:
        return "divide error";
    case CAIRN_FAULT_VEC_DEBUG:
        return "debug trap";
    case CAIRN_FAULT_VEC_BREAKPOINT:
        return "breakpoint";
    case CAIRN_FAULT_VEC_OVERFLOW:
        return "overflow";
    case CAIRN_FAULT_VEC_BOUND:
        return "bound range exceeded";
    case CAIRN_FAULT_VEC_INVALID_OP:
        return "invalid opcode";
    case CAIRN_FAULT_VEC_SEGMENT:
        return "segment not present";
    case CAIRN_FAULT_VEC_STACK:
        return "stack-segment fault";
    case CAIRN_FAULT_VEC_GP:
        return "general protection fault";
    case CAIRN_FAULT_VEC_PAGE:
        return "page fault";
    case CAIRN_FAULT_VEC_X87:
        return "x87 floating-point error";
    case CAIRN_FAULT_VEC_ALIGNMENT:
        return "alignment check";
    case CAIRN_FAULT_VEC_SIMD:
        return "SIMD floating-point error";
    default:
        return "exception";
    }
}

/* Appends to out (at *len, cap bytes), cutting what does not fit. */
static void crash_put(char *out, size_t *len, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
crash_put(char *out, size_t *len, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*len >= cap - 1)
        return;
    va_start(ap, fmt);
    n = vsnprintf(out + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n < cap - *len ? (size_t)n : cap - 1 - *len;
}

/* One backtrace line: frame i at addr; a return address (i > 0) is
 * named by the call before it, which may end its function. */
static void
crash_frame(char *out, size_t *len, const struct elfsym *syms, unsigned i, uint64_t addr)
{
    uint64_t off = 0, at = i > 0 && addr > 0 ? addr - 1 : addr;
    const char *name = syms ? elfsym_lookup(syms, at, &off) : NULL;

    if (name)
        crash_put(out, len, CRASH_TEXT_MAX, "  #%u 0x%lx %s+0x%lx\n", i, (unsigned long)addr, name,
                  (unsigned long)(off + (addr - at)));
    else
        crash_put(out, len, CRASH_TEXT_MAX, "  #%u 0x%lx\n", i, (unsigned long)addr);
}

/* The report's text into out: the fault line, then the frames. */
static size_t
crash_format(char *out, const char *name, int32_t pid, const struct cairn_msg *msg,
             const struct cairn_fault_msg *fm, uint64_t depth, const struct elfsym *syms)
{
    uint64_t vector = msg->w[0], error = msg->w[1];
    size_t len = 0;

    crash_put(out, &len, CRASH_TEXT_MAX, "%s[%d]: %s", name, (int)pid, crash_vector_name(vector));
    if (vector == CAIRN_FAULT_VEC_PAGE)
        crash_put(out, &len, CRASH_TEXT_MAX, " at 0x%lx (%s, %s)", (unsigned long)msg->w[2],
                  error & 16  ? "execute"
                  : error & 2 ? "write"
                              : "read",
                  error & 1 ? "protection" : "not present");
    else if (vector == CAIRN_FAULT_VEC_GP && error)
        crash_put(out, &len, CRASH_TEXT_MAX, " (error 0x%lx)", (unsigned long)error);
    else if (!strcmp(crash_vector_name(vector), "exception"))
        crash_put(out, &len, CRASH_TEXT_MAX, " %lu", (unsigned long)vector);
    crash_put(out, &len, CRASH_TEXT_MAX, " rip 0x%lx\n", (unsigned long)fm->regs.rip);
    crash_frame(out, &len, syms, 0, fm->regs.rip);
    for (uint64_t i = 0; i < depth; i++)
        crash_frame(out, &len, syms, (unsigned)i + 1, fm->trace[i]);
    return len;
}

/* Writes text to the stream h within CRASH_WRITE_WAIT: 0, or -1 when it
 * was not all taken. */
static int
crash_write(long h, const char *text, size_t len)
{
    uint64_t deadline = cairn_clock_get() + CRASH_WRITE_WAIT;

    while (len > 0) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_IO_WRITE, len, 0, 0, 0}, &ext};
        uint64_t now = cairn_clock_get();

        if (now >= deadline)
            return -1;
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)text;
        ext.send_len = (uint32_t)len;
        if (cairn_ipc_call_timed(h, &msg, deadline - now) < 0 || (int64_t)msg.w[0] <= 0 ||
            msg.w[0] > len)
            return -1;
        text += msg.w[0];
        len -= msg.w[0];
    }
    return 0;
}

void
crash_report(unsigned slot, const char *name, int32_t pid, const struct cairn_msg *msg,
             const void *buf, uint32_t len)
{
    static char text[CRASH_TEXT_MAX];
    struct cairn_fault_msg fm;
    struct elfsym syms;
    uint64_t depth, map = 0;
    long at = -1;
    int have_syms = 0;
    size_t n;

    if (slot >= PROC_MAX || crash_slots[slot].reported)
        return;
    crash_slots[slot].reported = 1;
    memset(&fm, 0, sizeof(fm));
    memcpy(&fm, buf, len < sizeof(fm) ? len : sizeof(fm));
    depth = len >= CAIRN_FAULT_MSG_LEN(0) ? (len - CAIRN_FAULT_MSG_LEN(0)) / 8 : 0;
    if (depth > fm.depth)
        depth = fm.depth;
    if (depth > CAIRN_FAULT_TRACE_MAX)
        depth = CAIRN_FAULT_TRACE_MAX;
    if (crash_slots[slot].image > 0) {
        map = (crash_slots[slot].size + 4095) & ~4095ull;
        at = cairn_vm_map(crash_slots[slot].image, 0, map, 0, CAIRN_PROT_READ, 0);
        have_syms = at >= 0 && elfsym_open(&syms, (const void *)(uintptr_t)at,
                                           (size_t)crash_slots[slot].size) == 0;
    }
    n = crash_format(text, name, pid, msg, &fm, depth, have_syms ? &syms : NULL);
    if (at >= 0)
        cairn_vm_unmap((uint64_t)at, map);
    if (crash_slots[slot].err > 0 && crash_write(crash_slots[slot].err, text, n) == 0)
        return;
    printf("%s", text); /* proc's own output: the kernel's log */
}
