/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the host fuzzers (tests/fuzz/fuzz_<parser>.c).
 *
 * Each fuzzer is a libFuzzer target: LLVMFuzzerTestOneInput() gets one input,
 * feeds it to a parser of untrusted bytes in a buffer of exactly the right
 * size (so ASan sees any read past it), and then checks what the parser
 * promises about its result, not only that it did not crash. A broken
 * promise is reported by FUZZ_CHECK, which aborts: libFuzzer then saves the
 * input as a crash file, exactly as for a sanitizer report.
 *
 * The kernel's klog() is replaced by fuzz_log.c, which prints nothing (a
 * message per input would slow the fuzzer down a hundredfold) but counts
 * the messages of each level, so a fuzzer can check "every refusal logs
 * exactly one warning" where a parser promises that.
 */
#ifndef CAIRN_TESTS_FUZZ_FUZZ_H
#define CAIRN_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/log.h"

/* Messages logged per level since the last fuzz_log_reset(); index with enum log_level. */
extern unsigned fuzz_log_count[4];
void fuzz_log_reset(void);

#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "fuzz: %s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

/*
 * A cursor over the fuzzer's input, for harnesses that read a script of
 * operations from it. Past the end it yields zeros, so every input is a
 * valid script.
 */
struct fuzz_input {
    const uint8_t *data;
    size_t size;
    size_t pos;
};

static inline uint8_t
fuzz_u8(struct fuzz_input *in)
{
    return in->pos < in->size ? in->data[in->pos++] : 0;
}

static inline uint32_t
fuzz_u32(struct fuzz_input *in)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++)
        v |= (uint32_t)fuzz_u8(in) << (8 * i);
    return v;
}

static inline int
fuzz_done(const struct fuzz_input *in)
{
    return in->pos >= in->size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
