// SPDX-License-Identifier: MIT
/* A client's buffer mapped into a server, every page entered (cairn/buffer.h). */
#include <cairn/buffer.h>
#include <cairn/sys.h>

#define PAGE 4096ull

long
cairn_buffer_map(long mo, uint64_t size)
{
    const uint32_t need = CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP;
    struct cairn_handle_info info;
    long at;

    if (size == 0 || size % PAGE || cairn_handle_info(mo, &info) < 0 ||
        info.type != CAIRN_OBJ_MEMOBJ || (info.rights & need) != need)
        return -CAIRN_EINVAL;
    at = cairn_vm_map(mo, 0, size, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at < 0)
        return at == -CAIRN_ENOMEM ? -CAIRN_ENOMEM : -CAIRN_EINVAL;
    /* Entering a page is a system call that writes into it (handle_info's
     * answer about handle 0, the process itself): a page an object charged
     * as it is touched (CAIRN_MEMOBJ_ON_TOUCH) cannot pay for fails that
     * call with EFAULT here, not a copy later. */
    for (uint64_t off = 0; off < size; off += PAGE) {
        if (cairn_handle_info(0, (struct cairn_handle_info *)((uint64_t)at + off)) < 0) {
            cairn_vm_unmap((uint64_t)at, size);
            return -CAIRN_EINVAL;
        }
    }
    return at;
}
