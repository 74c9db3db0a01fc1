// SPDX-License-Identifier: MIT
/*
 * exit, atexit and _Exit (<stdlib.h>; abort is libc/abort.c). Returning from main is
 * exit with main's value (libc/start.c). exit runs the atexit functions
 * in the reverse order of their registration, each once (one registered
 * during exit runs too, before those registered earlier), then ends the
 * process with the status: every thread of it ends, as POSIX says.
 * Then every stdio stream is written out (through cairn_exit_flush,
 * which libc/stdio.c sets when a stream is first used, so a program that
 * uses none carries no stdio for it). Last, every file descriptor is
 * closed, so the servers behind them count the references right
 * (libc/fd.c).
 */
#include <pthread.h>
#include <stdlib.h>

#include <cairn/fd.h>
#include <cairn/sys.h>

#define ATEXIT_MAX 32 /* POSIX asks for at least 32 */

static void (*handlers[ATEXIT_MAX])(void); /* [atexit_lock] */
static unsigned handler_count;             /* [atexit_lock] */
static pthread_mutex_t atexit_lock = PTHREAD_MUTEX_INITIALIZER;

void (*cairn_exit_flush)(void);

int
atexit(void (*fn)(void))
{
    int err = -1;

    pthread_mutex_lock(&atexit_lock);
    if (handler_count < ATEXIT_MAX) {
        handlers[handler_count++] = fn;
        err = 0;
    }
    pthread_mutex_unlock(&atexit_lock);
    return err;
}

_Noreturn void
exit(int status)
{
    for (;;) {
        void (*fn)(void) = NULL;

        /* Taken off the list before it runs: one that calls exit again
         * does not run twice. */
        pthread_mutex_lock(&atexit_lock);
        if (handler_count)
            fn = handlers[--handler_count];
        pthread_mutex_unlock(&atexit_lock);
        if (!fn)
            break;
        fn();
    }
    if (cairn_exit_flush)
        cairn_exit_flush();
    cairn_fd_close_all();
    _Exit(status);
}

_Noreturn void
_Exit(int status)
{
    cairn_process_exit(status);
}
