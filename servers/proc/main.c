// SPDX-License-Identifier: MIT
/*
 * proc: the process server (include/proto/proc.h, docs/proc.md). It
 * starts programs by path, reading the executable through the vfs server,
 * and keeps the table of what it started (table.c): pids, parents,
 * process groups, ends not yet waited for.
 *
 * One thread, one receive, as init does: requests on proc's endpoint and
 * the ends of its processes, which come as bits of a notification bound
 * to the thread (each process watched on the bit of its table slot modulo
 * 64; a bit says "look at the processes of these slots"). A wait that
 * cannot be answered yet is a saved reply, answered when a child ends. So
 * a process that never exits, or a parent that never waits, costs a table
 * slot and nothing else.
 *
 * Who asks: each process proc starts gets its own handle to proc badged
 * with its pid; a request with badge 0 came through the registry, from a
 * service whose manifest lets it look `proc` up, and may signal anyone.
 *
 * Faults: proc is the exception endpoint of every process it starts,
 * through its own endpoint with the badge PROC_FAULT_BADGE | pid; a fault
 * is reported (crash.c) and ends the process.
 *
 * Arguments: `proc [--init PATH [ARG...]]`: PATH (the shell) is started at
 * once with the console as its standard streams, and again whenever it
 * ends, as a getty would.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/fault.h>
#include <cairn/fd.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/registry.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/proc.h>

#include "crash.h"
#include "table.h"

#define MS_NS              1000000ull
#define PROC_ARGS_MAX      256             /* argv or envp entries of one spawn */
#define PROC_IMAGE_MAX     (64ull << 20)   /* the largest executable it reads */
#define PROC_IO_WAIT       (100 * MS_NS)   /* a close sent to a stream's server */
#define PROC_INIT_WAIT     (10000 * MS_NS) /* for the vfs and the console at start */
#define PROC_CLIENT_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

static struct proc_table table;
/* proc_programs: the registry handle every child gets as its own (the
 * manifest's [programs] lookups), or -1 when proc was granted none. */
static long proc_ep, proc_exits, proc_vfs = -1, proc_programs = -1;
/* Proc's own quota (PROTO_HANDLE_QUOTA), to carve programs' quotas from; or -1. */
static long proc_quota = -1;
static char request[CAIRN_MSG_BUF_MAX + 1];

/* The --init program: its argv, and its pid while it runs (0: not). */
static const char *init_argv[PROC_ARGS_MAX + 1];
static int32_t init_pid;
static int init_started;

/* --- reading an executable -------------------------------------------------------------- */

/* One I/O request on h with no bytes out; bytes back into buf. */
static long
proc_io(long h, uint64_t op, uint64_t arg, void *buf, size_t cap, size_t *got)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, arg, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = (uint32_t)cap;
    err = cairn_ipc_call(h, &msg);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
        cairn_handle_close(ext.recv_handles[i]);
    if (got)
        *got = ext.recv_len;
    return err < 0 ? err : (long)msg.w[0];
}

/* Opens path through the namespace handle ns (-1: the vfs server's own
 * namespace): an I/O handle, or a negative code. */
static long
proc_open(long ns, const char *path)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_FS_OPEN, PROTO_O_RDONLY, 0, 0, 0}, &ext};
    long err;

    if (ns < 0 && proc_vfs < 0)
        return -CAIRN_ENOENT;
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)path;
    ext.send_len = (uint32_t)strlen(path);
    err = cairn_ipc_call(ns >= 0 ? ns : proc_vfs, &msg);
    if (err == -CAIRN_ECLOSED && ns < 0) {
        /* The vfs server was restarted: its new endpoint, for this call
         * and the children started from now on. */
        long again = cairn_registry_lookup("vfs", PROC_INIT_WAIT);

        if (again >= 0) {
            cairn_handle_close(proc_vfs);
            proc_vfs = again;
            msg = (struct cairn_msg){{PROTO_FS_OPEN, PROTO_O_RDONLY, 0, 0, 0}, &ext};
            err = cairn_ipc_call(proc_vfs, &msg);
        }
    }
    if (err >= 0)
        err = (long)msg.w[0];
    if (err >= 0 && ext.recv_nhandles < 1)
        err = -CAIRN_EIO;
    if (err < 0) {
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        return err;
    }
    for (uint32_t i = 1; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
        cairn_handle_close(ext.recv_handles[i]);
    return ext.recv_handles[0];
}

