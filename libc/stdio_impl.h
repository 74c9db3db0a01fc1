/* SPDX-License-Identifier: MIT */
/*
 * Inside libc's stdio: the FILE structure and the calls that work on a
 * stream whose lock the caller holds, shared by libc/stdio.c,
 * libc/stdio_printf.c and libc/scanf.c. See libc/stdio.c for the buffer's
 * invariants.
 */
#ifndef CAIRN_LIBC_STDIO_IMPL_H
#define CAIRN_LIBC_STDIO_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

enum {
    FILE_READ = 1 << 0,   /* [I] may be read */
    FILE_WRITE = 1 << 1,  /* [I] may be written */
    FILE_EOF = 1 << 2,    /* the end-of-file indicator */
    FILE_ERR = 1 << 3,    /* the error indicator */
    FILE_OWNBUF = 1 << 4, /* buf came from malloc here */
    FILE_STATIC = 1 << 5, /* [I] stdin, stdout or stderr: never freed */
    FILE_APPEND = 1 << 6, /* [I] every write goes to the end (mode a) */
};

enum file_dir {
    DIR_NONE,  /* the buffer is empty */
    DIR_READ,  /* buf[rpos, rend) read ahead */
    DIR_WRITE, /* buf[0, wlen) waiting to be written */
};

/* Every field but next is guarded by lock; next by stdio_list_lock. */
struct cairn_file {
    int fd;
    int flags;
    int mode; /* _IOFBF, _IOLBF, _IONBF; -1 until first use (stdin, stdout) */
    enum file_dir dir;
    char *buf; /* NULL until first use */
    size_t cap;
    size_t rpos, rend;
    size_t wlen;
    int ungot;     /* the character ungetc pushed back, or -1 */
    char small[1]; /* the buffer of an unbuffered stream */
    pthread_mutex_t lock;
    struct cairn_file *next;
};

/* With f's lock held. Each returns 0 (or the character) or EOF. */
int cairn_stdio_write_locked(FILE *f, const char *p, size_t n);
int cairn_stdio_getc_locked(FILE *f);
int cairn_stdio_ungetc_locked(int c, FILE *f);
int cairn_stdio_flush_locked(FILE *f);

#endif
