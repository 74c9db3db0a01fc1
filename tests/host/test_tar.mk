# The tar reader of lib/tar (the initfs), built from its own folder.
test_tar_SRCS := lib/tar/tar.c
test_tar_CFLAGS := -Ilib
