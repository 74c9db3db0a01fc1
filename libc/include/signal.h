/* SPDX-License-Identifier: MIT */
/*
 * POSIX <signal.h>, the part that exists: the signal numbers and kill,
 * through the process server (libc/process.c). No program has handlers
 * yet: every signal takes its default action, the end of the process.
 */
#ifndef CAIRN_LIBC_SIGNAL_H
#define CAIRN_LIBC_SIGNAL_H

#include <sys/types.h>

#define SIGHUP  1
#define SIGINT  2
#define SIGQUIT 3
#define SIGILL  4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGFPE  8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15

int kill(pid_t pid, int sig);

#endif
