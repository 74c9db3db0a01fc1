// SPDX-License-Identifier: MIT
/*
 * klog() for host tests: prints to stderr and remembers how many messages of
 * each level were logged, so a test can assert that bad input was reported.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"
#include "log_stub.h"

unsigned log_stub_count[4];

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
log_stub_reset(void)
{
    for (unsigned i = 0; i < 4; i++)
        log_stub_count[i] = 0;
}
