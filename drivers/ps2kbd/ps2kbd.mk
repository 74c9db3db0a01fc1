# The PS/2 keyboard driver (docs/console.md): initfs member bin/ps2kbd.
PROGRAMS += ps2kbd
ps2kbd_SRCS := $(sort $(wildcard drivers/ps2kbd/*.c))
