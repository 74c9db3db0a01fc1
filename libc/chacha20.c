// SPDX-License-Identifier: MIT
/*
 * ChaCha20 and the fast-key-erasure generator (<cairn/chacha20.h> has the
 * contract). The block function follows RFC 8439 section 2.3: sixteen
 * 32-bit words (constants, key, counter, nonce), twenty rounds of quarter
 * rounds alternating columns and diagonals, the input added back, read
 * out little-endian.
 *
 * The generator's requests use the all-zero nonce and its key steps
 * during a mix a different one, so the two never share a keystream under
 * one key.
 */
#include <cairn/chacha20.h>
#include <string.h>

static const uint8_t fill_nonce[CHACHA20_NONCE_SIZE];
static const uint8_t mix_nonce[CHACHA20_NONCE_SIZE] = {'c', 'a', 'i', 'r', 'n', '-', 'm', 'i', 'x'};

static inline uint32_t
rotl(uint32_t v, int n)
{
    return (v << n) | (v >> (32 - n));
}

static inline uint32_t
load32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void
store32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#define QUARTER(a, b, c, d)  \
    do {                     \
        a += b;              \
        d = rotl(d ^ a, 16); \
        c += d;              \
        b = rotl(b ^ c, 12); \
        a += b;              \
        d = rotl(d ^ a, 8);  \
        c += d;              \
        b = rotl(b ^ c, 7);  \
    } while (0)

void
chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
               const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE])
{
    uint32_t in[16], x[16];

    in[0] = 0x61707865; /* "expand 32-byte k" */
    in[1] = 0x3320646e;
    in[2] = 0x79622d32;
    in[3] = 0x6b206574;
    for (int i = 0; i < 8; i++)
        in[4 + i] = load32(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++)
        in[13 + i] = load32(nonce + 4 * i);
    memcpy(x, in, sizeof(x));
    for (int i = 0; i < 10; i++) {
        QUARTER(x[0], x[4], x[8], x[12]);
        QUARTER(x[1], x[5], x[9], x[13]);
        QUARTER(x[2], x[6], x[10], x[14]);
        QUARTER(x[3], x[7], x[11], x[15]);
        QUARTER(x[0], x[5], x[10], x[15]);
        QUARTER(x[1], x[6], x[11], x[12]);
        QUARTER(x[2], x[7], x[8], x[13]);
        QUARTER(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        store32(out + 4 * i, x[i] + in[i]);
    chacha_wipe(x, sizeof(x));
    chacha_wipe(in, sizeof(in));
}

void
chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
             const uint8_t nonce[CHACHA20_NONCE_SIZE], const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t block[CHACHA20_BLOCK_SIZE];

    while (len > 0) {
        size_t n = len < sizeof(block) ? len : sizeof(block);

        chacha20_block(key, counter++, nonce, block);
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] ^ block[i];
        in += n;
        out += n;
        len -= n;
    }
    chacha_wipe(block, sizeof(block));
}

void
chacha_wipe(void *p, size_t len)
{
    volatile uint8_t *v = p;

    while (len--)
        *v++ = 0;
}

void
chacha_rng_init(struct chacha_rng *r, const uint8_t seed[CHACHA20_KEY_SIZE])
{
    memcpy(r->key, seed, CHACHA20_KEY_SIZE);
}

/* One request of at most CHACHA_RNG_REQUEST_MAX bytes: block 0's first
 * half is the next key, everything after it the output. */
static void
rng_request(struct chacha_rng *r, uint8_t *out, size_t len)
{
    uint8_t block[CHACHA20_BLOCK_SIZE], next[CHACHA20_KEY_SIZE];
    uint32_t counter = 0;
    size_t half = CHACHA20_BLOCK_SIZE - CHACHA20_KEY_SIZE;

    chacha20_block(r->key, counter++, fill_nonce, block);
    memcpy(next, block, CHACHA20_KEY_SIZE);
    memcpy(out, block + CHACHA20_KEY_SIZE, len < half ? len : half);
    for (size_t done = half; done < len; done += CHACHA20_BLOCK_SIZE) {
        size_t n = len - done < CHACHA20_BLOCK_SIZE ? len - done : CHACHA20_BLOCK_SIZE;

        chacha20_block(r->key, counter++, fill_nonce, block);
        memcpy(out + done, block, n);
    }
    memcpy(r->key, next, CHACHA20_KEY_SIZE);
    chacha_wipe(next, sizeof(next));
    chacha_wipe(block, sizeof(block));
}

void
chacha_rng_fill(struct chacha_rng *r, void *out, size_t len)
{
    uint8_t *p = out;

    do {
        size_t n = len < CHACHA_RNG_REQUEST_MAX ? len : CHACHA_RNG_REQUEST_MAX;

        rng_request(r, p, n); /* n == 0 still steps the key */
        p += n;
        len -= n;
    } while (len > 0);
}

void
chacha_rng_mix(struct chacha_rng *r, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint8_t block[CHACHA20_BLOCK_SIZE];

    do {
        size_t n = len < CHACHA20_KEY_SIZE ? len : CHACHA20_KEY_SIZE;

        for (size_t i = 0; i < n; i++)
            r->key[i] ^= p[i];
        /* The length goes in too, so "ab" then "" never equals "a" then "b". */
        r->key[CHACHA20_KEY_SIZE - 1] ^= (uint8_t)n;
        chacha20_block(r->key, 0, mix_nonce, block);
        memcpy(r->key, block, CHACHA20_KEY_SIZE);
        p += n;
        len -= n;
    } while (len > 0);
    chacha_wipe(block, sizeof(block));
}
