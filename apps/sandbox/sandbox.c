/* SPDX-License-Identifier: MIT */
/*
 * sandbox: runs a program in a sandbox. The program gets a view of DIR
 * (PROTO_FS_VIEW, include/proto/fs.h) as its whole file system, read-only
 * unless -w, in place of this process's vfs handle, and no registry
 * handle; every program it starts is in the same sandbox, found in it
 * (PROTO_SPAWN_NAMESPACE, include/proto/proc.h). PROGRAM itself is found
 * here, in PATH, as for any command; inside, DIR is `/` and the working
 * directory. The exit status is the program's (128 + the signal that
 * ended it). Cairn-only: it speaks the vfs's protocol on its start handle
 * PROTO_HANDLE_VFS.
 */
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include <cairn/fd.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <util/util.h>

#define SANDBOX_TIMEOUT_NS (10ull * 1000 * 1000 * 1000)
#define SANDBOX_ENV_MAX    64

extern char **environ;

static const char sandbox_usage[] =
    "Usage: sandbox [-w] DIR PROGRAM [ARG]...\n"
    "Run PROGRAM with DIR as its whole file system, read-only unless -w.\n";

/* A view of dir through the vfs handle: its handle, or a negative code. */
static long
sandbox_view(long vfs, const char *dir, int writable)
{
    char path[PROTO_PATH_MAX + 1];
    long len = cairn_path_absolute(dir, path), r;
    struct cairn_msg_ext ext = {.send_buf = (uint64_t)path};
    struct cairn_msg m = {.w = {PROTO_FS_VIEW, writable ? 0 : PROTO_VIEW_RDONLY}, .ext = &ext};

    if (len < 0)
        return len;
    ext.send_len = (uint32_t)len;
    r = cairn_ipc_call_timed(vfs, &m, SANDBOX_TIMEOUT_NS);
    if (r >= 0)
        r = (long)m.w[0];
    if (r >= 0 && ext.recv_nhandles != 1)
        r = -CAIRN_EIO;
    if (r < 0) {
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        return r;
    }
    return ext.recv_handles[0];
}

int
main(int argc, char **argv)
{
    static char *envp[SANDBOX_ENV_MAX + 2];
    struct util_opts opts;
    posix_spawnattr_t attr;
    long vfs = cairn_start_handle(PROTO_HANDLE_VFS, 0), view;
    int writable = 0, c, err, status = 0;
    unsigned n = 0;
    pid_t pid;

    util_init("sandbox", sandbox_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "w")) != -1)
        writable |= c == 'w';
    if (argc - opts.index < 2)
        util_usage_error(2, "a directory and a program");
    if (vfs < 0)
        util_exit(util_fail("no vfs server"));
    view = sandbox_view(vfs, argv[opts.index], writable);
    if (view < 0)
        util_exit(util_error(argv[opts.index], (int)-view));
    /* The environment as it is, but for the working directory: the
     * sandbox's `/`. */
    for (char **e = environ; e && *e && n < SANDBOX_ENV_MAX; e++)
        if (strncmp(*e, "PWD=", 4) != 0)
            envp[n++] = *e;
    envp[n++] = "PWD=/";
    envp[n] = NULL;
    posix_spawnattr_init(&attr);
    cairn_spawnattr_setns(&attr, view);
    err = posix_spawnp(&pid, argv[opts.index + 1], NULL, &attr, argv + opts.index + 1, envp);
    posix_spawnattr_destroy(&attr);
    cairn_handle_close(view); /* proc holds the program's copy */
    if (err != 0)
        util_exit(util_error(argv[opts.index + 1], err));
    if (waitpid(pid, &status, 0) != pid)
        util_exit(util_error("wait", errno));
    util_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}
