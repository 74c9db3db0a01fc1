/* SPDX-License-Identifier: MIT */
/*
 * The system call fuzzer (boot module `fuzz`; docs/testing.md, "Fuzzing").
 *
 * One program in three roles, told apart by its start-up argument:
 *
 *   supervisor  started by init in a fuzz boot (`test fuzz seed=N calls=M`
 *               on the kernel command line). It spawns worker processes,
 *               counts their calls through a shared control page, kills
 *               workers at random and when they stall, replaces them until
 *               the calls are done, then checks that every object and
 *               frame is back and prints the result line.
 *   worker      FUZZ_WORKER_MAGIC in the argument's top half, the slot in
 *               the bottom. Several threads issue random system calls from
 *               the whole table with hostile arguments, while another
 *               thread maps and unmaps the pages they pass to the kernel.
 *               A worker holds no handle to itself, so nothing it does can
 *               kill it: it ends when its calls are done or the supervisor
 *               kills it.
 *   child       anything else (what a worker's random process_spawn of
 *               this image starts): a few random calls from an empty
 *               handle table, where process_exit, thread_exit and a set
 *               trap flag are allowed, then the end.
 *
 * Each fuzzing thread draws its choices from its own generator, advanced
 * once per call, so a seed replays the same choices in the same order;
 * values the kernel hands back (handle numbers, addresses) can differ when
 * threads interleave differently.
 */
#ifndef CAIRN_FUZZ_H
#define CAIRN_FUZZ_H

#include <stdint.h>

#include <cairn/syscalls.h>

#define FUZZ_PAGE 4096ull

/* The worker's start-up argument: the magic in bits 32-63, the slot below. */
#define FUZZ_WORKER_MAGIC 0xf022c0deull

#define FUZZ_SLOTS_MAX   8
#define FUZZ_THREADS_MAX 4

/* Named call patterns that may be left out (`avoid=NAME,...`), for
 * fuzzing past a kernel bug that is already known. */
#define FUZZ_AVOID_DEVSPAWN 1u /* process_spawn from device or DMA memory */
#define FUZZ_AVOID_CYCLES   2u /* handle_install of a process or thread handle */

/* The worker's handle table at start (cairn_spawn installs the
 * process and thread first). */
#define FUZZ_H_PROCESS 0
#define FUZZ_H_THREAD  1
#define FUZZ_H_CONTROL 2 /* the control memory object (closed once mapped) */
#define FUZZ_H_QUOTA   3 /* the worker's own quota */
#define FUZZ_H_IRQ     4 /* the irq root */
#define FUZZ_H_IOPORT  5 /* the I/O port root */
#define FUZZ_H_PHYS    6 /* a physical range with no RAM in it */
#define FUZZ_H_IMAGE   7 /* this program's image */
#define FUZZ_H_ENDPT   8 /* an endpoint every worker holds */
#define FUZZ_H_NOTIFY  9 /* a notification every worker holds */
#define FUZZ_H_COUNT   10

/* Where a worker keeps what it must not lose, far from the addresses the
 * kernel picks (CAIRN_VM_PICK_BASE): random unmaps stay out of it. */
#define FUZZ_INFRA          0x0000500000000000ull
#define FUZZ_INFRA_SIZE     0x0000000004000000ull
#define FUZZ_CONTROL_ADDR   FUZZ_INFRA
#define FUZZ_DOTS_ADDR      (FUZZ_INFRA + 0x10000)
/* Thread t's stack and scratch pages. */
#define FUZZ_THREAD_AREA(t) (FUZZ_INFRA + 0x100000 * ((uint64_t)(t) + 1))
#define FUZZ_STACK_SIZE     0x10000ull
#define FUZZ_SCRATCH_SIZE   0x4000ull
/* Pages another thread keeps mapping, protecting and unmapping. */
#define FUZZ_VOLATILE       0x0000600000000000ull
#define FUZZ_VOLATILE_PAGES 4

/* One worker slot in the control page, written by the supervisor before
 * the worker starts (the configuration) and by the worker (the rest). */
struct fuzz_slot {
    uint64_t seed;       /* this incarnation's */
    uint64_t budget;     /* calls for each thread */
    uint64_t trace_from; /* print each call from this one on (0: none) */
    uint32_t threads;
    uint32_t avoid; /* FUZZ_AVOID_* */
    volatile uint64_t calls[FUZZ_THREADS_MAX];
    /* The call each thread is in (its number + 1; 0 between calls) and its
     * first two arguments: what the supervisor names when a worker hangs. */
    volatile uint32_t in_call[FUZZ_THREADS_MAX];
    volatile uint64_t in_args[FUZZ_THREADS_MAX][2];
    volatile uint32_t threads_done;
    volatile uint32_t violations;
    char why[160]; /* the first violation */
};

