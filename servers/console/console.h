/* SPDX-License-Identifier: MIT */
/*
 * The console server (docs/console.md): the terminal between the devices
 * a person types on and looks at, and the programs that read and write
 * it. It runs lib/termline over the bytes of its input sources, writes
 * the echo and the programs' output to its outputs, and serves
 * include/proto/io.h with the terminal requests to any number of clients.
 *
 * Sources and outputs are lists (today the serial driver is both; the
 * PS/2 keyboard and the framebuffer join them by name): each source has a
 * thread of its own that blocks in the driver's PROTO_IO_READ and hands
 * what it got to the main thread as a CONSOLE_INPUT call on the console's
 * own endpoint, through a handle badged with the source's number. Every
 * change of state thus happens in the main thread, in its receive loop:
 * no locks.
 *
 * Invariants (main thread):
 *   - a source's bytes not yet fed to termline wait in its pending[], its
 *     CONSOLE_INPUT call held (a saved reply) until they are all fed: the
 *     source thread reads nothing more meanwhile, so a full line queue
 *     pushes back to the driver and nothing typed is lost;
 *   - a reader waits (a saved reply in readers[]) only while there is
 *     nothing to read; readers are served in arrival order;
 *   - bytes (or an end of file) taken from termline for a reader that
 *     was gone by the time of the reply go to carry[], which the next
 *     read gets first.
 */
#ifndef CAIRN_SERVERS_CONSOLE_H
#define CAIRN_SERVERS_CONSOLE_H

#include <stdint.h>

#include <cairn/ipc.h>
#include <termline/termline.h>

#define CONSOLE_MAX_SOURCES 4u
#define CONSOLE_MAX_OUTPUTS 4u
#define CONSOLE_MAX_READERS 16u
#define CONSOLE_SOURCE_READ 256u /* bytes a source thread asks its driver for at once */
#define CONSOLE_ROWS        24u  /* what TTY_GET reports when no output knows its size */
#define CONSOLE_COLS        80u
#define CONSOLE_GRID_MAX    4096u /* rows or columns an output may claim: more is nonsense */

/*
 * CONSOLE_INPUT: a source thread's bytes, in the buffer; only on a source
 * badge (1 .. CONSOLE_MAX_SOURCES). The reply (0) comes once every byte
 * is fed. The number lies outside every include/proto range: it is the
 * console's own, never a client's.
 */
#define CONSOLE_INPUT 0xc0101u

/*
 * CONSOLE_LOG_SCREEN: a kernel log record that the serial port showed and
 * the framebuffer did not (it was claimed), in the buffer, for the
 * outputs that are screens alone; only on CONSOLE_LOG_BADGE, the log
 * thread's (log.c). Reply 0.
 */
#define CONSOLE_LOG_SCREEN 0xc0102u
#define CONSOLE_LOG_BADGE  (CONSOLE_MAX_SOURCES + 1u)

struct console_source {
    const char *name; /* its registry name */
    long io;          /* the driver's I/O handle: its thread reads from it */
    long self;        /* the console's endpoint, badged with this source's number */
    uint8_t pending[CONSOLE_SOURCE_READ];
    uint32_t len, pos; /* pending[pos .. len) not fed yet */
    long reply;        /* its CONSOLE_INPUT call, held while bytes are pending; or -1 */
};

struct console_output {
    const char *name;
    long io;
    int failed; /* its last write failed: said once in the log */
    int screen; /* it told a grid (console_size_probe): a screen */
};

struct console_reader {
    long reply;
    uint32_t want;
};

struct console {
    struct termline tl;
    int32_t pgrp;        /* the foreground process group: ^C goes there (0: none) */
    uint32_t rows, cols; /* the window: the smallest grid among the outputs (console_size_probe) */

    struct console_source sources[CONSOLE_MAX_SOURCES];
    unsigned nsources;
    struct console_output outputs[CONSOLE_MAX_OUTPUTS];
    unsigned noutputs;

    struct console_reader readers[CONSOLE_MAX_READERS];
    uint32_t rd_head, rd_tail;

    uint8_t carry[CAIRN_MSG_BUF_MAX];
    uint32_t carry_len;
    int carry_eof;
};

/* One request as received, and the answer a handler gives (now, or
 * deferred: the caller was saved to be answered later). */
struct console_request {
    uint64_t badge;
    uint64_t w[CAIRN_MSG_WORDS];
    const uint8_t *data;
    uint32_t len;
};

struct console_reply {
    int deferred;
    uint64_t w[CAIRN_MSG_WORDS];
    const void *data;
    uint32_t len;
    int is_read; /* the data came out of termline: carried over if the reply fails */
};

extern struct console console;

/* log.c: starts the thread that writes the kernel log's unshown records
 * to the console, when the log was granted; 0 or a negative code. */
int console_log_start(long endpoint);

/* input.c: sources, outputs, feeding termline */
int console_source_start(struct console_source *src, long endpoint, unsigned number);
void console_do_input(const struct console_request *rq, struct console_reply *rp);
void console_feed_pending(void);
void console_output(const void *buf, uint32_t len);
void console_output_screens(const void *buf, uint32_t len);
void console_size_probe(void);
void console_interrupt(void);

/* tty.c: the clients' requests */
void console_do_read(const struct console_request *rq, struct console_reply *rp);
void console_do_write(const struct console_request *rq, struct console_reply *rp);
void console_do_log_screen(const struct console_request *rq, struct console_reply *rp);
void console_do_tty_get(const struct console_request *rq, struct console_reply *rp);
void console_do_tty_set(const struct console_request *rq, struct console_reply *rp);
void console_do_tty_setpgrp(const struct console_request *rq, struct console_reply *rp);
void console_do_tty_hangup(const struct console_request *rq, struct console_reply *rp);
void console_do_stat(const struct console_request *rq, struct console_reply *rp);
void console_serve_readers(void);
void console_read_failed(const void *data, uint32_t len);

#endif
