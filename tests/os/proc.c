// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the process server (servers/proc, include/proto/
 * proc.h), started from the initfs by this test, which plays the servers
 * proc talks to: the registry (proc registers `proc` and looks `vfs` up)
 * and a vfs that serves /bin/child, the test child's image, and a few
 * bad files. A thread of the test answers them all on one endpoint, told
 * apart by badges.
 *
 * The test then acts as a process of proc's: it starts a sleeping child
 * through the service's handle (badge 0, no parent), and mints a handle
 * badged with that child's pid to speak as it, as its own children's
 * parent (only whoever holds proc's unbadged endpoint can do that: the
 * registry and proc itself).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/proc.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND         1000000000ull
#define BADGE_REG      1
#define BADGE_VFS      2
#define BADGE_OUT      3
#define BADGE_STOP     4
#define BADGE_PROGRAMS 5 /* the programs' registry handle proc hands on */
#define BADGE_ERR      6 /* a captured stderr */
#define BADGE_ERR_PIPE 7 /* a stderr whose reader is gone: EPIPE */
#define BADGE_VIEW     8 /* the same vfs, as a sandbox's namespace */
#define SEND_RIGHTS    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)
#define BADGE_FILE     100

static long ep;           /* the fake servers' endpoint */
static long proc_ep = -1; /* what proc registered */
static long registered;   /* a notification: proc has registered */
static long written;      /* a notification: a child wrote to the captured stdout */
static const uint8_t *image;
static uint64_t image_size;
static uint64_t file_offset;
static uint32_t file_mode;
static uint64_t file_size;
static char out_text[64];
static char err_text[2048];
static size_t err_len;
static long err_writes;
static long vfs_opens, vfs_closes, programs_lookups;
static long view_opens; /* of vfs_opens, those through BADGE_VIEW */
static char buf[CAIRN_MSG_BUF_MAX];

static struct test_thread servers;

/* The reply to one vfs request: FS_OPEN of the files below. */
static void
serve_vfs(struct cairn_msg *msg, struct cairn_msg_ext *ext, size_t len)
{
    if (msg->w[0] != PROTO_FS_OPEN) {
        msg->w[0] = (uint64_t)-CAIRN_ENOSYS;
        return;
    }
    buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
    file_offset = 0;
    file_mode = PROTO_S_IFREG | 0755;
    if (strcmp(buf, "/bin/child") == 0) {
        file_size = image_size;
    } else if (strcmp(buf, "/bin/empty") == 0) {
        file_size = 0;
    } else if (strcmp(buf, "/bin/dir") == 0) {
        file_size = 0;
        file_mode = PROTO_S_IFDIR | 0755;
    } else if (strcmp(buf, "/bin/junk") == 0) {
        file_size = 4096; /* the child's first page but for its header */
    } else {
        msg->w[0] = (uint64_t)-CAIRN_ENOENT;
        return;
    }
    vfs_opens++;
    ext->send_nhandles = 1;
    ext->send_handles[0] = (struct cairn_msg_handle){
        (int32_t)cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER, BADGE_FILE),
        CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    msg->w[0] = 0;
    msg->w[1] = file_mode & PROTO_S_IFMT;
}

/* The reply to one request on the open file. */
static void
serve_file(struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    if (msg->w[0] == PROTO_IO_STAT) {
        struct proto_stat st = {0};

        st.size = file_size;
        st.mode = file_mode;
        memcpy(buf, &st, sizeof(st));
        ext->send_buf = (uint64_t)(uintptr_t)buf;
        ext->send_len = sizeof(st);
        msg->w[0] = 0;
    } else if (msg->w[0] == PROTO_IO_READ) {
        uint64_t n = msg->w[1] < file_size - file_offset ? msg->w[1] : file_size - file_offset;

        if (n > sizeof(buf))
            n = sizeof(buf);
        memcpy(buf, image + file_offset, n);
        if (file_size == 4096 && file_offset == 0)
            memset(buf, 'x', 64); /* /bin/junk: no ELF header */
        file_offset += n;
        ext->send_buf = (uint64_t)(uintptr_t)buf;
        ext->send_len = (uint32_t)n;
        msg->w[0] = n;
    } else if (msg->w[0] == PROTO_IO_CLOSE) {
        vfs_closes++;
        msg->w[0] = 0;
    } else {
        msg->w[0] = (uint64_t)-CAIRN_ENOSYS;
    }
}