struct fuzz_control {
    struct fuzz_slot slots[FUZZ_SLOTS_MAX];
};

_Static_assert(sizeof(struct fuzz_control) <= FUZZ_PAGE, "the control page is one page");

/* --- random numbers (gen.c) --- */

struct fuzz_rng {
    uint64_t s;
};

uint64_t rng_next(struct fuzz_rng *r);
/* 0 .. n - 1 (n > 0). */
uint64_t rng_below(struct fuzz_rng *r, uint64_t n);
/* True one time in n. */
int rng_one_in(struct fuzz_rng *r, uint64_t n);
/* A well-mixed value of a and b, for deriving seeds. */
uint64_t fuzz_mix(uint64_t a, uint64_t b);

/* --- one fuzzing thread's state (gen.c, calls.c) --- */

#define FUZZ_POOL_HANDLES 48
#define FUZZ_POOL_MAPS    12

struct fuzz_handle {
    long value;
    uint32_t type; /* CAIRN_OBJ_*, as handle_info said when it came in */
};

struct fuzz_map {
    uint64_t addr, size;
};

struct fuzz_thread {
    struct fuzz_rng rng;  /* advanced once per call: the replayable stream */
    struct fuzz_rng call; /* this call's choices, seeded from rng */
    int child;            /* in a child process: may end itself */
    uint32_t avoid;
    unsigned worker, index;
    uint64_t n;      /* calls made */
    uint64_t budget; /* calls to make (kept here, not in the shared page) */
    uint64_t last_clock;
    uint64_t trace_from;
    struct fuzz_handle handles[FUZZ_POOL_HANDLES];
    unsigned nhandles, next_handle;
    struct fuzz_map maps[FUZZ_POOL_MAPS];
    unsigned nmaps, next_map;
    uint8_t *scratch;       /* FUZZ_SCRATCH_SIZE bytes the kernel may write */
    struct fuzz_slot *slot; /* NULL in a child */
};

/* The pool: remember a handle a call gave (asks its type), or a mapping. */
void pool_add_handle(struct fuzz_thread *ft, long value);
void pool_add_map(struct fuzz_thread *ft, uint64_t addr, uint64_t size);

/* Argument values. `type` is the CAIRN_OBJ_* a good handle would have
 * (NONE: any); each generator mostly gives a value of the kind asked for
 * and sometimes something hostile. */
long gen_handle(struct fuzz_thread *ft, uint32_t type);
uint32_t gen_rights(struct fuzz_thread *ft);
uint64_t gen_size(struct fuzz_thread *ft);
uint64_t gen_offset(struct fuzz_thread *ft);
uint64_t gen_timeout(struct fuzz_thread *ft);
uint64_t gen_word(struct fuzz_thread *ft);
/* A value at or next to a boundary: 0, a page, 2^32, 2^63, -1, ... */
uint64_t gen_boundary(struct fuzz_thread *ft);
/* An address no call may use: outside user space, unmapped, last page. */
uint64_t gen_bad_addr(struct fuzz_thread *ft);
/* A buffer the kernel reads (len bytes), or one it writes. */
uint64_t gen_addr_in(struct fuzz_thread *ft, uint64_t len);
uint64_t gen_addr_out(struct fuzz_thread *ft, uint64_t len);
/* An address where a mapping may start (vm_map's addr). */
uint64_t gen_map_addr(struct fuzz_thread *ft);
/* A range to unmap or protect: never one the worker lives in. */
void gen_unmap_range(struct fuzz_thread *ft, uint64_t *addr, uint64_t *size);
/* A user rip and rsp for a new thread in another process. */
uint64_t gen_code_addr(struct fuzz_thread *ft);

/* Does [addr, addr + size) touch memory the fuzzer itself needs? */
int fuzz_range_is_protected(uint64_t addr, uint64_t size);

/* --- the calls (calls.c) --- */

/* Makes one random system call (ft->n counts it). */
void fuzz_one_call(struct fuzz_thread *ft);
/* A call's name, or "unknown" for a number outside the table. */
const char *fuzz_call_name(uint64_t nr);

/* Records a broken kernel promise: printed at once, counted in the slot. */
void fuzz_violation(struct fuzz_thread *ft, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets up ft for a thread: the pool starts with handles[0 .. n). */
void fuzz_thread_init(struct fuzz_thread *ft, uint64_t seed, const long *handles, unsigned n);

/* --- roles (worker.c, main.c) --- */

int fuzz_worker_main(unsigned slot);
int fuzz_child_main(uint64_t seed);

#endif
