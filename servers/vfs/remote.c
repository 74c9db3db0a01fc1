// SPDX-License-Identifier: MIT
/*
 * Requests passed to mounted servers (docs/vfs.md, "Mounts";
 * include/proto/fs.h says what a mounted server answers).
 *
 * The main thread never calls a mounted server: it takes the caller out
 * with ipc_reply_save (a deferred reply), queues the request as a job and
 * receives the next request at once. A pool of worker threads (made as
 * they are needed, up to REMOTE_WORKERS) takes the jobs in the order they
 * came: each finds the server's endpoint (looked up by name with a time
 * limit the first time, and again after the server ended), calls it with
 * ipc_call_timed, and answers the caller through the reply handle with
 * the server's words, bytes and handles. A slow or dead mounted server so
 * holds up workers, never the namespace, and each of its callers gets an
 * answer within remote_call_ns (--call-limit, 30 s unless told; plus a
 * lookup's REMOTE_LOOKUP_NS). At most
 * REMOTE_PER_MOUNT jobs of one mount run at once, so one hung server
 * leaves workers for the others.
 *
 * Why not ipc_call_timed from the main thread: every other client would
 * wait out the time limit behind one hung server. Why not hand the reply
 * handle to the mounted server: it would then have to speak a protocol of
 * its own, and nothing would bound the caller's wait.
 *
 * Invariants (all under remote_lock):
 *   - a job is FREE, QUEUED or RUNNING; a QUEUED or RUNNING job holds
 *     its caller's reply handle, answered exactly once (by the worker that
 *     ran it) and then closed;
 *   - a mount's slot is freed (umount) only while none of its jobs is
 *     queued or running (remote_release), so a job's index stays good;
 *   - remotes[m].ep is the endpoint of mount m's server or -1; a worker
 *     calls through a copy of it of its own, so a forgotten endpoint is
 *     never closed under a call; gen counts the endpoints, so a failure
 *     seen through an old one never forgets a newer one;
 *   - running[m] counts mount m's RUNNING jobs, at most REMOTE_PER_MOUNT.
 */
#include <pthread.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/fs.h>

#include "vfs.h"

#define REMOTE_JOBS      64 /* requests queued or running at once (-CAIRN_EAGAIN past it) */
#define REMOTE_WORKERS   8
#define REMOTE_PER_MOUNT 4
#define REMOTE_LOOKUP_NS (2000ull * 1000 * 1000)
/* An unwanted open file handed back when its caller is gone. */
#define REMOTE_CLOSE_NS  (1000ull * 1000 * 1000)
#define REMOTE_STACK     (32 * 1024)

/* How long a mounted server may take to answer (--call-limit): a disk
 * server freeing a large file's clusters on a slow disk is still working. */
uint64_t remote_call_ns = 30ull * 1000 * 1000 * 1000;

enum remote_job_state {
    REMOTE_FREE = 0,
    REMOTE_QUEUED,
    REMOTE_RUNNING,
};

struct remote_job {
    enum remote_job_state state;
    uint64_t seq; /* arrival order */
    int mount;
    long reply; /* the caller's reply handle */
    uint64_t w[CAIRN_MSG_WORDS];
    uint32_t len;
    uint8_t buf[2 * (PROTO_PATH_MAX + 1)];
};

struct remote {
    long ep;      /* the server's endpoint, or -1 */
    uint64_t gen; /* endpoints taken so far */
    int reached;  /* the last lookup or call got through */
    int32_t error;
};

static pthread_mutex_t remote_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t remote_work = PTHREAD_COND_INITIALIZER;
static struct remote_job jobs[REMOTE_JOBS];
static struct remote remotes[MOUNT_MAX];
static unsigned running[MOUNT_MAX];
static unsigned njobs, nrunning, workers, idle;
static uint64_t next_seq;

int
remote_init(void)
{
    for (int m = 0; m < MOUNT_MAX; m++)
        remotes[m].ep = -1;
    return 0;
}