/* The registry, the vfs, its file and a captured stdout, on one endpoint. */
static long
servers_run(void *arg)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, &ext};
    uint64_t badge = 0;
    long got;

    (void)arg;
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = sizeof(buf);
    got = cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
    while (got >= 0 && badge != BADGE_STOP) {
        size_t len = ext.recv_len;
        uint32_t nh = ext.recv_nhandles;
        int32_t first = ext.recv_handles[0];

        memset(&ext, 0, sizeof(ext));
        if (badge == BADGE_REG && msg.w[0] == PROTO_REG_REGISTER && nh == 1) {
            proc_ep = first;
            msg.w[0] = 0;
            cairn_notify_signal(registered, 1);
        } else if (badge == BADGE_PROGRAMS && msg.w[0] == PROTO_REG_LOOKUP) {
            /* A child's lookup: the name decides, so the test sees the
             * answer came from here. */
            msg.w[0] = len == 3 && memcmp(buf, "pci", 3) == 0 ? (uint64_t)-CAIRN_EPERM
                                                              : (uint64_t)-CAIRN_ENOENT;
            programs_lookups++;
        } else if (badge == BADGE_REG && msg.w[0] == PROTO_REG_LOOKUP) {
            ext.send_nhandles = 1;
            ext.send_handles[0] = (struct cairn_msg_handle){
                (int32_t)cairn_handle_mint(
                    ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
                    BADGE_VFS),
                CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
            msg.w[0] = 0;
        } else if (badge == BADGE_VFS) {
            serve_vfs(&msg, &ext, len);
        } else if (badge == BADGE_VIEW) {
            long before = vfs_opens;

            serve_vfs(&msg, &ext, len);
            view_opens += vfs_opens - before; /* of all the opens, those through the view */
        } else if (badge == BADGE_FILE) {
            serve_file(&msg, &ext);
        } else if (badge == BADGE_OUT && msg.w[0] == PROTO_IO_WRITE) {
            size_t n = len < sizeof(out_text) - 1 ? len : sizeof(out_text) - 1;

            memcpy(out_text, buf, n);
            out_text[n] = '\0';
            msg.w[0] = len;
            cairn_notify_signal(written, 1);
        } else if (badge == BADGE_ERR && msg.w[0] == PROTO_IO_WRITE) {
            size_t n = len < sizeof(err_text) - 1 - err_len ? len : sizeof(err_text) - 1 - err_len;

            memcpy(err_text + err_len, buf, n);
            err_len += n;
            err_text[err_len] = '\0';
            err_writes++;
            msg.w[0] = len;
        } else if (badge == BADGE_ERR_PIPE && msg.w[0] == PROTO_IO_WRITE) {
            err_writes++;
            msg.w[0] = (uint64_t)-CAIRN_EPIPE;
        } else if (badge == BADGE_OUT || badge == BADGE_ERR || badge == BADGE_ERR_PIPE) {
            msg.w[0] = 0; /* DUP and CLOSE of the captured streams */
        } else {
            if (nh)
                cairn_handle_close(first); /* the tests send at most one */
            msg.w[0] = (uint64_t)-CAIRN_ENOSYS;
        }
        ext.recv_buf = (uint64_t)(uintptr_t)buf;
        ext.recv_cap = sizeof(buf);
        got = cairn_ipc_reply_recv(ep, &msg, &badge);
    }
    msg.w[0] = 0;
    msg.ext = NULL;
    cairn_ipc_reply(&msg);
    return 0;
}

/* --- a client of proc -------------------------------------------------------------------- */

/* msg (its ext set up) through h with handle (-1: none) sent with rights
 * and flags; returns w[0] or the call's error. */
static long
call_with(long h, struct cairn_msg *msg, long handle, uint32_t rights, uint32_t flags)
{
    long err;

    if (handle != -1) {
        msg->ext->send_nhandles = 1;
        msg->ext->send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, rights, flags, 0};
    }
    err = cairn_ipc_call(h, msg);
    return err < 0 ? err : (long)msg->w[0];
}

/* PROTO_PROC_SPAWN through h: path, argv (NULL-ended), no environment
 * but PWD, stdout (or -1), in group pgid (0: the caller's, -1: a new
 * one). Returns w[0]. */
static char req[1024];

static long spawn_ns = -1;   /* a namespace handle the next spawn_full sends (copied), or -1 */
static uint64_t spawn_quota; /* the pages of a quota of its own the next spawn_full asks, or 0 */