/* Lets an I/O handle go: its server told, with a time limit, so a stuck
 * server cannot stop proc. */
static void
proc_io_release(long h)
{
    struct cairn_msg msg = {{PROTO_IO_CLOSE, 0, 0, 0, 0}, NULL};

    if (h < 0)
        return;
    cairn_ipc_call_timed(h, &msg, PROC_IO_WAIT);
    cairn_handle_close(h);
}

/*
 * The file at path, through the namespace handle ns (-1: the vfs
 * server's own), read whole into a new memory object: its handle and
 * size, or a negative code (-CAIRN_ENOENT, -CAIRN_EISDIR, -CAIRN_ENOEXEC
 * for an empty or too large file, -CAIRN_ENOMEM).
 */
static long
proc_read_image(long ns, const char *path, uint64_t *size_out)
{
    struct proto_stat st;
    long file = proc_open(ns, path), mo = -1, err;
    uint64_t size, done = 0, map = 0;
    size_t got = 0;
    char *at = NULL;

    if (file < 0)
        return file;
    err = proc_io(file, PROTO_IO_STAT, 0, &st, sizeof(st), &got);
    if (err >= 0 && got != sizeof(st))
        err = -CAIRN_EIO;
    if (err >= 0 && (st.mode & PROTO_S_IFMT) == PROTO_S_IFDIR)
        err = -CAIRN_EISDIR;
    if (err >= 0 && (st.size == 0 || st.size > PROC_IMAGE_MAX))
        err = -CAIRN_ENOEXEC;
    size = err >= 0 ? st.size : 0;
    map = (size + 4095) & ~4095ull;
    if (err >= 0)
        err = mo = cairn_memobj_create(map, 0);
    if (err >= 0) {
        long va = cairn_vm_map(mo, 0, map, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);

        err = va < 0 ? va : 0;
        at = (char *)va;
    }
    while (err >= 0 && done < size) {
        uint64_t want = size - done < CAIRN_MSG_BUF_MAX ? size - done : CAIRN_MSG_BUF_MAX;
        long n = proc_io(file, PROTO_IO_READ, want, at + done, want, &got);

        if (n < 0)
            err = n;
        else if (n == 0 || (uint64_t)n > want || (size_t)n != got)
            err = -CAIRN_EIO; /* the file changed under us, or a server lied */
        else
            done += (uint64_t)n;
    }
    if (at)
        cairn_vm_unmap((uint64_t)(uintptr_t)at, map);
    proc_io_release(file);
    if (err < 0) {
        if (mo >= 0)
            cairn_handle_close(mo);
        return err;
    }
    *size_out = size;
    return mo;
}

/* --- starting ----------------------------------------------------------------------------- */

/* The kernel's status of an ended process as proto/proc.h reports it. */
static int32_t
proc_status(const struct proc_entry *e, int64_t status)
{
    if (e->signal)
        return PROTO_STATUS_SIGNALED | e->signal;
    if (status == CAIRN_STATUS_KILLED)
        return PROTO_STATUS_SIGNALED | PROTO_SIGKILL;
    if (status <= CAIRN_STATUS_FAULT(0) && status >= CAIRN_STATUS_FAULT(255))
        return PROTO_STATUS_FAULTED | (int32_t)(CAIRN_STATUS_FAULT(0) - status);
    return (int32_t)(status & 0xff);
}

/* The last part of a path, for the table and process_set_name. */
static const char *
proc_base(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash && slash[1] ? slash + 1 : path;
}

/*
 * The quota a child of p is charged to: a new one of pages pages carved
 * from p's (else proc's own), or with pages 0 a copy of p's; -1 for
 * proc's own (p has none, and none was asked), or a negative code.
 */
