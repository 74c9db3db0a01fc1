// SPDX-License-Identifier: MIT
/*
 * Host tests of ChaCha20 (RFC 8439) and the generator on it
 * (libc/chacha20.c): the RFC's test vectors for the block function and
 * the cipher, the fast key erasure (each request replaces the key with
 * the first half of its first block), determinism from one seed, that a
 * mix changes what follows, and a statistical sanity check over a fixed
 * seed (so the same bytes every run: it cannot be flaky).
 */
#include <cairn/chacha20.h>
#include <string.h>

#include "check.h"

static void
unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void
counting_key(uint8_t key[32])
{
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
}

/* RFC 8439, 2.3.2. */
TEST(block_function_matches_rfc8439_2_3_2)
{
    uint8_t key[32], nonce[12], out[64], want[64];

    counting_key(key);
    unhex("000000090000004a00000000", nonce, 12);
    unhex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
          "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
          want, 64);
    chacha20_block(key, 1, nonce, out);
    CHECK(memcmp(out, want, 64) == 0);
}

/* RFC 8439, A.1 test vector 1: all zero. */
TEST(block_function_of_the_zero_key_matches_rfc8439_a_1)
{
    uint8_t key[32] = {0}, nonce[12] = {0}, out[64], want[64];

    unhex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
          "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
          want, 64);
    chacha20_block(key, 0, nonce, out);
    CHECK(memcmp(out, want, 64) == 0);
}

/* RFC 8439, 2.4.2: the sunscreen text, 114 bytes over two blocks. */
TEST(encryption_matches_rfc8439_2_4_2_and_decrypts_back)
{
    static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
                                "only one tip for the future, sunscreen would be it.";
    uint8_t key[32], nonce[12], out[114], want[114], back[114];

    counting_key(key);
    unhex("000000000000004a00000000", nonce, 12);
    unhex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
          "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
          "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
          "5af90bbf74a35be6b40b8eedf2785e42874d",
          want, 114);
    CHECK(sizeof(plain) - 1 == 114);
    chacha20_xor(key, 1, nonce, (const uint8_t *)plain, out, 114);
    CHECK(memcmp(out, want, 114) == 0);
    chacha20_xor(key, 1, nonce, out, back, 114);
    CHECK(memcmp(back, plain, 114) == 0);
    memcpy(back, plain, 114); /* in place */
    chacha20_xor(key, 1, nonce, back, back, 114);
    CHECK(memcmp(back, want, 114) == 0);
}

TEST(two_generators_from_one_seed_agree)
{
    uint8_t seed[32], a[5000], b[5000];
    struct chacha_rng r1, r2;

    counting_key(seed);
    chacha_rng_init(&r1, seed);
    chacha_rng_init(&r2, seed);
    for (int round = 0; round < 3; round++) {
        size_t n = round == 0 ? 1 : round == 1 ? 100 : sizeof(a);

        chacha_rng_fill(&r1, a, n);
        chacha_rng_fill(&r2, b, n);
        CHECK(memcmp(a, b, n) == 0);
    }
    CHECK(memcmp(r1.key, r2.key, 32) == 0);
}

/* The construction itself: output is the keystream after the first 32
 * bytes, and the new key is those 32 bytes, so the old key is gone. */
TEST(each_request_replaces_the_key_with_the_streams_first_half_block)
{
    uint8_t seed[32], out[200], stream[256], zero[12] = {0};
    struct chacha_rng r;

    counting_key(seed);
    chacha_rng_init(&r, seed);
    memset(stream, 0, sizeof(stream));
    chacha20_xor(seed, 0, zero, stream, stream, sizeof(stream));
    chacha_rng_fill(&r, out, sizeof(out));
    CHECK(memcmp(out, stream + 32, sizeof(out)) == 0);
    CHECK(memcmp(r.key, stream, 32) == 0);
    CHECK(memcmp(r.key, seed, 32) != 0);
}

