/* SPDX-License-Identifier: MIT */
/*
 * What every utility of /bin does the same way (docs/utilities.md): its
 * name and usage text, `--help`, options, error messages, writing standard
 * output whole, reading files or standard input, lines of any length.
 *
 * Only POSIX calls (open, read, write, close) and C's vsnprintf lie
 * underneath, so the same sources build for Cairn and, unchanged, for the
 * host against its C library (tests/host/test_utils.c runs them there).
 *
 * Standard output goes through one buffer here (util_out and friends)
 * straight to descriptor 1 with write(2): libc's FILE streams are not
 * in this libc yet, and its printf writes to the kernel console, which a
 * pipe or a redirection would not see. Everything a utility prints goes
 * through these functions, so the switch to <stdio.h> is this file's.
 *
 * Messages: `NAME: what: why` on standard error (util_error), or
 * `NAME: text` (util_fail); a utility then exits non-zero. A write
 * error on standard output is reported once and makes util_exit's status
 * 1 whatever the utility said.
 */
#ifndef CAIRN_LIB_UTIL_H
#define CAIRN_LIB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Names the utility and its usage text (printed by --help and after a
 * usage error); call first. */
void util_init(const char *name, const char *usage);
const char *util_name(void);

/* Standard output, buffered here; util_flush writes the buffer whole. */
void util_out(const void *buf, size_t len);
void util_outs(const char *s);
void util_outc(char c);
void util_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void util_flush(void);
/* Flushes, then ends the process with status (1 if a write failed). */
_Noreturn void util_exit(int status);

/* Messages on standard error: `NAME: what: strerror(err)` and
 * `NAME: formatted text`. Both return 1, a utility's usual failure. */
int util_error(const char *what, int err);
int util_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `NAME: text`, the usage line, and exit with status (2 for grep). */
_Noreturn void util_usage_error(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes all of buf to fd, again after a short write or EINTR: 0, or -1
 * and errno. */
int util_write_all(int fd, const void *buf, size_t len);

/*
 * Options, POSIX getopt's rules: flags after `-`, grouped (`-la`), an
 * option's argument joined (`-n5`) or the next word (`-n 5`); `--` ends
 * them, and so does the first operand or a lone `-`. `--help` anywhere
 * among the options prints the usage on standard output and exits 0. spec
 * lists the letters, each followed by `:` when it takes an argument.
 * util_getopt returns the letter, -1 when the options end (st->index is
 * then the first operand), and for an unknown letter or a missing
 * argument prints the message and the usage and exits with st->bad_status.
 */
struct util_opts {
    int index;      /* the next word of argv */
    int pos;        /* within a group of letters */
    char *arg;      /* the argument of the last option */
    int bad_status; /* exit status of a usage error (1; grep 2) */
};
void util_opts_init(struct util_opts *st);
int util_getopt(struct util_opts *st, int argc, char **argv, const char *spec);

/* A non-negative decimal number that fits in *out; false otherwise. */
bool util_parse_u64(const char *s, uint64_t *out);
/* A size: a decimal number of bytes, or of KiB, MiB or GiB with a suffix
 * K, M or G ("64K", "16M"), that fits in *out; false otherwise. */
bool util_parse_size(const char *s, uint64_t *out);

/* Opens path to read ("-": standard input, not opened again). The
 * descriptor, or -1 after a message `NAME: path: why`. */
int util_open_read(const char *path);
/* Closes what util_open_read opened (standard input stays open). */
void util_close_read(int fd);

/* Copies everything from fd to standard output; 0, or 1 after a message
 * naming path. */
int util_copy_out(int fd, const char *path);

/*
 * Lines of any length from a descriptor. util_lines_next gives the next
 * line (with its '\n', unless the input ended without one) in *line,
 * *len bytes, valid until the next call; 1, 0 at the end, -1 on a read
 * error or when memory runs out (errno set).
 */
struct util_lines {
    int fd;
    char *buf;
    size_t cap, start, end;
    bool eof;
};
void util_lines_init(struct util_lines *l, int fd);
int util_lines_next(struct util_lines *l, char **line, size_t *len);
void util_lines_fini(struct util_lines *l);

/* Reads everything from fd into a buffer from malloc (free it): 0, or -1
 * and errno. */
int util_read_all(int fd, char **out, size_t *len);

/* path's last component (after the last '/', trailing slashes ignored),
 * into out of size bytes; "/" for the root. */
void util_basename(const char *path, char *out, size_t size);
/* dir + '/' + name into a new malloc'd string (no doubled '/'), or NULL. */
char *util_path_join(const char *dir, const char *name);

/*
 * The operands of cp and mv: SOURCE DEST, or SOURCE... DIRECTORY (the last
 * of argv[first ..]). Calls fn(source, destination) for each source, the
 * destination being DIRECTORY/basename in the second form; a usage error
 * ends the program. Returns the statuses or'd together.
 */
int util_each_into_target(int argc, char **argv, int first,
                          int (*fn)(const char *from, const char *to));

/* Copies the bytes of in (named from) into out (named to) and closes out;
 * 0, or the status of the first error, reported. in stays open. */
int util_copy_fd(int in, const char *from, int out, const char *to);

/* UTC calendar time of seconds since 1970 as "YYYY-MM-DD HH:MM". */
void util_format_time(int64_t seconds, char out[32]);

/* bytes as a person reads a size: "512", "4.0K", "13M", "2.5G" (powers of
 * 1024; one decimal below 10 of a unit, rounded down). */
void util_format_size(uint64_t bytes, char out[16]);

#endif
