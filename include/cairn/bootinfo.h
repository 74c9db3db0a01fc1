/* SPDX-License-Identifier: MIT */
/*
 * The boot information the kernel hands init: a read-only memory object
 * (handle CAIRN_INIT_HANDLE_BOOTINFO, include/cairn/init.h) whose first
 * bytes are a struct cairn_bootinfo. It says what init would otherwise have
 * no way to learn: how much memory and how many CPUs there are, what the
 * boot modules are called and how long they are, and the kernel command
 * line. Strings are NUL-terminated and NUL-padded; everything else is
 * little-endian fixed-width integers.
 *
 * Module i of the table is the memory object at handle
 * CAIRN_INIT_HANDLE_MODULES + i in init's table, in the loader's order.
 * A module's object is its size rounded up to whole pages.
 *
 * Fixed-width types only, no pointers, explicit sizes checked at compile
 * time. New fields go at the end, with a new version.
 */
#ifndef CAIRN_BOOTINFO_H
#define CAIRN_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define CAIRN_BOOTINFO_MAGIC       0x4f464e49544f4f42ull /* "BOOTINFO" */
#define CAIRN_BOOTINFO_VERSION     1u
#define CAIRN_BOOTINFO_MODULES_MAX 16u
#define CAIRN_BOOTINFO_NAME_MAX    64u /* bytes, the NUL included */
#define CAIRN_BOOTINFO_CMDLINE_MAX 256u

struct cairn_boot_module {
    char name[CAIRN_BOOTINFO_NAME_MAX]; /* the module's command line, e.g. "init" */
    uint64_t size;                      /* bytes */
};

struct cairn_bootinfo {
    uint64_t magic;        /* CAIRN_BOOTINFO_MAGIC */
    uint32_t version;      /* CAIRN_BOOTINFO_VERSION */
    uint32_t size;         /* sizeof(struct cairn_bootinfo) of that version */
    uint64_t memory_bytes; /* usable RAM reported by the loader */
    uint32_t cpu_count;    /* CPUs online */
    uint32_t module_count; /* entries used in modules[] */
    char cmdline[CAIRN_BOOTINFO_CMDLINE_MAX];
    struct cairn_boot_module modules[CAIRN_BOOTINFO_MODULES_MAX];
};

_Static_assert(sizeof(struct cairn_boot_module) == 72, "cairn_boot_module is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, memory_bytes) == 16, "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, cmdline) == 32, "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, modules) == 288, "cairn_bootinfo is ABI");
_Static_assert(sizeof(struct cairn_bootinfo) == 288 + 16 * 72, "cairn_bootinfo is ABI");

#endif
