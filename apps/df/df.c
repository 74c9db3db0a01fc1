/* SPDX-License-Identifier: MIT */
/*
 * df [-h] [FILE...]: the size, the space used and free, and the mount
 * point of every file system (the vfs's mounts, in its order), or of the
 * file systems that hold the FILEs:
 *
 *     Filesystem      1K-blocks       Used  Available Use% Mounted on
 *     ramfs               32768         96      32672   1% /
 *     fat32              261116         12     261104   1% /disk
 *
 * -h gives the sizes in powers of 1024 with a unit (K, M, G). A mounted
 * server that does not answer is reported and the rest listed; the /dev
 * mounts of devices (which hold no files) are left out.
 */
#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

#include <cairn/fd.h>
#include <proto/fs.h>
#include <util/util.h>

static const char df_usage[] = "Usage: df [-h] [FILE]...\n"
                               "Show the size and the free space of the file systems.\n"
                               "  -h  sizes in K, M and G\n";

static int df_human;

static void
df_size(uint64_t bytes)
{
    static const char units[] = "KMGT";
    uint64_t v = bytes >> 10;
    int u = 0;

    if (!df_human) {
        util_printf(" %10lu", (unsigned long)v);
        return;
    }
    while (v >= 10240 && u < 3) {
        v >>= 10;
        u++;
    }
    util_printf(" %9lu%c", (unsigned long)v, units[u]);
}

static int
df_show(const char *path, const char *label)
{
    struct statvfs sv;
    uint64_t total, avail, used;

    if (statvfs(path, &sv) < 0)
        return util_error(path, errno);
    total = (uint64_t)sv.f_blocks * sv.f_frsize;
    avail = (uint64_t)sv.f_bavail * sv.f_frsize;
    used = total - (uint64_t)sv.f_bfree * sv.f_frsize;
    util_printf("%-12s", label ? label : sv.f_basetype);
    df_size(total);
    df_size(used);
    df_size(avail);
    util_printf(" %3lu%% %s\n", (unsigned long)(total ? (used * 100 + total - 1) / total : 0),
                path);
    return 0;
}

int
main(int argc, char **argv)
{
    static struct proto_mount rec;
    struct util_opts opts;
    uint64_t cookie = 0;
    int c, status = 0;
    long r;

    util_init("df", df_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "h")) != -1)
        if (c == 'h')
            df_human = 1;
    util_printf("Filesystem  %10s %10s %10s Use%% Mounted on\n", df_human ? "Size" : "1K-blocks",
                "Used", "Available");
    if (opts.index < argc) {
        for (int i = opts.index; i < argc; i++)
            if (df_show(argv[i], NULL) != 0)
                status = 1;
        util_exit(status);
    }
    for (int i = 0; i < 64 && (r = cairn_mounts_next(&cookie, &rec)) > 0; i++) {
        if (strncmp(rec.path, "/dev/", 5) == 0 || strcmp(rec.path, "/bin") == 0)
            continue; /* devices hold no files; /bin is a part of /boot */
        if (df_show(rec.path, NULL) != 0)
            status = 1;
    }
    if (r < 0)
        status = util_fail("the vfs server: %s", strerror((int)-r));
    util_exit(status);
}
