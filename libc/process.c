// SPDX-License-Identifier: MIT
/*
 * Processes through the process server (include/proto/proc.h): posix_spawn
 * and its file actions and attributes (<spawn.h>), waitpid and wait
 * (<sys/wait.h>), kill (<signal.h>), setpgid (<unistd.h>). proc is the
 * start handle PROTO_HANDLE_PROC; a program without one gets ENOSYS.
 *
 * The file actions are carried out on a shadow of descriptors 0 to
 * OPEN_MAX - 1 here in the parent, never on the parent's own table: an
 * entry is the parent's descriptor as it is (not yet copied), closed, or
 * a reference of its own (an opened file, a copy). Only 0, 1 and 2 reach
 * the child: each as one reference that moves into the spawn request, and
 * every other reference made on the way is let go before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/proc.h>

#define SHADOW_PARENT (-2) /* the parent's descriptor, not yet copied */
#define SHADOW_CLOSED (-1)

static long
process_proc(void)
{
    long h = cairn_start_handle(PROTO_HANDLE_PROC, 0);

    return h < 0 ? -CAIRN_ENOSYS : h;
}

/* --- file actions and attributes ------------------------------------------------------- */

int
posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    memset(fa, 0, sizeof(*fa));
    return 0;
}

int
posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    for (int i = 0; i < fa->count; i++)
        free(fa->action[i].path);
    fa->count = 0;
    return 0;
}

static int
spawn_action_add(posix_spawn_file_actions_t *fa, struct posix_spawn_action a)
{
    if (a.fd < 0 || a.fd >= OPEN_MAX || a.from < 0 || a.from >= OPEN_MAX)
        return EBADF;
    if (fa->count == POSIX_SPAWN_ACTIONS_MAX)
        return ENOMEM;
    fa->action[fa->count++] = a;
    return 0;
}

int
posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
                                 int flags, mode_t mode)
{
    char *copy = strdup(path);
    int err;

    if (!copy)
        return ENOMEM;
    err = spawn_action_add(fa, (struct posix_spawn_action){1, fd, 0, flags, mode, copy});
    if (err)
        free(copy);
    return err;
}

int
posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
    return spawn_action_add(fa, (struct posix_spawn_action){2, fd, 0, 0, 0, NULL});
}

int
posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int to)
{
    return spawn_action_add(fa, (struct posix_spawn_action){3, to, fd, 0, 0, NULL});
}

int
posix_spawnattr_init(posix_spawnattr_t *attr)
{
    memset(attr, 0, sizeof(*attr));
    return 0;
}

int
posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
    (void)attr;
    return 0;
}

int
posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
    if (flags & ~POSIX_SPAWN_SETPGROUP)
        return EINVAL;
    attr->flags = flags;
    return 0;
}

int
posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup)
{
    attr->pgroup = pgroup;
    return 0;
}

int
cairn_spawnattr_setns(posix_spawnattr_t *attr, long ns)
{
    if (ns < 0)
        return EINVAL;
    attr->ns = ns + 1;
    return 0;
}

int
cairn_spawnattr_setquota(posix_spawnattr_t *attr, uint64_t bytes)
{
    if (bytes == 0 || bytes > (UINT64_C(0xffffffff) << 12))
        return EINVAL;
    attr->quota_pages = (bytes + 4095) >> 12;
    return 0;
}

/* --- spawning ------------------------------------------------------------------------------- */

static void
shadow_drop(long *shadow, int fd)
{
    if (shadow[fd] >= 0)
        cairn_io_release(shadow[fd]);
    shadow[fd] = SHADOW_CLOSED;
}

/* A reference of our own to what shadow entry fd names: a copy of the
 * parent's descriptor or of the entry's reference. */
static long
shadow_copy(long *shadow, int fd)
{
    if (shadow[fd] == SHADOW_PARENT)
        return cairn_fd_copy(fd);
    if (shadow[fd] == SHADOW_CLOSED)
        return -CAIRN_EBADF;
    return cairn_io_copy(shadow[fd]);
}

