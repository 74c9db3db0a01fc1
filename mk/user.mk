# User space (included from the top Makefile): libc and every program.
#
# A program is a folder with a small NAME.mk that adds NAME to PROGRAMS and
# lists its sources in NAME_SRCS:
#
#     PROGRAMS += init
#     init_SRCS := $(sort $(wildcard servers/init/*.c))
#
# One template rule (user_program below) links each into
# $(BUILD)/user/NAME.elf, the boot module NAME; adding a program touches
# only its folder. The folders (docs/architecture.md, "The tree"):
# servers/, drivers/ and apps/ for the system's programs, tests/child (the
# test child) and tests/sysfuzz (the system call fuzzer, boot module
# `fuzz`). Each tests/os/<name>.c but the shared harness.c is a test
# program of its own, tests/<name>.elf, linked with the harness; the ISO
# carries it as the boot module test-<name>, which init runs in a test
# boot.
#
# A user library is a folder lib/<name>/ with a <name>.mk that adds name to
# USER_LIB_NAMES and lists lib_<name>_SRCS; it becomes
# $(BUILD)/user/lib/lib<name>.a, which every program links before libc (a
# static link takes only the objects a program uses), and programs include
# its header as <name>/<name>.h.
#
# Everything lands in $(BUILD)/user/: objects mirror their source paths
# ($(BUILD)/user/libc/stdio.c.o), libc.a is the C library, user.ld the
# linker script after cpp.
#
# Flags, and why they differ from the kernel's:
#   - SSE stays on (no -mgeneral-regs-only): the kernel saves each user
#     thread's x87/SSE state, and the x86_64 psABI passes doubles in xmm.
#   - The red zone stays on (no -mno-red-zone): an interrupt or syscall from
#     ring 3 switches to the thread's kernel stack, so nothing ever writes
#     below a user rsp behind the program's back.
#   - -nostdinc plus gcc's own include directory: user code sees libc/include
#     and the freestanding headers (stddef.h, stdint.h, stdarg.h ...), never
#     the host's glibc headers.
#   - Each function and object in its own section, and the link drops the
#     ones nothing reaches (--gc-sections): a program takes only what it
#     uses of libc and its libraries, not whole files. The initfs carries
#     every program; this made it a third smaller (6.6 to 4.6 MB), which
#     is what lets GRUB load it under UEFI in a 64 MiB machine.
#   - Frame pointers: a fault's backtrace (cairn/fault.h) walks the rbp
#     chain. gcc still gives a leaf function that needs no stack no
#     frame, so a fault in one (strlen, say) shows its caller's caller
#     after it, not its caller.
#   - -I. (the project root) for common/ (mk/common.mk): libc's string and
#     printf functions are common/string.c and common/printf.c, and its
#     loader validates with common/elf.c. Nothing in user space includes
#     a header of kernel/.

USER_BUILD := $(BUILD)/user
USER_LIBC  := $(USER_BUILD)/libc.a
USER_LDS   := $(USER_BUILD)/user.ld
USER_CRT0  := $(USER_BUILD)/libc/arch/x86_64/crt0.S.o

USER_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
               -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-common \
               -ffunction-sections -fdata-sections \
               -fcf-protection=none -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
               -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Iinclude -Ilibc/include -Ilib -I. -MMD -MP
USER_ASFLAGS := -g -Iinclude -Ilibc/include -D__ASSEMBLER__ -MMD -MP
USER_LDFLAGS := -static -nostdlib -no-pie -Wl,--build-id=none -Wl,-T,$(USER_LDS) \
                -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--gc-sections

LIBC_SRCS := libc/bootinfo.c libc/error.c libc/ipc.c libc/ring.c libc/ring_sys.c libc/spawn.c \
             libc/start.c libc/env.c \
             libc/stdio.c libc/stdio_printf.c libc/scanf.c libc/sys.c libc/thread.c libc/arch/x86_64/thread_entry.S \
             libc/tls.c libc/pthread.c libc/ctype.c libc/strtol.c libc/strtod.c libc/qsort.c libc/stdlib.c \
             libc/malloc.c libc/malloc_sys.c libc/pthread_thread.c libc/string.c libc/exit.c \
             libc/arch/x86_64/setjmp.S libc/unistd.c libc/time.c libc/calendar.c libc/timezone.c libc/strftime.c \
             libc/registry.c libc/service.c libc/chacha20.c libc/random.c \
             libc/fd.c libc/sync.c libc/buffer.c libc/path.c libc/process.c libc/abort.c libc/signal.c libc/sigaction.c libc/dirent.c libc/dirent_parse.c \
             $(COMMON_SRCS)
LIBC_OBJS := $(patsubst %,$(USER_BUILD)/%.o,$(LIBC_SRCS))

