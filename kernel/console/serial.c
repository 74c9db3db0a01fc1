// SPDX-License-Identifier: MIT
/*
 * COM1 output by polling the transmit-holding-register-empty bit. Polling
 * keeps it usable from any context, panics included; the interrupt-driven
 * serial driver belongs to user space.
 */
#include "console/serial.h"
#include "arch/x86_64/cpu.h"

#define COM1      0x3f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_THRE  0x20
#define LCR_DLAB  0x80
#define LCR_8N1   0x03
#define MCR_LOOP  0x10

static bool serial_present;

bool
serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on, cleared, 14-byte threshold */

    /* Loopback: what we send must come back, or there is no UART. */
    outb(COM1 + UART_MCR, MCR_LOOP | 0x0e);
    outb(COM1 + UART_DATA, 0xa5);
    serial_present = inb(COM1 + UART_DATA) == 0xa5;
    outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 */
    return serial_present;
}

void
serial_putc(char c)
{
    if (!serial_present)
        return;
    /* Bounded wait: a wedged UART must not hang the kernel. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (inb(COM1 + UART_LSR) & LSR_THRE)
            break;
        cpu_relax();
    }
    outb(COM1 + UART_DATA, (uint8_t)c);
}