void
remote_state(int m, uint32_t *flags, int32_t *error)
{
    pthread_mutex_lock(&remote_lock);
    *flags = PROTO_MNT_REMOTE | (remotes[m].ep >= 0 && remotes[m].reached ? PROTO_MNT_REACHED : 0);
    *error = remotes[m].error;
    pthread_mutex_unlock(&remote_lock);
}

int
remote_release(int m)
{
    pthread_mutex_lock(&remote_lock);
    for (int i = 0; i < REMOTE_JOBS; i++) {
        if (jobs[i].state != REMOTE_FREE && jobs[i].mount == m) {
            pthread_mutex_unlock(&remote_lock);
            return -CAIRN_EBUSY;
        }
    }
    if (remotes[m].ep >= 0)
        cairn_handle_close(remotes[m].ep);
    remotes[m].ep = -1;
    remotes[m].gen++;
    remotes[m].reached = 0;
    remotes[m].error = 0;
    pthread_mutex_unlock(&remote_lock);
    return 0;
}

/* The oldest queued job whose mount may run one more, or NULL. */
static struct remote_job *
remote_next_locked(void)
{
    struct remote_job *best = NULL;

    for (int i = 0; i < REMOTE_JOBS; i++) {
        struct remote_job *j = &jobs[i];

        if (j->state == REMOTE_QUEUED && running[j->mount] < REMOTE_PER_MOUNT &&
            (!best || j->seq < best->seq))
            best = j;
    }
    return best;
}

/* A copy of mount m's endpoint for one call (looked up if there is none),
 * with the generation it belongs to; or a negative code. */
static long
remote_endpoint(int m, uint64_t *gen)
{
    long h, found;

    pthread_mutex_lock(&remote_lock);
    if (remotes[m].ep >= 0) {
        h = cairn_handle_dup(remotes[m].ep, CAIRN_RIGHT_SIGNAL);
        *gen = remotes[m].gen;
        pthread_mutex_unlock(&remote_lock);
        return h;
    }
    pthread_mutex_unlock(&remote_lock);
    /* Outside the lock: the wait is the registry's. Two workers may both
     * look up; the second keeps the first's endpoint. */
    found = cairn_registry_lookup(vfs.mounts.m[m].name, REMOTE_LOOKUP_NS);
    pthread_mutex_lock(&remote_lock);
    if (found < 0 && remotes[m].ep < 0) {
        remotes[m].reached = 0;
        remotes[m].error = (int32_t)found;
        pthread_mutex_unlock(&remote_lock);
        return found;
    }
    if (remotes[m].ep < 0) {
        remotes[m].ep = found;
        remotes[m].gen++;
    } else if (found >= 0) {
        cairn_handle_close(found);
    }
    h = cairn_handle_dup(remotes[m].ep, CAIRN_RIGHT_SIGNAL);
    *gen = remotes[m].gen;
    pthread_mutex_unlock(&remote_lock);
    return h;
}

/* The server behind endpoint generation gen ended: let go of it, so the
 * next request looks the name up again. */
static void
remote_forget(int m, uint64_t gen, long err)
{
    pthread_mutex_lock(&remote_lock);
    if (remotes[m].ep >= 0 && remotes[m].gen == gen) {
        cairn_handle_close(remotes[m].ep);
        remotes[m].ep = -1;
    }
    remotes[m].reached = 0;
    remotes[m].error = (int32_t)err;
    pthread_mutex_unlock(&remote_lock);
}

static void
remote_reached(int m, uint64_t gen)
{
    pthread_mutex_lock(&remote_lock);
    if (remotes[m].gen == gen) {
        remotes[m].reached = 1;
        remotes[m].error = 0;
    }
    pthread_mutex_unlock(&remote_lock);
}

/* May a request be sent again after the server ended under it? Only those
 * that change nothing if the first one did reach it. */
static int
remote_may_retry(const struct remote_job *j)
{
    return j->w[0] == PROTO_FS_STAT ||
           (j->w[0] == PROTO_FS_OPEN && !((j->w[1] & PROTO_O_CREAT) && (j->w[1] & PROTO_O_EXCL)));
}

