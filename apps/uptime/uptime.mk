# uptime: how long the system has run (docs/utilities.md).
PROGRAMS += uptime
uptime_SRCS := $(sort $(wildcard apps/uptime/*.c))
