# The FAT file system's read side (fat.h), for a future fat server:
# build/user/lib/libfat.a.
USER_LIB_NAMES += fat
lib_fat_SRCS := lib/fat/fat.c
