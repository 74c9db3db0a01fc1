# Host fuzzers: libFuzzer targets for every parser of untrusted bytes.
#
# Each tests/fuzz/fuzz_<name>.c is one target, built with clang and
# -fsanitize=fuzzer,address,undefined against the real parser sources named
# in FUZZ_<name>_SRCS below, and the silent klog() of fuzz_log.c. Seed
# inputs live in tests/fuzz/corpus/<name>/.
#
#   make fuzz-host                 build them and fuzz each for FUZZ_HOST_SECONDS
#                                  (default 60); non-zero exit on any crash
#   make test                      runs each over its corpus and a short fixed-seed
#                                  run (tests/run.sh)

FUZZ_CC           ?= clang
FUZZ_HOST_SECONDS ?= 60
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -Ikernel -Iinclude -I. -Itests/fuzz -DHOST_TEST

FUZZ_NAMES := elf multiboot2 acpi cmdline ring tar shparse manifest path initfs termline dirent \
              strtod scanf keymap vt strftime tz acpi_tables mouse pci elfsym fat part ahci
FUZZ_BINS  := $(addprefix build/fuzz/fuzz_,$(FUZZ_NAMES))

# The one ELF validator of the kernel and libc; it formats its refusals with
# common/printf.c.
FUZZ_elf_SRCS        := common/elf.c common/printf.c common/printf_float.c
FUZZ_multiboot2_SRCS := kernel/boot/multiboot2.c
FUZZ_acpi_SRCS       := kernel/acpi/acpi.c
# cmdline_set() uses common/'s strlcpy; string.c asks gcc alone for an optimize attribute.
FUZZ_cmdline_SRCS    := kernel/core/cmdline.c common/string.c
FUZZ_cmdline_CFLAGS  := -Wno-unknown-attributes
# libc's <cairn/ring.h> is searched after the host's headers, as for test_ring.
FUZZ_ring_SRCS       := libc/ring.c
FUZZ_ring_CFLAGS     := -idirafter libc/include
# The tar reader of lib/tar (the initfs).
FUZZ_tar_SRCS        := lib/tar/tar.c
FUZZ_tar_CFLAGS      := -Ilib
# The shell's command-line parser of lib/shparse.
FUZZ_shparse_SRCS    := lib/shparse/shparse.c
FUZZ_shparse_CFLAGS  := -Ilib
# init's service manifest (servers/init/manifest.c).
FUZZ_manifest_SRCS   := servers/init/manifest.c
# libc's parser of PROTO_IO_READDIR replies (readdir).
FUZZ_dirent_SRCS     := libc/dirent_parse.c
# Path folding of lib/path (libc and the vfs server), and the vfs server's
# mount table, which splits folded paths, and its views, which join them.
FUZZ_path_SRCS       := lib/path/path.c servers/vfs/mount.c servers/vfs/view.c
FUZZ_path_CFLAGS     := -Ilib
# The vfs server's initfs tree (the tar reader and the ramfs under it).
FUZZ_initfs_SRCS     := servers/vfs/initfs.c servers/vfs/ramfs.c servers/vfs/chunk.c lib/tar/tar.c
FUZZ_initfs_CFLAGS   := -Ilib
# The terminal line discipline of lib/termline, with the terminal model of
# the host test (tests/host/termscreen.h).
# The power management part of ACPI of lib/acpi (init and the power server).
FUZZ_acpi_tables_SRCS   := lib/acpi/acpi_tables.c
FUZZ_acpi_tables_CFLAGS := -Ilib
FUZZ_termline_SRCS   := lib/termline/termline.c
FUZZ_termline_CFLAGS := -Ilib -Itests/host