static long
proc_child_quota(const struct proc_entry *p, uint64_t pages)
{
    long from = p && p->quota >= 0 ? p->quota : proc_quota;

    if (pages)
        return from < 0 ? -CAIRN_ENOSYS : cairn_quota_create(from, pages * 4096);
    if (!p || p->quota < 0)
        return -1;
    return cairn_handle_dup(p->quota, CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE |
                                          CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
}

/* Closes the handles proc kept with e for its life (its signals'
 * notification, its namespace, its quota), at its end. */
static void
proc_let_go(struct proc_entry *e)
{
    long *kept[] = {&e->notify, &e->ns, &e->quota};

    for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        if (*kept[i] >= 0)
            cairn_handle_close(*kept[i]);
        *kept[i] = -1;
    }
}

/*
 * Charges what proc allocates from now on to quota (proc_quota: back to
 * its own). proc makes a child's image, segments and stack itself, so
 * they are charged to the child's quota only while proc is; its one
 * thread makes the switch safe. Its own tables stay with proc's quota.
 */
static void
proc_charge_to(long quota)
{
    long err = cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, quota);

    if (err < 0)
        printf("proc: cannot charge a quota: %s\n", cairn_strerror((int)err));
}

/*
 * Starts path with argv and envp for parent in group pgid, with the
 * streams in io[0..2] (-1: none), which move to the child, and ns (-1:
 * none) the namespace handle it gets in place of its parent's, which
 * moves to it too; charged to a quota of quota_pages pages carved for it
 * (0: its parent's). The image is read through the parent's namespace. A
 * child with a namespace of its own (given, or its parent's) gets no
 * registry handle: what it may reach is what it was handed. Returns the
 * pid or a negative code; the streams and ns are released on failure.
 */
