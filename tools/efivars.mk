# The variable store tool, tools/efivars (a host program): enrolls the
# Secure Boot signing certificate in a copy of OVMF's variables
# (tools/efivars.c, docs/boot.md "Secure Boot").
OVMF_SB_CODE := /usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
OVMF_SB_VARS := /usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd

build/tools/efivars: tools/efivars.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<
