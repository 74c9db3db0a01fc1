// SPDX-License-Identifier: MIT
/*
 * Multiboot2 information block parser (see multiboot2.h for the contract).
 *
 * The walk keeps one invariant: before any byte of a tag is read, the tag's
 * size has been checked against what is left of the block, and each handler
 * reads only inside [tag, tag + size). Fields are read byte by byte in
 * little-endian order, so a misplaced tag can never cause a misaligned or
 * type-punned access; gcc merges the bytes back into single loads.
 *
 * Every problem found is reported through mb2_warn(), which counts it in
 * boot_info.warnings, so a test (or the boot log) can tell a clean block from
 * one that was repaired.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/multiboot2.h"
#include "cairn/errors.h"
#include "common/bytes.h"
#include "lib/log.h"

#define MB2_HEADER_SIZE   8u  /* total_size, reserved */
#define MB2_TAG_HDR_SIZE  8u  /* type, size */
#define MB2_MIN_SIZE      16u /* the header and an end tag */
#define MB2_MODULE_SIZE   16u /* tag header, mod_start, mod_end; the string follows */
#define MB2_MEMINFO_SIZE  16u
#define MB2_MMAP_HDR_SIZE 16u /* tag header, entry_size, entry_version */
#define MB2_MMAP_ENTRY    24u /* base, length, type, reserved */
#define MB2_FB_COMMON     32u /* up to and including the 16-bit reserved field */
#define MB2_FB_RGB_SIZE   38u /* common part and six colour bytes */
#define MB2_RSDP_V1_LEN   20u
#define MB2_RSDP_V2_LEN   36u

enum mb2_fb_kind {
    MB2_FB_INDEXED = 0,
    MB2_FB_RGB = 1,
    MB2_FB_EGA_TEXT = 2,
};

/* Which tags have been taken already, to keep the first of each. */
struct mb2_seen {
    bool cmdline;
    bool loader;
    bool mmap;
    bool fb;
};

#define mb2_warn(bi, ...)      \
    do {                       \
        (bi)->warnings++;      \
        log_warn(__VA_ARGS__); \
    } while (0)

/*
 * Copies the string of src_len bytes at src into dst[dst_size], always
 * NUL-terminated. A string with no NUL inside its tag, or one longer than
 * dst can hold, is kept truncated and warned about.
 */
static void
mb2_copy_string(struct boot_info *bi, const char *what, char *dst, size_t dst_size,
                const uint8_t *src, size_t src_len)
{
    size_t n = 0;

    while (n < src_len && src[n] != '\0')
        n++;
    if (n == src_len)
        mb2_warn(bi, "mb2: %s is not NUL-terminated within its tag; truncated", what);
    if (n >= dst_size) {
        mb2_warn(bi, "mb2: %s is %zu bytes long; truncated to %zu", what, n, dst_size - 1);
        n = dst_size - 1;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)src[i];
    dst[n] = '\0';
}

static void
mb2_parse_module(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
    struct boot_module *mod;
    uint32_t start, end;

    if (size < MB2_MODULE_SIZE) {
        mb2_warn(bi, "mb2: module tag of %u bytes is too short; ignored", size);
        return;
    }
    start = bytes_rd32(tag + 8);
    end = bytes_rd32(tag + 12);
    if (end < start) {
        mb2_warn(bi, "mb2: module tag ends (%#x) before it starts (%#x); ignored", end, start);
        return;
    }
    if (bi->module_count == BOOT_MAX_MODULES) {
        mb2_warn(bi, "mb2: module tag at %#x beyond the first %d modules; dropped", start,
                 BOOT_MAX_MODULES);
        return;
    }
    mod = &bi->modules[bi->module_count++];
    mod->start = start;
    mod->end = end;
    mb2_copy_string(bi, "module string", mod->cmdline, sizeof(mod->cmdline), tag + MB2_MODULE_SIZE,
                    size - MB2_MODULE_SIZE);
}

