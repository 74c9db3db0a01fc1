# The framebuffer text console driver (docs/console.md): initfs member
# bin/fb. It draws with the kernel's console font (build/gen/font.c,
# tools/font.mk), compiled into it.
PROGRAMS += fb
fb_SRCS := $(sort $(wildcard drivers/fb/*.c)) build/gen/font.c
