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
 * A module's object is its size rounded up to whole pages; its name is
 * the module's command line as the loader gave it (truncated to
 * CAIRN_BOOTINFO_NAME_MAX - 1 bytes). A module may be large: one
 * `initfs` of several MiB carries as many programs as it likes, so
 * the CAIRN_BOOTINFO_MODULES_MAX limit is not a limit on programs.
 *
 * Version 2 adds, after the modules: the framebuffer, the ACPI RSDP and
 * the PCIe ECAM, and how many handles init's table holds. Two device
 * memory objects may follow the modules in init's table, each only when
 * the device exists: the framebuffer (write-combining) and the ECAM
 * (uncached); their handle fields say where, or -1 (also when the
 * firmware put one over RAM or an APIC, which the kernel refuses to hand
 * out, as memobj_create_dev would). handle_count is one
 * past the last handle init was given, so a program can hand a child the
 * same layout by passing [CAIRN_INIT_HANDLE_BOOTINFO, handle_count).
 *
 * The ACPI tables: Multiboot2 hands over a copy of the RSDP, not its
 * address, so the copy is here (rsdp); it holds the physical address of
 * the RSDT (and, from revision 2, the XSDT). Tables are read by making
 * memory objects over them from the physical-range root with
 * memobj_create_dev(..., CAIRN_CACHE_WB): firmware tables sit in reserved
 * or ACPI memory, which that call allows (ACPI memory only write-back).
 *
 * The real-time clock (rtc_century, rtc_flags) sits in what version 2
 * left reserved after handle_count: a kernel that predates it wrote 0
 * there, and 0 is its "nothing known" (no century register, a clock
 * present), so it needs no new version. The FADT says both: which CMOS
 * register holds the century, and whether the machine has no CMOS clock
 * at all (IAPC_BOOT_ARCH bit 5).
 *
 * Fixed-width types only, no pointers, explicit sizes checked at compile
 * time. New fields go at the end, with a new version.
 */
#ifndef CAIRN_BOOTINFO_H
#define CAIRN_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define CAIRN_BOOTINFO_MAGIC       0x4f464e49544f4f42ull /* "BOOTINFO" */
#define CAIRN_BOOTINFO_VERSION     2u
#define CAIRN_BOOTINFO_MODULES_MAX 16u
#define CAIRN_BOOTINFO_NAME_MAX    64u /* bytes, the NUL included */
#define CAIRN_BOOTINFO_CMDLINE_MAX 256u

struct cairn_boot_module {
    char name[CAIRN_BOOTINFO_NAME_MAX]; /* the module's command line, e.g. "init" */
    uint64_t size;                      /* bytes */
};

/* struct cairn_boot_framebuffer type. */
#define CAIRN_FB_NONE     0u
#define CAIRN_FB_RGB      1u /* a linear framebuffer of direct-colour pixels */
#define CAIRN_FB_EGA_TEXT 2u /* 16-bit character cells (character, attribute) */

struct cairn_boot_framebuffer {
    uint64_t phys;   /* physical address of the first pixel; 0 with no framebuffer */
    uint64_t size;   /* bytes of its memory object: from phys rounded down to a page,
                        pitch * height, rounded up to pages; phys's offset in the page is
                        where the first pixel is in it */
    uint32_t pitch;  /* bytes per line (RGB) or per text row */
    uint32_t width;  /* pixels (RGB) or columns */
    uint32_t height; /* pixels (RGB) or rows */
    uint8_t bpp;     /* bits per pixel (RGB), 16 for text */
    uint8_t type;    /* CAIRN_FB_* */
    /* RGB: each channel's lowest bit and width in bits, as Multiboot2 gives them. */
    uint8_t red_pos, red_size;
    uint8_t green_pos, green_size;
    uint8_t blue_pos, blue_size;
    int32_t handle; /* its memory object in init's table, or -1 */
    uint32_t reserved[3];
};

struct cairn_boot_acpi {
    uint8_t rsdp[36];       /* the RSDP as the loader copied it */
    uint32_t rsdp_len;      /* 20 (ACPI 1.0), 36 (2.0 and later), 0 if there was none */
    uint64_t ecam_phys;     /* the PCIe ECAM of segment 0 from the MCFG (0: none), at the
                               first bus it decodes: bus b is at + ((b - ecam_bus_first) << 20) */
    uint64_t ecam_size;     /* bytes: 1 MiB per bus */
    uint8_t ecam_bus_first; /* the buses it decodes */
    uint8_t ecam_bus_last;
    uint16_t ecam_segment; /* 0 */
    int32_t ecam_handle;   /* its memory object in init's table, or -1 */
};

/* cairn_bootinfo.rtc_flags */
#define CAIRN_RTC_ABSENT 1u /* the FADT says there is no CMOS real-time clock */

struct cairn_bootinfo {
    uint64_t magic;        /* CAIRN_BOOTINFO_MAGIC */
    uint32_t version;      /* CAIRN_BOOTINFO_VERSION */
    uint32_t size;         /* sizeof(struct cairn_bootinfo) of that version */
    uint64_t memory_bytes; /* usable RAM reported by the loader */
    uint32_t cpu_count;    /* CPUs online */
    uint32_t module_count; /* entries used in modules[] */
    char cmdline[CAIRN_BOOTINFO_CMDLINE_MAX];
    struct cairn_boot_module modules[CAIRN_BOOTINFO_MODULES_MAX];
    /* version 2 */
    uint32_t handle_count; /* one past the last handle in init's table at entry */
    uint8_t rtc_century;   /* the CMOS register of the century, from the FADT; 0: none */
    uint8_t rtc_flags;     /* CAIRN_RTC_* */
    uint16_t reserved;
    struct cairn_boot_framebuffer fb;
    struct cairn_boot_acpi acpi;
};

_Static_assert(sizeof(struct cairn_boot_module) == 72, "cairn_boot_module is ABI");
_Static_assert(sizeof(struct cairn_boot_framebuffer) == 56, "cairn_boot_framebuffer is ABI");
_Static_assert(offsetof(struct cairn_boot_framebuffer, handle) == 36, "cairn_boot_framebuffer");
_Static_assert(sizeof(struct cairn_boot_acpi) == 64, "cairn_boot_acpi is ABI");
_Static_assert(offsetof(struct cairn_boot_acpi, ecam_phys) == 40, "cairn_boot_acpi is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, memory_bytes) == 16, "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, cmdline) == 32, "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, modules) == 288, "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, handle_count) == 288 + 16 * 72,
               "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, rtc_century) == 288 + 16 * 72 + 4,
               "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, fb) == 1448, "cairn_bootinfo is ABI");
_Static_assert(offsetof(struct cairn_bootinfo, acpi) == 1504, "cairn_bootinfo is ABI");
_Static_assert(sizeof(struct cairn_bootinfo) == 1568, "cairn_bootinfo is ABI");

#endif
