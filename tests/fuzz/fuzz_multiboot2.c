// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the Multiboot2 information parser (kernel/boot/multiboot2.c).
 *
 * The input is the information block. mb2_parse() may read total_size bytes
 * (its caller maps that many), so the harness hands it a heap block of
 * exactly total_size bytes: an input longer than its total_size is cut to
 * it, and one shorter has total_size lowered to its length. Either way a
 * read past the block is an ASan report. The block is 8-byte aligned, as
 * the loader leaves it, and freed before the result is checked, which also
 * proves the result keeps no pointer into it.
 *
 * Promises checked on the result (multiboot2.h, boot_info.h):
 *   - a refusal is -CAIRN_EINVAL with one error logged and *out cleared;
 *   - on success mbi_size is total_size, every warning logged was counted
 *     in warnings (and nothing was logged as an error), every string is
 *     NUL-terminated inside its array, the tables are within their
 *     capacities, memory regions are non-empty and do not wrap past 2^64,
 *     modules do not end before they start, a framebuffer kept has no zero
 *     field, a pitch that holds its width and colour fields inside a
 *     pixel, and the RSDP copy is 0, 20 or 36 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "cairn/errors.h"
#include "common/bytes.h"
#include "fuzz.h"

static int
is_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static void
check_fb(const struct boot_fb *fb)
{
    if (fb->type == BOOT_FB_NONE)
        return;
    FUZZ_CHECK(fb->type == BOOT_FB_RGB || fb->type == BOOT_FB_EGA_TEXT);
    FUZZ_CHECK(fb->addr != 0 && fb->pitch != 0 && fb->width != 0 && fb->height != 0 &&
               fb->bpp != 0);
    FUZZ_CHECK((uint64_t)fb->pitch * 8 >= (uint64_t)fb->width * fb->bpp);
    if (fb->type == BOOT_FB_RGB) {
        FUZZ_CHECK(fb->red_size != 0 && fb->red_pos + fb->red_size <= fb->bpp);
        FUZZ_CHECK(fb->green_size != 0 && fb->green_pos + fb->green_size <= fb->bpp);
        FUZZ_CHECK(fb->blue_size != 0 && fb->blue_pos + fb->blue_size <= fb->bpp);
    }
}

static void
check_info(const struct boot_info *bi, uint32_t total)
{
    FUZZ_CHECK(bi->mbi_size == total);
    FUZZ_CHECK(bi->warnings == fuzz_log_count[LOG_WARN]);
    FUZZ_CHECK(fuzz_log_count[LOG_ERROR] == 0);
    FUZZ_CHECK(is_terminated(bi->cmdline, sizeof(bi->cmdline)));
    FUZZ_CHECK(is_terminated(bi->loader, sizeof(bi->loader)));

    FUZZ_CHECK(bi->mmap_count <= BOOT_MAX_MMAP);
    for (unsigned i = 0; i < bi->mmap_count; i++) {
        FUZZ_CHECK(bi->mmap[i].len != 0);
        FUZZ_CHECK(bi->mmap[i].len - 1 <= UINT64_MAX - bi->mmap[i].base);
    }
    FUZZ_CHECK(bi->module_count <= BOOT_MAX_MODULES);
    for (unsigned i = 0; i < bi->module_count; i++) {
        FUZZ_CHECK(bi->modules[i].end >= bi->modules[i].start);
        FUZZ_CHECK(is_terminated(bi->modules[i].cmdline, sizeof(bi->modules[i].cmdline)));
    }
    check_fb(&bi->fb);
    FUZZ_CHECK(bi->rsdp_len == 0 || bi->rsdp_len == 20 || bi->rsdp_len == 36);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_info bi;
    uint32_t total;
    uint8_t *block;
    size_t len = size;
    int ret;

    /* The loader always leaves the 8-byte header; the parser reads total_size first. */
    if (size < 8 || size > MB2_MBI_MAX_SIZE)
        return 0;
    total = bytes_rd32(data);
    if (total >= 16 && total <= MB2_MBI_MAX_SIZE && total < size)
        len = total;
    block = malloc(len); /* 16-byte aligned */
    FUZZ_CHECK(block != NULL && (uintptr_t)block % 8 == 0);
    memcpy(block, data, len);
    if (total > len && total <= MB2_MBI_MAX_SIZE) {
        total = (uint32_t)len;
        memcpy(block, &total, 4);
    }
    fuzz_log_reset();
    memset(&bi, 0x5a, sizeof(bi));
    ret = mb2_parse(MB2_BOOTLOADER_MAGIC, block, &bi);
    free(block);

    if (ret != 0) {
        FUZZ_CHECK(ret == -CAIRN_EINVAL);
        FUZZ_CHECK(total < 16 || total > MB2_MBI_MAX_SIZE);
        FUZZ_CHECK(fuzz_log_count[LOG_ERROR] == 1);
        FUZZ_CHECK(bi.mbi_size == 0 && bi.warnings == 0 && bi.mmap_count == 0 &&
                   bi.module_count == 0 && bi.rsdp_len == 0 && bi.cmdline[0] == '\0');
        return 0;
    }
    check_info(&bi, total);
    return 0;
}
