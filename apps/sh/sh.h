/* SPDX-License-Identifier: MIT */
/*
 * The shell's shared state and the functions its files give each other.
 * main.c reads input and runs it a list at a time, exec.c runs one
 * pipeline (programs through posix_spawn, builtins in the shell), builtin.c
 * the builtins, sys.c the few Cairn-only calls (a host build replaces it,
 * tests/host/sh_sys_host.c). Everything but sys.c is portable POSIX C.
 */
#ifndef CAIRN_APPS_SH_H
#define CAIRN_APPS_SH_H

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

#include <shparse/shparse.h>

/* The longest command the shell reads, continuation lines included. */
#define SH_LINE_MAX   4096
/* The most commands in one pipeline. */
#define SH_PIPE_MAX   16
/* The parser's arena: a full SH_LINE_MAX line of one-letter words fits. */
#define SH_ARENA_SIZE (64 * 1024)

struct sh {
    int status;      /* $?: the last pipeline's */
    int interactive; /* prompts: stdin is a terminal and no script or -c */
    int jobctl;  /* each pipeline in a process group of its own, made the terminal's foreground */
    pid_t pgid;  /* the shell's own process group (jobctl only) */
    int exiting; /* the exit builtin ran: stop after this pipeline */
    int script_line;    /* the line being read from a script, 0 for none */
    const char *script; /* its name, for messages */
    int nargs;          /* $1 ... $9 from args, $# */
    char **args;
    const char *arg0; /* $0 */
    char buf_status[16], buf_pid[24], buf_nargs[16];
};

/* Formats into a buffer and writes it to fd whole (messages, builtins'
 * output). Output is never buffered, so nothing is left behind when a
 * builtin's descriptor changes. */
void sh_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "sh: " and the message on descriptor 2 (with the script and line when
 * reading a script). */
void sh_error(struct sh *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* strerror's text, "not found" for ENOENT. */
const char *sh_strerror(int err);

/* Parses text and runs it, a pipeline at a time (main.c). final says no
 * more input can follow: an incomplete command is then an error. Returns 1
 * when the text is incomplete and more could complete it (nothing ran),
 * else 0. */
int sh_run_text(struct sh *sh, const char *text, size_t len, int final);

/* Runs one pipeline and returns its status (exec.c). */
int sh_exec_pipeline(struct sh *sh, const struct shparse_pipeline *pl);

/* The index of name's builtin, or -1 (builtin.c). */
int sh_builtin_find(const char *name);
/* Runs builtin idx with argv (argc words); in_pipeline says it shares a
 * pipeline with other commands, where cd, exit, export and unset change
 * nothing (each command of a POSIX pipeline runs in a subshell). */
int sh_builtin_run(struct sh *sh, int idx, size_t argc, char **argv, int in_pipeline);

/* Cairn-only (sys.c; a stub on the host): makes pgid the terminal's
 * foreground process group (^C goes to it, it may read). 0 or an errno
 * value; a descriptor 0 that is no terminal is not an error. */
int sh_sys_set_foreground(pid_t pgid);
/* Did a spawn fail because the process server that started this shell
 * ended? (It was restarted, knows this shell no more, and has started a
 * shell of its own on the console: this one must go.) */
int sh_sys_server_gone(int err);
/* Cairn-only: the terminal's mode, line editing and echo always, ^C as
 * a signal only while programs run (running), so that ^C at the prompt
 * cannot end the shell; setting it before each prompt also undoes the
 * raw mode of a program that ended without restoring it. 0 or an errno
 * value, none for a descriptor 0 that is no terminal. */
int sh_sys_terminal_mode(int running);
/* Anything the platform adds to a program's spawn attributes (the host
 * gives SIGPIPE its default action back, the shell ignoring it). */
void sh_sys_spawnattr(posix_spawnattr_t *attr);
/* Called once at start. */
void sh_sys_init(void);

#endif
