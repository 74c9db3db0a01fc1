# The power server (docs/power.md): initfs member bin/power.
PROGRAMS += power
power_SRCS := $(sort $(wildcard servers/power/*.c))
