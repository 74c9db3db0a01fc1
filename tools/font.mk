# The console font: a Debian PSF font converted to C at build time.
#
# The kernel cannot decompress gzip or read files at boot, so tools/psf2c
# turns the font into build/gen/font.c (defining console_font, see
# kernel/console/font.h). Both the top-level Makefile and the host tests
# include this file; the guard lets them include it more than once.
ifndef FONT_MK_INCLUDED
FONT_MK_INCLUDED := 1

HOST_CC  ?= cc
FONT_PSF ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz

build/tools/psf2c: tools/psf2c.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# psf2c rejects a truncated stream, so a failing gzip in the pipe is caught
# too; the .tmp file keeps a half-written font.c from looking up to date.
build/gen/font.c: $(FONT_PSF) build/tools/psf2c
	@mkdir -p $(@D)
	@echo "  FONT    $@"
	$(Q)gzip -dc $(FONT_PSF) | build/tools/psf2c > $@.tmp && mv $@.tmp $@

endif
