// SPDX-License-Identifier: MIT
/*
 * klog() and kbug() for host tests: print to stderr and remember how many
 * messages of each level, and how many bug reports, there were, so a test
 * can assert that bad input or a broken invariant was reported.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"
#include "log_stub.h"

unsigned log_stub_count[4];
unsigned log_stub_bugs;

void
klog(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    if ((unsigned)level < 4)
        log_stub_count[level]++;
    if (level < LOG_WARN)
        return;
    va_start(ap, fmt);
    fputs(level == LOG_WARN ? "  [warn] " : "  [error] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void
kbug(const char *fmt, ...)
{
    va_list ap;

    log_stub_bugs++;
    va_start(ap, fmt);
    fputs("  [bug] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void
log_stub_reset(void)
{
    for (unsigned i = 0; i < 4; i++)
        log_stub_count[i] = 0;
    log_stub_bugs = 0;
}
