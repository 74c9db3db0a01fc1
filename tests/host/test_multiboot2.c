// SPDX-License-Identifier: MIT
/*
 * Host tests for the Multiboot2 parser (kernel/boot/multiboot2.c).
 *
 * Each test builds an information block with the mbi_* helpers, copies it
 * into a heap buffer of exactly total_size bytes and parses it, so ASan
 * reports any read past the block. The buffer is freed before the results are
 * checked, which also proves boot_info keeps no pointer into it. Corrupt
 * blocks must still parse what is sound and count a warning for what is not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "cairn/errors.h"
#include "check.h"
#include "common/bytes.h"
#include "log_stub.h"

#define MBI_CAP 16384

struct mbi {
    uint8_t buf[MBI_CAP];
    uint32_t len;
};

static struct mbi mb;
static struct boot_info bi;

static void
mbi_init(void)
{
    memset(&mb, 0, sizeof(mb));
    mb.len = 8;
}

/* Appends a tag of the given size (header included) and returns it for filling. */
static uint8_t *
mbi_tag(uint32_t type, uint32_t size)
{
    uint8_t *t = mb.buf + mb.len;

    bytes_wr32(t, type);
    bytes_wr32(t + 4, size);
    mb.len += (size + 7) & ~7u;
    return t;
}

static void
mbi_string(uint32_t type, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;

    memcpy(mbi_tag(type, 8 + n) + 8, s, n);
}

static void
mbi_end(void)
{
    mbi_tag(MB2_TAG_END, 8);
}

static void
mbi_module(uint32_t start, uint32_t end, const char *name)
{
    uint32_t n = (uint32_t)strlen(name) + 1;
    uint8_t *t = mbi_tag(MB2_TAG_MODULE, 16 + n);

    bytes_wr32(t + 8, start);
    bytes_wr32(t + 12, end);
    memcpy(t + 16, name, n);
}

/* A memory map of count entries of entry_size bytes; returns the first entry. */
static uint8_t *
mbi_mmap(uint32_t entry_size, uint32_t count)
{
    uint8_t *t = mbi_tag(MB2_TAG_MMAP, 16 + entry_size * count);

    bytes_wr32(t + 8, entry_size);
    bytes_wr32(t + 12, 0);
    return t + 16;
}

static void
mmap_entry(uint8_t *e, uint64_t base, uint64_t len, uint32_t type)
{
    bytes_wr64(e, base);
    bytes_wr64(e + 8, len);
    bytes_wr32(e + 16, type);
}

static uint8_t *
mbi_fb(uint8_t kind, uint64_t addr, uint32_t pitch, uint32_t width, uint32_t height, uint8_t bpp)
{
    uint8_t *t = mbi_tag(MB2_TAG_FRAMEBUFFER, kind == 1 ? 38 : 32);

    bytes_wr64(t + 8, addr);
    bytes_wr32(t + 16, pitch);
    bytes_wr32(t + 20, width);
    bytes_wr32(t + 24, height);
    t[28] = bpp;
    t[29] = kind;
    if (kind == 1) {
        /* xRGB 8:8:8 */
        t[32] = 16;
        t[33] = 8;
        t[34] = 8;
        t[35] = 8;
        t[36] = 0;
        t[37] = 8;
    }
    return t;
}

static void
mbi_rsdp(uint32_t type, uint8_t fill, uint32_t len)
{
    uint8_t *t = mbi_tag(type, 8 + len);

    memset(t + 8, fill, len);
}

/* Parses mb with total_size = size, from a heap block of exactly size bytes. */
static int
mbi_parse_sized(uint32_t size)
{
    uint8_t *block = malloc(size);
    int rc;

    bytes_wr32(mb.buf, size);
    memcpy(block, mb.buf, size);
    log_stub_reset();
    rc = mb2_parse(MB2_BOOTLOADER_MAGIC, block, &bi);
    free(block);
    return rc;
}

static int
mbi_parse(void)
{
    return mbi_parse_sized(mb.len);
}