/* The file actions, in order, on the shadow. 0 or a negative code. */
static long
shadow_apply(long *shadow, const posix_spawn_file_actions_t *fa)
{
    for (int i = 0; fa && i < fa->count; i++) {
        const struct posix_spawn_action *a = &fa->action[i];
        long h;

        if (a->kind == 1) {
            h = cairn_path_open(a->path, a->flags, a->mode);
        } else if (a->kind == 2) {
            h = SHADOW_CLOSED;
        } else if (a->from == a->fd) {
            continue; /* dup2 onto itself: nothing changes */
        } else {
            h = shadow_copy(shadow, a->from);
        }
        if (h < 0 && h != SHADOW_CLOSED)
            return h;
        shadow_drop(shadow, a->fd);
        shadow[a->fd] = h;
    }
    return 0;
}

/* Packs path, argv and envp (with PWD added if it lacks one) into buf:
 * its length, or -CAIRN_E2BIG. */
static long
spawn_pack(char *buf, const char *path, char *const argv[], char *const envp[], uint64_t *argc,
           uint64_t *envc)
{
    char cwd[PROTO_PATH_MAX + 1];
    size_t len = 0;
    int has_pwd = 0;

#define SPAWN_PUT(s)                      \
    do {                                  \
        size_t n_ = strlen(s) + 1;        \
        if (len + n_ > CAIRN_MSG_BUF_MAX) \
            return -CAIRN_E2BIG;          \
        memcpy(buf + len, (s), n_);       \
        len += n_;                        \
    } while (0)

    SPAWN_PUT(path);
    *argc = *envc = 0;
    for (; argv && argv[*argc]; (*argc)++)
        SPAWN_PUT(argv[*argc]);
    for (; envp && envp[*envc]; (*envc)++) {
        has_pwd |= strncmp(envp[*envc], "PWD=", 4) == 0;
        SPAWN_PUT(envp[*envc]);
    }
    if (!has_pwd && getcwd(cwd + 4, sizeof(cwd) - 4)) {
        memcpy(cwd, "PWD=", 4);
        SPAWN_PUT(cwd);
        (*envc)++;
    }
#undef SPAWN_PUT
    return (long)len;
}

int
posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
            const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    static char buf[CAIRN_MSG_BUF_MAX];
    static char abs[PROTO_PATH_MAX + 1];
    long proc = process_proc(), shadow[OPEN_MAX], err, len;
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_PROC_SPAWN, 0, 0, 0, 0}, &ext};
    uint32_t n = 0;

    if (proc < 0)
        return ENOSYS;
    err = cairn_path_absolute(path, abs);
    if (err < 0)
        return (int)-err;
    for (int i = 0; i < OPEN_MAX; i++)
        shadow[i] = SHADOW_PARENT;
    err = shadow_apply(shadow, fa);
    memset(&ext, 0, sizeof(ext));
    for (int i = 0; err == 0 && i < 3; i++) {
        long h = shadow[i] == SHADOW_PARENT ? cairn_fd_copy(i) : shadow[i];

        if (shadow[i] == SHADOW_PARENT)
            shadow[i] = h >= 0 ? h : SHADOW_CLOSED; /* the kernel console: none */
        if (h < 0)
            continue;
        msg.w[4] |= 1u << i;
        ext.send_handles[n++] =
            (struct cairn_msg_handle){(int32_t)h, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    }
    if (attr && attr->ns > 0) {
        msg.w[4] |= PROTO_SPAWN_NAMESPACE;
        ext.send_handles[n++] = (struct cairn_msg_handle){
            (int32_t)(attr->ns - 1), CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    }
    if (attr)
        msg.w[4] |= PROTO_SPAWN_QUOTA(attr->quota_pages);
    len = err ? err
              : spawn_pack(buf, abs, argv, envp ? envp : (char *const *)environ, &msg.w[1],
                           &msg.w[2]);
    if (len >= 0) {
        ext.send_buf = (uint64_t)(uintptr_t)buf;
        ext.send_len = (uint32_t)len;
        ext.send_nhandles = n;
        msg.w[3] = attr && (attr->flags & POSIX_SPAWN_SETPGROUP)
                       ? (attr->pgroup ? (uint64_t)attr->pgroup : (uint64_t)-1)
                       : 0;
        err = cairn_ipc_call(proc, &msg);
        if (err >= 0) {
            /* Delivered: the three references are proc's now (it closes
             * them itself if the spawn fails). */
            for (int i = 0; i < 3; i++)
                shadow[i] = SHADOW_CLOSED;
            err = (long)msg.w[0];
        }
    } else {
        err = len;
    }
    for (int i = 0; i < OPEN_MAX; i++)
        shadow_drop(shadow, i);
    if (err < 0)
        return (int)-err;
    if (pid)
        *pid = (pid_t)err;
    return 0;
}

int
posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
             const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    static char path[PROTO_PATH_MAX + 1];
    const char *dirs = getenv("PATH");
    int err = ENOENT;

    if (strchr(file, '/'))
        return posix_spawn(pid, file, fa, attr, argv, envp);
    if (!dirs || !*dirs)
        dirs = "/bin";
    while (*dirs) {
        size_t n = strcspn(dirs, ":");

        if (n + 1 + strlen(file) < sizeof(path)) {
            memcpy(path, dirs, n);
            path[n] = '/';
            strcpy(path + n + 1, file);
            err = posix_spawn(pid, path, fa, attr, argv, envp);
            if (err != ENOENT)
                return err;
        }
        dirs += n;
        if (*dirs == ':')
            dirs++;
    }
    return err;
}

