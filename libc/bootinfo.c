// SPDX-License-Identifier: MIT
/* The boot information and boot modules (see <cairn/spawn.h>). */
#include <stddef.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>

const struct cairn_bootinfo *
cairn_bootinfo(void)
{
    static const struct cairn_bootinfo *info;
    long a;

    if (info)
        return info;
    a = cairn_vm_map(CAIRN_INIT_HANDLE_BOOTINFO, 0, 4096, 0, CAIRN_PROT_READ, 0);
    if (a < 0)
        return NULL;
    info = (const struct cairn_bootinfo *)a;
    if (info->magic != CAIRN_BOOTINFO_MAGIC || info->version != CAIRN_BOOTINFO_VERSION ||
        info->module_count > CAIRN_BOOTINFO_MODULES_MAX ||
        info->handle_count > CAIRN_INIT_HANDLE_MODULES + CAIRN_BOOTINFO_MODULES_MAX + 2) {
        cairn_vm_unmap((uint64_t)a, 4096);
        info = NULL;
    }
    return info;
}

int
cairn_cmdline_has(const char *word)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    size_t n = strlen(word);

    for (const char *p = bi ? bi->cmdline : ""; *p;) {
        size_t len = 0;

        while (p[len] && p[len] != ' ')
            len++;
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len;
        while (*p == ' ')
            p++;
    }
    return 0;
}

long
cairn_boot_module(const char *name, uint64_t *size)
{
    const struct cairn_bootinfo *info = cairn_bootinfo();

    for (uint32_t i = 0; info && i < info->module_count; i++) {
        if (strncmp(info->modules[i].name, name, CAIRN_BOOTINFO_NAME_MAX) == 0) {
            if (size)
                *size = info->modules[i].size;
            return CAIRN_INIT_HANDLE_MODULES + (long)i;
        }
    }
    return -CAIRN_ENOENT;
}
