/* SPDX-License-Identifier: MIT */
/*
 * Which of a program's start handles is what. A program's handle table
 * starts with its own process (0) and main thread (1); whoever starts it
 * installs the handles it gets from 2 on (cairn_spawn, <cairn/spawn.h>),
 * and says what each is with one auxiliary-vector entry per handle in the
 * start block (include/cairn/init.h):
 *
 *     (CAIRN_AT_HANDLE, kind << 32 | handle)
 *
 * libc finds them with cairn_start_handle(kind, n): the n-th handle of
 * that kind (a service may get several irq lines or port ranges, in the
 * order of its manifest). Naming them this way, instead of by fixed
 * numbers, lets a program ask for what it needs and lets each starter give
 * exactly what it grants, nothing in fixed slots left empty or guessed at.
 *
 * An I/O start handle (stdin, stdout, stderr) counts as one reference at
 * its server (include/proto/io.h): the starter sent PROTO_IO_DUP for the
 * copy it handed over, and the program's exit closes it (libc/fd.c).
 */
#ifndef CAIRN_PROTO_HANDLES_H
#define CAIRN_PROTO_HANDLES_H

/* The auxiliary-vector types; init.h's are the kernel's (below 512). */
#define CAIRN_AT_HANDLE 512
/* The process's pid as the process server numbers them (proto/proc.h):
 * what getpid returns in a program proc started. */
#define CAIRN_AT_PID    513

enum proto_handle_kind {
    PROTO_HANDLE_STDIN = 1,  /* I/O handles (include/proto/io.h): file */
    PROTO_HANDLE_STDOUT = 2, /* descriptors 0, 1 and 2 */
    PROTO_HANDLE_STDERR = 3,
    PROTO_HANDLE_VFS = 4,          /* the vfs server (include/proto/fs.h) */
    PROTO_HANDLE_PROC = 5,         /* the process server (include/proto/proc.h) */
    PROTO_HANDLE_REGISTRY = 6,     /* init's registry (include/proto/registry.h) */
    PROTO_HANDLE_IRQ = 7,          /* the manifest's ranges, in its order: */
    PROTO_HANDLE_IOPORT = 8,       /* an irq range (for `isa:N`, the irq */
    PROTO_HANDLE_MEMORY = 9,       /* object itself, made by init: only the */
                                   /* MADT knows its GSI), an I/O port */
                                   /* range, a physical range (cairn/device.h) */
    PROTO_HANDLE_LOG = 10,         /* the kernel console, READ only (the log) */
    PROTO_HANDLE_INITFS = 11,      /* the initfs module: READ, MAP */
    PROTO_HANDLE_CLAIM = 12,       /* a console claim (cairn/console.h) init */
                                   /* made for the device's driver, which */
                                   /* holds it while it lives */
    PROTO_HANDLE_FRAMEBUFFER = 13, /* the boot framebuffer's device memory */
                                   /* (READ, WRITE, MAP), and with it */
    PROTO_HANDLE_BOOTINFO = 14,    /* the boot information (READ, MAP: */
                                   /* cairn/bootinfo.h), whose fb field */
                                   /* tells the framebuffer's geometry */
    PROTO_HANDLE_PROGRAMS = 15,    /* a registry handle (SIGNAL, DUPLICATE, */
                                   /* TRANSFER) for the programs this one */
                                   /* starts: whoever holds it looks up */
                                   /* what the manifest's [programs] lists */
    PROTO_HANDLE_ACPI = 16,        /* a copy of the ACPI tables for power */
                                   /* management (READ, MAP: proto/power.h) */
    PROTO_HANDLE_ECAM = 17,        /* PCIe configuration space (READ, WRITE, */
                                   /* MAP; uncached), whose buses the boot */
                                   /* information's acpi field tells */
    PROTO_HANDLE_QUOTA = 18,       /* the service's own quota (READ, MANAGE): */
                                   /* to carve its programs' quotas from */
    PROTO_HANDLE_KINDS
};

#endif
