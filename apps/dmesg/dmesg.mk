# dmesg: the kernel log (docs/utilities.md).
PROGRAMS += dmesg
dmesg_SRCS := $(sort $(wildcard apps/dmesg/*.c))