static unsigned
warns(void)
{
    return log_stub_count[LOG_WARN];
}

TEST(mb2_typical_grub_block_is_parsed)
{
    uint8_t *e;

    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, "/boot/cairn log=debug");
    mbi_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    mbi_module(0x200000, 0x201234, "/boot/init");
    mbi_module(0x202000, 0x280000, "/boot/initfs.tar");
    bytes_wr32(mbi_tag(MB2_TAG_BASIC_MEMINFO, 16) + 8, 639);
    e = mbi_mmap(24, 3);
    mmap_entry(e, 0, 0x9fc00, 1);
    mmap_entry(e + 24, 0x9fc00, 0x400, 2);
    mmap_entry(e + 48, 0x100000, 0x7ee0000, 1);
    mbi_fb(1, 0xfd000000, 4096, 1024, 768, 32);
    mbi_rsdp(MB2_TAG_ACPI_OLD, 0x11, 20);
    mbi_rsdp(MB2_TAG_ACPI_NEW, 0x22, 36);
    mbi_tag(21, 12); /* load base address: not used, skipped */
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(bi.warnings == 0);
    CHECK(warns() == 0);
    CHECK(log_stub_count[LOG_DEBUG] >= 2);
    CHECK(bi.mbi_size == mb.len);
    CHECK(bi.mbi_phys == 0);
    CHECK(strcmp(bi.cmdline, "/boot/cairn log=debug") == 0);
    CHECK(strcmp(bi.loader, "GRUB 2.06") == 0);
    CHECK(bi.module_count == 2);
    CHECK(bi.modules[0].start == 0x200000 && bi.modules[0].end == 0x201234);
    CHECK(strcmp(bi.modules[0].cmdline, "/boot/init") == 0);
    CHECK(bi.modules[1].start == 0x202000 && bi.modules[1].end == 0x280000);
    CHECK(strcmp(bi.modules[1].cmdline, "/boot/initfs.tar") == 0);
    CHECK(bi.mmap_count == 3);
    CHECK(bi.mmap[0].base == 0 && bi.mmap[0].len == 0x9fc00 && bi.mmap[0].type == 1);
    CHECK(bi.mmap[1].base == 0x9fc00 && bi.mmap[1].type == BOOT_MEM_RESERVED);
    CHECK(bi.mmap[2].base == 0x100000 && bi.mmap[2].len == 0x7ee0000);
    CHECK(bi.fb.type == BOOT_FB_RGB);
    CHECK(bi.fb.addr == 0xfd000000 && bi.fb.pitch == 4096);
    CHECK(bi.fb.width == 1024 && bi.fb.height == 768 && bi.fb.bpp == 32);
    CHECK(bi.fb.red_pos == 16 && bi.fb.red_size == 8);
    CHECK(bi.fb.green_pos == 8 && bi.fb.green_size == 8);
    CHECK(bi.fb.blue_pos == 0 && bi.fb.blue_size == 8);
    CHECK(bi.rsdp_len == 36 && bi.rsdp[0] == 0x22 && bi.rsdp[35] == 0x22);
}

TEST(mb2_wrong_magic_is_fatal)
{
    mbi_init();
    mbi_end();
    bytes_wr32(mb.buf, mb.len);
    log_stub_reset();
    CHECK(mb2_parse(0x2badb002, mb.buf, &bi) == -CAIRN_EINVAL);
    CHECK(log_stub_count[LOG_ERROR] == 1);
}

TEST(mb2_null_or_misaligned_block_is_fatal)
{
    uint8_t *raw = malloc(32);

    log_stub_reset();
    CHECK(mb2_parse(MB2_BOOTLOADER_MAGIC, NULL, &bi) == -CAIRN_EINVAL);
    memset(raw, 0, 32);
    bytes_wr32(raw + 4, 16);
    CHECK(mb2_parse(MB2_BOOTLOADER_MAGIC, raw + 4, &bi) == -CAIRN_EINVAL);
    CHECK(log_stub_count[LOG_ERROR] == 2);
    free(raw);
}