static void
mb2_parse_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
    uint32_t entry_size, version, count, dropped = 0;

    if (size < MB2_MMAP_HDR_SIZE) {
        mb2_warn(bi, "mb2: memory map tag of %u bytes is too short; ignored", size);
        return;
    }
    entry_size = bytes_rd32(tag + 8);
    version = bytes_rd32(tag + 12);
    if (entry_size < MB2_MMAP_ENTRY || entry_size % 8 != 0) {
        mb2_warn(bi, "mb2: memory map entry size %u is not a multiple of 8 of at least %u; ignored",
                 entry_size, MB2_MMAP_ENTRY);
        return;
    }
    /* Later versions may only append fields, which entry_size lets us skip. */
    if (version != 0)
        mb2_warn(bi, "mb2: memory map entry version %u is unknown; read as version 0", version);
    count = (size - MB2_MMAP_HDR_SIZE) / entry_size;
    if ((size - MB2_MMAP_HDR_SIZE) % entry_size != 0)
        mb2_warn(bi, "mb2: memory map tag ends inside an entry; the partial entry is ignored");

    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = tag + MB2_MMAP_HDR_SIZE + (size_t)i * entry_size;
        uint64_t base = bytes_rd64(e), len = bytes_rd64(e + 8);
        struct boot_mem_region *r;

        if (len == 0)
            continue;
        if (len - 1 > UINT64_MAX - base) {
            mb2_warn(bi, "mb2: memory map entry %#lx+%#lx wraps past 2^64; dropped",
                     (unsigned long)base, (unsigned long)len);
            continue;
        }
        if (bi->mmap_count == BOOT_MAX_MMAP) {
            dropped++;
            continue;
        }
        r = &bi->mmap[bi->mmap_count++];
        r->base = base;
        r->len = len;
        r->type = bytes_rd32(e + 16);
    }
    if (dropped)
        mb2_warn(bi, "mb2: memory map has %u entries beyond the first %d; dropped", dropped,
                 BOOT_MAX_MMAP);
}

/* Each colour field must lie inside the pixel, or drawing would spill. */
static bool
mb2_fb_colour_fits(const struct boot_fb *fb)
{
    const uint8_t pos[3] = {fb->red_pos, fb->green_pos, fb->blue_pos};
    const uint8_t len[3] = {fb->red_size, fb->green_size, fb->blue_size};

    for (int i = 0; i < 3; i++) {
        if (len[i] == 0 || pos[i] + len[i] > fb->bpp)
            return false;
    }
    return true;
}

static void
mb2_parse_framebuffer(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
    struct boot_fb fb = {0};
    uint8_t kind;

    if (size < MB2_FB_COMMON) {
        mb2_warn(bi, "mb2: framebuffer tag of %u bytes is too short; ignored", size);
        return;
    }
    fb.addr = bytes_rd64(tag + 8);
    fb.pitch = bytes_rd32(tag + 16);
    fb.width = bytes_rd32(tag + 20);
    fb.height = bytes_rd32(tag + 24);
    fb.bpp = tag[28];
    kind = tag[29];

    switch (kind) {
    case MB2_FB_RGB:
        if (size < MB2_FB_RGB_SIZE) {
            mb2_warn(bi, "mb2: RGB framebuffer tag of %u bytes lacks its colour fields; ignored",
                     size);
            return;
        }
        fb.type = BOOT_FB_RGB;
        fb.red_pos = tag[32];
        fb.red_size = tag[33];
        fb.green_pos = tag[34];
        fb.green_size = tag[35];
        fb.blue_pos = tag[36];
        fb.blue_size = tag[37];
        break;
    case MB2_FB_EGA_TEXT:
        fb.type = BOOT_FB_EGA_TEXT;
        break;
    case MB2_FB_INDEXED:
        mb2_warn(bi, "mb2: indexed-colour framebuffer is not supported; ignored");
        return;
    default:
        mb2_warn(bi, "mb2: framebuffer type %u is unknown; ignored", kind);
        return;
    }

    if (fb.addr == 0 || fb.pitch == 0 || fb.width == 0 || fb.height == 0 || fb.bpp == 0) {
        mb2_warn(bi, "mb2: framebuffer %ux%u, %u bpp, pitch %u at %#lx has a zero field; ignored",
                 fb.width, fb.height, fb.bpp, fb.pitch, (unsigned long)fb.addr);
        return;
    }
    if ((uint64_t)fb.pitch * 8 < (uint64_t)fb.width * fb.bpp) {
        mb2_warn(bi, "mb2: framebuffer pitch %u is less than %u pixels of %u bpp; ignored",
                 fb.pitch, fb.width, fb.bpp);
        return;
    }
    if (fb.type == BOOT_FB_RGB && !mb2_fb_colour_fits(&fb)) {
        mb2_warn(bi, "mb2: framebuffer colour fields do not fit in %u bpp; ignored", fb.bpp);
        return;
    }
    bi->fb = fb;
}

/* The RSDP is kept as bytes; acpi_parse() validates it. */
static void
mb2_parse_rsdp(struct boot_info *bi, const uint8_t *tag, uint32_t size, unsigned len)
{
    if (size - MB2_TAG_HDR_SIZE < len) {
        mb2_warn(bi, "mb2: ACPI %s RSDP tag of %u bytes is too short; ignored",
                 len == MB2_RSDP_V2_LEN ? "2.0" : "1.0", size);
        return;
    }
    for (unsigned i = 0; i < len; i++)
        bi->rsdp[i] = tag[MB2_TAG_HDR_SIZE + i];
    bi->rsdp_len = len;
}

/* Returns true if the tag is a repeat of one already taken, after warning. */
static bool
mb2_is_repeat(struct boot_info *bi, bool *seen, const char *what)
{
    if (*seen) {
        mb2_warn(bi, "mb2: second %s tag; ignored", what);
        return true;
    }
    *seen = true;
    return false;
}