static long
spawn_full(long h, const char *path, const char *const *argv, long out, long errh, int64_t pgid)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_PROC_SPAWN, 0, 1, (uint64_t)pgid, 0}, &ext};
    size_t len = strlen(path) + 1;
    long err;

    memcpy(req, path, len);
    for (; argv[msg.w[1]]; msg.w[1]++) {
        size_t n = strlen(argv[msg.w[1]]) + 1;

        memcpy(req + len, argv[msg.w[1]], n);
        len += n;
    }
    memcpy(req + len, "PWD=/", 6);
    len += 6;
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)req;
    ext.send_len = (uint32_t)len;
    if (out >= 0) {
        msg.w[4] |= 2; /* stdout */
        ext.send_handles[ext.send_nhandles++] =
            (struct cairn_msg_handle){(int32_t)out, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    }
    if (errh >= 0) {
        msg.w[4] |= 4; /* stderr */
        ext.send_handles[ext.send_nhandles++] =
            (struct cairn_msg_handle){(int32_t)errh, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    }
    msg.w[4] |= PROTO_SPAWN_QUOTA(spawn_quota);
    if (spawn_ns >= 0) {
        msg.w[4] |= PROTO_SPAWN_NAMESPACE;
        ext.send_handles[ext.send_nhandles++] = (struct cairn_msg_handle){
            (int32_t)spawn_ns, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call(h, &msg);
    return err < 0 ? err : (long)msg.w[0];
}

static long
spawn_in(long h, const char *path, const char *const *argv, long out, int64_t pgid)
{
    return spawn_full(h, path, argv, out, -1, pgid);
}

static long
spawn_with(long h, const char *path, const char *const *argv, long out, long errh)
{
    return spawn_full(h, path, argv, out, errh, 0);
}

static long
spawn_as(long h, const char *path, const char *const *argv, long out)
{
    return spawn_full(h, path, argv, out, -1, 0);
}

/* A raw request through h; returns w[0], and w[1] in *w1. */
static long
request(long h, uint64_t op, uint64_t a, uint64_t b, long *w1)
{
    struct cairn_msg msg = {{op, a, b, 0, 0}, NULL};
    long err = cairn_ipc_call(h, &msg);

    if (w1)
        *w1 = (long)msg.w[1];
    return err < 0 ? err : (long)msg.w[0];
}

static long proc_process = -1, parent = -1;
static int32_t parent_pid;
/* proc's quota, carved from this program's and given to it to carve its
 * programs' from (PROTO_HANDLE_QUOTA); this program keeps READ. */
static long proc_quota = -1;
#define PROC_QUOTA (16ull << 20)

/* The test child's image, mapped for the fake vfs to serve, before the
 * count of frames starts (its page tables stay). */
static void
map_child_image(void)
{
    uint64_t off = 0, size = 0;
    long img = test_program_image("child", &off, &size), at;

    if (img < 0)
        return;
    at = cairn_vm_map(img, 0, (off + size + 4095) & ~4095ull, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        test_fail("map the child: %s", cairn_error_name((int)at));
        return;
    }
    image = (const uint8_t *)at + off;
    image_size = size;
}

/* Starts proc and the fake servers; 0 or -1. */
static int
start_proc(void)
{
    const char *argv[] = {"proc", NULL};
    const char *sleeper[] = {"child", "sleep", "100000", NULL};
    uint32_t kinds[3] = {PROTO_HANDLE_REGISTRY, PROTO_HANDLE_PROGRAMS, PROTO_HANDLE_QUOTA};
    struct cairn_spawn_attr attr;
    uint64_t bits, poff = 0, psize = 0;
    long reg[3], proc_img;

    ep = cairn_endpoint_create();
    registered = cairn_notify_create();
    written = cairn_notify_create();
    if (!image || ep < 0 || registered < 0 || written < 0)
        return -1;
    if (test_thread_start(&servers, servers_run, NULL) != 0)
        return -1;
    proc_img = test_program_image("proc", &poff, &psize);
    reg[0] = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, BADGE_REG);
    reg[1] = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, BADGE_PROGRAMS);
    proc_quota = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, PROC_QUOTA);
    reg[2] = cairn_handle_dup(proc_quota, CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE |
                                              CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    memset(&attr, 0, sizeof(attr));
    attr.argv = argv;
    attr.handles = reg;
    attr.handle_kinds = kinds;
    attr.nhandles = 3;
    attr.quota = proc_quota;
    proc_process = cairn_spawn(proc_img, poff, psize, &attr, NULL);
    for (int i = 0; i < 3; i++)
        cairn_handle_close(reg[i]);
    if (proc_process < 0) {
        test_fail("start proc: %s", cairn_error_name((int)proc_process));
        return -1;
    }
    if (cairn_notify_wait(registered, 30 * SECOND, &bits) != 0 || proc_ep < 0) {
        test_fail("proc never registered");
        return -1;
    }
    /* A process of proc's to speak as: a sleeping child with no parent. */
    parent_pid = (int32_t)spawn_as(proc_ep, "/bin/child", sleeper, -1);
    if (parent_pid <= 0) {
        test_fail("the first spawn gave %d", parent_pid);
        return -1;
    }
    parent = cairn_handle_mint(proc_ep, CAIRN_RIGHT_SIGNAL, (uint64_t)parent_pid);
    return parent < 0 ? -1 : 0;
}

static void
children_start_end_and_are_waited_for(void)
{
    const char *exit7[] = {"child", "exit", "7", NULL};
    const char *sleep[] = {"child", "sleep", "100000", NULL};
    const char *fault[] = {"child", "fault", NULL};
    const char *pid[] = {"child", "pid", NULL};
    const char *lookup[] = {"child", "lookup", "pci", NULL};
    long a, b, status = -1;

    a = spawn_as(parent, "/bin/child", exit7, -1);
    if (a <= 0) {
        test_fail("spawn gave %ld", a);
        return;
    }
    expect_ret("wait for it", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("its status", status, 7);
    expect_ret("wait again", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, NULL), -CAIRN_ECHILD);
    expect_ret("wait with no children", request(parent, PROTO_PROC_WAIT, (uint64_t)-1, 0, NULL),
               -CAIRN_ECHILD);
    /* A sleeper: WNOHANG says not yet; a kill ends it with its signal. */
    b = spawn_as(parent, "/bin/child", sleep, -1);
    expect_ret("WNOHANG", request(parent, PROTO_PROC_WAIT, (uint64_t)-1, PROTO_WNOHANG, NULL), 0);
    expect_ret("kill it", request(parent, PROTO_PROC_KILL, (uint64_t)b, PROTO_SIGTERM, NULL), 0);
    expect_ret("wait any", request(parent, PROTO_PROC_WAIT, (uint64_t)-1, 0, &status), b);
    expect_ret("killed by SIGTERM", status, PROTO_STATUS_SIGNALED | PROTO_SIGTERM);
    a = spawn_as(parent, "/bin/child", fault, -1);
    expect_ret("wait for the fault", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("a page fault", status, PROTO_STATUS_FAULTED | 14);
    a = spawn_as(parent, "/bin/child", pid, -1);
    expect_ret("wait for pid", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("getpid is proc's pid", status, a & 0xff);
    /* The child's registry is the programs' handle proc was given: its
     * lookups reach that badge, and its answer reaches the child. */
    a = spawn_as(parent, "/bin/child", lookup, -1);
    expect_ret("wait for lookup", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("the programs' registry answered", status, CAIRN_EPERM);
    expect_ret("lookups through the programs' handle", programs_lookups, 1);
}

static void
a_childs_stdout_is_the_handle_given(void)
{
    const char *hello[] = {"child", "write", "hello proc", NULL};
    long out = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, BADGE_OUT);
    long a = spawn_as(parent, "/bin/child", hello, out), status = -1;

    expect_ret("wait", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("status", status, 0);
    if (strcmp(out_text, "hello proc") != 0)
        test_fail("the child wrote \"%s\"", out_text);
}

/* A program proc started uses libc's calls (child.c's spawn role):
 * posix_spawn, posix_spawnp, waitpid, wait, kill, file actions. */
static void
libc_spawns_waits_and_kills_through_proc(void)
{
    const char *spawner[] = {"child", "spawn", NULL};
    long out = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, BADGE_OUT);
    long a, status = -1;

    out_text[0] = '\0';
    a = spawn_as(parent, "/bin/child", spawner, out);
    expect_ret("wait for the spawner", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status),
               a);
    expect_ret("its status (child.c, child_spawn)", status, 0);
    if (strcmp(out_text, "to stderr") != 0)
        test_fail("the grandchild's stderr, dup2'd to stdout, wrote \"%s\"", out_text);
}

/*
 * A sandboxed child: started with a namespace handle of its own (the fake
 * vfs under another badge), its own image still comes through its
 * parent's namespace, its children's through its own (which they get in
 * turn), and none of them gets the programs' registry handle.
 */
static void
a_sandboxed_child_and_its_children_reach_only_their_namespace(void)
{
    const char *spawner[] = {"child", "spawn", NULL};
    const char *lookup[] = {"child", "lookup", "pci", NULL};
    const char *argv[] = {"x", NULL};
    long out = cairn_handle_mint(ep, SEND_RIGHTS, BADGE_OUT);
    long view = cairn_handle_mint(ep, SEND_RIGHTS, BADGE_VIEW);
    long a, status = -1, opens = vfs_opens, lookups = programs_lookups;
    struct cairn_msg_ext ext;
    struct cairn_msg msg;

    out_text[0] = '\0';
    view_opens = 0;
    spawn_ns = view;
    a = spawn_as(parent, "/bin/child", spawner, out);
    expect_ret("wait for the sandboxed spawner",
               request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("its status (child.c, child_spawn)", status, 0);
    if (strcmp(out_text, "to stderr") != 0)
        test_fail("the sandboxed grandchild wrote \"%s\"", out_text);
    /* Its own image through the parent's namespace; its four children's
     * (two of exit, a sleeper, a writer) through the view. */
    expect_ret("images read through the parent's namespace", vfs_opens - opens - view_opens, 1);
    expect_ret("images read through the view", view_opens, 4);
    /* No registry: the start handle is missing, the programs' registry
     * never asked. */
    a = spawn_as(parent, "/bin/child", lookup, -1);
    expect_ret("wait for the sandboxed lookup",
               request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("no registry handle", status, CAIRN_ENOENT);
    expect_ret("no lookup reached the programs' registry", programs_lookups, lookups);
    spawn_ns = -1;
    /* The namespace's bit with no handle, and a bit proc does not know. */
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t) "/bin/child\0x";
    ext.send_len = 13;
    msg = (struct cairn_msg){{PROTO_PROC_SPAWN, 1, 0, 0, PROTO_SPAWN_NAMESPACE}, &ext};
    expect_ret("a namespace bit without a handle", cairn_ipc_call(parent, &msg), 0);
    expect_ret("its result", (long)msg.w[0], -CAIRN_EINVAL);
    msg = (struct cairn_msg){{PROTO_PROC_SPAWN, 1, 0, 0, 1u << 4}, &ext};
    expect_ret("an unknown bit", cairn_ipc_call(parent, &msg), 0);
    expect_ret("its result", (long)msg.w[0], -CAIRN_EINVAL);
    /* Only the vfs's endpoint is a namespace: proc would call anything
     * else with its one thread (itself, or a server that never answers). */
    long other = cairn_endpoint_create();
    spawn_ns = other;
    expect_ret("another endpoint as the namespace", spawn_as(parent, "/bin/child", argv, -1),
               -CAIRN_EINVAL);
    spawn_ns = proc_ep;
    expect_ret("proc's own endpoint as the namespace", spawn_as(parent, "/bin/child", argv, -1),
               -CAIRN_EINVAL);
    cairn_handle_close(other);
    /* A sandboxed process lists only its sandbox: here itself, beside
     * its parent, which lists both. */
    {
        const char *sleep[] = {"child", "sleep", "100000", NULL};
        struct proto_proc_info info[8];
        long s, as_s, n;

        spawn_ns = view;
        s = spawn_as(parent, "/bin/child", sleep, -1);
        spawn_ns = -1;
        as_s = cairn_handle_mint(proc_ep, CAIRN_RIGHT_SIGNAL, (uint64_t)s);
        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)info;
        ext.recv_cap = sizeof(info);
        msg = (struct cairn_msg){{PROTO_PROC_LIST, 0, 0, 0, 0}, &ext};
        expect_ret("list from inside", cairn_ipc_call(as_s, &msg), 0);
        n = (long)msg.w[0];
        if (n != 1 || info[0].pid != s)
            test_fail("inside, the list has %ld entries, the first pid %d (the sandbox's is %ld)",
                      n, n > 0 ? info[0].pid : 0, s);
        msg = (struct cairn_msg){{PROTO_PROC_LIST, 0, 0, 0, 0}, &ext};
        expect_ret("list from outside", cairn_ipc_call(parent, &msg), 0);
        n = (long)msg.w[0];
        int saw_parent = 0, saw_s = 0;
        for (long i = 0; i < n && i < 8; i++) {
            saw_parent |= info[i].pid == parent_pid;
            saw_s |= info[i].pid == s;
        }
        if (!saw_parent || !saw_s)
            test_fail("outside, the list lacks the parent or the sandbox");
        expect_ret("kill the sandboxed sleeper",
                   request(parent, PROTO_PROC_KILL, (uint64_t)s, PROTO_SIGKILL, NULL), 0);
        expect_ret("wait for it", request(parent, PROTO_PROC_WAIT, (uint64_t)s, 0, &status), s);
        cairn_handle_close(as_s);
    }
    /* A failed sandboxed spawn gives its namespace back (the leak check
     * at the end counts handles). */
    spawn_ns = view;
    expect_ret("a missing file in a sandbox", spawn_as(parent, "/bin/nothing", argv, -1),
               -CAIRN_ENOENT);
    spawn_ns = -1;
    cairn_handle_close(view);
}

/* The bytes charged to proc's quota once they are below limit (a
 * process's memory goes back when the kernel has torn it down, a moment
 * after its end was reported); what is charged then. */
static uint64_t
proc_quota_settles_below(uint64_t limit)
{
    struct cairn_quota_info q = {0, 0};

    for (int i = 0; i < 1000; i++) {
        if (cairn_quota_info(proc_quota, &q) < 0 || q.used < limit)
            break;
        cairn_thread_sleep(10 * MS_NS);
    }
    return q.used;
}

/*
 * A quota of its own (PROTO_SPAWN_QUOTA): the child is charged to a quota
 * of that size carved from proc's, for its image and stack too, which its
 * own children share, so what fits in proc's does not in it; a quota proc
 * cannot pay is refused at the spawn; every carve goes back when its
 * processes have ended.
 */
/* Starts argv with a quota of pages pages of its own (0: none), waits
 * for it and checks its status is want. */
static void
run_in_quota(const char *what, uint64_t pages, const char *const *argv, long want)
{
    long a, status = -1;

    spawn_quota = pages;
    a = spawn_as(parent, "/bin/child", argv, -1);
    spawn_quota = 0;
    expect_ret(what, request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret(what, status, want);
}

static void
a_quota_of_its_own_bounds_a_child_and_its_children(void)
{
    const char *big[] = {"child", "memobj", "4194304", NULL};
    const char *small[] = {"child", "memobj", "65536", NULL};
    const char *big_below[] = {"child", "memchild", "4194304", NULL};
    const char *small_below[] = {"child", "memchild", "65536", NULL};
    const char *argv[] = {"x", NULL};
    struct cairn_quota_info q = {0, 0};

    expect_ret("proc's quota", cairn_quota_info(proc_quota, &q), 0);
    run_in_quota("4 MiB in proc's quota", 0, big, 0);
    run_in_quota("4 MiB in 1 MiB", (1 << 20) / 4096, big, CAIRN_ENOMEM);
    run_in_quota("64 KiB in 1 MiB", (1 << 20) / 4096, small, 0);
    /* A grandchild is charged to its parent's quota. */
    run_in_quota("a grandchild's 4 MiB in 2 MiB", (2 << 20) / 4096, big_below, CAIRN_ENOMEM);
    run_in_quota("a grandchild's 64 KiB in 2 MiB", (2 << 20) / 4096, small_below, 0);
    /* The child's image, segments and stack, which proc makes, are
     * charged to it too: 64 KiB cannot hold them. */
    spawn_quota = (64 << 10) / 4096;
    expect_ret("a quota smaller than the program", spawn_as(parent, "/bin/child", argv, -1),
               -CAIRN_ENOMEM);
    /* More than proc has left, and the most the word can say. */
    spawn_quota = PROC_QUOTA / 4096;
    expect_ret("proc's whole quota", spawn_as(parent, "/bin/child", argv, -1), -CAIRN_ENOMEM);
    spawn_quota = 0xffffffffu;
    expect_ret("16 TiB", spawn_as(parent, "/bin/child", argv, -1), -CAIRN_ENOMEM);
    spawn_quota = 0;
    /* Every carve (1 MiB and more) went back; proc's own use may have
     * moved by a few bytes (its heap, its tables). */
    uint64_t now = proc_quota_settles_below(q.used + (512 << 10));

    if (now >= q.used + (512 << 10))
        test_fail("proc's quota still has %lu bytes charged, %lu before", (unsigned long)now,
                  (unsigned long)q.used);
}

/* --- signals ------------------------------------------------------------------------------ */

/* A raw PROTO_PROC_SIGNALS through h with handle (or -1) given rights. */
static long
signals_as(long h, uint64_t caught, uint64_t ignored, long handle, uint32_t rights)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_PROC_SIGNALS, caught, ignored, 0, 0}, &ext};

    memset(&ext, 0, sizeof(ext));
    return call_with(h, &msg, handle, rights, CAIRN_MSG_HANDLE_COPY);
}

