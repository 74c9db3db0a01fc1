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
 * translate, keymap.c translates set 2 itself.
 *
 * The mouse, when the driver was given its irq (ISA 12), is set up after
 * the keyboard's reset and before its scanning starts, so no key arrives
 * among the mouse's answers: the second port tested (0xa9) and enabled
 * (0xa8); each byte for the mouse written after 0xd4; the mouse reset
 * (0xff: 0xfa, 0xaa, then its id 0x00); the IntelliMouse knock (sample
 * rates 200, 100, 80) and its id read (0xf2: 3 means a wheel and 4-byte
 * packets); then 100 samples per second, 4 counts per millimetre, 1:1
 * scaling and streaming on (0xf4). A mouse that fails any step leaves the
 * port off and the keyboard working. The first port's interrupt and the
 * second's go on together with the last configuration write.
 */
#include <stdint.h>
#include <stdio.h>

#include <cairn/sys.h>
#include <portio/portio.h>

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

#define I8042_WAIT_NS  200000000ull  /* 200 ms: a keyboard's reset takes longest */
#define MOUSE_RESET_NS 1000000000ull /* a mouse's self-test may take up to 500 ms */
#define MOUSE_GAP_NS   500000000ull  /* a packet's bytes come within ms; Linux waits this long */
#define MOUSE_RATE     100
#define MOUSE_RES_CODE 2 /* 4 counts per millimetre */

/* Waits until the status has (want) or lacks (!want) bit; 0, or -ETIMEDOUT. */
static int
i8042_wait_for(uint8_t bit, int want, uint64_t limit_ns)
{
    uint64_t end = cairn_clock_get() + limit_ns;

    while (((port_in8(I8042_STATUS) & bit) != 0) != want) {
        if (cairn_clock_get() >= end)
            return -CAIRN_ETIMEDOUT;
        cairn_thread_sleep(100000); /* 0.1 ms: the chip answers in microseconds */
    }
    return 0;
}

static int
i8042_wait(uint8_t bit, int want)
{
    return i8042_wait_for(bit, want, I8042_WAIT_NS);
}

static int
i8042_write(uint16_t port, uint8_t v)
{
    int err = i8042_wait(STATUS_IN_FULL, 0);

    if (err == 0)
        port_out8(port, v);
    return err;
}

