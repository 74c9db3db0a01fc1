# The virtio block driver (modern virtio-pci, docs/storage.md): initfs
# member bin/virtio-blk.
PROGRAMS += virtio-blk
virtio-blk_SRCS := $(sort $(wildcard drivers/virtio-blk/*.c))
