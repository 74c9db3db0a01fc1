# What every character device answers alike (chardev.h), for the serial,
# keyboard, framebuffer and entropy drivers and the console:
# build/user/lib/libchardev.a.
USER_LIB_NAMES += chardev
lib_chardev_SRCS := lib/chardev/chardev.c
