/* SPDX-License-Identifier: MIT */
/*
 * sysbench: the figures of the running system, measured the way a
 * program sees it (docs/benchmarks.md, "The system"): the time from the
 * kernel's entry to `cairn: ready`, a program started and waited for
 * through proc and the vfs, one byte there and back between two
 * processes through pipes, the speed of 8 MiB through a pipe to another
 * process and the ramfs's write and read speeds (in 64 KiB calls, which
 * libc moves through a bulk channel to the vfs), and the cost of a MiB
 * written and read on /disk when there is one.
 *
 * make bench runs it from the shell of a normal boot under QEMU's
 * instruction clock (-icount shift=0), where one nanosecond of the
 * monotonic clock is one instruction: each figure is then an instruction
 * count, as the kernel's benchmarks (apps/bench) print them, the median of
 * n rounds. Run by hand on another machine, the figures are nanoseconds.
 *
 *   sysbench          every figure but the disk's, then `sysbench: done`
 *   sysbench --disk   the disk's figures alone, then `sysbench: done`
 *   sysbench --echo   the pipe's other end: copies stdin to stdout a
 *                     byte at a time until end of file
 *   sysbench --sink   the other end of pipe_mbps: writes one byte (it
 *                     is ready), reads stdin in PIPE_CHUNK reads until
 *                     end of file, then writes the count it read
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/proc.h>

#define ROUNDS      64
#define PIPE_ROUNDS 256
#define PIPE_BYTES  (8u << 20)
#define PIPE_CHUNK  (64u << 10)
#define RAMFS_BYTES (8u << 20)
#define RAMFS_CHUNK (64u << 10)
#define RAMFS_PATH  "/tmp/sysbench.dat"
#define DISK_BYTES  (64u << 20)
#define DISK_CHUNK  (256u << 10)
#define DISK_ROUNDS 5
#define DISK_PATH   "/disk/sysbench.dat"

extern char **environ;

static uint64_t samples[PIPE_ROUNDS];
static int failures;

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void
report(const char *name, uint64_t *v, unsigned n)
{
    qsort(v, n, sizeof(v[0]), compare);
    printf("%s: %llu cycles, n=%u\n", name, (unsigned long long)v[n / 2], n);
}

static void
failed(const char *name, const char *what, int err)
{
    printf("%s: failed: %s: %s\n", name, what, strerror(err));
    failures++;
}

/* When the first shell was started: proc starts it right after it wrote
 * `cairn: ready`, so this is the whole boot, from the kernel's start (time
 * 0 of the monotonic clock) to the prompt being due. */
static void
bench_boot_to_ready(void)
{
    static struct proto_proc_info info[CAIRN_MSG_BUF_MAX / sizeof(struct proto_proc_info)];
    long proc = cairn_start_handle(PROTO_HANDLE_PROC, 0), err;
    uint64_t cookie = 0;

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_PROC_LIST, cookie, 0, 0, 0}, &ext};

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)info;
        ext.recv_cap = sizeof(info);
        err = proc < 0 ? proc : cairn_ipc_call(proc, &msg);
        if (err == 0 && (int64_t)msg.w[0] < 0)
            err = (long)msg.w[0];
        if (err < 0 || msg.w[0] == 0 || msg.w[0] > sizeof(info) / sizeof(info[0]))
            break;
        for (uint64_t i = 0; i < msg.w[0]; i++) {
            if (info[i].pid == 1) {
                samples[0] = info[i].start_ns;
                report("boot_to_ready", samples, 1);
                return;
            }
        }
        if (msg.w[1] <= cookie)
            break;
        cookie = msg.w[1];
    }
    failed("boot_to_ready", "the first shell (pid 1) in proc's list", err < 0 ? (int)-err : ENOENT);
}

/* posix_spawn of a small program of /bin, through proc and the vfs, and
 * waitpid for its end. */
static void
bench_spawn_wait(void)
{
    char *const argv[] = {"true", NULL};

    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = now_ns();
        pid_t pid;
        int status, err = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);

        if (err == 0 && waitpid(pid, &status, 0) != pid)
            err = errno;
        if (err == 0 && status != 0)
            err = ECHILD;
        if (err) {
            failed("spawn_wait_hello", "/bin/true", err);
            return;
        }
        samples[i] = now_ns() - t0;
    }
    report("spawn_wait_hello", samples, ROUNDS);
}

/* Starts this program again as `sysbench ROLE` with a pipe on each side:
 * its stdin reads what we write to to[1], its stdout writes what we read
 * from from[0] (the ends it has are closed here). 0, or -1 when it could
 * not be done (said as figure's failure). */
