# The FAT file system server (docs/storage.md): initfs member bin/fat.
PROGRAMS += fat
fat_SRCS := $(sort $(wildcard servers/fat/*.c))
