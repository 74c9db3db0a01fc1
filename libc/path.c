// SPDX-License-Identifier: MIT
/*
 * Calls that take a path (<fcntl.h>, <unistd.h>, <sys/stat.h>, <stdio.h>'s
 * rename): each makes the path absolute against the working directory,
 * folds `.`, `..` and repeated `/` away, and sends one request of the
 * file-system protocol (include/proto/fs.h) to the vfs server, the start
 * handle PROTO_HANDLE_VFS. A program started without one gets ENOSYS.
 *
 * Folding `..` by the text alone is exact because Cairn has no symbolic
 * links; the one difference from a walk is that `file/..` names the
 * directory instead of failing with ENOTDIR.
 *
 * The working directory is this process's, an absolute folded path, taken
 * from PWD at the first use (so a starter passes it on through the
 * environment) and changed by chdir, which first asks the server that it
 * is a directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>

static char path_cwd[PROTO_PATH_MAX + 1];
static pthread_mutex_t path_lock = PTHREAD_MUTEX_INITIALIZER;

static int
path_fail(long err)
{
    errno = (int)-err;
    return -1;
}

/*
 * Appends path's names to out (an absolute folded path of len bytes,
 * room for PROTO_PATH_MAX + 1), folding as it goes. Returns the new length
 * or -CAIRN_ENAMETOOLONG.
 */
static long
path_fold(char *out, size_t len, const char *path)
{
    const char *p = path;

    while (*p) {
        const char *name;
        size_t n;

        while (*p == '/')
            p++;
        name = p;
        while (*p && *p != '/')
            p++;
        n = (size_t)(p - name);
        if (n == 0 || (n == 1 && name[0] == '.'))
            continue;
        if (n == 2 && name[0] == '.' && name[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 1)
                len--; /* the '/' before the name, unless it is the root's */
            out[len] = '\0';
            continue;
        }
        if (n > PROTO_NAME_MAX)
            return -CAIRN_ENAMETOOLONG;
        if (len + (len > 1) + n > PROTO_PATH_MAX)
            return -CAIRN_ENAMETOOLONG;
        if (len > 1)
            out[len++] = '/';
        memcpy(out + len, name, n);
        len += n;
        out[len] = '\0';
    }
    return (long)len;
}

/* The working directory, from PWD the first time. Under path_lock. */
static void
path_cwd_init_locked(void)
{
    const char *pwd;

    if (path_cwd[0])
        return;
    strcpy(path_cwd, "/");
    pwd = getenv("PWD");
    if (pwd && pwd[0] == '/' && path_fold(path_cwd, 1, pwd) < 0)
        strcpy(path_cwd, "/");
}

/* path made absolute and folded into out (PROTO_PATH_MAX + 1 bytes);
 * its length or a negative code. */
static long
path_resolve(const char *path, char *out)
{
    long len;

    if (!path)
        return -CAIRN_EFAULT;
    if (path[0] == '\0')
        return -CAIRN_ENOENT;
    if (path[0] == '/') {
        strcpy(out, "/");
    } else {
        pthread_mutex_lock(&path_lock);
        path_cwd_init_locked();
        strcpy(out, path_cwd);
        pthread_mutex_unlock(&path_lock);
    }
    len = path_fold(out, strlen(out), path);
    return len;
}

/*
 * One path request to the vfs server: op with w1 and w2, the path (and,
 * for a rename, a 0 and the second path) as the buffer; the reply's words
 * into reply (may be NULL), bytes into recv, its first handle into
 * *handle (when not NULL; others are closed). The server's w[0] or a
 * negative code.
 */
static long
path_request(uint64_t op, const char *path, const char *path2, uint64_t w1, uint64_t w2,
             uint64_t *reply, void *recv, size_t recv_cap, size_t *got, long *handle)
{
    static char buf[2 * (PROTO_PATH_MAX + 1)];
    static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;
    long vfs = cairn_service_handle(PROTO_HANDLE_VFS);
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long len, len2 = 0, err;

    if (vfs < 0)
        return -CAIRN_ENOSYS;
    pthread_mutex_lock(&buf_lock);
    len = path_resolve(path, buf);
    if (len >= 0 && path2) {
        len2 = path_resolve(path2, buf + len + 1);
        if (len2 >= 0)
            len2++;
    }
    if (len < 0 || len2 < 0) {
        pthread_mutex_unlock(&buf_lock);
        return len < 0 ? len : len2;
    }
    for (int attempt = 0;; attempt++) {
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)buf;
        ext.send_len = (uint32_t)(len + len2);
        ext.recv_buf = (uint64_t)(uintptr_t)recv;
        ext.recv_cap = (uint32_t)recv_cap;
        msg = (struct cairn_msg){{op, w1, w2, 0, 0}, &ext};
        err = cairn_ipc_call(vfs, &msg);
        /* The vfs server was restarted: ask the new one, once. */
        if (err != -CAIRN_ECLOSED || attempt > 0)
            break;
        vfs = cairn_service_reconnect(PROTO_HANDLE_VFS, "vfs", vfs);
        if (vfs < 0)
            break;
    }
    pthread_mutex_unlock(&buf_lock);
    if (err >= 0)
        err = (long)msg.w[0];
    for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++) {
        if (i == 0 && handle && err >= 0)
            *handle = ext.recv_handles[0];
        else
            cairn_handle_close(ext.recv_handles[i]);
    }
    if (err >= 0 && handle && ext.recv_nhandles == 0)
        err = -CAIRN_EIO;
    if (reply)
        memcpy(reply, msg.w, sizeof(msg.w));
    if (got)
        *got = ext.recv_len;
    if (err == -CAIRN_ECLOSED || err == -CAIRN_EBADH)
        err = -CAIRN_EIO; /* the vfs server is gone */
    return err;
}

