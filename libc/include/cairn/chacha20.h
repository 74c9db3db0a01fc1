/* SPDX-License-Identifier: MIT */
/*
 * ChaCha20 (RFC 8439, section 2.3) and a generator built on it with fast
 * key erasure: pure code (no system calls, no allocation) shared by the
 * entropy server (drivers/rng) and libc's arc4random, host-tested against
 * the RFC's vectors (tests/host/test_chacha20.c). libc/chacha20.c.
 *
 * The generator holds only a 32-byte key. Each request runs ChaCha20
 * under that key from block 0: the first 32 bytes of the stream become
 * the next key, the rest is the output, and the old key is gone. Whoever
 * reads the state afterwards learns nothing of what was handed out before
 * (the key that made it no longer exists anywhere). A reseed folds fresh
 * bytes into the key and steps it once the same way, so the state after
 * it depends on both the old key and every byte mixed in.
 *
 * Invariants: the generator's key is never handed out; every block of the
 * keystream is used at most once (the next request uses a new key); each
 * request is at most CHACHA_RNG_REQUEST_MAX bytes (a longer one is served
 * in pieces, each with its own key step).
 */
#ifndef CAIRN_LIBC_CHACHA20_H
#define CAIRN_LIBC_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_SIZE   32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/* One 64-byte block of keystream: key, the 32-bit block counter, nonce. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE]);

/* XORs len bytes of in with the keystream starting at block counter
 * (encryption and decryption alike); in and out may be the same. */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_SIZE], const uint8_t *in, uint8_t *out,
                  size_t len);

/* The most bytes one key serves before it is replaced. */
#define CHACHA_RNG_REQUEST_MAX 4096

struct chacha_rng {
    uint8_t key[CHACHA20_KEY_SIZE];
};

/* A generator whose first key is seed (which the caller should wipe). */
void chacha_rng_init(struct chacha_rng *r, const uint8_t seed[CHACHA20_KEY_SIZE]);

/* Fills out with len bytes, replacing the key after every
 * CHACHA_RNG_REQUEST_MAX of them and at the end. */
void chacha_rng_fill(struct chacha_rng *r, void *out, size_t len);

/* Folds len bytes of data into the key (32 at a time, each followed by a
 * key step); the output after it differs from what it would have been. */
void chacha_rng_mix(struct chacha_rng *r, const void *data, size_t len);

/* Overwrites len bytes in a way the compiler may not leave out. */
void chacha_wipe(void *p, size_t len);

#endif