TEST(mb2_absurd_total_size_is_fatal)
{
    uint8_t *block = malloc(16);

    memset(block, 0, 16);
    log_stub_reset();
    bytes_wr32(block, 8);
    CHECK(mb2_parse(MB2_BOOTLOADER_MAGIC, block, &bi) == -CAIRN_EINVAL);
    bytes_wr32(block, 0);
    CHECK(mb2_parse(MB2_BOOTLOADER_MAGIC, block, &bi) == -CAIRN_EINVAL);
    /* Only total_size may be read before it is known to be sane. */
    bytes_wr32(block, MB2_MBI_MAX_SIZE + 8);
    CHECK(mb2_parse(MB2_BOOTLOADER_MAGIC, block, &bi) == -CAIRN_EINVAL);
    bytes_wr32(block, 0xffffffff);
    CHECK(mb2_parse(MB2_BOOTLOADER_MAGIC, block, &bi) == -CAIRN_EINVAL);
    CHECK(log_stub_count[LOG_ERROR] == 4);
    CHECK(bi.mbi_size == 0);
    free(block);
}

TEST(mb2_minimal_block_parses_to_empty_info)
{
    mbi_init();
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(warns() == 0 && bi.warnings == 0);
    CHECK(bi.mbi_size == 16);
    CHECK(bi.cmdline[0] == '\0' && bi.loader[0] == '\0');
    CHECK(bi.mmap_count == 0 && bi.module_count == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE && bi.rsdp_len == 0);
}

TEST(mb2_truncated_tag_is_rejected)
{
    uint8_t *t;

    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, "keep");
    t = mbi_tag(MB2_TAG_LOADER_NAME, 16);
    memcpy(t + 8, "GRUB", 5);
    mbi_end();
    /* The loader tag claims more bytes than the block has left. */
    bytes_wr32(t + 4, 4096);

    CHECK(mbi_parse() == 0);
    CHECK(strcmp(bi.cmdline, "keep") == 0);
    CHECK(bi.loader[0] == '\0');
    CHECK(bi.warnings == 2); /* the bad size, then no end tag reached */
    CHECK(warns() == 2);
}

TEST(mb2_tag_smaller_than_its_header_stops_the_walk)
{
    uint8_t *t;

    mbi_init();
    t = mbi_tag(MB2_TAG_CMDLINE, 8);
    mbi_string(MB2_TAG_LOADER_NAME, "never read");
    mbi_end();
    bytes_wr32(t + 4, 0); /* size 0 would loop forever if trusted */

    CHECK(mbi_parse() == 0);
    CHECK(bi.loader[0] == '\0');
    CHECK(bi.warnings == 2 && warns() == 2);
}

TEST(mb2_missing_end_tag_is_warned)
{
    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, "no end");
    CHECK(mbi_parse() == 0);
    CHECK(strcmp(bi.cmdline, "no end") == 0);
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_block_ending_in_tag_padding_is_not_overread)
{
    /* A 13-byte tag ends the block at 21 bytes: its padding lies outside. */
    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, "abcd");
    CHECK(mbi_parse_sized(8 + 13) == 0);
    CHECK(strcmp(bi.cmdline, "abcd") == 0);
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_end_tag_with_wrong_size_is_warned)
{
    uint8_t *t;

    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, "x");
    t = mbi_tag(MB2_TAG_END, 16);
    (void)t;
    CHECK(mbi_parse() == 0);
    CHECK(strcmp(bi.cmdline, "x") == 0);
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_unterminated_string_is_truncated_with_warning)
{
    uint8_t *t;

    mbi_init();
    t = mbi_tag(MB2_TAG_CMDLINE, 8 + 5);
    memcpy(t + 8, "helloXXX", 8); /* no NUL inside the tag; the padding is not part of it */
    t = mbi_tag(MB2_TAG_MODULE, 16);
    bytes_wr32(t + 8, 0x1000);
    bytes_wr32(t + 12, 0x2000); /* no room for a string at all */
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(strcmp(bi.cmdline, "hello") == 0);
    CHECK(bi.module_count == 1 && bi.modules[0].cmdline[0] == '\0');
    CHECK(bi.warnings == 2 && warns() == 2);
}

