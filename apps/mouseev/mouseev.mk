# mouseev: the mouse's events, one a line (docs/utilities.md).
PROGRAMS += mouseev
mouseev_SRCS := $(sort $(wildcard apps/mouseev/*.c))
