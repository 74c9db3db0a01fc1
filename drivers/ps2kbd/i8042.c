// SPDX-License-Identifier: MIT
/*
 * The i8042 keyboard controller and the keyboard behind its first port.
 *
 * Set-up follows the controller's documented order, and every step that
 * waits is bounded by time (I8042_WAIT_NS), since a machine without a
 * controller answers 0xff or nothing: both devices off, the output buffer
 * flushed, the configuration byte read (interrupts off while setting up),
 * the controller's self-test (which may reset the configuration, so it
 * is written again afterwards), the first port's test, then the keyboard
 * reset (0xff: 0xfa, then 0xaa from its own test), scancode set 2 asked
 * for, scanning on, and last the configuration with the first port's
 * interrupt on and translation as it is: on, the bytes come as set 1
 * (what QEMU and nearly every PC gives); if the controller will not
 * translate, keymap.c translates set 2 itself. The mouse port stays off
 * (no mouse driver yet).
 */
#include <stdint.h>
#include <stdio.h>

#include <cairn/sys.h>

#include "ps2kbd.h"

#define I8042_DATA    0x60
#define I8042_STATUS  0x64 /* read */
#define I8042_COMMAND 0x64 /* write */

#define STATUS_OUT_FULL 0x01u /* a byte waits at 0x60 */
#define STATUS_IN_FULL  0x02u /* the controller has not taken the last byte written */
#define STATUS_AUX      0x20u /* the waiting byte is the mouse port's */

#define CONFIG_IRQ1      0x01u
#define CONFIG_IRQ12     0x02u
#define CONFIG_PORT1_OFF 0x10u
#define CONFIG_PORT2_OFF 0x20u
#define CONFIG_TRANSLATE 0x40u

#define I8042_WAIT_NS 200000000ull /* 200 ms: a keyboard's reset takes longest */

static inline uint8_t
inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Waits until the status has (want) or lacks (!want) bit; 0, or -ETIMEDOUT. */
static int
i8042_wait(uint8_t bit, int want)
{
    uint64_t end = cairn_clock_get() + I8042_WAIT_NS;

    while (((inb(I8042_STATUS) & bit) != 0) != want) {
        if (cairn_clock_get() >= end)
            return -CAIRN_ETIMEDOUT;
        cairn_thread_sleep(100000); /* 0.1 ms: the chip answers in microseconds */
    }
    return 0;
}

static int
i8042_write(uint16_t port, uint8_t v)
{
    int err = i8042_wait(STATUS_IN_FULL, 0);

    if (err == 0)
        outb(port, v);
    return err;
}

/* The next byte from the controller, or a negative code. */
static int
i8042_read(void)
{
    int err = i8042_wait(STATUS_OUT_FULL, 1);

    return err < 0 ? err : inb(I8042_DATA);
}

/* Pulses the CPU's reset line: the controller's command 0xfe drives its
 * output port's reset bit low for a moment. */
int
i8042_reset_cpu(void)
{
    int err = i8042_write(I8042_COMMAND, 0xfe);

    if (err == 0)
        cairn_thread_sleep(I8042_WAIT_NS); /* the reset comes in microseconds */
    return err < 0 ? err : -CAIRN_EIO;
}

/* A controller command with a reply byte. */
static int
i8042_query(uint8_t command)
{
    int err = i8042_write(I8042_COMMAND, command);

    return err < 0 ? err : i8042_read();
}

/* A byte to the keyboard, resent while it asks (0xfe); 0 once acknowledged. */
static int
kbd_send(uint8_t v)
{
    for (int tries = 0; tries < 3; tries++) {
        int err = i8042_write(I8042_DATA, v), r;

        if (err < 0)
            return err;
        r = i8042_read();
        if (r == 0xfa)
            return 0;
        if (r != 0xfe)
            return r < 0 ? r : -CAIRN_EIO;
    }
    return -CAIRN_EIO;
}

static int
fail(const char *what, int err)
{
    printf("ps2kbd: %s: %s\n", what, err < 0 ? cairn_strerror(err) : "a wrong answer");
    return err < 0 ? err : -CAIRN_EIO;
}

int
i8042_init(int *set)
{
    int config, r, err;

    if (inb(I8042_STATUS) == 0xff)
        return fail("no controller at 0x64", -CAIRN_ENOENT);
    if ((err = i8042_write(I8042_COMMAND, 0xad)) < 0 ||
        (err = i8042_write(I8042_COMMAND, 0xa7)) < 0)
        return fail("disabling the ports", err);
    for (int i = 0; i < 64 && (inb(I8042_STATUS) & STATUS_OUT_FULL); i++)
        (void)inb(I8042_DATA);
    config = i8042_query(0x20);
    if (config < 0)
        return fail("reading the configuration", config);
    config &= ~(CONFIG_IRQ1 | CONFIG_IRQ12);
    config |= CONFIG_PORT2_OFF | CONFIG_TRANSLATE;
    if ((r = i8042_query(0xaa)) != 0x55)
        return fail("the controller's self-test", r);
    if ((err = i8042_write(I8042_COMMAND, 0x60)) < 0 ||
        (err = i8042_write(I8042_DATA, (uint8_t)config)) < 0)
        return fail("writing the configuration", err);
    if ((r = i8042_query(0xab)) != 0x00)
        return fail("the keyboard port's test", r);
    if ((err = i8042_write(I8042_COMMAND, 0xae)) < 0)
        return fail("enabling the keyboard port", err);
    if ((err = kbd_send(0xff)) < 0)
        return fail("resetting the keyboard", err);
    if ((r = i8042_read()) != 0xaa)
        return fail("the keyboard's self-test", r);
    if ((err = kbd_send(0xf0)) < 0 || (err = kbd_send(0x02)) < 0)
        printf("ps2kbd: the keyboard refused scancode set 2; keeping its own\n");
    if ((err = kbd_send(0xf4)) < 0)
        return fail("enabling scanning", err);
    config = (config | CONFIG_IRQ1) & ~CONFIG_PORT1_OFF;
    if ((err = i8042_write(I8042_COMMAND, 0x60)) < 0 ||
        (err = i8042_write(I8042_DATA, (uint8_t)config)) < 0)
        return fail("writing the configuration", err);
    r = i8042_query(0x20);
    if (r < 0)
        return fail("reading the configuration back", r);
    *set = (r & CONFIG_TRANSLATE) ? KEYMAP_SET1 : KEYMAP_SET2;
    return 0;
}

void
i8042_drain(struct kbd *k)
{
    uint8_t status, out[KEYMAP_OUT_MAX];

    /* Bounded: a controller that always says "full" cannot hold the driver. */
    for (int i = 0; i < 256 && ((status = inb(I8042_STATUS)) & STATUS_OUT_FULL); i++) {
        uint8_t byte = inb(I8042_DATA);
        size_t n;

        if (status & STATUS_AUX)
            continue; /* the mouse port is off; a stray byte of it is no key */
        n = keymap_feed(&k->map, byte, out);
        for (size_t j = 0; j < n; j++) {
            if (k->head - k->tail == KBD_RING_SIZE) {
                k->dropped++;
                continue;
            }
            k->ring[k->head++ % KBD_RING_SIZE] = out[j];
        }
    }
}