TEST(mb2_overlong_strings_are_cut_to_their_buffers)
{
    char big[600], name[100];

    memset(big, 'c', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memset(name, 'm', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, big);
    mbi_module(0x1000, 0x2000, name);
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(strlen(bi.cmdline) == BOOT_CMDLINE_MAX - 1);
    CHECK(bi.cmdline[0] == 'c' && bi.cmdline[BOOT_CMDLINE_MAX - 2] == 'c');
    CHECK(strlen(bi.modules[0].cmdline) == BOOT_MODNAME_MAX - 1);
    CHECK(bi.warnings == 2 && warns() == 2);
}

TEST(mb2_module_ending_before_it_starts_is_rejected)
{
    uint8_t *t;

    mbi_init();
    mbi_module(0x300000, 0x200000, "backwards");
    mbi_module(0x400000, 0x400000, "empty");
    t = mbi_tag(MB2_TAG_MODULE, 12); /* too short for mod_end */
    bytes_wr32(t + 8, 0x500000);
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(bi.module_count == 1);
    CHECK(bi.modules[0].start == 0x400000 && strcmp(bi.modules[0].cmdline, "empty") == 0);
    CHECK(bi.warnings == 2 && warns() == 2);
}

TEST(mb2_modules_beyond_capacity_are_dropped)
{
    mbi_init();
    for (uint32_t i = 0; i < BOOT_MAX_MODULES + 3; i++)
        mbi_module(0x100000 * (i + 1), 0x100000 * (i + 1) + 10, "m");
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(bi.module_count == BOOT_MAX_MODULES);
    CHECK(bi.modules[BOOT_MAX_MODULES - 1].start == 0x100000 * BOOT_MAX_MODULES);
    CHECK(bi.warnings == 3 && warns() == 3);
}

TEST(mb2_mmap_with_bad_entry_size_is_ignored)
{
    uint8_t *e;

    mbi_init();
    e = mbi_mmap(20, 2); /* below 24 */
    mmap_entry(e, 0, 0x1000, 1);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.mmap_count == 0);
    CHECK(bi.warnings == 1 && warns() == 1);

    mbi_init();
    e = mbi_mmap(28, 2); /* not a multiple of 8 */
    mmap_entry(e, 0, 0x1000, 1);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.mmap_count == 0);
    CHECK(bi.warnings == 1 && warns() == 1);

    mbi_init();
    mbi_tag(MB2_TAG_MMAP, 12); /* no room for entry_version */
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_mmap_entries_are_stepped_by_entry_size)
{
    uint8_t *e;

    mbi_init();
    e = mbi_mmap(32, 3);
    memset(e, 0xee, 96); /* the 8 extra bytes of each entry must be skipped */
    mmap_entry(e, 0x1000, 0x2000, 1);
    mmap_entry(e + 32, 0x5000, 0x1000, 3);
    mmap_entry(e + 64, 0x9000, 0x1000, 4);
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(bi.warnings == 0);
    CHECK(bi.mmap_count == 3);
    CHECK(bi.mmap[1].base == 0x5000 && bi.mmap[1].type == BOOT_MEM_ACPI_RECLAIMABLE);
    CHECK(bi.mmap[2].base == 0x9000 && bi.mmap[2].len == 0x1000 && bi.mmap[2].type == 4);
}

