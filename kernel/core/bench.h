/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks (`bench` on the command line, make bench): kernel-side
 * figures first, then init's user-mode ones, then QEMU exits. Each figure
 * is printed as "name: <median> cycles, n=<iterations>"; docs/benchmarks.md
 * explains them.
 */
#ifndef CAIRN_CORE_BENCH_H
#define CAIRN_CORE_BENCH_H

void bench_start(void);

#endif
