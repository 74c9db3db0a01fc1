# The block protocol's server side (blkserve.h), shared by the block
# drivers (virtio-blk, AHCI): build/user/lib/libblkserve.a.
USER_LIB_NAMES += blkserve
lib_blkserve_SRCS := lib/blkserve/blkserve.c lib/blkserve/check.c
