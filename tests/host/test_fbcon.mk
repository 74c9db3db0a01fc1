# The console draws with the generated font, so the font is built first.
include tools/font.mk
test_fbcon_SRCS := kernel/console/fbcon.c build/gen/font.c
