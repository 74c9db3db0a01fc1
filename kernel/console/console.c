// SPDX-License-Identifier: MIT
/*
 * Console multiplexing and the kernel log (klog). See console.h.
 *
 * Every write is recorded in the log ring (klog.c) and then goes to each
 * device that no process has claimed. A forced write (a panic, once
 * console_panic_mode() is on, or a fault report) reaches the serial port
 * whatever the claims: the last words of a dying kernel or process must
 * not depend on a user-space driver still running.
 *
 * Lock order: console_lock is a leaf; nothing is called with it held but
 * the output devices and the log ring.
 */
#include <stdarg.h>

#include <cairn/console.h>
#include <cairn/errors.h>

#include "arch/x86_64/cpu.h"
#include "common/font.h"
#include "common/printf.h"
#include "console/console.h"
#include "console/fbcon.h"
#include "console/klog.h"
#include "console/serial.h"
#include "lib/spinlock.h"
#include "time/clock.h"

#define HISTORY_SIZE 16384

static struct spinlock console_lock = SPINLOCK_INIT;
static bool console_unlocked; /* set by panic: write without the lock */
static struct fbcon fb_console;
static bool fb_attached; /* [console_lock] */
static enum log_level log_threshold = LOG_INFO;
static unsigned console_claimed;     /* [console_lock] CAIRN_CONSOLE_* bits claimed */
static struct klog_ring klog_buffer; /* [console_lock] */

/* Everything printed before the framebuffer came up, replayed onto it. */
static char history[HISTORY_SIZE]; /* [console_lock] */
static size_t history_len;         /* [console_lock] */

/* source: CAIRN_KLOG_KERNEL or _USER, | CAIRN_KLOG_FORCED to reach serial
 * whatever the claims (so does everything after a panic). */
static void
console_emit_locked(const char *s, size_t len, uint8_t source)
{
    bool forced =
        (source & CAIRN_KLOG_FORCED) || __atomic_load_n(&console_unlocked, __ATOMIC_ACQUIRE);
    uint8_t shown = 0;

    if (forced || !(console_claimed & CAIRN_CONSOLE_SERIAL)) {
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\n')
                serial_putc('\r');
            serial_putc(s[i]);
        }
        shown |= CAIRN_CONSOLE_SERIAL;
    }
    if (fb_attached) {
        if (!(console_claimed & CAIRN_CONSOLE_FRAMEBUFFER)) {
            fbcon_write(&fb_console, s, len);
            shown |= CAIRN_CONSOLE_FRAMEBUFFER;
        }
    } else {
        for (size_t i = 0; i < len && history_len < HISTORY_SIZE; i++)
            history[history_len++] = s[i];
    }
    if (len)
        klog_ring_append(&klog_buffer, s, len, clock_monotonic_ns(), source, shown);
}

void
console_init(void)
{
    serial_init();
}

static bool
console_lock_acquire(void)
{
    bool irq = irq_save();

    if (!__atomic_load_n(&console_unlocked, __ATOMIC_ACQUIRE))
        spin_lock(&console_lock);
    return irq;
}

static void
console_lock_release(bool irq)
{
    if (!__atomic_load_n(&console_unlocked, __ATOMIC_ACQUIRE))
        spin_unlock(&console_lock);
    irq_restore(irq);
}

int
console_attach_fb(const struct boot_fb *fb, void *mapped)
{
    bool irq;
    int err;

    irq = console_lock_acquire();
    err = fbcon_init(&fb_console, fb, mapped, &console_font);
    if (err == 0) {
        fb_attached = true;
        fbcon_write(&fb_console, history, history_len);
    }
    console_lock_release(irq);
    return err;
}

static void
console_write_from(const char *s, size_t len, uint8_t source)
{
    bool irq = console_lock_acquire();
    console_emit_locked(s, len, source);
    console_lock_release(irq);
}

void
console_write(const char *s, size_t len)
{
    console_write_from(s, len, CAIRN_KLOG_KERNEL);
}

/*
 * A line at a time: a newline is what scrolls the framebuffer (a move of
 * the whole screen, slow in video memory), so holding the lock for one
 * line at most means at most one scroll for its newline and one per
 * wrap, whatever the caller writes. Lines are not cut here, so output
 * from elsewhere can come between two lines but not inside one.
 */
void
console_write_lines(const char *s, size_t len)
{
    while (len) {
        size_t n = 0;

        while (n < len && s[n++] != '\n')
            ;
        console_write_from(s, n, CAIRN_KLOG_USER);
        s += n;
        len -= n;
    }
}

int
console_claim(unsigned device)
{
    bool irq = console_lock_acquire();
    int err = 0;

    if (device == CAIRN_CONSOLE_FRAMEBUFFER && !fb_attached)
        err = -CAIRN_ENOENT;
    else if (console_claimed & device)
        err = -CAIRN_EBUSY;
    else
        console_claimed |= device;
    console_lock_release(irq);
    return err;
}

void
console_release(unsigned device)
{
    bool irq = console_lock_acquire();

    console_claimed &= ~device;
    console_lock_release(irq);
}

size_t
console_log_copy(uint64_t seq, void *out)
{
    bool irq = console_lock_acquire();
    size_t n = klog_ring_copy(&klog_buffer, seq, out);

    console_lock_release(irq);
    return n;
}

uint64_t
console_log_next_seq(void)
{
    bool irq = console_lock_acquire();
    uint64_t next = klog_buffer.next_seq;

    console_lock_release(irq);
    return next;
}

void
console_panic_mode(void)
{
    __atomic_store_n(&console_unlocked, true, __ATOMIC_RELEASE);
}

void
kvprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
}

void
kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void
log_set_level(enum log_level level)
{
    log_threshold = level;
}

int
log_level_parse(const char *name)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    for (int i = 0; i < 4; i++) {
        const char *a = names[i], *b = name;
        while (*a && *a == *b) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0')
            return i;
    }
    return -1;
}

void
klog(enum log_level level, const char *fmt, ...)
{
    static const char *const prefix[] = {"debug: ", "", "warning: ", "error: ", "fault: "};
    char buf[512];
    uint64_t ns;
    size_t n;
    va_list ap;

    if (level < log_threshold)
        return;
    ns = clock_monotonic_ns();
    n = (size_t)snprintf(buf, sizeof(buf), "[%5lu.%06lu] %s", ns / 1000000000, ns / 1000 % 1000000,
                         prefix[level <= LOG_FAULT ? level : LOG_ERROR]);
    va_start(ap, fmt);
    if (n < sizeof(buf))
        n += (size_t)vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
    va_end(ap);
    if (n >= sizeof(buf) - 1)
        n = sizeof(buf) - 2;
    buf[n++] = '\n';
    console_write_from(
        buf, n, level == LOG_FAULT ? CAIRN_KLOG_KERNEL | CAIRN_KLOG_FORCED : CAIRN_KLOG_KERNEL);
}