static void
mb2_parse_tag(struct boot_info *bi, struct mb2_seen *seen, const uint8_t *tag, uint32_t type,
              uint32_t size)
{
    const uint8_t *body = tag + MB2_TAG_HDR_SIZE;
    uint32_t body_len = size - MB2_TAG_HDR_SIZE;

    switch (type) {
    case MB2_TAG_CMDLINE:
        if (!mb2_is_repeat(bi, &seen->cmdline, "command line"))
            mb2_copy_string(bi, "command line", bi->cmdline, sizeof(bi->cmdline), body, body_len);
        break;
    case MB2_TAG_LOADER_NAME:
        if (!mb2_is_repeat(bi, &seen->loader, "boot loader name"))
            mb2_copy_string(bi, "boot loader name", bi->loader, sizeof(bi->loader), body, body_len);
        break;
    case MB2_TAG_MODULE:
        mb2_parse_module(bi, tag, size);
        break;
    case MB2_TAG_BASIC_MEMINFO:
        if (size >= MB2_MEMINFO_SIZE)
            log_debug("mb2: basic meminfo: %u KiB low, %u KiB high", bytes_rd32(body),
                      bytes_rd32(body + 4));
        break;
    case MB2_TAG_MMAP:
        if (!mb2_is_repeat(bi, &seen->mmap, "memory map"))
            mb2_parse_mmap(bi, tag, size);
        break;
    case MB2_TAG_FRAMEBUFFER:
        if (!mb2_is_repeat(bi, &seen->fb, "framebuffer"))
            mb2_parse_framebuffer(bi, tag, size);
        break;
    case MB2_TAG_ACPI_OLD:
        /* The 2.0 RSDP describes the same tables and adds the XSDT: it wins. */
        if (bi->rsdp_len == MB2_RSDP_V1_LEN)
            mb2_warn(bi, "mb2: second ACPI 1.0 RSDP tag; ignored");
        else if (bi->rsdp_len == 0)
            mb2_parse_rsdp(bi, tag, size, MB2_RSDP_V1_LEN);
        break;
    case MB2_TAG_ACPI_NEW:
        if (bi->rsdp_len == MB2_RSDP_V2_LEN)
            mb2_warn(bi, "mb2: second ACPI 2.0 RSDP tag; ignored");
        else
            mb2_parse_rsdp(bi, tag, size, MB2_RSDP_V2_LEN);
        break;
    default:
        log_debug("mb2: tag type %u (%u bytes) skipped", type, size);
        break;
    }
}

int
mb2_parse(uint32_t magic, const void *mbi, struct boot_info *out)
{
    struct mb2_seen seen = {0};
    const uint8_t *base = mbi;
    uint32_t total, off;
    bool ended = false;

    *out = (struct boot_info){0};
    if (magic != MB2_BOOTLOADER_MAGIC) {
        log_error("mb2: boot loader magic %#x is not %#x", magic, MB2_BOOTLOADER_MAGIC);
        return -CAIRN_EINVAL;
    }
    if (mbi == NULL || (uintptr_t)mbi % 8 != 0) {
        log_error("mb2: information block at %p is missing or not 8-byte aligned", mbi);
        return -CAIRN_EINVAL;
    }
    /* Only the size field is read before the size is known to be sane. */
    total = bytes_rd32(base);
    if (total < MB2_MIN_SIZE || total > MB2_MBI_MAX_SIZE) {
        log_error("mb2: information block size %u is outside %u..%u", total, MB2_MIN_SIZE,
                  MB2_MBI_MAX_SIZE);
        return -CAIRN_EINVAL;
    }
    out->mbi_size = total;

    off = MB2_HEADER_SIZE;
    while (total - off >= MB2_TAG_HDR_SIZE) {
        const uint8_t *tag = base + off;
        uint32_t type = bytes_rd32(tag), size = bytes_rd32(tag + 4), step;

        if (size < MB2_TAG_HDR_SIZE) {
            mb2_warn(out, "mb2: tag type %u at offset %u has size %u; stopped", type, off, size);
            break;
        }
        if (size > total - off) {
            mb2_warn(out, "mb2: tag type %u at offset %u has size %u, %u bytes left; stopped", type,
                     off, size, total - off);
            break;
        }
        if (type == MB2_TAG_END) {
            if (size != MB2_TAG_HDR_SIZE)
                mb2_warn(out, "mb2: end tag has size %u, not 8", size);
            ended = true;
            break;
        }
        mb2_parse_tag(out, &seen, tag, type, size);

        /* size <= total <= 1 MiB, so rounding up cannot overflow. */
        step = (size + 7) & ~7u;
        if (step > total - off)
            break;
        off += step;
    }
    if (!ended)
        mb2_warn(out, "mb2: no end tag within the %u-byte information block", total);
    return 0;
}