TEST_HARNESS_OBJS := $(USER_BUILD)/tests/os/harness.c.o
TEST_PROG_SRCS := $(sort $(filter-out tests/os/harness.c,$(wildcard tests/os/*.c)))
USER_TESTS := $(patsubst tests/os/%.c,$(USER_BUILD)/tests/%.elf,$(TEST_PROG_SRCS))

USER_LIB_NAMES :=
include $(sort $(wildcard lib/*/*.mk))
USER_LIBS := $(foreach l,$(USER_LIB_NAMES),$(USER_BUILD)/lib/lib$(l).a)
USER_LIB_OBJS := $(foreach l,$(USER_LIB_NAMES),$(patsubst %,$(USER_BUILD)/%.o,$(lib_$(l)_SRCS)))

PROGRAMS :=
include $(sort $(wildcard servers/*/*.mk drivers/*/*.mk apps/*/*.mk)) tests/child/child.mk \
    tests/sysfuzz/sysfuzz.mk tests/services/svctest.mk

USER_INIT  := $(USER_BUILD)/init.elf
USER_FUZZ  := $(USER_BUILD)/fuzz.elf
USER_BENCH := $(USER_BUILD)/bench.elf
USER_PROGRAMS := $(foreach p,$(PROGRAMS),$(USER_BUILD)/$(p).elf)

# NAME=PATH boot modules for tools/mkiso.sh: every program (init first: the
# kernel starts the module named init), every test program, and (below) the
# initfs that carries them all again.
USER_PROGRAM_MODULES := init=$(USER_INIT) \
    $(foreach p,$(filter-out init,$(PROGRAMS)),$(p)=$(USER_BUILD)/$(p).elf) \
    $(foreach t,$(USER_TESTS),test-$(basename $(notdir $(t)))=$(t))
USER_MODULES := $(USER_PROGRAM_MODULES)

# Per-directory additions (pattern-specific variables). The test programs
# and the kernel's own tests share the test child's roles (tests/child/child.h).
$(USER_BUILD)/tests/os/%.c.o: USER_CFLAGS += -Itests

# The kernel's $(BUILD)/.deps-ok stamp; DEPS_STAMP itself is defined after
# this file is included, too late for a prerequisite list.
USER_DEPS := $(BUILD)/.deps-ok

# Objects depend on this file, so changed flags rebuild them. The stem is
# shorter than the kernel's $(BUILD)/%.c.o, so GNU make prefers these rules.
$(USER_BUILD)/%.c.o: %.c mk/user.mk | $(USER_DEPS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_BUILD)/%.S.o: %.S mk/user.mk | $(USER_DEPS)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@

$(USER_LIBC): $(LIBC_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

define user_library
$$(USER_BUILD)/lib/lib$(1).a: $$(patsubst %,$$(USER_BUILD)/%.o,$$(lib_$(1)_SRCS))
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(USER_LIB_NAMES),$(eval $(call user_library,$(l))))

# cpp gives the linker script CAIRN_USER_BASE from include/cairn/init.h.
$(USER_LDS): libc/arch/x86_64/user.ld include/cairn/init.h mk/user.mk
	@mkdir -p $(@D)
	@echo "  CPP     $@"
	$(Q)$(CC) -E -P -undef -nostdinc -x c -Iinclude $< -o $@

# tools/check-user-elf.sh enforces what the kernel's loader requires (ET_EXEC,
# segments at or above CAIRN_USER_BASE, no RWX, no page shared by two segments).
# The debug information and the symbol table go to NAME.elf.debug (for
# gdb, found through the .gnu_debuglink section): the program itself is
# five to six times smaller, which is what lets the initfs of every
# program load in a 64 MiB machine under UEFI, where GRUB has only the
# memory the firmware leaves it (6.7 MiB of programs with their symbol
# tables was too much).
USER_STRIP = objcopy --only-keep-debug $(1) $(1).debug && \
             objcopy --strip-all --add-gnu-debuglink=$(1).debug $(1)
# The system's programs (servers/, drivers/, apps/; init is a boot module
# and not proc's) and the test child, which tests/os/proc.c crashes
# through proc, keep their function names for proc's crash reports
# (docs/proc.md): not the .symtab (24 bytes a symbol, 500 KiB for the
# initfs's programs), but the .cairn.syms table of lib/elfsym/elfsym.h
# (4 bytes and the name, about 5 KiB a program), made by
# tools/user-syms.sh from NAME.elf.debug's symbols.
USER_SYMS_WANTED = $(and $(filter-out init,$(1)),\
    $(filter servers/% drivers/% apps/% tests/child/%,$(firstword $($(1)_SRCS))))
USER_SYMS = CC="$(CC)" sh tools/user-syms.sh $(1).debug $(1).syms && \
            objcopy --add-section .cairn.syms=$(1).syms $(1) && rm -f $(1).syms
define user_program
$(1)_OBJS := $$(patsubst %,$$(USER_BUILD)/%.o,$$($(1)_SRCS))
$$(USER_BUILD)/$(1).elf: $$(USER_CRT0) $$($(1)_OBJS) $$(USER_LIBS) $$(USER_LIBC) $$(USER_LDS) \
                         tools/check-user-elf.sh tools/user-syms.sh
	@echo "  LD      $$@"
	$$(Q)$$(CC) $$(USER_LDFLAGS) -o $$@ $$(USER_CRT0) $$($(1)_OBJS) $$(USER_LIBS) $$(USER_LIBC)
	$$(Q)sh tools/check-user-elf.sh $$@ || { rm -f $$@; exit 1; }
	$$(Q)$$(call USER_STRIP,$$@) || { rm -f $$@; exit 1; }
	$$(Q)$(if $(call USER_SYMS_WANTED,$(1)),$$(call USER_SYMS,$$@) || { rm -f $$@; exit 1; },:)
endef
$(foreach p,$(PROGRAMS),$(eval $(call user_program,$(p))))

$(USER_BUILD)/tests/%.elf: $(USER_CRT0) $(USER_BUILD)/tests/os/%.c.o $(TEST_HARNESS_OBJS) \
                           $(USER_LIBS) $(USER_LIBC) $(USER_LDS) tools/check-user-elf.sh
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $(USER_BUILD)/tests/os/$*.c.o \
	    $(TEST_HARNESS_OBJS) $(USER_LIBS) $(USER_LIBC)
	$(Q)sh tools/check-user-elf.sh $@ || { rm -f $@; exit 1; }
	$(Q)$(call USER_STRIP,$@) || { rm -f $@; exit 1; }

# Objects are never intermediate: make must not delete them after a link
# (which made every make rebuild the test programs).
.SECONDARY: $(foreach p,$(PROGRAMS),$($(p)_OBJS)) $(TEST_HARNESS_OBJS) $(USER_LIB_OBJS) \
    $(patsubst %,$(USER_BUILD)/%.o,$(TEST_PROG_SRCS))

.PHONY: user
user: $(USER_PROGRAMS) $(USER_TESTS)

# The initfs: one tar archive (tools/mkinitfs, each member's data on a
# page) with every program but init and every test program; the ISO carries
# it as the boot module `initfs`. The system's programs (those of servers/,
# drivers/ and apps/) are members bin/NAME, so the vfs server, which serves
# the initfs at /boot, shows them as /boot/bin/NAME and /bin/NAME; the test
# programs, the test child and the fuzzer keep the names of their boot
# modules. init
# stays a module of its own: the kernel starts it, and the kernel reads no
# tar. The programs stay modules too until init starts them from the initfs.
# It also carries `filler`, 256 KiB of numbered lines (line i reads "initfs
# filler line NNNNNNNNNNNN", i in twelve digits, and a newline), so that a
# test can check every byte of a big module (tests/os/bootinfo.c) and the
# utilities have a long file to read (tests/os/utils.c). It was 2 MiB
# until the programs made the module several MiB by themselves: GRUB under
# UEFI in a 64 MiB machine ran out of memory loading 6 MiB (its heap there
# is a quarter of the memory the firmware leaves).
include tools/mkinitfs.mk
include tools/session.mk
include tools/efivars.mk
INITFS := $(BUILD)/initfs.tar
INITFS_FILLER := $(BUILD)/initfs-filler.txt
INITFS_BIN := $(foreach p,$(filter-out init,$(PROGRAMS)),\
    $(if $(filter servers/% drivers/% apps/%,$(firstword $($(p)_SRCS))),$(p)))
INITFS_MEMBERS := $(foreach p,$(INITFS_BIN),bin/$(p)=$(USER_BUILD)/$(p).elf) \
    $(filter-out init=% $(foreach p,$(INITFS_BIN),$(p)=%),$(USER_MODULES)) filler=$(INITFS_FILLER) \
    etc/services=servers/init/services etc/services-test=tests/services/services-test \
    etc/fstab=servers/vfs/fstab
$(INITFS_FILLER): mk/user.mk
	@mkdir -p $(@D)
	$(Q)awk 'BEGIN { for (i = 0; i < 8192; i++) printf "initfs filler line %012d\n", i }' > $@
$(INITFS): build/tools/mkinitfs $(USER_PROGRAMS) $(USER_TESTS) $(INITFS_FILLER) mk/user.mk \
           servers/init/services tests/services/services-test servers/vfs/fstab
	@echo "  INITFS  $@"
	$(Q)build/tools/mkinitfs $@ $(INITFS_MEMBERS)
USER_MODULES += initfs=$(INITFS)
user: $(INITFS)

-include $(shell find $(USER_BUILD) -name '*.d' 2>/dev/null)