static int
spawn_piped(const char *figure, const char *self, const char *role, int to[2], int from[2],
            pid_t *pid)
{
    char *const argv[] = {"sysbench", (char *)role, NULL};
    posix_spawn_file_actions_t fa;
    int err;

    if (pipe(to) < 0 || pipe(from) < 0) {
        failed(figure, "pipe", errno);
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from[1], 1);
    posix_spawn_file_actions_addclose(&fa, to[1]);
    posix_spawn_file_actions_addclose(&fa, from[0]);
    err = posix_spawn(pid, self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(to[0]);
    close(from[1]);
    if (err != 0) {
        failed(figure, self, err);
        close(to[1]);
        close(from[0]);
        return -1;
    }
    return 0;
}

/* One byte to a child through one pipe and back through another. */
static void
bench_pipe_roundtrip(const char *self)
{
    int to[2], from[2], status;
    unsigned i;
    pid_t pid;
    char c = 'x';

    if (spawn_piped("pipe_roundtrip", self, "--echo", to, from, &pid) < 0)
        return;
    for (i = 0; i < PIPE_ROUNDS; i++) {
        uint64_t t0 = now_ns();

        if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
            break;
        samples[i] = now_ns() - t0;
    }
    close(to[1]);
    waitpid(pid, &status, 0);
    close(from[0]);
    if (i < PIPE_ROUNDS) {
        failed("pipe_roundtrip", "a byte was lost", EPIPE);
        return;
    }
    report("pipe_roundtrip", samples, PIPE_ROUNDS);
}

/* Throughput in MB/s (10^6 bytes a second of the monotonic clock). */
static void
report_mbps(const char *name, uint64_t bytes, uint64_t ns)
{
    printf("%s: %llu MB/s, %llu cycles, n=1\n", name,
           (unsigned long long)(ns ? bytes * 1000ull / ns : 0), (unsigned long long)ns);
}

/* PIPE_BYTES in PIPE_CHUNK writes through a pipe to a child that reads
 * them in PIPE_CHUNK reads: from the first write (the child has started
 * and said so) to the child's count of what it read, back through a
 * second pipe. */
static void
bench_pipe_mbps(const char *self)
{
    static char chunk[PIPE_CHUNK];
    int to[2], from[2], status;
    uint64_t t0 = 0, t1 = 0, got = 0;
    unsigned done = 0;
    pid_t pid;
    char c;

    if (spawn_piped("pipe_mbps", self, "--sink", to, from, &pid) < 0)
        return;
    memset(chunk, 'p', sizeof(chunk));
    if (read(from[0], &c, 1) == 1) {
        t0 = now_ns();
        while (done < PIPE_BYTES && write(to[1], chunk, PIPE_CHUNK) == PIPE_CHUNK)
            done += PIPE_CHUNK;
        close(to[1]);
        to[1] = -1;
        if (read(from[0], &got, sizeof(got)) != sizeof(got))
            got = 0;
        t1 = now_ns();
    }
    if (to[1] >= 0)
        close(to[1]);
    waitpid(pid, &status, 0);
    close(from[0]);
    if (done < PIPE_BYTES || got != PIPE_BYTES) {
        failed("pipe_mbps", "bytes were lost", EPIPE);
        return;
    }
    report_mbps("pipe_mbps", PIPE_BYTES, t1 - t0);
}

static void
bench_ramfs(void)
{
    static char chunk[RAMFS_CHUNK];
    uint64_t t0, t1;
    int fd;

    memset(chunk, 'c', sizeof(chunk));
    fd = open(RAMFS_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        failed("ramfs_write_mbps", RAMFS_PATH, errno);
        return;
    }
    t0 = now_ns();
    for (unsigned done = 0; done < RAMFS_BYTES; done += RAMFS_CHUNK) {
        if (write(fd, chunk, RAMFS_CHUNK) != RAMFS_CHUNK) {
            failed("ramfs_write_mbps", "write", errno);
            close(fd);
            unlink(RAMFS_PATH);
            return;
        }
    }
    t1 = now_ns();
    close(fd);
    report_mbps("ramfs_write_mbps", RAMFS_BYTES, t1 - t0);
    fd = open(RAMFS_PATH, O_RDONLY);
    t0 = now_ns();
    for (unsigned done = 0; fd >= 0 && done < RAMFS_BYTES;) {
        ssize_t n = read(fd, chunk, RAMFS_CHUNK); /* may be fewer bytes */

        if (n <= 0) {
            failed("ramfs_read_mbps", "read", n < 0 ? errno : EIO);
            close(fd);
            unlink(RAMFS_PATH);
            return;
        }
        done += (unsigned)n;
    }
    t1 = now_ns();
    if (fd >= 0) {
        close(fd);
        report_mbps("ramfs_read_mbps", RAMFS_BYTES, t1 - t0);
    } else {
        failed("ramfs_read_mbps", RAMFS_PATH, errno);
    }
    unlink(RAMFS_PATH);
}

/* One pass over DISK_PATH: written (and fsync'd, so the figure holds the
 * disk's work, not the cache's) or read in DISK_CHUNK calls. The time, or
 * 0 after a failure (counted). */
static uint64_t
disk_pass(int writing)
{
    static char chunk[DISK_CHUNK];
    const char *name = writing ? "disk_write" : "disk_read";
    uint64_t t0, t1;
    int fd = open(DISK_PATH, writing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY, 0644);

    if (fd < 0) {
        failed(name, DISK_PATH, errno);
        return 0;
    }
    memset(chunk, 'd', sizeof(chunk));
    t0 = now_ns();
    for (unsigned done = 0; done < DISK_BYTES;) {
        ssize_t n = writing ? write(fd, chunk, DISK_CHUNK) : read(fd, chunk, DISK_CHUNK);

        if (n <= 0 || (writing && n != DISK_CHUNK)) {
            failed(name, writing ? "write" : "read", n < 0 ? errno : EIO);
            close(fd);
            return 0;
        }
        done += (unsigned)n;
    }
    if (writing && fsync(fd) < 0) {
        failed(name, "fsync", errno);
        close(fd);
        return 0;
    }
    t1 = now_ns();
    close(fd);
    return t1 - t0;
}

/* The cost of a MiB of sequential writes and reads of a 64 MiB file on
 * /disk (the fat server on the virtio disk make bench attaches), over
 * DISK_ROUNDS rounds: the median, and the spread of the rounds, since the
 * disk's host side is not on the instruction clock (make bench runs this
 * with idle time passing as the host's: tools/qemu.sh --icount 2). */
static void
bench_disk(void)
{
    static uint64_t w[DISK_ROUNDS], r[DISK_ROUNDS];
    struct statvfs sv;
    int tries = 0;

    while (statvfs("/disk", &sv) < 0 || strcmp(sv.f_basetype, "ramfs") == 0) {
        if (++tries > 20) {
            printf("disk: no file system at /disk: skipped\n");
            return;
        }
        usleep(500000); /* the disk's server may still be starting */
    }
    for (unsigned i = 0; i < DISK_ROUNDS; i++) {
        if (!(w[i] = disk_pass(1)) || !(r[i] = disk_pass(0))) {
            unlink(DISK_PATH);
            return;
        }
    }
    unlink(DISK_PATH);
    for (int pass = 0; pass < 2; pass++) {
        uint64_t *v = pass ? r : w, mib = DISK_BYTES >> 20;

        qsort(v, DISK_ROUNDS, sizeof(v[0]), compare);
        printf("%s_per_mib: %llu cycles, n=%u (rounds %llu..%llu per MiB, %s)\n",
               pass ? "disk_read" : "disk_write", (unsigned long long)(v[DISK_ROUNDS / 2] / mib),
               DISK_ROUNDS, (unsigned long long)(v[0] / mib),
               (unsigned long long)(v[DISK_ROUNDS - 1] / mib), sv.f_basetype);
    }
}

static int
echo(void)
{
    char c;

    while (read(0, &c, 1) == 1) {
        if (write(1, &c, 1) != 1)
            return 1;
    }
    return 0;
}

static int
sink(void)
{
    static char chunk[PIPE_CHUNK];
    uint64_t total = 0;
    ssize_t n;

    if (write(1, "r", 1) != 1)
        return 1;
    while ((n = read(0, chunk, sizeof(chunk))) > 0)
        total += (uint64_t)n;
    if (n < 0 || write(1, &total, sizeof(total)) != sizeof(total))
        return 1;
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--echo") == 0)
        return echo();
    if (argc == 2 && strcmp(argv[1], "--sink") == 0)
        return sink();
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--disk") != 0)) {
        fprintf(stderr, "Usage: sysbench [--disk | --echo | --sink]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2) {
        bench_disk();
    } else {
        bench_boot_to_ready();
        bench_spawn_wait();
        bench_pipe_roundtrip("/bin/sysbench");
        bench_pipe_mbps("/bin/sysbench");
        bench_ramfs();
    }
    printf("sysbench: done, %d failed\n", failures);
    return failures != 0;
}
