# Partition tables (part.h): MBR with its logical partitions and GPT with its
# backup, for the block drivers: build/user/lib/libpart.a.
USER_LIB_NAMES += part
lib_part_SRCS := lib/part/part.c