static long
proc_start(int32_t parent, int32_t pgid, const char *path, const char *const *argv,
           const char *const *envp, long io[3], long ns, uint64_t quota_pages)
{
    static const uint32_t stream_kinds[3] = {PROTO_HANDLE_STDIN, PROTO_HANDLE_STDOUT,
                                             PROTO_HANDLE_STDERR};
    long handles[6], image, process, badged = -1, fault = -1, err_copy = -1;
    uint32_t kinds[6], n = 0;
    uint64_t size = 0, aux[2];
    struct cairn_spawn_attr attr;
    struct proc_entry *e;
    const char *name = proc_base(argv[0] ? argv[0] : path);
    const struct proc_entry *p = parent ? proc_table_find(&table, parent) : NULL;
    long parent_ns = p ? p->ns : -1, quota = proc_child_quota(p, quota_pages);

    if (quota < -1) {
        image = quota;
        goto fail;
    }
    if (quota >= 0)
        proc_charge_to(quota); /* until the child is made */
    image = proc_read_image(parent_ns, path, &size);
    if (image >= 0 && ns < 0 && parent_ns >= 0) {
        struct cairn_handle_info info;

        ns = cairn_handle_info(parent_ns, &info);
        if (ns >= 0)
            ns = cairn_handle_dup(parent_ns, info.rights);
        if (ns < 0) {
            cairn_handle_close(image);
            image = ns;
        }
    }
    if (image < 0)
        goto fail;
    e = proc_table_add(&table, parent, pgid, name, -1);
    if (!e) {
        cairn_handle_close(image);
        image = pgid > 0 ? -CAIRN_EPERM : -CAIRN_EAGAIN;
        goto fail;
    }
    e->ns = ns;
    ns = -1; /* the entry's now: closed at its end */
    e->quota = quota;
    quota = -1; /* likewise */
    e->start_ns = cairn_clock_get();
    badged = cairn_handle_mint(proc_ep, PROC_CLIENT_RIGHTS, (uint64_t)e->pid);
    /* Its faults come here (crash.c), set before its first instruction. */
    fault = cairn_handle_mint(proc_ep, CAIRN_RIGHT_SIGNAL, PROC_FAULT_BADGE | (uint64_t)e->pid);
    /* A copy of its stderr for a crash report; the stream's server
     * counts the child's reference alone (PROTO_IO_DUP is not sent): the
     * copy only writes while the child is stopped in its fault. */
    if (io[2] >= 0)
        err_copy = cairn_handle_dup(io[2], CAIRN_RIGHT_SIGNAL);
    for (int i = 0; i < 3; i++) {
        if (io[i] >= 0) {
            handles[n] = io[i];
            kinds[n++] = stream_kinds[i];
        }
    }
    if (badged >= 0) {
        handles[n] = badged;
        kinds[n++] = PROTO_HANDLE_PROC;
    }
    if (e->ns >= 0 || proc_vfs >= 0) {
        handles[n] = e->ns >= 0 ? e->ns : proc_vfs;
        kinds[n++] = PROTO_HANDLE_VFS;
    }
    if (proc_programs >= 0 && e->ns < 0) {
        handles[n] = proc_programs;
        kinds[n++] = PROTO_HANDLE_REGISTRY;
    }
    aux[0] = CAIRN_AT_PID;
    aux[1] = (uint64_t)e->pid;
    memset(&attr, 0, sizeof(attr));
    attr.argv = argv;
    attr.envp = envp;
    attr.handles = handles;
    attr.handle_kinds = kinds;
    attr.nhandles = n;
    attr.aux = aux;
    attr.naux = 1;
    attr.fault_handler = fault > 0 ? fault : 0;
    attr.quota = e->quota >= 0 ? e->quota : 0;
    process = cairn_spawn(image, 0, size, &attr, NULL);
    if (e->quota >= 0)
        proc_charge_to(proc_quota);
    if (badged >= 0)
        cairn_handle_close(badged);
    if (fault >= 0)
        cairn_handle_close(fault);
    if (process < 0) {
        cairn_handle_close(image);
        if (err_copy >= 0)
            cairn_handle_close(err_copy);
        proc_let_go(e);
        proc_table_end(&table, e, 0);
        if (proc_table_find(&table, e->pid))
            proc_table_reap(&table, parent, e->pid, &(int32_t){0}, &(int32_t){0});
        image = process == -CAIRN_EINVAL ? -CAIRN_ENOEXEC : process;
        goto fail;
    }
    /* The streams are the child's now: its copies hold the references. */
    for (int i = 0; i < 3; i++) {
        if (io[i] >= 0)
            cairn_handle_close(io[i]);
    }
    e->process = process;
    crash_keep((unsigned)(e - table.e), image, size, err_copy);
    cairn_process_set_name(process, name, strlen(name) < 31 ? strlen(name) : 31);
    cairn_process_watch(process, proc_exits, 1ull << ((e - table.e) % 64));
    return e->pid;
fail:
    if (quota >= 0)
        proc_charge_to(proc_quota); /* the entry never took it */
    for (int i = 0; i < 3; i++)
        proc_io_release(io[i]);
    if (ns >= 0)
        cairn_handle_close(ns);
    if (quota >= 0)
        cairn_handle_close(quota);
    return image;
}

/* --- requests ----------------------------------------------------------------------------- */

static void
proc_reply(long w0, long w1, const void *buf, size_t len)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{(uint64_t)w0, (uint64_t)w1, 0, 0, 0}, NULL};

    if (len) {
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)buf;
        ext.send_len = (uint32_t)len;
        msg.ext = &ext;
    }
    cairn_ipc_reply(&msg);
}

static void
proc_answer(long reply, long w0, long w1)
{
    struct cairn_msg msg = {{(uint64_t)w0, (uint64_t)w1, 0, 0, 0}, NULL};

    if (cairn_ipc_reply_to(reply, &msg) < 0)
        cairn_handle_close(reply);
}

/*
 * Splits the spawn request's buffer (len bytes): the path, then argc and
 * envc strings, each ending with a 0. Fills argv and envp (NULL-ended);
 * 0, or -CAIRN_EINVAL for a buffer that does not hold exactly that.
 */
static long
proc_split(size_t len, uint64_t argc, uint64_t envc, const char **path, const char **argv,
           const char **envp)
{
    size_t pos = 0;

    if (argc > PROC_ARGS_MAX || envc > PROC_ARGS_MAX)
        return -CAIRN_E2BIG;
    request[len] = '\0';
    for (uint64_t i = 0; i < 1 + argc + envc; i++) {
        const char *s = request + pos;
        size_t n = strlen(s);

        if (pos + n >= len)
            return -CAIRN_EINVAL; /* no 0 ends it inside the buffer */
        if (i == 0)
            *path = s;
        else if (i <= argc)
            argv[i - 1] = s;
        else
            envp[i - 1 - argc] = s;
        pos += n + 1;
    }
    if (pos != len || (*path)[0] != '/')
        return -CAIRN_EINVAL;
    argv[argc] = NULL;
    envp[envc] = NULL;
    return 0;
}

