/* SPDX-License-Identifier: MIT */
/*
 * What the kernel keeps of the boot loader's hand-over.
 *
 * The Multiboot2 information block lives in memory the kernel will reuse, so
 * the parser copies everything it needs into this fixed-size structure. No
 * field points into the original block: addresses are physical and the
 * strings are copied. Tables have fixed capacities; entries beyond them are
 * dropped with a warning.
 */
#ifndef CAIRN_BOOT_BOOT_INFO_H
#define CAIRN_BOOT_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MAX_MMAP    128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 256
#define BOOT_MODNAME_MAX 64
#define BOOT_LOADER_MAX  64
#define BOOT_RSDP_MAX    36 /* an ACPI 2.0+ RSDP is 36 bytes, a 1.0 one 20 */

/* Memory region kinds, numbered as in Multiboot2 (and so as in E820). */
enum boot_mem_type {
    BOOT_MEM_USABLE = 1,
    BOOT_MEM_RESERVED = 2,
    BOOT_MEM_ACPI_RECLAIMABLE = 3,
    BOOT_MEM_ACPI_NVS = 4,
    BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
    uint64_t base;
    uint64_t len;
    uint32_t type; /* enum boot_mem_type; unknown values are kept and treated as reserved */
};

struct boot_module {
    uint64_t start; /* physical, inclusive */
    uint64_t end;   /* physical, exclusive */
    char cmdline[BOOT_MODNAME_MAX];
};

enum boot_fb_type {
    BOOT_FB_NONE = 0,
    BOOT_FB_RGB = 1,      /* direct-colour linear framebuffer */
    BOOT_FB_EGA_TEXT = 2, /* 16-bit character cells, e.g. 0xb8000 */
};

struct boot_fb {
    uint32_t type;   /* enum boot_fb_type */
    uint64_t addr;   /* physical */
    uint32_t pitch;  /* bytes per line (RGB) or per text row (EGA) */
    uint32_t width;  /* pixels (RGB) or columns (EGA) */
    uint32_t height; /* pixels (RGB) or rows (EGA) */
    uint8_t bpp;
    uint8_t red_pos, red_size;
    uint8_t green_pos, green_size;
    uint8_t blue_pos, blue_size;
};

struct boot_info {
    uint64_t mbi_phys; /* where the original block was, so it can be kept reserved */
    uint32_t mbi_size;

    char cmdline[BOOT_CMDLINE_MAX];
    char loader[BOOT_LOADER_MAX];

    struct boot_mem_region mmap[BOOT_MAX_MMAP];
    unsigned mmap_count;

    struct boot_module modules[BOOT_MAX_MODULES];
    unsigned module_count;

    struct boot_fb fb;

    uint8_t rsdp[BOOT_RSDP_MAX]; /* a copy of the RSDP the loader found */
    unsigned rsdp_len;           /* 0 when the loader gave none */

    unsigned warnings; /* count of odd or malformed tags seen while parsing */
};

#endif
