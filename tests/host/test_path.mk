# Path folding of lib/path (libc and the vfs server), built from its own folder.
test_path_SRCS := lib/path/path.c
test_path_CFLAGS := -Ilib
