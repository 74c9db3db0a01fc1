# The initfs writer, tools/mkinitfs (a host program). Both the top-level
# Makefile (through mk/user.mk, which builds build/initfs.tar with it) and
# the host tests (test_mkinitfs runs it) include this file; the guard lets
# them include it more than once.
ifndef MKINITFS_MK_INCLUDED
MKINITFS_MK_INCLUDED := 1

HOST_CC ?= cc

build/tools/mkinitfs: tools/mkinitfs.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

endif
