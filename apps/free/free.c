/* SPDX-License-Identifier: MIT */
/*
 * free: the memory the kernel manages, how much of it is in use and how
 * much is free, from the kernel's own count (debug_stats: 4 KiB frames,
 * with the kernel's cached empty heap pages counted free). -b, -k and -m
 * print bytes, KiB or MiB instead of sizes a person reads at a glance.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/debug.h>
#include <cairn/sys.h>

#include <util/util.h>

#define FRAME 4096ull

static const char free_usage[] = "Usage: free [-b | -k | -m]\n"
                                 "Show the memory in use and free.\n"
                                 "  -b  in bytes\n"
                                 "  -k  in KiB\n"
                                 "  -m  in MiB\n";

/* One figure in the unit asked for (0: a readable size). */
static void
free_figure(uint64_t bytes, uint64_t unit)
{
    char s[16];

    if (unit == 0)
        util_format_size(bytes, s);
    else
        util_printf("%12llu", (unsigned long long)(bytes / unit));
    if (unit == 0)
        util_printf("%12s", s);
}

int
main(int argc, char **argv)
{
    struct cairn_debug_stats st;
    uint64_t unit = 0, total, avail;
    long err;

    util_init("free", free_usage);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            util_outs(free_usage);
            util_exit(0);
        } else if (strcmp(argv[i], "-b") == 0) {
            unit = 1;
        } else if (strcmp(argv[i], "-k") == 0) {
            unit = 1024;
        } else if (strcmp(argv[i], "-m") == 0) {
            unit = 1024 * 1024;
        } else {
            util_usage_error(1, "unknown option '%s'", argv[i]);
        }
    }
    err = cairn_debug_stats(&st);
    if (err < 0)
        util_exit(util_error("the kernel's memory count", (int)-err));
    total = st.total_frames * FRAME;
    avail = st.free_frames * FRAME;
    util_printf("    %12s%12s%12s\n", "total", "used", "free");
    util_printf("Mem:");
    free_figure(total, unit);
    free_figure(total - avail, unit);
    free_figure(avail, unit);
    util_printf("\n");
    util_exit(0);
}
