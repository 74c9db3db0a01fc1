/* SPDX-License-Identifier: MIT */
#ifndef CAIRN_USER_INIT_BENCH_H
#define CAIRN_USER_INIT_BENCH_H

/* Run the user-mode benchmarks and print one line per figure. */
int bench_run(void);

#endif
