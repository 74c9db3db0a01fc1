/* SPDX-License-Identifier: MIT */
/*
 * Handles, rights and object types: the part of the capability model that
 * user space sees. Shared by the kernel and libc.
 *
 * A handle is a small non-negative integer that names, inside one process,
 * a kernel object together with the rights the process holds on it. User
 * space must treat its value as opaque: the kernel encodes a slot index and
 * a reuse counter in it, so a closed handle stays invalid even after its
 * slot is reused (for a while: the counter has 7 bits). CAIRN_HANDLE_INVALID
 * is never a valid handle.
 *
 * Rights are bits; a handle's rights can only shrink: duplicating a handle
 * gives the same rights or fewer, never more. CAIRN_RIGHTS_TABLE(X) calls
 * X(name, bit, description) and CAIRN_OBJ_TABLE(X) calls
 * X(name, value, description); both produce the enums below. Object type
 * values and right bits are ABI: append new rows, never renumber.
 *
 * Fixed-width types only, no pointers, explicit sizes checked at compile time.
 */
#ifndef CAIRN_RIGHTS_H
#define CAIRN_RIGHTS_H

#include <stddef.h>
#include <stdint.h>

#define CAIRN_RIGHTS_TABLE(X)                                                           \
    X(READ, 0, "read the object's state or contents")                                   \
    X(WRITE, 1, "change the object's contents")                                         \
    X(EXEC, 2, "map the memory object executable")                                      \
    X(MAP, 3, "map the memory object into an address space")                            \
    X(DUPLICATE, 4, "make another handle to the object, with the same rights or fewer") \
    X(TRANSFER, 5, "move the handle to another process over IPC")                       \
    X(SIGNAL, 6, "raise signals on the object or send to it")                           \
    X(WAIT, 7, "wait on the object or receive from it")                                 \
    X(MANAGE, 8, "change the object's configuration or end it (kill, resize)")          \
    X(REVOKE, 9, "revoke this borrowed handle and every handle derived from it")

enum cairn_right {
#define CAIRN_RIGHT_ENUM(name, bit, description) CAIRN_RIGHT_##name = 1u << (bit),
    CAIRN_RIGHTS_TABLE(CAIRN_RIGHT_ENUM)
#undef CAIRN_RIGHT_ENUM
};

/* Every right defined above; any other bit in a rights word is invalid. */
#define CAIRN_RIGHT_OR_(name, bit, description) | (1u << (bit))
#define CAIRN_RIGHTS_ALL                        ((uint32_t)(0u CAIRN_RIGHTS_TABLE(CAIRN_RIGHT_OR_)))

#define CAIRN_OBJ_TABLE(X)                                               \
    X(NONE, 0, "no object; as a wanted type: any type")                  \
    X(PROCESS, 1, "a process: an address space and a handle table")      \
    X(THREAD, 2, "a thread of execution")                                \
    X(MEMOBJ, 3, "a memory object: 4 KiB x 2^n of frames, mappable")     \
    X(ENDPOINT, 4, "a synchronous IPC endpoint")                         \
    X(NOTIFICATION, 5, "a word of signal bits")                          \
    X(REPLY, 6, "a one-shot reply capability for an IPC call")           \
    X(IRQ, 7, "an interrupt line delivered to user space")               \
    X(IOPORT, 8, "a range of I/O ports")                                 \
    X(QUOTA, 9, "a memory quota that kernel allocations are charged to") \
    X(IRQ_RANGE, 10, "interrupt lines (GSIs) to make irq objects from")  \
    X(PHYS_RANGE, 11, "physical addresses for device and DMA memory")    \
    X(CONSOLE, 12, "the kernel console: its log, or a claim on a device")

enum cairn_obj_type {
#define CAIRN_OBJ_ENUM(name, value, description) CAIRN_OBJ_##name = value,
    CAIRN_OBJ_TABLE(CAIRN_OBJ_ENUM)
#undef CAIRN_OBJ_ENUM
    CAIRN_OBJ_COUNT /* one past the last type: the values are dense */
};

typedef int32_t cairn_handle_t;

#define CAIRN_HANDLE_INVALID ((cairn_handle_t)-1)

/*
 * What a handle names, as returned by the handle-info call. koid is the
 * object's kernel object id: unique for the boot and never reused, so two
 * handles name the same object exactly when their koids are equal.
 */
struct cairn_handle_info {
    uint32_t type;   /* CAIRN_OBJ_* */
    uint32_t rights; /* CAIRN_RIGHT_* bits held through this handle */
    uint64_t koid;
};

_Static_assert(sizeof(struct cairn_handle_info) == 16, "cairn_handle_info is ABI");
_Static_assert(offsetof(struct cairn_handle_info, rights) == 4, "cairn_handle_info is ABI");
_Static_assert(offsetof(struct cairn_handle_info, koid) == 8, "cairn_handle_info is ABI");

#endif