/* The next byte from the controller, or a negative code. */
static int
i8042_read(void)
{
    int err = i8042_wait(STATUS_OUT_FULL, 1);

    return err < 0 ? err : port_in8(I8042_DATA);
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

/* The next byte from the mouse within limit_ns; a keyboard byte meanwhile
 * (none should come: it does not scan yet) is skipped. */
static int
aux_read(uint64_t limit_ns)
{
    uint64_t end = cairn_clock_get() + limit_ns;

    for (;;) {
        uint64_t now = cairn_clock_get();
        uint8_t status;
        int err;

        if (now >= end)
            return -CAIRN_ETIMEDOUT;
        err = i8042_wait_for(STATUS_OUT_FULL, 1, end - now);
        if (err < 0)
            return err;
        status = port_in8(I8042_STATUS);
        if (!(status & STATUS_OUT_FULL))
            continue;
        if (status & STATUS_AUX)
            return port_in8(I8042_DATA);
        (void)port_in8(I8042_DATA);
    }
}

/* A byte to the mouse (through 0xd4), resent while it asks (0xfe); 0
 * once acknowledged. */
static int
aux_send(uint8_t v)
{
    for (int tries = 0; tries < 3; tries++) {
        int err, r;

        if ((err = i8042_write(I8042_COMMAND, 0xd4)) < 0 || (err = i8042_write(I8042_DATA, v)) < 0)
            return err;
        r = aux_read(I8042_WAIT_NS);
        if (r == 0xfa)
            return 0;
        if (r != 0xfe)
            return r < 0 ? r : -CAIRN_EIO;
    }
    return -CAIRN_EIO;
}

static int
aux_set_rate(uint8_t rate)
{
    int err = aux_send(0xf3);

    return err < 0 ? err : aux_send(rate);
}

static int
mouse_fail(const char *what, int err)
{
    printf("ps2kbd: mouse: %s: %s\n", what, err < 0 ? cairn_strerror(err) : "a wrong answer");
    (void)i8042_write(I8042_COMMAND, 0xa7); /* the port off again */
    return err < 0 ? err : -CAIRN_EIO;
}

/* The mouse's set-up (the file comment has the steps); 0, or a negative
 * code with the reason logged and the port off. */
static int
mouse_setup(struct ps2mouse *ms)
{
    int r, err, id;

    if ((r = i8042_query(0xa9)) != 0x00)
        return mouse_fail("the mouse port's test", r);
    if ((err = i8042_write(I8042_COMMAND, 0xa8)) < 0)
        return mouse_fail("enabling the mouse port", err);
    if ((err = aux_send(0xff)) < 0)
        return mouse_fail("resetting the mouse", err);
    if ((r = aux_read(MOUSE_RESET_NS)) != 0xaa)
        return mouse_fail("the mouse's self-test", r);
    if ((r = aux_read(I8042_WAIT_NS)) < 0)
        return mouse_fail("the mouse's id after its reset", r);
    if ((err = aux_set_rate(200)) < 0 || (err = aux_set_rate(100)) < 0 ||
        (err = aux_set_rate(80)) < 0 || (err = aux_send(0xf2)) < 0)
        return mouse_fail("the wheel's knock", err);
    if ((id = aux_read(I8042_WAIT_NS)) < 0)
        return mouse_fail("reading the mouse's id", id);
    if ((err = aux_set_rate(MOUSE_RATE)) < 0 || (err = aux_send(0xe8)) < 0 ||
        (err = aux_send(MOUSE_RES_CODE)) < 0 || (err = aux_send(0xe6)) < 0)
        return mouse_fail("setting rate and resolution", err);
    if ((err = aux_send(0xf4)) < 0)
        return mouse_fail("enabling streaming", err);
    ms->id = id;
    ms->rate = MOUSE_RATE;
    ms->resolution = 1u << MOUSE_RES_CODE;
    mouse_init(&ms->dec, id == 3);
    return 0;
}

static int
fail(const char *what, int err)
{
    printf("ps2kbd: %s: %s\n", what, err < 0 ? cairn_strerror(err) : "a wrong answer");
    return err < 0 ? err : -CAIRN_EIO;
}

int
i8042_init(int *set, struct ps2mouse *ms)
{
    int config, r, err;

    if (port_in8(I8042_STATUS) == 0xff)
        return fail("no controller at 0x64", -CAIRN_ENOENT);
    if ((err = i8042_write(I8042_COMMAND, 0xad)) < 0 ||
        (err = i8042_write(I8042_COMMAND, 0xa7)) < 0)
        return fail("disabling the ports", err);
    for (int i = 0; i < 64 && (port_in8(I8042_STATUS) & STATUS_OUT_FULL); i++)
        (void)port_in8(I8042_DATA);
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
    if (ms)
        ms->present = mouse_setup(ms) == 0;
    if ((err = kbd_send(0xf4)) < 0)
        return fail("enabling scanning", err);
    config = (config | CONFIG_IRQ1) & ~CONFIG_PORT1_OFF;
    if (ms && ms->present)
        config = (config | CONFIG_IRQ12) & ~CONFIG_PORT2_OFF;
    if ((err = i8042_write(I8042_COMMAND, 0x60)) < 0 ||
        (err = i8042_write(I8042_DATA, (uint8_t)config)) < 0)
        return fail("writing the configuration", err);
    r = i8042_query(0x20);
    if (r < 0)
        return fail("reading the configuration back", r);
    *set = (r & CONFIG_TRANSLATE) ? KEYMAP_SET1 : KEYMAP_SET2;
    return 0;
}

/* One byte of the mouse port into the decoder, and its event into the queue. */
static void
mouse_byte(struct ps2mouse *ms, uint8_t byte)
{
    uint64_t now = cairn_clock_get();
    struct proto_mouse_event ev;

    if (now - ms->last_byte_ns > MOUSE_GAP_NS)
        mouse_sync(&ms->dec); /* a packet's bytes do not wait this long: a new one starts */
    ms->last_byte_ns = now;
    if (mouse_feed(&ms->dec, byte, &ev)) {
        ev.time_ns = now;
        mouse_queue_push(&ms->queue, &ev);
    }
}

void
i8042_drain(struct kbd *k, struct ps2mouse *ms)
{
    uint8_t status, out[KEYMAP_OUT_MAX];

    /* Bounded: a controller that always says "full" cannot hold the driver. */
    for (int i = 0; i < 256 && ((status = port_in8(I8042_STATUS)) & STATUS_OUT_FULL); i++) {
        uint8_t byte = port_in8(I8042_DATA);
        size_t n;

        if (status & STATUS_AUX) {
            if (ms && ms->present)
                mouse_byte(ms, byte);
            continue; /* without a mouse driver, a stray byte of its port is no key */
        }
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
