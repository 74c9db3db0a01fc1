# The pure parts of the vfs server (servers/vfs): the ramfs and its chunk
# groups, the namespace walk, the initfs tree, the pipe buffer, the
# mount table and the views, with lib/path and lib/tar.
test_vfs_SRCS := servers/vfs/ramfs.c servers/vfs/chunk.c servers/vfs/ns.c servers/vfs/initfs.c \
                 servers/vfs/pipe.c servers/vfs/mount.c servers/vfs/view.c \
                 lib/path/path.c lib/tar/tar.c
test_vfs_CFLAGS := -Ilib
