/* SPDX-License-Identifier: MIT */
/*
 * POSIX <sys/wait.h>: waiting for children started with posix_spawn
 * (libc/process.c). A status is what the process server reports
 * (include/proto/proc.h): an exit status, or an end by a signal or by a
 * CPU fault; a fault is reported as a signal too (SIGSEGV for a page or
 * protection fault, SIGILL, SIGFPE, SIGTRAP), as POSIX programs expect.
 */
#ifndef CAIRN_LIBC_SYS_WAIT_H
#define CAIRN_LIBC_SYS_WAIT_H

#include <sys/types.h>

#define WNOHANG 1

#define WIFEXITED(s)   (((s)&0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s)&0x7f) != 0)
#define WTERMSIG(s)    ((s)&0x7f)

pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
