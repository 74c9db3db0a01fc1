# ChaCha20 and the fast-key-erasure generator (libc/chacha20.c), shared by
# the entropy server (drivers/rng) and arc4random.
test_chacha20_SRCS := libc/chacha20.c
test_chacha20_CFLAGS := -idirafter libc/include
