# The pure parts of lib/blkserve: badges and READ/WRITE argument checks.
test_blkserve_SRCS := lib/blkserve/check.c
test_blkserve_CFLAGS := -Ilib
