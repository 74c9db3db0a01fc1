/* SPDX-License-Identifier: MIT */
/*
 * Kernel log. Messages below the level chosen on the command line
 * (log=debug|info|warn|error) are dropped. The kernel implements klog() in
 * console/log.c; host tests link their own recording version, so pure code
 * may log freely.
 */
#ifndef CAIRN_LIB_LOG_H
#define CAIRN_LIB_LOG_H

enum log_level {
    LOG_DEBUG = 0,
    LOG_INFO = 1,
    LOG_WARN = 2,
    LOG_ERROR = 3,
    LOG_FAULT = 4, /* a fault report: always shown, and always on serial (console.c) */
};

void klog(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) klog(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  klog(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  klog(LOG_WARN, __VA_ARGS__)
#define log_error(...) klog(LOG_ERROR, __VA_ARGS__)
#define log_fault(...) klog(LOG_FAULT, __VA_ARGS__)

/*
 * A broken kernel invariant caught by a check: a double free, a free of
 * memory the allocator never gave, a reference dropped below zero. Going
 * on would corrupt memory, so the kernel panics (kernel/core/panic.c: a
 * "kernel bug" report with a backtrace); host tests link a version that
 * counts the reports and returns, so they can show that each check works.
 * Never for what a user process can cause: that gets an error code.
 */
void kbug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
