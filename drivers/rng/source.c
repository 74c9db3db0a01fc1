// SPDX-License-Identifier: MIT
/*
 * The entropy source (rng.h has the contract).
 *
 * RDSEED and RDRAND (CPUID leaf 7 EBX bit 18, leaf 1 ECX bit 30) set the
 * carry flag when they delivered; a clear carry means "try again", which
 * Intel's guidance bounds (RDRAND: 10 tries; RDSEED may stay empty for a
 * while under load, so more, with a pause between). Their bytes are not
 * used raw: they go through SHA-256 with a run of jitter samples, so a
 * faulty or dishonest instruction alone cannot set the seed.
 *
 * Jitter: the same small piece of work (a walk through a buffer bigger
 * than the first-level cache, each step depending on the last) timed with
 * rdtsc again and again. Caches, the pipeline, interrupts and the other
 * CPU's traffic make the durations differ in their low bits in ways the
 * program cannot predict; many samples hashed together make a seed. The
 * health check refuses a timer that barely moves: when the most common
 * low byte of the durations covers more than half the samples (a frozen
 * or instruction-counting clock, as QEMU's -icount gives), the jitter
 * cannot be trusted and the gather fails. At most half the samples alike
 * means at least one bit of min-entropy per sample by the most-common-
 * value estimate; RNG_JITTER_SAMPLES of them are many times the 256 bits
 * a seed needs.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/chacha20.h>
#include <cairn/sys.h>
#include <util/sha256.h>

#include "rng.h"

#define RDRAND_TRIES       10
#define RDSEED_TRIES       1000
#define RNG_JITTER_SAMPLES 4096
#define RNG_JITTER_EXTRA   256 /* samples mixed in beside a CPU source */
#define JITTER_MEM         (64 * 1024)
#define JITTER_STEPS       48

static uint8_t jitter_mem[JITTER_MEM];
static uint32_t jitter_pos;

static inline void
cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t
rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/* One value of RDSEED (seed) or RDRAND; 1 when the CPU delivered. */
static inline int
hw_random(int seed, uint64_t *v)
{
    uint8_t ok;

    if (seed)
        __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
    else
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
    return ok;
}

static int
hw_random_retry(int seed, uint64_t *v)
{
    for (int i = 0; i < (seed ? RDSEED_TRIES : RDRAND_TRIES); i++) {
        if (hw_random(seed, v))
            return 1;
        __asm__ volatile("pause");
    }
    return 0;
}

enum rng_source
rng_source_pick(int force_jitter)
{
    uint32_t a, b, c, d, max;

    if (force_jitter)
        return RNG_SOURCE_JITTER;
    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        if (b & (1u << 18))
            return RNG_SOURCE_RDSEED;
    }
    cpuid(1, 0, &a, &b, &c, &d);
    if (c & (1u << 30))
        return RNG_SOURCE_RDRAND;
    return RNG_SOURCE_JITTER;
}

const char *
rng_source_name(enum rng_source s)
{
    switch (s) {
    case RNG_SOURCE_RDSEED:
        return "rdseed";
    case RNG_SOURCE_RDRAND:
        return "rdrand";
    case RNG_SOURCE_JITTER:
        return "timing jitter";
    }
    return "?";
}

/* The time one walk of JITTER_STEPS dependent steps takes. */
static uint64_t
jitter_sample(void)
{
    uint64_t t0 = rdtsc(), t1;
    uint32_t pos = jitter_pos;

    for (int i = 0; i < JITTER_STEPS; i++) {
        /* 4099 is odd, so the walk visits the whole buffer over time. */
        pos = (pos + 4099u * (uint32_t)(jitter_mem[pos] + 1)) % JITTER_MEM;
        jitter_mem[pos] += (uint8_t)(t0 + (uint64_t)i);
    }
    jitter_pos = pos;
    t1 = rdtsc();
    return t1 - t0;
}

/* n jitter samples into s; 0, or -CAIRN_EIO when they fail the health
 * check (only then does check matter: beside a CPU source they are extra). */
static long
jitter_collect(struct util_sha256 *s, unsigned n)
{
    static uint32_t counts[256];
    uint32_t most = 0;
    uint64_t prev = 0;

    memset(counts, 0, sizeof(counts));
    for (unsigned i = 0; i < n; i++) {
        uint64_t d = jitter_sample(), both[2] = {d, d - prev};

        util_sha256_update(s, both, sizeof(both));
        counts[d & 0xff]++;
        prev = d;
    }
    for (int v = 0; v < 256; v++)
        if (counts[v] > most)
            most = counts[v];
    return most > n / 2 ? -CAIRN_EIO : 0;
}

long
rng_source_gather(enum rng_source s, uint8_t out[RNG_SEED_SIZE])
{
    struct util_sha256 h;
    uint64_t words[8], now = cairn_clock_get();
    long err = 0;

    util_sha256_init(&h);
    util_sha256_update(&h, &now, sizeof(now));
    if (s == RNG_SOURCE_RDSEED || s == RNG_SOURCE_RDRAND) {
        /* Twice the seed's size: RDRAND's DRBG gives out many values per
         * reseed of its own, and more input costs nothing here. */
        for (int i = 0; i < 8; i++) {
            if (!hw_random_retry(s == RNG_SOURCE_RDSEED, &words[i])) {
                err = -CAIRN_EIO;
                break;
            }
        }
        if (err == 0) {
            util_sha256_update(&h, words, sizeof(words));
            (void)jitter_collect(&h, RNG_JITTER_EXTRA);
        }
    } else {
        err = jitter_collect(&h, RNG_JITTER_SAMPLES);
    }
    chacha_wipe(words, sizeof(words));
    if (err == 0)
        util_sha256_final(&h, out);
    chacha_wipe(&h, sizeof(h));
    return err;
}
