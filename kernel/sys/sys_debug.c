// SPDX-License-Identifier: MIT
/*
 * The debug calls: debug_write, the console output a program has before
 * there is a console server, and debug_stats, the kernel's counters that
 * leak tests compare before and after.
 */
#include <cairn/debug.h>
#include <cairn/errors.h>

#include "arch/x86_64/percpu.h"
#include "console/console.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "obj/process.h"
#include "sys/syscall.h"

int64_t
sys_debug_write(uint64_t user, uint64_t len)
{
    char buf[256];

    if (len > CAIRN_DEBUG_WRITE_MAX)
        return -CAIRN_EINVAL;
    /* Check the whole range before writing any of it. */
    if (len && copy_from_user(buf, user, 1) < 0)
        return -CAIRN_EFAULT;
    for (uint64_t done = 0; done < len;) {
        uint64_t chunk = len - done > sizeof(buf) ? sizeof(buf) : len - done;
        if (copy_from_user(buf, user + done, chunk) < 0)
            return -CAIRN_EFAULT;
        done += chunk;
    }
    for (uint64_t done = 0; done < len;) {
        uint64_t chunk = len - done > sizeof(buf) ? sizeof(buf) : len - done;
        /* Only another thread unmapping the buffer meanwhile fails here. */
        if (copy_from_user(buf, user + done, chunk) < 0)
            return -CAIRN_EFAULT;
        console_write_lines(buf, chunk);
        done += chunk;
    }
    return (int64_t)len;
}

int64_t
sys_debug_stats(uint64_t user_stats)
{
    struct cairn_debug_stats s = {0};

    kmalloc_shrink(); /* cached empty heap pages are not in use */
    s.free_frames = frame_free_count();
    s.total_frames = frame_total_count();
    s.live_threads = thread_live_count();
    s.cpu_count = cpu_count;
    for (uint32_t type = 0; type < CAIRN_OBJ_COUNT && type < CAIRN_DEBUG_OBJ_TYPES; type++)
        s.live_objects[type] = object_live_count(type);
    return copy_to_user(user_stats, &s, sizeof(s));
}
