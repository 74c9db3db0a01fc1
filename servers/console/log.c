// SPDX-License-Identifier: MIT
/*
 * The kernel log on the console. Once the serial driver has claimed COM1,
 * the kernel writes its log and the processes' debug_write there no more
 * (docs/ipc.md, "The kernel log and the console hand-off"): the records
 * stay in the kernel's ring, marked as not shown. With the log granted
 * (start handle PROTO_HANDLE_LOG, `grant = log` in the manifest), a thread
 * here reads the ring and writes every record of a process that the serial
 * port did not show to the console like any client: init's lines, the
 * messages of programs started without a standard output.
 *
 * The framebuffer driver claims the kernel's framebuffer console the same
 * way, so a record written while it holds the claim reaches the serial
 * port but not the screen: a fault report (which the kernel writes to the
 * serial port whatever the claims), a line written after the framebuffer
 * was claimed and before the serial port was. Each record the serial port
 * showed and the framebuffer did not goes to the outputs that are screens
 * alone (CONSOLE_LOG_SCREEN on a handle badged CONSOLE_LOG_BADGE), so the
 * screen shows what the serial line did, once the framebuffer console was
 * up: the records before the first one it drew were not missed (the
 * kernel replays them onto the screen when it comes up, without marking
 * them), or there is no framebuffer console at all.
 *
 * klog_read does not block, so the thread looks every CONSOLE_LOG_POLL;
 * it writes through the console's own endpoint (PROTO_IO_WRITE), so the
 * main thread alone touches the outputs. Records lost to the ring's
 * wrapping are counted in a line of their own.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cairn/console.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>

#include "console.h"

#define CONSOLE_LOG_POLL (50ull * 1000000) /* ns */

static uint8_t log_buf[8192] __attribute__((aligned(8)));

/* The console's own endpoint: a client's handle and the log's badged one. */
static long self, self_log;

/* One request op with the len bytes at text to the console's main
 * thread through handle h. */
static void
log_write(long h, uint64_t op, const char *text, size_t len)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, len, 0, 0, 0}, &ext};

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)text;
    ext.send_len = (uint32_t)len;
    cairn_ipc_call(h, &msg);
}

static void *
log_thread(void *arg)
{
    long log = cairn_start_handle(PROTO_HANDLE_LOG, 0);
    uint64_t seq = 0;
    int fb_up = 0; /* a record was drawn on the framebuffer: it exists */

    (void)arg;
    for (;;) {
        long n = cairn_klog_read(log, seq, log_buf, sizeof(log_buf));
        size_t at = 0;

        if (n <= 0) {
            cairn_thread_sleep(CONSOLE_LOG_POLL);
            continue;
        }
        while (at + sizeof(struct cairn_klog_record) <= (size_t)n) {
            const struct cairn_klog_record *r = (const void *)(log_buf + at);
            size_t size = CAIRN_KLOG_RECORD_SIZE(r->len);

            if (r->len > CAIRN_KLOG_TEXT_MAX || at + size > (size_t)n)
                break; /* the kernel writes whole records: cannot happen */
            if (r->seq > seq) {
                char lost[64];
                int k = snprintf(lost, sizeof(lost), "console: %llu log records lost\n",
                                 (unsigned long long)(r->seq - seq));

                log_write(self, PROTO_IO_WRITE, lost, (size_t)k);
            }
            /* The processes' words: the kernel's own notes after boot
             * (a process that ended with a status) are for dmesg, and its
             * fault reports reach the serial port whatever the claims. */
            if ((r->source & ~CAIRN_KLOG_FORCED) == CAIRN_KLOG_USER &&
                !(r->shown & CAIRN_CONSOLE_SERIAL))
                log_write(self, PROTO_IO_WRITE, (const char *)(r + 1), r->len);
            else if (fb_up && (r->shown & CAIRN_CONSOLE_SERIAL) &&
                     !(r->shown & CAIRN_CONSOLE_FRAMEBUFFER))
                log_write(self_log, CONSOLE_LOG_SCREEN, (const char *)(r + 1), r->len);
            fb_up |= (r->shown & CAIRN_CONSOLE_FRAMEBUFFER) != 0;
            seq = r->seq + 1;
            at += size;
        }
    }
    return NULL;
}

int
console_log_start(long endpoint)
{
    pthread_t thread;
    pthread_attr_t attr;
    int err;

    if (cairn_start_handle(PROTO_HANDLE_LOG, 0) < 0)
        return 0; /* not granted: nothing to show */
    self = cairn_handle_dup(endpoint, CAIRN_RIGHT_SIGNAL);
    if (self < 0)
        return (int)self;
    self_log = cairn_handle_mint(endpoint, CAIRN_RIGHT_SIGNAL, CONSOLE_LOG_BADGE);
    if (self_log < 0)
        return (int)self_log;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    err = pthread_create(&thread, &attr, log_thread, NULL);
    pthread_attr_destroy(&attr);
    return err ? -CAIRN_ENOMEM : 0;
}