long
cairn_path_absolute(const char *path, char *out)
{
    return path_resolve(path, out);
}

long
cairn_path_open(const char *path, int flags, uint32_t mode)
{
    long h = -1;
    long err = path_request(PROTO_FS_OPEN, path, NULL,
                            (uint32_t)flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK), mode, NULL, NULL,
                            0, NULL, &h);

    return err < 0 ? err : h;
}

int
open(const char *path, int flags, ...)
{
    uint32_t mode = 0;
    long h = -1, err;
    int fd;

    if (flags & O_CREAT) {
        va_list ap;

        va_start(ap, flags);
        mode = va_arg(ap, uint32_t);
        va_end(ap);
    }
    err = path_request(PROTO_FS_OPEN, path, NULL,
                       (uint32_t)flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK), mode, NULL, NULL, 0,
                       NULL, &h);
    if (err < 0)
        return path_fail(err);
    fd = cairn_fd_adopt(h, flags);
    if (fd < 0) {
        struct cairn_msg msg = {{PROTO_IO_CLOSE, 0, 0, 0, 0}, NULL};

        cairn_ipc_call(h, &msg);
        cairn_handle_close(h);
    }
    return fd;
}

int
creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int
stat(const char *path, struct stat *st)
{
    struct proto_stat ps;
    size_t got = 0;
    long err = path_request(PROTO_FS_STAT, path, NULL, 0, 0, NULL, &ps, sizeof(ps), &got, NULL);

    if (err < 0)
        return path_fail(err);
    if (got != sizeof(ps))
        return path_fail(-CAIRN_EIO);
    cairn_stat_from_proto(st, &ps);
    return 0;
}

int
mkdir(const char *path, mode_t mode)
{
    long err = path_request(PROTO_FS_MKDIR, path, NULL, mode, 0, NULL, NULL, 0, NULL, NULL);

    return err < 0 ? path_fail(err) : 0;
}

int
unlink(const char *path)
{
    long err = path_request(PROTO_FS_UNLINK, path, NULL, 0, 0, NULL, NULL, 0, NULL, NULL);

    return err < 0 ? path_fail(err) : 0;
}

int
rmdir(const char *path)
{
    long err = path_request(PROTO_FS_RMDIR, path, NULL, 0, 0, NULL, NULL, 0, NULL, NULL);

    return err < 0 ? path_fail(err) : 0;
}

int
rename(const char *from, const char *to)
{
    long err;

    if (!to)
        return path_fail(-CAIRN_EFAULT);
    err = path_request(PROTO_FS_RENAME, from, to, 0, 0, NULL, NULL, 0, NULL, NULL);
    return err < 0 ? path_fail(err) : 0;
}

int
truncate(const char *path, off_t length)
{
    int fd = open(path, O_WRONLY);
    int ret;

    if (fd < 0)
        return -1;
    ret = ftruncate(fd, length);
    close(fd);
    return ret;
}

char *
getcwd(char *buf, size_t size)
{
    size_t len;

    pthread_mutex_lock(&path_lock);
    path_cwd_init_locked();
    len = strlen(path_cwd);
    if (!buf || size <= len) {
        pthread_mutex_unlock(&path_lock);
        errno = buf ? ERANGE : EINVAL;
        return NULL;
    }
    memcpy(buf, path_cwd, len + 1);
    pthread_mutex_unlock(&path_lock);
    return buf;
}

int
chdir(const char *path)
{
    char to[PROTO_PATH_MAX + 1];
    struct stat st;
    long len = path_resolve(path, to);

    if (len < 0)
        return path_fail(len);
    if (stat(to, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return path_fail(-CAIRN_ENOTDIR);
    pthread_mutex_lock(&path_lock);
    memcpy(path_cwd, to, (size_t)len + 1);
    pthread_mutex_unlock(&path_lock);
    return 0;
}
