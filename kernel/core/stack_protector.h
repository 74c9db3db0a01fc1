/* SPDX-License-Identifier: MIT */
/*
 * The stack protector of the test kernel (built with -fstack-protector-strong;
 * see stack_protector.c). In a kernel built without it, nothing reads the
 * guard and seeding it is harmless.
 */
#ifndef CAIRN_CORE_STACK_PROTECTOR_H
#define CAIRN_CORE_STACK_PROTECTOR_H

/* Seed the guard from RDRAND (where the CPU has it) and the time stamp
 * counter. Called once, first thing in kmain, before any protected function
 * has stored the old guard in a frame that will return. */
void stack_protector_init(void);

#endif
