/* SPDX-License-Identifier: MIT */
/*
 * sha256sum: the SHA-256 digest (lib/util/sha256.c) of each file or of
 * standard input (`-` or none), as coreutils prints it: 64 lower-case hex
 * digits, two spaces, the name (`-` for standard input), a newline. A file
 * that cannot be read is reported and skipped; the status is then 1.
 */
#include <errno.h>
#include <unistd.h>

#include <util/sha256.h>
#include <util/util.h>

static const char sha256sum_usage[] =
    "Usage: sha256sum [FILE]...\n"
    "Print the SHA-256 digest of each FILE (or standard input).\n";

static int
sha256sum_one(const char *path)
{
    static char buf[65536];
    struct util_sha256 s;
    uint8_t digest[UTIL_SHA256_SIZE];
    int fd = util_open_read(path);

    if (fd < 0)
        return 1;
    util_sha256_init(&s);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            util_close_read(fd);
            return util_error(path, errno);
        }
        if (n == 0)
            break;
        util_sha256_update(&s, buf, (size_t)n);
    }
    util_close_read(fd);
    util_sha256_final(&s, digest);
    for (int i = 0; i < UTIL_SHA256_SIZE; i++)
        util_printf("%02x", digest[i]);
    util_outs("  ");
    util_outs(path);
    util_outc('\n');
    return 0;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    int status = 0;

    util_init("sha256sum", sha256sum_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        util_exit(sha256sum_one("-"));
    for (int i = opts.index; i < argc; i++)
        status |= sha256sum_one(argv[i]);
    util_exit(status);
}