TEST(consecutive_requests_give_different_bytes)
{
    uint8_t seed[32] = {1}, a[64], b[64];
    struct chacha_rng r;

    chacha_rng_init(&r, seed);
    chacha_rng_fill(&r, a, sizeof(a));
    chacha_rng_fill(&r, b, sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
}

/* A request longer than CHACHA_RNG_REQUEST_MAX takes several keys: the
 * second piece is what a second generator gives after the first piece. */
TEST(a_long_request_steps_the_key_every_request_max_bytes)
{
    static uint8_t a[CHACHA_RNG_REQUEST_MAX + 100], b[CHACHA_RNG_REQUEST_MAX + 100];
    uint8_t seed[32] = {7};
    struct chacha_rng r1, r2;

    chacha_rng_init(&r1, seed);
    chacha_rng_init(&r2, seed);
    chacha_rng_fill(&r1, a, sizeof(a));
    chacha_rng_fill(&r2, b, CHACHA_RNG_REQUEST_MAX);
    chacha_rng_fill(&r2, b + CHACHA_RNG_REQUEST_MAX, 100);
    CHECK(memcmp(a, b, sizeof(a)) == 0);
    CHECK(memcmp(r1.key, r2.key, 32) == 0);
}

TEST(output_after_a_mix_differs_and_depends_on_what_was_mixed)
{
    uint8_t seed[32] = {3}, a[64], b[64], c[64], d[64];
    struct chacha_rng r1, r2, r3, r4;

    chacha_rng_init(&r1, seed);
    chacha_rng_init(&r2, seed);
    chacha_rng_init(&r3, seed);
    chacha_rng_init(&r4, seed);
    chacha_rng_mix(&r2, "entropy", 7);
    chacha_rng_mix(&r3, "entropz", 7);
    chacha_rng_mix(&r4, "", 0); /* even nothing steps the key */
    chacha_rng_fill(&r1, a, sizeof(a));
    chacha_rng_fill(&r2, b, sizeof(b));
    chacha_rng_fill(&r3, c, sizeof(c));
    chacha_rng_fill(&r4, d, sizeof(d));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    CHECK(memcmp(b, c, sizeof(b)) != 0);
    CHECK(memcmp(a, d, sizeof(a)) != 0);
    /* a mix longer than a key takes all its bytes: the last one matters */
    {
        uint8_t long1[100] = {0}, long2[100] = {0};

        long2[99] = 1;
        chacha_rng_init(&r1, seed);
        chacha_rng_init(&r2, seed);
        chacha_rng_mix(&r1, long1, sizeof(long1));
        chacha_rng_mix(&r2, long2, sizeof(long2));
        CHECK(memcmp(r1.key, r2.key, 32) != 0);
    }
}

/* 1 MiB from a fixed seed: every byte value near 4096 times (a fair
 * generator lands within 10% with overwhelming odds, and the bytes are the
 * same every run), and about half the bits set. */
TEST(a_megabyte_of_output_looks_uniform)
{
    static uint8_t buf[1 << 20];
    uint8_t seed[32] = {42};
    uint64_t counts[256] = {0}, ones = 0;
    struct chacha_rng r;

    chacha_rng_init(&r, seed);
    chacha_rng_fill(&r, buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++) {
        counts[buf[i]]++;
        ones += (uint64_t)__builtin_popcount(buf[i]);
    }
    for (int v = 0; v < 256; v++)
        CHECK(counts[v] > 4096 - 410 && counts[v] < 4096 + 410);
    CHECK(ones > 4 * sizeof(buf) - 8192 && ones < 4 * sizeof(buf) + 8192);
}

TEST(wipe_clears_every_byte)
{
    uint8_t b[40];

    memset(b, 0xa5, sizeof(b));
    chacha_wipe(b, sizeof(b));
    for (size_t i = 0; i < sizeof(b); i++)
        CHECK(b[i] == 0);
}

int
main(void)
{
    RUN(block_function_matches_rfc8439_2_3_2);
    RUN(block_function_of_the_zero_key_matches_rfc8439_a_1);
    RUN(encryption_matches_rfc8439_2_4_2_and_decrypts_back);
    RUN(two_generators_from_one_seed_agree);
    RUN(each_request_replaces_the_key_with_the_streams_first_half_block);
    RUN(consecutive_requests_give_different_bytes);
    RUN(a_long_request_steps_the_key_every_request_max_bytes);
    RUN(output_after_a_mix_differs_and_depends_on_what_was_mixed);
    RUN(a_megabyte_of_output_looks_uniform);
    RUN(wipe_clears_every_byte);
    return check_exit();
}
