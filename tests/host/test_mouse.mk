# The PS/2 mouse's packet decoder (drivers/ps2kbd/mouse.c).
test_mouse_SRCS := drivers/ps2kbd/mouse.c
test_mouse_CFLAGS := -Idrivers/ps2kbd