TEST(mb2_mmap_odd_entries_are_dropped)
{
    uint8_t *t, *e;

    mbi_init();
    e = mbi_mmap(24, 4);
    t = e - 16;
    mmap_entry(e, 0x1000, 0, 1);                       /* empty: dropped quietly */
    mmap_entry(e + 24, 0xfffffffffffff000, 0x2000, 2); /* wraps: dropped, warned */
    mmap_entry(e + 48, 0xfffffffffffff000, 0x1000, 2); /* ends exactly at 2^64: kept */
    mmap_entry(e + 72, 0x100000, 0x100000, 1);
    bytes_wr32(t + 12, 1);              /* unknown entry version: warned, parsed anyway */
    bytes_wr32(t + 4, 16 + 24 * 4 - 8); /* the last entry is cut short */
    mb.len = (uint32_t)(t - mb.buf) + 16 + 24 * 4 - 8;
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(bi.mmap_count == 1);
    CHECK(bi.mmap[0].base == 0xfffffffffffff000 && bi.mmap[0].len == 0x1000);
    CHECK(bi.warnings == 3 && warns() == 3);
}

TEST(mb2_mmap_beyond_capacity_keeps_the_first_entries)
{
    const uint32_t n = BOOT_MAX_MMAP + 72;
    uint8_t *e;

    mbi_init();
    e = mbi_mmap(24, n);
    for (uint32_t i = 0; i < n; i++)
        mmap_entry(e + 24 * i, 0x1000 * (uint64_t)i, 0x1000, 1);
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(bi.mmap_count == BOOT_MAX_MMAP);
    CHECK(bi.mmap[BOOT_MAX_MMAP - 1].base == 0x1000 * (uint64_t)(BOOT_MAX_MMAP - 1));
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_second_mmap_and_cmdline_tags_are_ignored)
{
    uint8_t *e;

    mbi_init();
    mbi_string(MB2_TAG_CMDLINE, "first");
    mbi_string(MB2_TAG_CMDLINE, "second");
    e = mbi_mmap(24, 1);
    mmap_entry(e, 0x1000, 0x1000, 1);
    e = mbi_mmap(24, 1);
    mmap_entry(e, 0x8000, 0x1000, 1);
    mbi_end();

    CHECK(mbi_parse() == 0);
    CHECK(strcmp(bi.cmdline, "first") == 0);
    CHECK(bi.mmap_count == 1 && bi.mmap[0].base == 0x1000);
    CHECK(bi.warnings == 2 && warns() == 2);
}

TEST(mb2_ega_text_framebuffer_is_kept)
{
    mbi_init();
    mbi_fb(2, 0xb8000, 160, 80, 25, 16);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.warnings == 0);
    CHECK(bi.fb.type == BOOT_FB_EGA_TEXT && bi.fb.addr == 0xb8000);
    CHECK(bi.fb.width == 80 && bi.fb.height == 25 && bi.fb.pitch == 160);
}

TEST(mb2_indexed_framebuffer_is_treated_as_none)
{
    mbi_init();
    mbi_fb(0, 0xa0000, 320, 320, 200, 8);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE && bi.fb.addr == 0);
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_insane_framebuffers_are_ignored)
{
    uint8_t *t;

    /* pitch shorter than a line of pixels */
    mbi_init();
    mbi_fb(1, 0xfd000000, 1024 * 3, 1024, 768, 32);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE);
    CHECK(bi.warnings == 1 && warns() == 1);

    /* zero height */
    mbi_init();
    mbi_fb(1, 0xfd000000, 4096, 1024, 0, 32);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE && bi.warnings == 1);

    /* a colour field past the pixel */
    mbi_init();
    t = mbi_fb(1, 0xfd000000, 4096, 1024, 768, 16);
    mbi_end();
    (void)t;
    CHECK(mbi_parse() == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE && bi.warnings == 1);

    /* an RGB tag too short for its colour fields */
    mbi_init();
    t = mbi_fb(1, 0xfd000000, 4096, 1024, 768, 32);
    bytes_wr32(t + 4, 34);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE && bi.warnings == 1);

    /* an unknown type */
    mbi_init();
    mbi_fb(7, 0xfd000000, 4096, 1024, 768, 32);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.fb.type == BOOT_FB_NONE && bi.warnings == 1 && warns() == 1);
}

