/* SPDX-License-Identifier: MIT */
/*
 * x86 port I/O for the drivers that were granted ports: the kernel set the
 * process's I/O permission bitmap for exactly the ranges its resources
 * name (docs/syscalls.md, ioport_enable), so an access outside them is a
 * #GP that ends the process, never a touch of someone else's device. The
 * width is part of the access: a chipset may decode a byte and a dword at
 * one port as different registers (0xcf9 beside 0xcf8, docs/power.md).
 */
#ifndef CAIRN_LIB_PORTIO_H
#define CAIRN_LIB_PORTIO_H

#include <stdint.h>

static inline uint8_t
port_in8(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
port_out8(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t
port_in16(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
port_out16(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t
port_in32(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
port_out32(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

#endif
