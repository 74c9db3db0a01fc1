# The framebuffer console's terminal and its drawing (drivers/fb), drawn
# with the generated font into a buffer.
include tools/font.mk
test_vt_SRCS := drivers/fb/vt.c drivers/fb/draw.c build/gen/font.c
test_vt_CFLAGS := -Idrivers/fb
