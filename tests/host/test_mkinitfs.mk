# test_mkinitfs runs the initfs writer itself and reads what it wrote with
# the tar reader of lib/tar and with the host's tar.
include tools/mkinitfs.mk
test_mkinitfs_SRCS := lib/tar/tar.c
test_mkinitfs_CFLAGS := -Ilib
build/host/test_mkinitfs: build/tools/mkinitfs
