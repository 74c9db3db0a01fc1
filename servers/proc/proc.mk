# proc, the process server (docs/proc.md): spawns by path, waits, kills.
PROGRAMS += proc
proc_SRCS := $(sort $(wildcard servers/proc/*.c))
