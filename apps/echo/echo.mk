# echo: its arguments on standard output (docs/utilities.md).
PROGRAMS += echo
echo_SRCS := $(sort $(wildcard apps/echo/*.c))
