/* SPDX-License-Identifier: MIT */
/*
 * POSIX <unistd.h>, as much as exists: the environment. Later issues add
 * the file and process calls as the servers behind them appear.
 */
#ifndef CAIRN_LIBC_UNISTD_H
#define CAIRN_LIBC_UNISTD_H

/* The environment: "NAME=value" strings ending with a NULL, the one the
 * program was started with (libc/start.c). */
extern char **environ;

#endif
