/* SPDX-License-Identifier: MIT */
#ifndef CAIRN_SERVERS_INIT_PROGRAMS_H
#define CAIRN_SERVERS_INIT_PROGRAMS_H

/*
 * A test boot: check init's own entry state (argc and argv are main's),
 * then run every boot module
 * called test-* (the user-mode test programs, tests/os) one after another.
 * Prints `ok`/`FAIL` lines (init/... for its own checks, program/<module>
 * for each program's outcome) and returns the number of failures: the
 * programs' failed tests plus one for each program that could not start,
 * crashed or hung. With `fuzz` on the command line, the one program is the
 * system call fuzzer (boot module `fuzz`) instead.
 */
int init_run_tests(int argc, char **argv);

/* A bench boot: run the benchmarks, the program in boot module `bench`
 * (apps/bench), to its end; returns its status, or 1 if it could not
 * start, crashed or hung. */
int init_run_bench(void);

#endif