/* Gives back the open files of a reply nobody took. */
static void
remote_drop_handles(const int32_t *h, uint32_t n, int opened)
{
    for (uint32_t i = 0; i < n && i < CAIRN_MSG_HANDLES; i++) {
        if (opened) {
            struct cairn_msg close = {.w = {PROTO_IO_CLOSE}};

            cairn_ipc_call_timed(h[i], &close, REMOTE_CLOSE_NS);
        }
        cairn_handle_close(h[i]);
    }
}

/* Answers the caller with just a code. */
static void
remote_answer_err(long reply, long err)
{
    struct cairn_msg m = {.w = {(uint64_t)err}};

    cairn_ipc_reply_to(reply, &m);
}

/* Answers the caller with the server's words and bytes and the handles
 * in h (copied, or moved): ipc_reply_to's result. */
static long
remote_reply(long reply, const struct cairn_msg *m, const uint8_t *in, uint32_t len,
             const int32_t *h, uint32_t nh, uint32_t how)
{
    struct cairn_msg_ext out = {.send_buf = (uint64_t)in, .send_len = len, .send_nhandles = nh};
    struct cairn_msg ans = {.ext = &out};

    memcpy(ans.w, m->w, sizeof(ans.w));
    for (uint32_t i = 0; i < nh; i++)
        out.send_handles[i] = (struct cairn_msg_handle){h[i], CAIRN_RIGHTS_SAME, how, 0};
    return cairn_ipc_reply_to(reply, &ans);
}

/*
 * The server's reply, as it came, to the caller. Its handles are sent as
 * copies, so that this thread still holds them if the caller is gone by
 * then (an answer that finds nobody drops what it carried): an open file
 * nobody will use is then closed at the server. A handle that cannot be
 * copied (no DUPLICATE) is moved instead, and is lost with a caller that
 * went away; one that cannot even be moved (no TRANSFER) makes the answer
 * -CAIRN_EIO.
 */
static void
remote_forward(const struct remote_job *j, const struct cairn_msg *m,
               const struct cairn_msg_ext *ext, const uint8_t *in)
{
    uint32_t len = ext->recv_len <= CAIRN_MSG_BUF_MAX ? ext->recv_len : 0;
    uint32_t nh = ext->recv_nhandles <= CAIRN_MSG_HANDLES ? ext->recv_nhandles : CAIRN_MSG_HANDLES;
    int opened = j->w[0] == PROTO_FS_OPEN;
    long r = remote_reply(j->reply, m, in, len, ext->recv_handles, nh, CAIRN_MSG_HANDLE_COPY);

    if (r >= 0) {
        remote_drop_handles(ext->recv_handles, nh, 0); /* the caller has its own */
        return;
    }
    if (r == -CAIRN_ECLOSED || r == -CAIRN_EINTR || r == -CAIRN_ENOENT || nh == 0) {
        /* The caller is gone (or the answer failed without handles). */
        remote_drop_handles(ext->recv_handles, nh, opened);
        return;
    }
    /* Refused as a whole, so nothing moved and the call is still open. */
    r = remote_reply(j->reply, m, in, len, ext->recv_handles, nh, CAIRN_MSG_HANDLE_MOVE);
    if (r >= 0 || r == -CAIRN_ECLOSED || r == -CAIRN_EINTR)
        return; /* moved: delivered, or dropped with the answer */
    remote_drop_handles(ext->recv_handles, nh, opened);
    remote_answer_err(j->reply, -CAIRN_EIO);
}