/* A child that catches SIGINT and SIGTERM (child.h, "child catch"),
 * started in group pgid with the captured stdout; its pid once it said
 * it is ready, or a negative code. */
static long
start_catcher(int64_t pgid)
{
    const char *argv[] = {"child", "catch", NULL};
    long out = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, BADGE_OUT);
    long pid;
    uint64_t bits;

    cairn_notify_wait(written, 0, &bits); /* forget earlier writes */
    pid = spawn_in(parent, "/bin/child", argv, out, pgid);
    if (pid <= 0)
        return pid < 0 ? pid : -CAIRN_EIO;
    if (cairn_notify_wait(written, 20 * SECOND, &bits) != 0 ||
        strcmp(out_text, "child: ready\n") != 0) {
        test_fail("the catcher never said it was ready (\"%s\")", out_text);
        return -CAIRN_ETIMEDOUT;
    }
    return pid;
}

/* Programs proc started catch, ignore and block signals with libc's calls
 * (child.h, "child signals"): raise runs the handler at once, a kill of
 * itself comes to its signal thread; abort's SIGABRT ends it even when a
 * handler returns. */
static void
libc_handlers_run_and_default_actions_end_the_process(void)
{
    const char *signals[] = {"child", "signals", NULL};
    const char *abrt[] = {"child", "abort", NULL};
    long a, status = -1;

    a = spawn_as(parent, "/bin/child", signals, -1);
    expect_ret("wait for signals", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    if (status != (PROTO_STATUS_SIGNALED | PROTO_SIGTERM))
        test_fail("child signals ended with %#lx (50-69: the step that failed; "
                  "wanted its raise(SIGTERM))",
                  status);
    a = spawn_as(parent, "/bin/child", abrt, -1);
    expect_ret("wait for abort", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("abort's status", status, PROTO_STATUS_SIGNALED | 6);
}

/* A child that catches SIGTERM gets its handler when its parent kills
 * it; SIGKILL still ends it; ^C's SIGINT to a group reaches the handler
 * of the member that catches it and ends the one that does not. */
static void
a_caught_signal_from_another_process_runs_the_handler(void)
{
    const char *sleep[] = {"child", "sleep", "100000", NULL};
    long a, b, status = -1;

    a = start_catcher(0);
    if (a < 0)
        return;
    expect_ret("SIGTERM", request(parent, PROTO_PROC_KILL, (uint64_t)a, PROTO_SIGTERM, NULL), 0);
    expect_ret("wait", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("the handler's exit", status, 40 + PROTO_SIGTERM);
    if (strcmp(out_text, "child: caught signal 15\n") != 0)
        test_fail("the catcher wrote \"%s\"", out_text);
    a = start_catcher(0);
    if (a < 0)
        return;
    expect_ret("SIGKILL", request(parent, PROTO_PROC_KILL, (uint64_t)a, PROTO_SIGKILL, NULL), 0);
    expect_ret("wait", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("SIGKILL is not caught", status, PROTO_STATUS_SIGNALED | PROTO_SIGKILL);
    /* A group as the console's ^C reaches it: the catcher leads it, a
     * sleeper with no handler is in it too. */
    a = start_catcher(-1);
    if (a < 0)
        return;
    b = spawn_in(parent, "/bin/child", sleep, -1, a);
    expect_ret("SIGINT to the group",
               request(proc_ep, PROTO_PROC_KILL, (uint64_t)-a, PROTO_SIGINT, NULL), 0);
    expect_ret("wait for the catcher", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status),
               a);
    expect_ret("its handler's exit", status, 40 + PROTO_SIGINT);
    expect_ret("wait for the sleeper", request(parent, PROTO_PROC_WAIT, (uint64_t)b, 0, &status),
               b);
    expect_ret("the default action", status, PROTO_STATUS_SIGNALED | PROTO_SIGINT);
}

/* PROTO_PROC_SIGNALS spoken directly: bad handles and masks are refused
 * with nothing changed; a caught signal sets its bit of the notification
 * given, an ignored one is dropped. */
static void
proc_signals_refuses_bad_handles_and_masks(void)
{
    long n = cairn_notify_create();
    uint64_t bits = 0;
    const uint64_t usr1 = 1ull << 10, usr2 = 1ull << 12;

    expect_ret("a bad handle", signals_as(parent, usr1, 0, 9999, CAIRN_RIGHTS_SAME), -CAIRN_EBADH);
    expect_ret("an endpoint", signals_as(parent, usr1, 0, ep, CAIRN_RIGHT_SIGNAL),
               -CAIRN_EWRONGTYPE);
    expect_ret("a notification without SIGNAL", signals_as(parent, usr1, 0, n, CAIRN_RIGHT_WAIT),
               -CAIRN_ERIGHTS);
    expect_ret("caught with no notification", signals_as(parent, usr1, 0, -1, 0), -CAIRN_EINVAL);
    expect_ret("SIGKILL caught",
               signals_as(parent, 1ull << PROTO_SIGKILL, 0, n, CAIRN_RIGHT_SIGNAL), -CAIRN_EINVAL);
    expect_ret("SIGKILL ignored", signals_as(parent, 0, 1ull << PROTO_SIGKILL, -1, 0),
               -CAIRN_EINVAL);
    expect_ret("caught and ignored", signals_as(parent, usr1, usr1, n, CAIRN_RIGHT_SIGNAL),
               -CAIRN_EINVAL);
    expect_ret("from a service", signals_as(proc_ep, usr1, 0, n, CAIRN_RIGHT_SIGNAL), -CAIRN_EPERM);
    /* Nothing changed: SIGUSR1 would still end the parent, so it is not
     * sent; a good request now. */
    expect_ret("a good one", signals_as(parent, usr1, usr2, n, CAIRN_RIGHT_SIGNAL), 0);
    expect_ret("SIGUSR1", request(parent, PROTO_PROC_KILL, (uint64_t)parent_pid, 10, NULL), 0);
    expect_ret("its bit", cairn_notify_wait(n, 10 * SECOND, &bits), 0);
    expect_ret("bit 10", (long)bits, (long)usr1);
    expect_ret("SIGUSR2", request(parent, PROTO_PROC_KILL, (uint64_t)parent_pid, 12, NULL), 0);
    expect_ret("no bit", cairn_notify_wait(n, 0, &bits), -CAIRN_ETIMEDOUT);
    /* Later calls keep the notification proc has. */
    expect_ret("again, no handle", signals_as(parent, usr2, 0, -1, 0), 0);
    expect_ret("SIGUSR2 caught", request(parent, PROTO_PROC_KILL, (uint64_t)parent_pid, 12, NULL),
               0);
    expect_ret("its bit", cairn_notify_wait(n, 10 * SECOND, &bits), 0);
    expect_ret("bit 12", (long)bits, (long)usr2);
    expect_ret("back to defaults", signals_as(parent, 0, 0, -1, 0), 0);
    /* The parent was never ended: bad_requests_get_errors_and_proc_goes_on
     * finds it running in the list. */
    cairn_handle_close(n);
}

/* proc is the exception endpoint of what it starts: a fault is reported
 * on the child's stderr, with the frames named from the image's function
 * table (the test child keeps one, mk/user.mk), and the parent still
 * sees the fault's status. A stderr that refuses the report costs it, not
 * proc. */
static void
a_crash_is_reported_on_stderr_with_named_frames(void)
{
    const char *fault[] = {"child", "fault", NULL};
    long err = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, BADGE_ERR);
    long a, status = -1;
    char head[64];

    err_len = 0;
    err_text[0] = '\0';
    a = spawn_with(parent, "/bin/child", fault, -1, err);
    expect_ret("wait for the crash", request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("still a page fault", status, PROTO_STATUS_FAULTED | 14);
    snprintf(head, sizeof(head), "child[%ld]: page fault at 0x", a);
    if (strncmp(err_text, head, strlen(head)) != 0 || !strstr(err_text, "(write, protection)"))
        test_fail("the report begins \"%.80s\"", err_text);
    else if (!strstr(err_text, "\n  #0 0x") || !strstr(err_text, " child_fault_write+0x") ||
             !strstr(err_text, "\n  #1 0x") || !strstr(err_text, " child_fault_deep+0x") ||
             strstr(err_text, " child_fault_deep+0x") < strstr(err_text, " child_fault_write+0x"))
        test_fail("the report's frames: \"%s\"", err_text);
    else
        printf("proc: the report: %s", err_text);

    /* A stderr that refuses: the report goes to proc's log; proc serves on. */
    err = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
                            BADGE_ERR_PIPE);
    err_writes = 0;
    a = spawn_with(parent, "/bin/child", fault, -1, err);
    expect_ret("wait for the second crash",
               request(parent, PROTO_PROC_WAIT, (uint64_t)a, 0, &status), a);
    expect_ret("a page fault again", status, PROTO_STATUS_FAULTED | 14);
    expect_ret("one refused write", err_writes, 1);
}

static void
bad_requests_get_errors_and_proc_goes_on(void)
{
    const char *argv[] = {"x", NULL};
    static const char no_nul[] = {'/', 'b'};
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_PROC_SPAWN, 0, 0, 0, 0}, &ext};
    long list_n, cookie = 0;
    struct proto_proc_info info[8];

    expect_ret("a missing file", spawn_as(parent, "/bin/nothing", argv, -1), -CAIRN_ENOENT);
    expect_ret("an empty file", spawn_as(parent, "/bin/empty", argv, -1), -CAIRN_ENOEXEC);
    expect_ret("a directory", spawn_as(parent, "/bin/dir", argv, -1), -CAIRN_EISDIR);
    expect_ret("not an ELF", spawn_as(parent, "/bin/junk", argv, -1), -CAIRN_ENOEXEC);
    expect_ret("a relative path", spawn_as(parent, "bin/child", argv, -1), -CAIRN_EINVAL);
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)no_nul;
    ext.send_len = sizeof(no_nul);
    expect_ret("no 0 in the buffer", cairn_ipc_call(parent, &msg), 0);
    expect_ret("its result", (long)msg.w[0], -CAIRN_EINVAL);
    msg = (struct cairn_msg){{PROTO_PROC_SPAWN, 100000, 0, 0, 0}, &ext};
    expect_ret("argc too large", cairn_ipc_call(parent, &msg), 0);
    expect_ret("its result", (long)msg.w[0], -CAIRN_E2BIG);
    expect_ret("an unknown op", request(parent, 0x499, 0, 0, NULL), -CAIRN_ENOSYS);
    expect_ret("kill pid 0", request(parent, PROTO_PROC_KILL, 0, PROTO_SIGTERM, NULL),
               -CAIRN_EINVAL);
    expect_ret("kill no one", request(parent, PROTO_PROC_KILL, 9999, PROTO_SIGTERM, NULL),
               -CAIRN_ESRCH);
    expect_ret("signal 0", request(parent, PROTO_PROC_KILL, 1, 0, NULL), -CAIRN_EINVAL);
    /* The parent may not signal its own parent-less self's elders: proc
     * itself is not in the table, the first sleeper is its own. */
    expect_ret("setpgid of a stranger", request(parent, PROTO_PROC_SETPGID, 9999, 0, NULL),
               -CAIRN_ESRCH);
    /* proc still answers: the list shows the parent, running. */
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)info;
    ext.recv_cap = sizeof(info);
    msg = (struct cairn_msg){{PROTO_PROC_LIST, 0, 0, 0, 0}, &ext};
    expect_ret("list", cairn_ipc_call(parent, &msg), 0);
    list_n = (long)msg.w[0];
    cookie = (long)msg.w[1];
    if (list_n < 1 || info[0].pid != parent_pid || info[0].state != 0 ||
        strcmp(info[0].name, "child") != 0)
        test_fail("list gave %ld entries, the first pid %d name %s", list_n, info[0].pid,
                  info[0].name);
    if (cookie <= 0)
        test_fail("list's cookie %ld", cookie);
    expect_ret("every open closed", vfs_closes, vfs_opens);
}

