/* SPDX-License-Identifier: MIT */
/*
 * Deliberate kernel faults, asked for with `crash=<kind>` on the command
 * line, so tests can check that a fault's dump names the faulting function.
 * Kinds: pagefault, gp, ud, divide, panic, stack (overflow into the guard
 * page, caught by the double-fault handler on its own stack), and for the
 * sanitizers of the test kernel: ubsan (a signed overflow), ubsan-bounds (an
 * array index out of bounds) and stackprotector (a local buffer overrun over
 * the stack guard); a kernel built without them returns from those.
 */
#ifndef CAIRN_CORE_CRASH_H
#define CAIRN_CORE_CRASH_H

void crash_trigger(const char *kind);

#endif
