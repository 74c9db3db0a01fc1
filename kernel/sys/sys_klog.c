// SPDX-License-Identifier: MIT
/*
 * The kernel log call: read records of the kernel log ring from a
 * sequence number on (docs/syscalls.md, "The kernel log and the console";
 * include/cairn/console.h). It does not block.
 */
#include <cairn/console.h>
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "console/console.h"
#include "mm/usercopy.h"
#include "obj/process.h"
#include "sys/syscall.h"

/*
 * klog_read(console, seq, buf, len): records from seq on, whole, as many
 * as fit in len bytes; the bytes stored. One record at a time is copied
 * out of the ring under the console lock and then to the user with no
 * lock held; reading changes nothing, so a fault on buf (-CAIRN_EFAULT)
 * costs nothing but the call. A call stores
 * at most CAIRN_KLOG_RING_SIZE bytes, so writers that never stop cannot
 * keep it in the kernel.
 */
int64_t
sys_klog_read(cairn_handle_t console, uint64_t seq, uint64_t buf, uint64_t len)
{
    uint64_t done = 0;
    _Alignas(8) uint8_t rec[CAIRN_KLOG_READ_MIN];
    struct object *o;
    int err;

    if (len < CAIRN_KLOG_READ_MIN)
        return -CAIRN_EINVAL;
    err = handle_get(&process_current()->handles, console, CAIRN_OBJ_CONSOLE, CAIRN_RIGHT_READ, &o,
                     NULL);
    if (err)
        return err;
    object_unref(o); /* the ring is the kernel's: nothing of the object is used */
    if (seq > console_log_next_seq())
        return -CAIRN_ERANGE;
    while (done < len && done < CAIRN_KLOG_RING_SIZE) {
        size_t n = console_log_copy(seq, rec);
        const struct cairn_klog_record *r = (const void *)rec;

        if (n == 0 || n > len - done)
            break;
        if (copy_to_user(buf + done, rec, n) < 0)
            return -CAIRN_EFAULT;
        done += n;
        seq = r->seq + 1;
    }
    return (int64_t)done;
}
