/* SPDX-License-Identifier: MIT */
/*
 * sandbox: runs a program in a sandbox. The program gets a view of DIR
 * (PROTO_FS_VIEW, include/proto/fs.h) as its whole file system, read-only
 * unless -w, with each directory of -b shown read-only at its own path
 * in it (a bind), in place of this process's vfs handle, and no registry
 * handle; every program it starts is in the same sandbox, found in it
 * (PROTO_SPAWN_NAMESPACE, include/proto/proc.h). With -m, the sandbox's
 * processes are charged together to a quota of SIZE bytes
 * (PROTO_SPAWN_QUOTA): what the kernel allocates for all of them, memory,
 * processes and threads, stays within it. PROGRAM itself is found
 * here, in PATH, as for any command; inside, DIR is `/` and the working
 * directory. The exit status is the program's (128 + the signal that
 * ended it). Cairn-only: it speaks the vfs's protocol on its start handle
 * PROTO_HANDLE_VFS.
 */
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
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

#define SANDBOX_BINDS_MAX 4                     /* the vfs's VIEW_BINDS_MAX */
#define SANDBOX_QUOTA_MAX (0xffffffffull << 12) /* PROTO_SPAWN_QUOTA's pages */

static const char sandbox_usage[] =
    "Usage: sandbox [-w] [-b BIND]... [-m SIZE] DIR PROGRAM [ARG]...\n"
    "Run PROGRAM with DIR as its whole file system, read-only unless -w,\n"
    "with each directory BIND shown read-only at the same path in it, and\n"
    "with -m, the memory of all its processes within SIZE bytes (K, M, G).\n";

static char sandbox_buf[(SANDBOX_BINDS_MAX * 2 + 1) * (PROTO_PATH_MAX + 1)];

/* Appends path made absolute to sandbox_buf at *len (after a 0 unless it
 * is the first): 0, or a negative code. */
static long
sandbox_put(const char *path, size_t *len)
{
    long n;

    if (*len)
        sandbox_buf[(*len)++] = '\0';
    n = cairn_path_absolute(path, sandbox_buf + *len);
    if (n < 0)
        return n;
    *len += (size_t)n;
    return 0;
}

/* A view of dir with the binds through the vfs handle: its handle, or a
 * negative code (and *what the path at fault). */
static long
sandbox_view(long vfs, const char *dir, int writable, char **binds, unsigned nbinds,
             const char **what)
{
    struct cairn_msg_ext ext = {.send_buf = (uint64_t)sandbox_buf};
    struct cairn_msg m = {.w = {PROTO_FS_VIEW, writable ? 0 : PROTO_VIEW_RDONLY, nbinds},
                          .ext = &ext};
    size_t len = 0;
    long r;

    *what = dir;
    if ((r = sandbox_put(dir, &len)) < 0)
        return r;
    for (unsigned i = 0; i < nbinds; i++) {
        *what = binds[i];
        /* At the same path in the sandbox as here. */
        if ((r = sandbox_put(binds[i], &len)) < 0 || (r = sandbox_put(binds[i], &len)) < 0)
            return r;
    }
    *what = dir;
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

/* Which of dir and the binds a refused view was about: the first that is
 * no directory here (dir if all are). */
static const char *
sandbox_culprit(const char *dir, char **binds, unsigned nbinds)
{
    struct stat st;

    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return dir;
    for (unsigned i = 0; i < nbinds; i++)
        if (stat(binds[i], &st) != 0 || !S_ISDIR(st.st_mode))
            return binds[i];
    return dir;
}

int
main(int argc, char **argv)
{
    static char *envp[SANDBOX_ENV_MAX + 2], *binds[SANDBOX_BINDS_MAX];
    struct util_opts opts;
    posix_spawnattr_t attr;
    long vfs = cairn_start_handle(PROTO_HANDLE_VFS, 0), view;
    int writable = 0, c, err, status = 0;
    unsigned n = 0, nbinds = 0;
    uint64_t quota = 0;
    const char *what;
    pid_t pid;

    util_init("sandbox", sandbox_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "wb:m:")) != -1) {
        if (c == 'w') {
            writable = 1;
        } else if (c == 'm') {
            if (!util_parse_size(opts.arg, &quota) || quota == 0 || quota > SANDBOX_QUOTA_MAX)
                util_usage_error(2, "%s: not a size from 1 byte to 16T", opts.arg);
        } else if (nbinds == SANDBOX_BINDS_MAX) {
            util_usage_error(2, "at most %d binds", SANDBOX_BINDS_MAX);
        } else {
            binds[nbinds++] = opts.arg;
        }
    }
    if (argc - opts.index < 2)
        util_usage_error(2, "a directory and a program");
    if (vfs < 0)
        util_exit(util_fail("no vfs server"));
    view = sandbox_view(vfs, argv[opts.index], writable, binds, nbinds, &what);
    if (view < 0)
        util_exit(util_error(view == -CAIRN_ENOENT || view == -CAIRN_ENOTDIR
                                 ? sandbox_culprit(argv[opts.index], binds, nbinds)
                                 : what,
                             (int)-view));
    /* The environment as it is, but for the working directory: the
     * sandbox's `/`. */
    for (char **e = environ; e && *e && n < SANDBOX_ENV_MAX; e++)
        if (strncmp(*e, "PWD=", 4) != 0)
            envp[n++] = *e;
    envp[n++] = "PWD=/";
    envp[n] = NULL;
    posix_spawnattr_init(&attr);
    cairn_spawnattr_setns(&attr, view);
    if (quota)
        cairn_spawnattr_setquota(&attr, quota);
    err = posix_spawnp(&pid, argv[opts.index + 1], NULL, &attr, argv + opts.index + 1, envp);
    posix_spawnattr_destroy(&attr);
    cairn_handle_close(view); /* proc holds the program's copy */
    if (err != 0)
        util_exit(util_error(argv[opts.index + 1], err));
    if (waitpid(pid, &status, 0) != pid)
        util_exit(util_error("wait", errno));
    util_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}
