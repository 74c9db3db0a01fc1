# The ring library of libc; its header is in libc/include, searched after the
# host's own headers so that <string.h> stays the host's.
test_ring_SRCS := libc/ring.c
test_ring_CFLAGS := -idirafter libc/include
