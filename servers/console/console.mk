# The console server (docs/console.md): boot module and initfs member `console`.
PROGRAMS += console
console_SRCS := $(sort $(wildcard servers/console/*.c))
