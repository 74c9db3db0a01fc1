# hexdump: bytes in hexadecimal and text (docs/utilities.md).
PROGRAMS += hexdump
hexdump_SRCS := $(sort $(wildcard apps/hexdump/*.c))
