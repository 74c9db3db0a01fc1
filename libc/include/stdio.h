/* SPDX-License-Identifier: MIT */
/*
 * Standard input and output (C11 7.21, with POSIX's additions): FILE
 * streams over file descriptors (libc/stdio.c), formatted output onto
 * them (libc/stdio_printf.c) and formatted input (libc/scanf.c).
 *
 * Formatting is the one formatter of the kernel and libc (common/printf.c,
 * declared in common/printf.h, which gives snprintf and vsnprintf), so the
 * conversions and their differences from ISO C are the ones common/printf.h
 * lists: floating point as glibc prints it (long double with L), no %n,
 * NULL %s prints "(null)", widths and precisions capped at 4096.
 *
 * Buffering: stdin and files are fully buffered (a page each); stdout is
 * line buffered when it is a terminal (isatty: the kernel console is one)
 * and fully buffered otherwise; stderr is unbuffered. A line-buffered
 * stream is written out at the end of any call that put a newline in it,
 * so one printf of a line to the console is one write, never split by
 * other output (up to 4080 bytes). stdout's buffer is made before main.
 * Reading from any stream first writes out a line-buffered stdout, so a
 * prompt shows before the input is read (read(2) on descriptor 0 does
 * not: fflush(stdout) first).
 * exit writes out every stream; _Exit and abort do not.
 *
 * Streams are safe to share between threads: each call takes the
 * stream's lock. ungetc takes back one character (C's guarantee; a second
 * one is refused with EOF until the first is read). Read and write on an
 * update stream ("r+") may follow each other without an fflush or fseek
 * in between: the stream switches itself. Errors set errno and the
 * stream's error flag; the functions return EOF (or 0 items, or NULL) as
 * C says.
 */
#ifndef CAIRN_LIBC_STDIO_H
#define CAIRN_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include <common/printf.h>

#define EOF          (-1)
#define BUFSIZ       4096
#define _IOFBF       0
#define _IOLBF       1
#define _IONBF       2
#define SEEK_SET     0
#define SEEK_CUR     1
#define SEEK_END     2
#define FOPEN_MAX    64
#define FILENAME_MAX 4096
#define L_tmpnam     20

typedef struct cairn_file FILE;
typedef struct {
    off_t pos;
} fpos_t;

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;

/* Opening and closing. mode is r, w, a, r+, w+ or a+, with b anywhere
 * after the first letter (ignored), x (O_EXCL) and e (O_CLOEXEC) as glibc
 * takes them. freopen with a NULL path is refused (EINVAL). */
FILE *fopen(const char *restrict path, const char *restrict mode);
FILE *fdopen(int fd, const char *mode);
FILE *freopen(const char *restrict path, const char *restrict mode, FILE *restrict f);
int fclose(FILE *f);
int fflush(FILE *f); /* NULL: every stream */
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
void setbuf(FILE *restrict f, char *restrict buf);

/* Bytes. */
size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f);
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
char *fgets(char *restrict s, int n, FILE *restrict f);
ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f);
ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *restrict s, FILE *restrict f);
int puts(const char *s);

/* Position and state. */
int fseek(FILE *f, long offset, int whence);
int fseeko(FILE *f, off_t offset, int whence);
long ftell(FILE *f);
off_t ftello(FILE *f);
void rewind(FILE *f);
int fgetpos(FILE *restrict f, fpos_t *restrict pos);
int fsetpos(FILE *f, const fpos_t *pos);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);
void flockfile(FILE *f);
void funlockfile(FILE *f);

/* Files and errors. perror prints "s: message" (or the message alone
 * when s is NULL or empty) on stderr. remove is unlink, or rmdir for a
 * directory. */
void perror(const char *s);
int remove(const char *path);
int rename(const char *from, const char *to);

/* Formatted output: the count of bytes written, or a negative value (and
 * errno) when writing failed. sprintf and vsprintf cannot know the
 * buffer's size: prefer snprintf. asprintf and vasprintf allocate the
 * result (free it); -1 without memory. */
int printf(const char *restrict fmt, ...) __attribute__((format(__printf__, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap) __attribute__((format(__printf__, 1, 0)));
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
    __attribute__((format(__printf__, 2, 3)));
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 2, 0)));
int dprintf(int fd, const char *restrict fmt, ...) __attribute__((format(__printf__, 2, 3)));
int vdprintf(int fd, const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 2, 0)));
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(__printf__, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 2, 0)));
int asprintf(char **out, const char *restrict fmt, ...) __attribute__((format(__printf__, 2, 3)));
int vasprintf(char **out, const char *restrict fmt, va_list ap)
    __attribute__((format(__printf__, 2, 0)));

/* Formatted input (libc/scanf.c has the details): the number of items
 * assigned, or EOF when the input ended before the first conversion. */
int scanf(const char *restrict fmt, ...) __attribute__((format(__scanf__, 1, 2)));
int vscanf(const char *restrict fmt, va_list ap) __attribute__((format(__scanf__, 1, 0)));
int fscanf(FILE *restrict f, const char *restrict fmt, ...)
    __attribute__((format(__scanf__, 2, 3)));
int vfscanf(FILE *restrict f, const char *restrict fmt, va_list ap)
    __attribute__((format(__scanf__, 2, 0)));
int sscanf(const char *restrict s, const char *restrict fmt, ...)
    __attribute__((format(__scanf__, 2, 3)));
int vsscanf(const char *restrict s, const char *restrict fmt, va_list ap)
    __attribute__((format(__scanf__, 2, 0)));

#endif
