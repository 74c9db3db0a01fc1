/* SPDX-License-Identifier: MIT */
/*
 * POSIX <unistd.h>, as much as exists: the environment, sleeping, the
 * process id and _exit (libc/unistd.c). Later issues add the file and
 * process calls as the servers behind them appear.
 */
#ifndef CAIRN_LIBC_UNISTD_H
#define CAIRN_LIBC_UNISTD_H

/* The environment: "NAME=value" strings ending with a NULL, the one the
 * program was started with (libc/start.c). */
extern char **environ;

typedef int pid_t;
typedef long useconds_t;

/* Sleep on the monotonic clock; no signals exist yet, so both always
 * sleep the whole time: sleep returns 0, usleep 0 (or -1 and EINVAL for a
 * negative time). */
unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
/* The kernel's id of this process (process_info), which a later process
 * server may replace with its own numbers. */
pid_t getpid(void);
/* End the process at once, without the atexit functions. */
_Noreturn void _exit(int status);

#endif
