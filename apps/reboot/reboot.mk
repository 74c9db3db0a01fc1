# reboot: reboot the machine through the power server (docs/utilities.md, docs/power.md).
PROGRAMS += reboot
reboot_SRCS := $(sort $(wildcard apps/reboot/*.c))
