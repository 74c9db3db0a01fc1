/* SPDX-License-Identifier: MIT */
/* Frame-pointer backtraces, symbolized with the kernel's symbol table. */
#ifndef CAIRN_CORE_BACKTRACE_H
#define CAIRN_CORE_BACKTRACE_H

#include <stdint.h>

/* Print "<name+0xoff>" for a code address, or "<?>". */
void backtrace_print_symbol(uint64_t addr);

/* Print the chain of return addresses starting at pc with frame pointer fp.
 * Stops at a null, misaligned or non-kernel frame pointer, or after a
 * bounded number of frames, so a corrupt stack cannot loop it. */
void backtrace_print(uint64_t pc, uint64_t fp);

/* The same for a trap frame, also showing the word at the stack top (the
 * caller of a frameless leaf function). */
void backtrace_print_trap(uint64_t pc, uint64_t fp, uint64_t sp);

#endif