/*
 * Whether ns is a namespace of the vfs server: a handle to the endpoint
 * proc reads images through (a view is one, badged). proc calls through a
 * sandbox's namespace with its one thread, so anything else (its own
 * endpoint, a server of the caller's that never answers) would stall it.
 */
static int
proc_ns_ok(long ns)
{
    struct cairn_handle_info a, b;

    return proc_vfs >= 0 && cairn_handle_info(ns, &a) == 0 &&
           cairn_handle_info(proc_vfs, &b) == 0 && a.type == CAIRN_OBJ_ENDPOINT &&
           a.koid == b.koid && (a.rights & CAIRN_RIGHT_SIGNAL);
}

static void
proc_spawn(int32_t caller, const struct cairn_msg *msg, const struct cairn_msg_ext *ext)
{
    static const char *argv[PROC_ARGS_MAX + 1], *envp[PROC_ARGS_MAX + 1];
    long io[3] = {-1, -1, -1}, ns = -1, err;
    uint32_t h = 0;
    const char *path = NULL;
    int32_t pgid = (int32_t)msg->w[3];

    for (int i = 0; i < 3; i++) {
        if ((msg->w[4] & (1u << i)) && h < ext->recv_nhandles)
            io[i] = ext->recv_handles[h++];
    }
    if ((msg->w[4] & PROTO_SPAWN_NAMESPACE) && h < ext->recv_nhandles)
        ns = ext->recv_handles[h++];
    for (; h < ext->recv_nhandles && h < CAIRN_MSG_HANDLES; h++)
        cairn_handle_close(ext->recv_handles[h]);
    err = proc_split(ext->recv_len, msg->w[1], msg->w[2], &path, argv, envp);
    if (err == 0 &&
        (pgid < -1 || (msg->w[4] & ~(PROTO_SPAWN_HANDLES | PROTO_SPAWN_QUOTA(0xffffffffu))) ||
         ((msg->w[4] & PROTO_SPAWN_NAMESPACE) && (ns < 0 || !proc_ns_ok(ns)))))
        err = -CAIRN_EINVAL;
    if (err < 0) {
        for (int i = 0; i < 3; i++)
            proc_io_release(io[i]);
        if (ns >= 0)
            cairn_handle_close(ns);
        proc_reply(err, 0, NULL, 0);
        return;
    }
    proc_reply(
        proc_start(caller, pgid, path, argv, envp, io, ns, msg->w[4] >> PROTO_SPAWN_QUOTA_SHIFT), 0,
        NULL, 0);
}

static void
proc_wait(int32_t caller, uint64_t want, uint64_t flags)
{
    int32_t pid = 0, status = 0;
    int r = proc_table_reap(&table, caller, (int32_t)want, &pid, &status);
    long reply;

    if (r != 0 || (flags & PROTO_WNOHANG)) {
        proc_reply(r < 0 ? r : pid, status, NULL, 0);
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0)
        return;
    if (proc_table_wait(&table, caller, (int32_t)want, reply) < 0)
        proc_answer(reply, -CAIRN_EAGAIN, 0);
}

/* Delivers sig to e as its dispositions say (PROTO_PROC_SIGNALS): a
 * caught signal is a bit of its notification, an ignored one nothing, any
 * other the end of the process. A notification that cannot be signalled
 * (revoked under proc) leaves the default action. */
static void
proc_signal(struct proc_entry *e, int32_t sig)
{
    enum proc_action action = proc_table_action(e, sig);

    if (e->state != PROC_RUNNING || e->process < 0 || action == PROC_ACTION_IGNORE)
        return;
    if (action == PROC_ACTION_CATCH && cairn_notify_signal(e->notify, 1ull << sig) == 0)
        return;
    if (!e->signal)
        e->signal = sig;
    cairn_process_kill(e->process);
}

