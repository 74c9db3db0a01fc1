// SPDX-License-Identifier: MIT
/*
 * The shell's Cairn-only calls: the terminal's foreground process group
 * and its mode are requests of the console's own (PROTO_IO_TTY_SETPGRP
 * and PROTO_IO_TTY_SET, include/proto/io.h) on descriptor 0. The host build of the shell
 * (tests/host/test_sh.mk) links tests/host/sh_sys_host.c instead.
 */
#include <cairn/fd.h>
#include <proto/io.h>

#include "sh.h"

int
sh_sys_set_foreground(pid_t pgid)
{
    struct cairn_msg msg = {{PROTO_IO_TTY_SETPGRP, (uint64_t)(int64_t)pgid, 0, 0, 0}, NULL};
    long r = cairn_fd_request(0, &msg, NULL, 0, NULL, 0, NULL);

    if (r == -CAIRN_ENOTTY)
        return 0;
    return r < 0 ? (int)-r : 0;
}

int
sh_sys_terminal_mode(int running)
{
    uint64_t mode = PROTO_TTY_CANON | PROTO_TTY_ECHO | (running ? PROTO_TTY_SIGINT : 0);
    struct cairn_msg msg = {{PROTO_IO_TTY_SET, mode, 0, 0, 0}, NULL};
    long r = cairn_fd_request(0, &msg, NULL, 0, NULL, 0, NULL);

    if (r == -CAIRN_ENOTTY)
        return 0;
    return r < 0 ? (int)-r : 0;
}

void
sh_sys_spawnattr(posix_spawnattr_t *attr)
{
    (void)attr;
}

void
sh_sys_init(void)
{
}

int
sh_sys_server_gone(int err)
{
    return err == CAIRN_ECLOSED;
}