/* --- waiting and signals ---------------------------------------------------------------- */

/* The POSIX encoding of a status from the process server. */
static int
process_status(int64_t s)
{
    if (s & PROTO_STATUS_SIGNALED)
        return (int)(s & 0x7f);
    if (s & PROTO_STATUS_FAULTED) {
        switch (s & 0xff) {
        case 0:
            return SIGFPE;
        case 1:
        case 3:
            return SIGTRAP;
        case 6:
            return SIGILL;
        default:
            return SIGSEGV;
        }
    }
    return (int)((s & 0xff) << 8);
}

pid_t
waitpid(pid_t pid, int *status, int options)
{
    long proc = process_proc(), err;
    struct cairn_msg msg = {{PROTO_PROC_WAIT, (uint64_t)(int64_t)(pid > 0 ? pid : -1),
                             (options & WNOHANG) ? PROTO_WNOHANG : 0, 0, 0},
                            NULL};

    if (proc < 0) {
        errno = ENOSYS;
        return -1;
    }
    if (options & ~WNOHANG) {
        errno = EINVAL;
        return -1;
    }
    err = cairn_ipc_call(proc, &msg);
    if (err >= 0)
        err = (long)msg.w[0];
    if (err < 0) {
        errno = err == -CAIRN_ECLOSED ? ECHILD : (int)-err;
        return -1;
    }
    if (status && err > 0)
        *status = process_status((int64_t)msg.w[1]);
    return (pid_t)err;
}

pid_t
wait(int *status)
{
    return waitpid(-1, status, 0);
}

int
kill(pid_t pid, int sig)
{
    long proc = process_proc(), err;
    struct cairn_msg msg = {{PROTO_PROC_KILL, (uint64_t)(int64_t)pid, (uint64_t)sig, 0, 0}, NULL};

    if (proc < 0) {
        errno = ENOSYS;
        return -1;
    }
    err = cairn_ipc_call(proc, &msg);
    if (err >= 0)
        err = (long)msg.w[0];
    if (err < 0) {
        errno = (int)-err;
        return -1;
    }
    return 0;
}

int
setpgid(pid_t pid, pid_t pgid)
{
    long proc = process_proc(), err;
    struct cairn_msg msg = {
        {PROTO_PROC_SETPGID, (uint64_t)(int64_t)pid, (uint64_t)(int64_t)pgid, 0, 0}, NULL};

    if (proc < 0) {
        errno = ENOSYS;
        return -1;
    }
    err = cairn_ipc_call(proc, &msg);
    if (err >= 0)
        err = (long)msg.w[0];
    if (err < 0) {
        errno = (int)-err;
        return -1;
    }
    return 0;
}