static void
proc_kill(int32_t caller, int64_t target, int64_t sig)
{
    int found = 0, allowed = 0;

    if (sig <= 0 || sig > PROTO_SIG_MAX || target == 0 || target == INT64_MIN) {
        proc_reply(-CAIRN_EINVAL, 0, NULL, 0);
        return;
    }
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc_entry *e = &table.e[i];

        if (e->state != PROC_RUNNING ||
            (target > 0 ? e->pid != target : e->pgid != (int32_t)-target))
            continue;
        found = 1;
        if (!proc_table_may_signal(&table, caller, e))
            continue;
        allowed = 1;
        proc_signal(e, (int32_t)sig);
    }
    proc_reply(!found ? -CAIRN_ESRCH : !allowed ? -CAIRN_EPERM : 0, 0, NULL, 0);
}

/*
 * PROTO_PROC_SIGNALS: the caller's masks and, the first time, its
 * notification. Everything is checked before anything changes; a handle
 * refused is closed.
 */
static void
proc_signals(int32_t caller, const struct cairn_msg *msg, const struct cairn_msg_ext *ext)
{
    struct proc_entry *e = caller ? proc_table_find(&table, caller) : NULL;
    long notify = ext->recv_nhandles >= 1 ? ext->recv_handles[0] : -1, err = 0;
    struct cairn_handle_info info;

    if (!e || e->state != PROC_RUNNING)
        err = -CAIRN_EPERM;
    else if (ext->recv_nhandles > 1)
        err = -CAIRN_EINVAL;
    else if (notify >= 0 && cairn_handle_info(notify, &info) < 0)
        err = -CAIRN_EBADH;
    else if (notify >= 0 && info.type != CAIRN_OBJ_NOTIFICATION)
        err = -CAIRN_EWRONGTYPE;
    else if (notify >= 0 && !(info.rights & CAIRN_RIGHT_SIGNAL))
        err = -CAIRN_ERIGHTS;
    if (err == 0)
        err = proc_table_check_signals(e, msg->w[1], msg->w[2], notify >= 0);
    if (err < 0) {
        for (uint32_t h = 0; h < ext->recv_nhandles && h < CAIRN_MSG_HANDLES; h++)
            cairn_handle_close(ext->recv_handles[h]);
        proc_reply(err, 0, NULL, 0);
        return;
    }
    if (notify >= 0) {
        if (e->notify >= 0)
            cairn_handle_close(e->notify);
        e->notify = notify;
    }
    e->caught = msg->w[1];
    e->ignored = msg->w[2];
    proc_reply(0, 0, NULL, 0);
}

/* The processes caller may see (proc_table_visible: a sandboxed one only
 * its sandbox's), from the table's slot cookie on. */
static void
proc_list(int32_t caller, uint64_t cookie)
{
    static struct proto_proc_info out[CAIRN_MSG_BUF_MAX / sizeof(struct proto_proc_info)];
    uint32_t n = 0;
    uint64_t i = cookie;

    for (; i < PROC_MAX && n < sizeof(out) / sizeof(out[0]); i++) {
        const struct proc_entry *e = &table.e[i];
        struct cairn_process_info info;

        if (e->state == PROC_FREE || !proc_table_visible(&table, caller, e))
            continue;
        memset(&out[n], 0, sizeof(out[n]));
        out[n].pid = e->pid;
        out[n].ppid = e->ppid;
        out[n].pgid = e->pgid;
        out[n].state = e->state == PROC_RUNNING ? 0 : 1;
        if (e->process >= 0 && cairn_process_info(e->process, &info) == 0) {
            out[n].cpu_ns = info.cpu_ns;
            out[n].memory = info.mem_charged;
            out[n].threads = info.threads;
        }
        memcpy(out[n].name, e->name, sizeof(out[n].name) - 1);
        out[n].start_ns = e->start_ns;
        n++;
    }
    proc_reply(n, (long)i, out, n * sizeof(out[0]));
}

