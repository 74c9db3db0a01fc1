// SPDX-License-Identifier: MIT
/*
 * klog() for the host fuzzers: silent, but counting the messages of each
 * level so that a fuzzer can check how a parser reported bad input; and
 * kbug(), a crash, as the kernel's is a panic.
 * FUZZ_LOG=1 in the environment prints them too, for reading what a parser
 * said about one crash file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

unsigned fuzz_log_count[4];

void
klog(enum log_level level, const char *fmt, ...)
{
    static int verbose = -1;
    va_list ap;

    if ((unsigned)level < 4)
        fuzz_log_count[level]++;
    if (verbose < 0)
        verbose = getenv("FUZZ_LOG") != NULL;
    if (!verbose)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "  [log %d] ", (int)level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* A broken kernel invariant: the kernel would panic, so the fuzzer crashes. */
void
kbug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("kernel bug: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void
fuzz_log_reset(void)
{
    for (unsigned i = 0; i < 4; i++)
        fuzz_log_count[i] = 0;
}
