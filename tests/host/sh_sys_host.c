// SPDX-License-Identifier: MIT
/*
 * The host's stand-ins for the shell's Cairn-only calls (apps/sh/sys.c),
 * for the host build of the shell that test_sh drives. The host shell
 * runs without a terminal in the tests, so there is no foreground group
 * to hand over. It ignores SIGPIPE, as Cairn has no such signal (a write
 * to a pipe nobody reads fails with EPIPE), and gives the programs it
 * starts the default action back.
 */
#include <signal.h>
#include <spawn.h>

#include "sh.h"

int
sh_sys_set_foreground(pid_t pgid)
{
    (void)pgid;
    return 0;
}

int
sh_sys_terminal_mode(int running)
{
    (void)running;
    return 0;
}

void
sh_sys_spawnattr(posix_spawnattr_t *attr)
{
    sigset_t set;
    short flags = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    posix_spawnattr_setsigdefault(attr, &set);
    posix_spawnattr_getflags(attr, &flags);
    posix_spawnattr_setflags(attr, flags | POSIX_SPAWN_SETSIGDEF);
}

int
sh_sys_server_gone(int err)
{
    (void)err;
    return 0;
}

void
sh_sys_init(void)
{
    signal(SIGPIPE, SIG_IGN);
}