static void
proc_request(uint64_t badge, struct cairn_msg *msg, struct cairn_msg_ext *ext, long got)
{
    int32_t caller = (int32_t)badge;

    if (got == CAIRN_MSG_TRUNCATED && msg->w[0] == PROTO_PROC_SPAWN) {
        for (uint32_t h = 0; h < ext->recv_nhandles && h < CAIRN_MSG_HANDLES; h++)
            proc_io_release(ext->recv_handles[h]);
        proc_reply(-CAIRN_E2BIG, 0, NULL, 0);
        return;
    }
    if (msg->w[0] != PROTO_PROC_SPAWN && msg->w[0] != PROTO_PROC_SIGNALS) {
        for (uint32_t h = 0; h < ext->recv_nhandles && h < CAIRN_MSG_HANDLES; h++)
            cairn_handle_close(ext->recv_handles[h]);
    }
    switch (msg->w[0]) {
    case PROTO_PROC_SPAWN:
        proc_spawn(caller, msg, ext);
        break;
    case PROTO_PROC_WAIT:
        proc_wait(caller, msg->w[1], msg->w[2]);
        break;
    case PROTO_PROC_KILL:
        proc_kill(caller, (int64_t)msg->w[1], (int64_t)msg->w[2]);
        break;
    case PROTO_PROC_SETPGID:
        proc_reply(caller
                       ? proc_table_setpgid(&table, caller, (int32_t)msg->w[1], (int32_t)msg->w[2])
                       : -CAIRN_EPERM,
                   0, NULL, 0);
        break;
    case PROTO_PROC_LIST:
        proc_list(caller, msg->w[1]);
        break;
    case PROTO_PROC_SIGNALS:
        proc_signals(caller, msg, ext);
        break;
    default:
        proc_reply(-CAIRN_ENOSYS, 0, NULL, 0);
    }
}

/* A fault of the process of pid (the kernel's call, crash.h): reported,
 * then answered with the end of the process. Sent by nobody else: only
 * the kernel holds handles with PROC_FAULT_BADGE. */
static void
proc_fault(int32_t pid, const struct cairn_msg *msg, const struct cairn_msg_ext *ext)
{
    struct proc_entry *e = proc_table_find(&table, pid);

    if (e && e->state == PROC_RUNNING)
        crash_report((unsigned)(e - table.e), e->name, pid, msg, request, ext->recv_len);
    proc_reply(CAIRN_FAULT_KILL_PROCESS, 0, NULL, 0);
}

/* --- ends --------------------------------------------------------------------------------- */

static void proc_start_init(void);

/* The processes on the bits that came: take each end, answer a waiting
 * parent, drop the waits of the one that ended. */
static void
proc_reap(uint64_t bits)
{
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc_entry *e = &table.e[i];
        int64_t status = 0;
        long dropped[PROC_WAITERS], reply;
        uint32_t n;
        int32_t pid, code;

        if (!(bits & (1ull << (i % 64))) || e->state != PROC_RUNNING || e->process < 0 ||
            cairn_process_wait(e->process, 0, &status) != 0)
            continue;
        pid = e->pid;
        code = proc_status(e, status);
        cairn_handle_close(e->process);
        proc_let_go(e);
        crash_forget((unsigned)i);
        n = proc_table_drop_waiters(&table, pid, dropped, PROC_WAITERS);
        for (uint32_t k = 0; k < n; k++)
            cairn_handle_close(dropped[k]);
        proc_table_end(&table, e, code);
        reply = proc_table_waiter_for(&table, e);
        if (reply >= 0) {
            int32_t got_pid = 0, got_status = 0;

            proc_table_reap(&table, e->ppid, pid, &got_pid, &got_status);
            proc_answer(reply, got_pid, got_status);
        }
        if (pid == init_pid) {
            init_pid = 0;
            proc_start_init();
        }
    }
}

/* --- start-up ----------------------------------------------------------------------------- */

/* The console's stream for the --init program: the console's registered
 * endpoint is its stream (badge 0), referenced once per handle given. */
static long
proc_console_stream(long console)
{
    struct cairn_msg msg = {{PROTO_IO_DUP, 0, 0, 0, 0}, NULL};
    struct cairn_handle_info info;
    long copy;

    if (console < 0 || cairn_handle_info(console, &info) < 0)
        return -1;
    copy = cairn_handle_dup(console, info.rights);
    if (copy >= 0 && cairn_ipc_call_timed(copy, &msg, PROC_INIT_WAIT) < 0) {
        cairn_handle_close(copy);
        return -1;
    }
    return copy;
}

