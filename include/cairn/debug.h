/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: what the debug_stats call reports, so that tests can check
 * that nothing leaks (free frames and live objects back where they were).
 * A debugging facility, like debug_write: counters, not an interface to
 * build on.
 *
 * Fixed-width types only, explicit sizes checked at compile time.
 */
#ifndef CAIRN_DEBUG_H
#define CAIRN_DEBUG_H

#include <stdint.h>

#define CAIRN_DEBUG_OBJ_TYPES 16 /* room for CAIRN_OBJ_COUNT object types */

struct cairn_debug_stats {
    uint64_t free_frames;  /* 4 KiB frames free, once cached empty heap pages are returned */
    uint64_t total_frames; /* frames the allocator manages */
    uint32_t live_threads; /* threads that exist, kernel threads included */
    uint32_t cpu_count;    /* CPUs online */
    /* Objects that exist, per CAIRN_OBJ_* type (threads: user and kernel;
     * CPUs' idle threads are not counted). Types past CAIRN_OBJ_COUNT: 0. */
    uint32_t live_objects[CAIRN_DEBUG_OBJ_TYPES];
};

_Static_assert(sizeof(struct cairn_debug_stats) == 88, "cairn_debug_stats is ABI");

#endif
