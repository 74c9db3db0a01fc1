/* SPDX-License-Identifier: MIT */
/* The COM1 16550 UART, polled: the kernel's first and last console. */
#ifndef CAIRN_CONSOLE_SERIAL_H
#define CAIRN_CONSOLE_SERIAL_H

#include <stdbool.h>

/* Program 115200 8N1 and check the UART answers (loopback test). Returns
 * false if no UART is present; serial_putc() then drops output. */
bool serial_init(void);
void serial_putc(char c);

#endif