TEST(mb2_new_rsdp_wins_over_old_in_either_order)
{
    mbi_init();
    mbi_rsdp(MB2_TAG_ACPI_NEW, 0x22, 36);
    mbi_rsdp(MB2_TAG_ACPI_OLD, 0x11, 20);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.rsdp_len == 36 && bi.rsdp[0] == 0x22 && bi.rsdp[35] == 0x22);
    CHECK(bi.warnings == 0);

    mbi_init();
    mbi_rsdp(MB2_TAG_ACPI_OLD, 0x11, 20);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.rsdp_len == 20 && bi.rsdp[19] == 0x11 && bi.rsdp[20] == 0);
    CHECK(bi.warnings == 0);
}

TEST(mb2_short_rsdp_tags_are_ignored)
{
    mbi_init();
    mbi_rsdp(MB2_TAG_ACPI_OLD, 0x11, 20);
    mbi_rsdp(MB2_TAG_ACPI_NEW, 0x22, 24); /* too short for 2.0 */
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.rsdp_len == 20 && bi.rsdp[0] == 0x11);
    CHECK(bi.warnings == 1 && warns() == 1);

    /* A bad 2.0 tag must not hide a good 1.0 one that follows it. */
    mbi_init();
    mbi_rsdp(MB2_TAG_ACPI_NEW, 0x22, 20);
    mbi_rsdp(MB2_TAG_ACPI_OLD, 0x11, 20);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.rsdp_len == 20 && bi.rsdp[0] == 0x11);
    CHECK(bi.warnings == 1 && warns() == 1);

    mbi_init();
    mbi_rsdp(MB2_TAG_ACPI_OLD, 0x11, 12);
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(bi.rsdp_len == 0);
    CHECK(bi.warnings == 1 && warns() == 1);
}

TEST(mb2_unknown_tags_are_skipped_without_warning)
{
    mbi_init();
    mbi_tag(9, 20); /* ELF sections */
    mbi_tag(0x7777, 8);
    mbi_string(MB2_TAG_LOADER_NAME, "after");
    mbi_end();
    CHECK(mbi_parse() == 0);
    CHECK(strcmp(bi.loader, "after") == 0);
    CHECK(bi.warnings == 0 && warns() == 0);
    CHECK(log_stub_count[LOG_DEBUG] == 2);
}

int
main(void)
{
    RUN(mb2_typical_grub_block_is_parsed);
    RUN(mb2_wrong_magic_is_fatal);
    RUN(mb2_null_or_misaligned_block_is_fatal);
    RUN(mb2_absurd_total_size_is_fatal);
    RUN(mb2_minimal_block_parses_to_empty_info);
    RUN(mb2_truncated_tag_is_rejected);
    RUN(mb2_tag_smaller_than_its_header_stops_the_walk);
    RUN(mb2_missing_end_tag_is_warned);
    RUN(mb2_block_ending_in_tag_padding_is_not_overread);
    RUN(mb2_end_tag_with_wrong_size_is_warned);
    RUN(mb2_unterminated_string_is_truncated_with_warning);
    RUN(mb2_overlong_strings_are_cut_to_their_buffers);
    RUN(mb2_module_ending_before_it_starts_is_rejected);
    RUN(mb2_modules_beyond_capacity_are_dropped);
    RUN(mb2_mmap_with_bad_entry_size_is_ignored);
    RUN(mb2_mmap_entries_are_stepped_by_entry_size);
    RUN(mb2_mmap_odd_entries_are_dropped);
    RUN(mb2_mmap_beyond_capacity_keeps_the_first_entries);
    RUN(mb2_second_mmap_and_cmdline_tags_are_ignored);
    RUN(mb2_ega_text_framebuffer_is_kept);
    RUN(mb2_indexed_framebuffer_is_treated_as_none);
    RUN(mb2_insane_framebuffers_are_ignored);
    RUN(mb2_new_rsdp_wins_over_old_in_either_order);
    RUN(mb2_short_rsdp_tags_are_ignored);
    RUN(mb2_unknown_tags_are_skipped_without_warning);
    return check_exit();
}