/* Runs one job (outside the lock) and answers its caller. */
static void
remote_run(struct remote_job *j, uint8_t *in)
{
    struct cairn_msg_ext ext;
    struct cairn_msg m;
    uint64_t gen = 0;
    long ep, r = -CAIRN_ECLOSED;

    for (int attempt = 0; attempt < 2 && r == -CAIRN_ECLOSED; attempt++) {
        if (attempt > 0 && !remote_may_retry(j))
            break;
        ep = remote_endpoint(j->mount, &gen);
        if (ep < 0) {
            remote_answer_err(j->reply, -CAIRN_EIO);
            return;
        }
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)j->buf;
        ext.send_len = j->len;
        ext.recv_buf = (uint64_t)in;
        ext.recv_cap = CAIRN_MSG_BUF_MAX;
        m = (struct cairn_msg){.ext = &ext};
        memcpy(m.w, j->w, sizeof(m.w));
        r = cairn_ipc_call_timed(ep, &m, remote_call_ns);
        cairn_handle_close(ep);
        if (r == -CAIRN_ECLOSED)
            remote_forget(j->mount, gen, r);
    }
    if (r < 0) {
        if (r != -CAIRN_ECLOSED) { /* a time-out: the endpoint is kept */
            pthread_mutex_lock(&remote_lock);
            if (remotes[j->mount].gen == gen) {
                remotes[j->mount].reached = 0;
                remotes[j->mount].error = (int32_t)r;
            }
            pthread_mutex_unlock(&remote_lock);
        }
        remote_answer_err(j->reply, r == -CAIRN_ETIMEDOUT || r == -CAIRN_ECLOSED ? r : -CAIRN_EIO);
        return;
    }
    remote_reached(j->mount, gen);
    remote_forward(j, &m, &ext, in);
}

static void *
remote_worker(void *arg)
{
    static uint8_t ins[REMOTE_WORKERS][CAIRN_MSG_BUF_MAX];
    uint8_t *in = ins[(uintptr_t)arg];

    pthread_mutex_lock(&remote_lock);
    for (;;) {
        struct remote_job *j = remote_next_locked();

        if (!j) {
            idle++;
            pthread_cond_wait(&remote_work, &remote_lock);
            idle--;
            continue;
        }
        j->state = REMOTE_RUNNING;
        running[j->mount]++;
        nrunning++;
        pthread_mutex_unlock(&remote_lock);
        remote_run(j, in);
        cairn_handle_close(j->reply);
        pthread_mutex_lock(&remote_lock);
        running[j->mount]--;
        nrunning--;
        j->state = REMOTE_FREE;
        njobs--;
        /* A job held back by its mount's limit may go now. */
        pthread_cond_broadcast(&remote_work);
    }
    return NULL;
}

/* One more worker if the queued jobs outnumber the idle workers (one
 * woken by a signal counts as idle until it takes a job). */
static void
remote_grow_locked(void)
{
    pthread_attr_t attr;
    pthread_t t;

    if (njobs - nrunning <= idle || workers == REMOTE_WORKERS)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, REMOTE_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, remote_worker, (void *)(uintptr_t)workers) == 0)
        workers++;
    pthread_attr_destroy(&attr);
}

void
remote_pass(struct vfs_rep *rp, int m, const uint64_t *w, const void *buf, uint32_t len)
{
    struct remote_job *j = NULL;
    long reply;

    if (len > sizeof(j->buf)) {
        rp->w[0] = (uint64_t)-CAIRN_ENAMETOOLONG;
        return;
    }
    pthread_mutex_lock(&remote_lock);
    for (int i = 0; i < REMOTE_JOBS && !j; i++)
        if (jobs[i].state == REMOTE_FREE)
            j = &jobs[i];
    if (!j) {
        pthread_mutex_unlock(&remote_lock);
        rp->w[0] = (uint64_t)-CAIRN_EAGAIN;
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        pthread_mutex_unlock(&remote_lock);
        rp->w[0] = (uint64_t)reply;
        return;
    }
    rp->deferred = 1;
    j->mount = m;
    j->reply = reply;
    j->seq = next_seq++;
    memcpy(j->w, w, sizeof(j->w));
    memcpy(j->buf, buf, len);
    j->len = len;
    j->state = REMOTE_QUEUED;
    njobs++;
    remote_grow_locked();
    if (workers == 0) {
        /* Not even one thread: answer here rather than never. */
        j->state = REMOTE_FREE;
        njobs--;
        pthread_mutex_unlock(&remote_lock);
        remote_answer_err(reply, -CAIRN_EAGAIN);
        cairn_handle_close(reply);
        return;
    }
    pthread_cond_broadcast(&remote_work);
    pthread_mutex_unlock(&remote_lock);
}
