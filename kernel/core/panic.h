/* SPDX-License-Identifier: MIT */
/*
 * panic() stops the machine on a broken kernel invariant. It prints the
 * message, the registers of the caller and a symbolized backtrace. In a
 * test boot it then leaves QEMU with the failure status, so a test run
 * never waits for a time-out to learn of a panic.
 *
 * assert() is for kernel invariants only; user input never reaches one.
 */
#ifndef CAIRN_CORE_PANIC_H
#define CAIRN_CORE_PANIC_H

#include <stdbool.h>

_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The two halves, for fault handlers that print their own dump between.
 * panic_begin stops every other CPU with an NMI. */
void panic_begin(void);
_Noreturn void panic_end(void);

/* Whether some CPU has begun a panic: the NMI handler halts a CPU that
 * takes an NMI while this holds. */
bool panic_in_progress(void);

#define assert(cond)                                                          \
    do {                                                                      \
        if (__builtin_expect(!(cond), 0))                                     \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

#endif