static long proc_console = -1;

static void
proc_start_init(void)
{
    static const char *const envp[] = {"PWD=/", "PATH=/bin", "HOME=/", NULL};
    long io[3];
    long pid;

    if (!init_argv[0])
        return;
    if (!init_started && proc_console >= 0) {
        /* The system is up: a person can type from now on. Written to
         * the console itself, not the kernel's log, so it comes before
         * the first program's first words (the shell's prompt). */
        static const char ready[] = "cairn: ready\n";
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_IO_WRITE, sizeof(ready) - 1, 0, 0, 0}, &ext};

        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)ready;
        ext.send_len = sizeof(ready) - 1;
        cairn_ipc_call_timed(proc_console, &msg, PROC_INIT_WAIT);
        init_started = 1;
        /* A shell of an earlier proc (this one was restarted) may still
         * wait for a line; it can start nothing any more: hang it up, so
         * the line goes to the shell started next. */
        msg = (struct cairn_msg){{PROTO_IO_TTY_HANGUP, 0, 0, 0, 0}, NULL};
        cairn_ipc_call_timed(proc_console, &msg, PROC_INIT_WAIT);
    }
    for (int i = 0; i < 3; i++)
        io[i] = proc_console_stream(proc_console);
    if (io[0] < 0) {
        /* The console was restarted (the first program's streams died
         * with it, which is why it ended): the new one's endpoint. */
        long again = cairn_registry_lookup("console", PROC_INIT_WAIT);

        for (int i = 0; i < 3; i++)
            proc_io_release(io[i]);
        if (again >= 0) {
            if (proc_console >= 0)
                cairn_handle_close(proc_console);
            proc_console = again;
        }
        for (int i = 0; i < 3; i++)
            io[i] = proc_console_stream(proc_console);
    }
    pid = proc_start(0, -1, init_argv[0], init_argv, envp, io, -1, 0);
    if (pid < 0) {
        printf("proc: cannot start %s: %s\n", init_argv[0], cairn_strerror((int)pid));
        return;
    }
    init_pid = (int32_t)pid;
}

int
main(int argc, char **argv)
{
    long err;

    proc_table_init(&table);
    proc_ep = cairn_endpoint_create();
    proc_exits = cairn_notify_create();
    err = proc_ep < 0 ? proc_ep : proc_exits < 0 ? proc_exits : cairn_notify_bind(proc_exits);
    if (err == 0)
        err = cairn_registry_register("proc", proc_ep);
    if (err < 0) {
        printf("proc: cannot start: %s\n", cairn_strerror((int)err));
        return 1;
    }
    proc_vfs = cairn_start_handle(PROTO_HANDLE_VFS, 0);
    if (proc_vfs < 0)
        proc_vfs = cairn_registry_lookup("vfs", PROC_INIT_WAIT);
    if (proc_vfs < 0)
        printf("proc: no vfs server: %s\n", cairn_strerror((int)proc_vfs));
    proc_programs = cairn_start_handle(PROTO_HANDLE_PROGRAMS, 0);
    proc_quota = cairn_start_handle(PROTO_HANDLE_QUOTA, 0);
    if (argc >= 3 && strcmp(argv[1], "--init") == 0) {
        for (int i = 2; i < argc && i - 2 < PROC_ARGS_MAX; i++)
            init_argv[i - 2] = argv[i];
        proc_console = cairn_registry_lookup("console", PROC_INIT_WAIT);
        proc_start_init();
    }
    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0, 0, 0, 0, 0}, &ext};
        uint64_t badge = 0;
        long got;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)request;
        ext.recv_cap = CAIRN_MSG_BUF_MAX;
        got = cairn_ipc_recv(proc_ep, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (got == CAIRN_IPC_NOTIFIED)
            proc_reap(badge);
        else if (got >= 0 && (badge & PROC_FAULT_BADGE))
            proc_fault((int32_t)(badge & 0x7fffffff), &msg, &ext);
        else if (got >= 0)
            proc_request(badge, &msg, &ext, got);
    }
}