static void
stop_everything(void)
{
    long stop = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, BADGE_STOP);
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, NULL};
    int64_t status = 0;

    if (parent_pid > 0)
        expect_ret("end the parent",
                   request(proc_ep, PROTO_PROC_KILL, (uint64_t)parent_pid, PROTO_SIGKILL, NULL), 0);
    if (proc_process >= 0) {
        cairn_process_kill(proc_process);
        expect_ret("proc's end", cairn_process_wait(proc_process, 10 * SECOND, &status), 0);
        cairn_handle_close(proc_process);
    }
    cairn_ipc_call(stop, &msg);
    test_thread_join(&servers, 10 * SECOND, &status);
    test_thread_free(&servers);
    cairn_handle_close(stop);
    cairn_handle_close(proc_quota);
    cairn_handle_close(parent);
    cairn_handle_close(proc_ep);
    cairn_handle_close(ep);
    cairn_handle_close(registered);
    cairn_handle_close(written);
}

static struct cairn_debug_stats before;

/* The tests below share one proc: this starts it, the last stops it. */
static void
proc_starts_registers_and_starts_a_first_program(void)
{
    /* This program's own pages are touched before the count starts. */
    memset(buf, 0, sizeof(buf));
    memset(req, 0, sizeof(req));
    memset(out_text, 0, sizeof(out_text));
    map_child_image();
    /* proc's member looked up now: the lookup maps the whole initfs, and
     * the page tables that makes (more as the initfs grows) stay */
    uint64_t poff, psize;
    (void)test_program_image("proc", &poff, &psize);
    before = stats_now();
    if (start_proc() != 0)
        test_fail("proc did not start (the tests after this one fail too)");
}

static void
everything_stops_and_nothing_leaks(void)
{
    stop_everything();
    expect_stats(&before, "after proc and its children ended");
}

int
main(void)
{
    static const struct usertest tests[] = {
        USERTEST(proc_starts_registers_and_starts_a_first_program),
        USERTEST(children_start_end_and_are_waited_for),
        USERTEST(a_childs_stdout_is_the_handle_given),
        USERTEST(libc_spawns_waits_and_kills_through_proc),
        USERTEST(a_sandboxed_child_and_its_children_reach_only_their_namespace),
        USERTEST(a_quota_of_its_own_bounds_a_child_and_its_children),
        USERTEST(libc_handlers_run_and_default_actions_end_the_process),
        USERTEST(a_caught_signal_from_another_process_runs_the_handler),
        USERTEST(proc_signals_refuses_bad_handles_and_masks),
        USERTEST(a_crash_is_reported_on_stderr_with_named_frames),
        USERTEST(bad_requests_get_errors_and_proc_goes_on),
        USERTEST(everything_stops_and_nothing_leaks),
    };

    return harness_run("proc", tests, sizeof(tests) / sizeof(tests[0]));
}
