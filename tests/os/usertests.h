/* SPDX-License-Identifier: MIT */
/*
 * The user-mode tests: system calls exercised from ring 3, for good and bad
 * input. Linked into init, which runs them when the kernel was booted with
 * `test` (CAIRN_INIT_TEST).
 */
#ifndef CAIRN_TESTS_OS_USERTESTS_H
#define CAIRN_TESTS_OS_USERTESTS_H

/*
 * Runs every test in order, printing `ok <name>` or `FAIL <name>: <why>`
 * for each, then `usertests: N passed, N failed`. Returns the number of
 * failed tests. A test that faults ends the whole process: the kernel logs
 * the fault and the summary line never appears.
 */
int usertests_run(void);

#endif
