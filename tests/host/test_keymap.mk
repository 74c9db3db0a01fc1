# The PS/2 keyboard's scancode translation (drivers/ps2kbd/keymap.c).
test_keymap_SRCS := drivers/ps2kbd/keymap.c
test_keymap_CFLAGS := -Idrivers/ps2kbd
