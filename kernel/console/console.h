/* SPDX-License-Identifier: MIT */
/*
 * The kernel console: every byte goes to COM1 and, once one is attached, to
 * the framebuffer console. Output is serialized by one lock taken with
 * interrupts off, so lines from different CPUs do not interleave within a
 * kprintf() call. A history buffer keeps what was printed before the
 * framebuffer was attached and replays it there. Everything written is
 * also kept in the kernel log ring (klog.h), which klog_read reads.
 */
#ifndef CAIRN_CONSOLE_CONSOLE_H
#define CAIRN_CONSOLE_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#include "boot/boot_info.h"
#include "lib/log.h"

void console_init(void);
/* Draw the console on the framebuffer too; mapped is its virtual address. */
int console_attach_fb(const struct boot_fb *fb, void *mapped);
void console_write(const char *s, size_t len);
/*
 * console_write for output from outside the kernel (debug_write): the
 * lock, and with it interrupts, is dropped after each line, so text with
 * many newlines does not keep interrupts off while the framebuffer
 * scrolls once for each. Another CPU's output may come between two lines
 * of it, never inside one.
 */
void console_write_lines(const char *s, size_t len);
/*
 * A user-space driver claims a device (CAIRN_CONSOLE_SERIAL or
 * _FRAMEBUFFER): the console stops writing to it but for forced output
 * (a panic, a LOG_FAULT line), which still reaches serial. -CAIRN_EBUSY if
 * it is claimed already, -CAIRN_ENOENT for a framebuffer that is not
 * there. console_release gives it back.
 */
int console_claim(unsigned device);
void console_release(unsigned device);

/*
 * The kernel log (console/klog.h): copies the record numbered seq, or the
 * oldest after it if seq was overwritten, into out (CAIRN_KLOG_READ_MIN
 * bytes); returns its size, or 0 if there is none yet.
 */
size_t console_log_copy(uint64_t seq, void *out);
/* The number the next record will get. */
uint64_t console_log_next_seq(void);

/* After a panic: stop taking the lock (its holder may be stuck). */
void console_panic_mode(void);

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

/* Messages below this level are dropped. */
void log_set_level(enum log_level level);
/* Parse "debug", "info", "warn" or "error"; returns -1 for anything else. */
int log_level_parse(const char *name);

#endif
