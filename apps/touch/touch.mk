# touch: creating files (docs/utilities.md).
PROGRAMS += touch
touch_SRCS := $(sort $(wildcard apps/touch/*.c))
