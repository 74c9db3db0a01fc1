# df: the file systems' sizes and free space (docs/utilities.md).
PROGRAMS += df
df_SRCS := $(sort $(wildcard apps/df/*.c))