# libc's strtod family, compared with the host's: built apart against Cairn's
# headers with its names prefixed (tests/host/libc_prefix.h), as test_stdio does.
FUZZ_strtod_SRCS     := build/fuzz/strtod_under_test.o
build/fuzz/strtod_under_test.o: tests/fuzz/strtod_under_test.c libc/strtod.c libc/ctype.c \
		tests/host/libc_prefix.h $(HOST_HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -ffreestanding \
	    -nostdinc -isystem $(shell $(FUZZ_CC) -print-file-name=include) -Ilibc/include \
	    -Iinclude -I. -include tests/host/libc_prefix.h -c -o $@ tests/fuzz/strtod_under_test.c

# libc's sscanf, compared with the host's: the code test_stdio builds
# (tests/host/stdio_under_test.c), built the same way for the fuzzer.
FUZZ_scanf_SRCS      := build/fuzz/stdio_under_test.o
build/fuzz/stdio_under_test.o: tests/host/stdio_under_test.c $(STDIO_UNDER_TEST_SRCS) \
		tests/host/libc_prefix.h $(HOST_HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -ffreestanding \
	    -nostdinc -isystem $(shell $(FUZZ_CC) -print-file-name=include) -Ilibc/include \
	    -Iinclude -I. -include tests/host/libc_prefix.h -c -o $@ tests/host/stdio_under_test.c
# libc's strftime and calendar, compared with the host's: the code test_time
# builds (tests/host/time_under_test.c), built the same way for the fuzzer.
FUZZ_strftime_SRCS   := build/fuzz/time_under_test.o
build/fuzz/time_under_test.o: tests/host/time_under_test.c $(TIME_UNDER_TEST_SRCS) \
		tests/host/libc_prefix.h $(HOST_HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -ffreestanding \
	    -nostdinc -isystem $(shell $(FUZZ_CC) -print-file-name=include) -Ilibc/include \
	    -Iinclude -I. -include tests/host/libc_prefix.h -c -o $@ tests/host/time_under_test.c
# libc's TZ parser and the time-zone arithmetic (libc/timezone.c), in the
# same object as the strftime fuzzer's.
FUZZ_tz_SRCS         := build/fuzz/time_under_test.o
# The PS/2 keyboard's scancode translation (drivers/ps2kbd).
FUZZ_keymap_SRCS     := drivers/ps2kbd/keymap.c
FUZZ_keymap_CFLAGS   := -Idrivers/ps2kbd
# The PS/2 mouse's packet decoder (drivers/ps2kbd).
FUZZ_mouse_SRCS      := drivers/ps2kbd/mouse.c
FUZZ_mouse_CFLAGS    := -Idrivers/ps2kbd
# The framebuffer console (drivers/fb): escape sequences, the grid and its
# drawing with the generated font (tools/font.mk, included by the Makefile).
FUZZ_vt_SRCS         := drivers/fb/vt.c drivers/fb/draw.c build/gen/font.c
FUZZ_vt_CFLAGS       := -Idrivers/fb

# The PCI bus server's walk over configuration space (drivers/pci).
FUZZ_pci_SRCS        := drivers/pci/pcienum.c
# The function table reader of lib/elfsym (proc's crash reports).
FUZZ_elfsym_SRCS     := lib/elfsym/elfsym.c
FUZZ_elfsym_CFLAGS   := -Ilib

# The FAT reader of lib/fat, over a sparse device (see fuzz_fat.c).
FUZZ_fat_SRCS        := lib/fat/fat.c lib/fat/fat_alloc.c lib/fat/fat_dirw.c lib/fat/cache.c
FUZZ_fat_CFLAGS      := -Ilib
# The partition table reader of lib/part, over a sparse device (see fuzz_part.c).
FUZZ_part_SRCS       := lib/part/part.c
FUZZ_part_CFLAGS     := -Ilib
# A disk's IDENTIFY DEVICE answer, as the AHCI driver reads it (drivers/ahci).
FUZZ_ahci_SRCS       := drivers/ahci/ata.c
FUZZ_ahci_CFLAGS     := -Idrivers/ahci

define fuzz_rule
build/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_$(1)_SRCS) tests/fuzz/fuzz_log.c \
		$$(HOST_HEADERS) tests/fuzz/fuzz.h | $$(DEPS_STAMP)
	@mkdir -p $$(@D)
	@echo "  FUZZCC  $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_$(1)_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c \
		$$(FUZZ_$(1)_SRCS) tests/fuzz/fuzz_log.c
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(f))))

.PHONY: fuzz-host fuzz-host-bins
fuzz-host-bins: $(FUZZ_BINS)

fuzz-host: $(FUZZ_BINS)
	$(Q)sh tests/fuzz/fuzz-host.sh $(FUZZ_HOST_SECONDS) $(FUZZ_NAMES)
