# test_psf2c runs the converter itself on crafted fonts; it links no kernel code.
include tools/font.mk
test_psf2c_SRCS :=
build/host/test_psf2c: build/tools/psf2c
