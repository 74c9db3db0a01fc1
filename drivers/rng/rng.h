/* SPDX-License-Identifier: MIT */
/*
 * The entropy server (docs/drivers.md): one process that gathers entropy
 * from the CPU (RDSEED, else RDRAND) or, lacking both, from timing jitter,
 * and hands out the output of a ChaCha20 generator with fast key erasure
 * (<cairn/chacha20.h>) seeded and periodically reseeded from it.
 *
 * Layers: source.c is the entropy source (CPUID, the instructions, the
 * jitter collector with its health check, SHA-256 from lib/util to
 * condense what it gathered); main.c the generator's reseeding, the file
 * protocol (include/proto/fs.h, io.h) and the receive loop.
 *
 * Invariants: the server answers nothing before the generator was seeded
 * once from the source; the generator's key never leaves the process;
 * every open file's reference count is at least 1 while its slot is used.
 * One thread: no locks.
 */
#ifndef CAIRN_DRIVERS_RNG_H
#define CAIRN_DRIVERS_RNG_H

#include <stdint.h>

#define RNG_SEED_SIZE 32

enum rng_source {
    RNG_SOURCE_RDSEED = 1, /* the CPU's conditioned entropy source */
    RNG_SOURCE_RDRAND = 2, /* the CPU's DRBG, reseeded from that source */
    RNG_SOURCE_JITTER = 3, /* the time of the same work, measured with rdtsc */
};

/* The best source this CPU has (force_jitter: the jitter one, whatever
 * the CPU offers, so the fallback can be tested on any machine). */
enum rng_source rng_source_pick(int force_jitter);

/* The source's name for the log. */
const char *rng_source_name(enum rng_source s);

/*
 * RNG_SEED_SIZE bytes of entropy from source s into out: the source's
 * bytes and a run of jitter samples, hashed with SHA-256. An instruction
 * that keeps failing (bounded retries) or a timer that does not jitter
 * (the health check: too many samples alike) gives -CAIRN_EIO and no
 * bytes, never a guess.
 */
long rng_source_gather(enum rng_source s, uint8_t out[RNG_SEED_SIZE]);

#endif
