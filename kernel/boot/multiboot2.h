/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot2 boot information parser.
 *
 * A Multiboot2 loader hands the kernel a magic number in EAX and the physical
 * address of an information block in EBX. The block is an 8-byte header
 * (total_size, reserved) followed by tags, each 8-byte aligned and starting
 * with (type, size); an end tag (type 0, size 8) closes the list.
 *
 * mb2_parse() reads nothing outside [mbi, mbi + total_size) and never trusts a
 * size it has not checked against what is left of the block, so a corrupt
 * block costs warnings, never a wild read. Everything useful is copied into a
 * struct boot_info (see boot/boot_info.h), after which the block may be
 * overwritten. The parser is pure C: no mapping, no assembly; the caller must
 * have made the whole block readable at mbi.
 */
#ifndef CAIRN_BOOT_MULTIBOOT2_H
#define CAIRN_BOOT_MULTIBOOT2_H

#include <stdint.h>

#include "boot/boot_info.h"

/* What a Multiboot2 loader leaves in EAX. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* A block larger than this is taken to be garbage rather than parsed. */
#define MB2_MBI_MAX_SIZE (1u << 20)

/* Tag types the parser understands (Multiboot2 specification, section 3.6). */
enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

/*
 * Parses the information block at mbi into *out.
 *
 * *out is cleared first, so the caller must set out->mbi_phys (the block's
 * physical address, which only the caller knows: mbi is a virtual pointer)
 * after this returns; out->mbi_size is set to total_size.
 *
 * Returns 0 when the block was parsed, possibly with warnings: each odd or
 * malformed tag is logged with log_warn and counted in out->warnings, and the
 * rest of the block is still used where it can be. Returns -CAIRN_EINVAL, with
 * log_error, when the block cannot be parsed at all: wrong magic, NULL or
 * misaligned mbi, or a total_size below 16 or above MB2_MBI_MAX_SIZE.
 *
 * Choices the specification leaves open:
 * - A tag type seen twice (command line, loader name, memory map,
 *   framebuffer): the first is kept, the others are warned about.
 * - The ACPI 2.0 RSDP (tag 15) is kept over the 1.0 one (tag 14) whichever
 *   comes first.
 * - The framebuffer colour information starts at offset 32 of the tag, as
 *   GRUB writes it and as the specification's own multiboot2.h declares it
 *   (a 16-bit reserved field), not at offset 31 as its prose table suggests.
 * - Memory map entries of length zero are dropped silently; entries whose
 *   end would pass 2^64 are dropped with a warning.
 */
int mb2_parse(uint32_t magic, const void *mbi, struct boot_info *out);

#endif
