/* SPDX-License-Identifier: MIT */
/*
 * hexdump: the bytes of its files (one stream, in order) or of standard
 * input, in the canonical layout of `hexdump -C`, which is also the
 * layout without -C (the only one this hexdump has): each line the offset
 * in eight hex digits, two spaces, sixteen bytes in hex in two groups of
 * eight, and the same bytes between bars with anything outside 0x20..0x7e
 * shown as '.'. A line equal to the one before is shown once as `*` for
 * the whole run; the last line is the total length. An empty input prints
 * nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <util/util.h>

static const char hexdump_usage[] = "Usage: hexdump [-C] [FILE]...\n"
                                    "Show the bytes of the FILEs (or standard input) in hex and "
                                    "text.\n"
                                    "  -C  the canonical layout (the only one; accepted for "
                                    "habit)\n";

struct hexdump_state {
    uint8_t line[16], prev[16];
    size_t fill;     /* bytes in line */
    uint64_t offset; /* of line's first byte */
    bool have_prev;  /* prev holds the last full line shown or skipped */
    bool starred;    /* a `*` stands for the lines equal to prev */
};

static void
hexdump_line(struct hexdump_state *h)
{
    static const char hex[] = "0123456789abcdef";
    char out[80];
    size_t n = 0;

    if (h->fill == 16 && h->have_prev && memcmp(h->line, h->prev, 16) == 0) {
        if (!h->starred)
            util_outs("*\n");
        h->starred = true;
        return;
    }
    h->starred = false;
    for (int i = 7; i >= 0; i--)
        out[n + (size_t)(7 - i)] = hex[(h->offset >> (4 * i)) & 15];
    n += 8;
    out[n++] = ' ';
    out[n++] = ' ';
    for (size_t i = 0; i < 16; i++) {
        if (i < h->fill) {
            out[n++] = hex[h->line[i] >> 4];
            out[n++] = hex[h->line[i] & 15];
        } else {
            out[n++] = ' ';
            out[n++] = ' ';
        }
        out[n++] = ' ';
        if (i == 7)
            out[n++] = ' ';
    }
    out[n++] = ' ';
    out[n++] = '|';
    for (size_t i = 0; i < h->fill; i++)
        out[n++] = h->line[i] >= 0x20 && h->line[i] <= 0x7e ? (char)h->line[i] : '.';
    out[n++] = '|';
    out[n++] = '\n';
    util_out(out, n);
    if (h->fill == 16) {
        memcpy(h->prev, h->line, 16);
        h->have_prev = true;
    }
}

static void
hexdump_bytes(struct hexdump_state *h, const uint8_t *p, size_t len)
{
    while (len > 0) {
        size_t take = 16 - h->fill < len ? 16 - h->fill : len;

        memcpy(h->line + h->fill, p, take);
        h->fill += take;
        p += take;
        len -= take;
        if (h->fill == 16) {
            hexdump_line(h);
            h->offset += 16;
            h->fill = 0;
        }
    }
}

static int
hexdump_file(struct hexdump_state *h, const char *path)
{
    uint8_t buf[4096];
    int fd = util_open_read(path);

    if (fd < 0)
        return 1;
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
        hexdump_bytes(h, buf, (size_t)n);
    }
    util_close_read(fd);
    return 0;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    struct hexdump_state h = {0};
    int status = 0;

    util_init("hexdump", hexdump_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "C") != -1)
        ;
    if (opts.index == argc)
        status = hexdump_file(&h, "-");
    for (int i = opts.index; i < argc; i++)
        status |= hexdump_file(&h, argv[i]);
    if (h.fill > 0)
        hexdump_line(&h);
    if (h.offset + h.fill > 0)
        util_printf("%08llx\n", (unsigned long long)(h.offset + h.fill));
    util_exit(status);
}
