# poweroff: power off the machine through the power server (docs/utilities.md, docs/power.md).
PROGRAMS += poweroff
poweroff_SRCS := $(sort $(wildcard apps/poweroff/*.c))
