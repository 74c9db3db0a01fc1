# The pure parts of the vfs server (servers/vfs): the ramfs, the namespace
# walk, the initfs tree and the pipe buffer, with lib/path and lib/tar.
test_vfs_SRCS := servers/vfs/ramfs.c servers/vfs/ns.c servers/vfs/initfs.c servers/vfs/pipe.c \
                 lib/path/path.c lib/tar/tar.c
test_vfs_CFLAGS := -Ilib
