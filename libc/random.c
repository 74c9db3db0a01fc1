// SPDX-License-Identifier: MIT
/*
 * getentropy (<unistd.h>) and the arc4random family (<stdlib.h>).
 *
 * getentropy reads the entropy server (drivers/rng), found in the
 * registry as `rng` and kept for later calls; a server that ended (its
 * endpoint answers -CAIRN_ECLOSED) is looked up once more, so a restarted
 * one is found again. arc4random is a generator of this process
 * (<cairn/chacha20.h>) seeded with 32 bytes of getentropy on first use
 * and reseeded after every ARC4_RESEED_BYTES it gave out; one lock
 * serialises the threads. Cairn has no fork, so no child ever continues
 * a copy of this state.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairn/chacha20.h>
#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/io.h>

#define GETENTROPY_MAX    256
#define RNG_LOOKUP_NS     5000000000ull /* 5 s: the server may still be starting */
#define ARC4_RESEED_BYTES (1u << 20)

static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;
static long rng_endpoint = -1; /* [rng_lock] */

static struct chacha_rng arc4; /* [arc4_lock] */
static uint32_t arc4_left;     /* [arc4_lock] bytes until the next reseed; 0: seed first */
static pthread_mutex_t arc4_lock = PTHREAD_MUTEX_INITIALIZER;

/* One PROTO_IO_READ of len bytes into buf: the bytes read or a negative code. */
static long
rng_read(long ep, void *buf, size_t len)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_IO_READ, len, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = (uint32_t)len;
    err = cairn_ipc_call(ep, &msg);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]); /* an I/O reply carries none */
    if ((int64_t)msg.w[0] < 0)
        return (long)msg.w[0];
    if (msg.w[0] > len || ext.recv_len != msg.w[0])
        return -CAIRN_EIO;
    return (long)msg.w[0];
}

/* Fills buf from the server; 0 or a negative code. Takes rng_lock. */
static long
rng_fill(uint8_t *buf, size_t len)
{
    long err = 0;
    int retried = 0;

    pthread_mutex_lock(&rng_lock);
    while (len > 0) {
        if (rng_endpoint < 0) {
            rng_endpoint = cairn_registry_lookup("rng", RNG_LOOKUP_NS);
            if (rng_endpoint < 0) {
                err = rng_endpoint;
                rng_endpoint = -1;
                break;
            }
        }
        err = rng_read(rng_endpoint, buf, len);
        if (err == -CAIRN_ECLOSED && !retried) {
            cairn_handle_close(rng_endpoint);
            rng_endpoint = -1;
            retried = 1;
            continue;
        }
        if (err < 0)
            break;
        if (err == 0) {
            err = -CAIRN_EIO; /* the server must never run dry */
            break;
        }
        buf += err;
        len -= (size_t)err;
        err = 0;
    }
    pthread_mutex_unlock(&rng_lock);
    return err;
}

int
getentropy(void *buf, size_t len)
{
    long err;

    if (len > GETENTROPY_MAX) {
        errno = EINVAL;
        return -1;
    }
    err = rng_fill(buf, len);
    if (err < 0) {
        errno = (int)-err;
        return -1;
    }
    return 0;
}

/* Seeds (or reseeds) arc4 when due; arc4_lock held. */
static void
arc4_stir_locked(size_t want)
{
    uint8_t seed[CHACHA20_KEY_SIZE];

    if (arc4_left >= want)
        return;
    if (getentropy(seed, sizeof(seed)) != 0)
        abort(); /* predictable numbers would be worse than none */
    /* The first seed too is mixed into the (zero) key: one path, and the
     * key is then a ChaCha20 output of the seed, never the seed itself. */
    chacha_rng_mix(&arc4, seed, sizeof(seed));
    chacha_wipe(seed, sizeof(seed));
    arc4_left = ARC4_RESEED_BYTES;
}

void
arc4random_buf(void *buf, size_t n)
{
    uint8_t *p = buf;

    pthread_mutex_lock(&arc4_lock);
    while (n > 0) {
        size_t piece = n < CHACHA_RNG_REQUEST_MAX ? n : CHACHA_RNG_REQUEST_MAX;

        arc4_stir_locked(piece);
        chacha_rng_fill(&arc4, p, piece);
        arc4_left -= (uint32_t)piece;
        p += piece;
        n -= piece;
    }
    pthread_mutex_unlock(&arc4_lock);
}

uint32_t
arc4random(void)
{
    uint32_t v;

    arc4random_buf(&v, sizeof(v));
    return v;
}

uint32_t
arc4random_uniform(uint32_t upper_bound)
{
    uint32_t min, v;

    if (upper_bound < 2)
        return 0;
    /* Values below 2^32 mod n would make the low results likelier:
     * drawn again (fewer than half the draws for any n). */
    min = -upper_bound % upper_bound;
    do
        v = arc4random();
    while (v < min);
    return v % upper_bound;
}
