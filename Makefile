# SPDX-License-Identifier: MIT
# Cairn: one GNU Makefile for the kernel, the ISO, the tests and the tools.
# `make help` lists the targets. Everything is built under build/.

.DEFAULT_GOAL := iso
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules
# Every core builds, unless the command line says how many (-jN, -j1).
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

BUILD    := build
CC       := gcc
LD       := ld
HOST_CC  := cc
QEMU     := qemu-system-x86_64
GDB      := gdb

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Boot settings for `make run` (and `make gdb`): override on the command line.
MEM      ?= 256M
SMP      ?= 2
UEFI     ?= 0
CMDLINE  ?=
# The disk `make run` attaches: DISK=<raw image> (none: DISK=), on
# DISK_BUS=virtio or ahci. The default image is made by `make disk` (or by
# the first `make run`) and left alone by `make clean`, so /disk keeps its
# files from one run to the next.
DEFAULT_DISK := disk.img
DISK     ?= $(DEFAULT_DISK)
DISK_BUS ?= virtio
# SECUREBOOT=1: `make run` under UEFI with Secure Boot enforced, the
# signing certificate enrolled in a copy of OVMF's variable store.
SECUREBOOT ?= 0
# The key and certificate (PEM) that sign the ISO's EFI loader for Secure
# Boot (docs/boot.md). Without them the build makes a development key once
# in keys/ (out of git; `make clean` leaves it) and signs with that.
DEV_KEY  := keys/dev.key
DEV_CERT := keys/dev.crt
SB_KEY   ?= $(DEV_KEY)
SB_CERT  ?= $(DEV_CERT)
ifneq ($(SB_KEY)$(SB_CERT),$(DEV_KEY)$(DEV_CERT))
ifeq ($(wildcard $(SB_KEY)),)
$(error SB_KEY=$(SB_KEY): no such file (give SB_KEY and SB_CERT together))
endif
ifeq ($(wildcard $(SB_CERT)),)
$(error SB_CERT=$(SB_CERT): no such file (give SB_KEY and SB_CERT together))
endif
endif

KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
                 -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
                 -fno-omit-frame-pointer -fno-optimize-sibling-calls \
                 -fno-asynchronous-unwind-tables -fno-common -fcf-protection=none \
                 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
                 -Ikernel -Iinclude -I. -DCAIRN_KERNEL -MMD -MP
KERNEL_ASFLAGS := -g -Ikernel -Iinclude -D__ASSEMBLER__ -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
                  --no-warn-rwx-segments -T kernel/arch/x86_64/kernel.ld

include mk/common.mk
KERNEL_SRCS := $(sort $(shell find kernel -name '*.c' -o -name '*.S')) $(COMMON_SRCS)

include tools/font.mk
include tests/host/host.mk
include tests/fuzz/fuzz.mk
include mk/user.mk

# --- tools the build needs -------------------------------------------------
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): tools/deps.sh
	@sh tools/deps.sh
	@mkdir -p $(@D) && touch $@

# The console font comes from a Debian package that deps.sh installs.
$(FONT_PSF): | $(DEPS_STAMP)
	@test -f $@ || { echo "error: $@ is missing (package console-setup-linux)" >&2; exit 1; }

.PHONY: deps
deps:
	@sh tools/deps.sh

# --- kernel ------------------------------------------------------------------
# Two kernels from the same sources: $(BUILD)/cairn.elf for `make run`, the
# ISO and `make bench`, and the test kernel $(BUILD)/san/cairn.elf that every
# boot of `make test` uses, built with the sanitizers (docs/testing.md):
#   - UBSan (kernel/core/ubsan.c is its runtime: every report panics). All
#     of it where untrusted or firmware bytes are parsed (ELF, Multiboot2,
#     ACPI); elsewhere without the alignment, null and pointer-overflow
#     checks, which would double the instructions of an IPC round trip
#     (x86-64 accesses memory at any alignment, and page 0 is never mapped);
#   - the stack protector, with a global guard (kernel/core/stack_protector.c),
#     as GCC's default guard at %gs:40 would be a field of struct cpu;
#   - CAIRN_LOCK_DEBUG: every *_locked function checks its lock is held
#     (spin_assert_held in lib/spinlock.h).
KSAN_CFLAGS := -fsanitize=undefined -fno-sanitize=alignment,null,pointer-overflow \
               -fstack-protector-strong -mstack-protector-guard=global -DCAIRN_LOCK_DEBUG
KSAN_FULL   := $(BUILD)/san/kernel/acpi/%.c.o $(BUILD)/san/kernel/boot/%.c.o \
               $(BUILD)/san/common/elf.c.o
$(KSAN_FULL): KSAN_CFLAGS += -fsanitize=alignment,null,pointer-overflow
# The runtime cannot check itself: a failed check there would call it again.
$(BUILD)/san/kernel/core/ubsan.c.o: KSAN_CFLAGS += -fno-sanitize=undefined

# The dispatch thunks of kernel/sys/syscall.c are tail calls: a jump to the
# handler, with no frame of their own to return through (tools/check-thunks.sh
# checks each kernel's listing for that).
$(BUILD)/kernel/sys/syscall.c.o $(BUILD)/san/kernel/sys/syscall.c.o: KERNEL_CFLAGS += -foptimize-sibling-calls

# The IPC fast path is called from syscall.S with every user register
# saved in the frame, and nothing of its caller's lives in a callee-saved
# register: it need not preserve them, which saves its pushes and pops.
$(BUILD)/kernel/sys/ipc_fastpath.c.o $(BUILD)/san/kernel/sys/ipc_fastpath.c.o: KERNEL_CFLAGS += \
    -fcall-used-rbx -fcall-used-r12 -fcall-used-r13 -fcall-used-r14 -fcall-used-r15

# The in-kernel tests start the test child in its roles (tests/child/child.h).
$(BUILD)/kernel/test/%.c.o $(BUILD)/san/kernel/test/%.c.o: KERNEL_CFLAGS += -Itests

# kernel_objs DIR: the objects of the kernel built under DIR.
kernel_objs = $(patsubst %,$(1)/%.o,$(KERNEL_SRCS)) $(1)/gen/font.c.o

# kernel_rules DIR EXTRA_CFLAGS: one kernel built under DIR, linked twice:
# first without a symbol table, from which the table is made; then with it.
# The table sits last in the image, so no other symbol moves; the build
# checks that. Objects depend on this Makefile too, so changed flags rebuild
# them.
define kernel_rules
$(1)/%.c.o: %.c Makefile | $$(DEPS_STAMP)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC) $$(KERNEL_CFLAGS) $(2) -c $$< -o $$@

$(1)/%.S.o: %.S Makefile | $$(DEPS_STAMP)
	@mkdir -p $$(@D)
	@echo "  AS      $$@"
	$$(Q)$$(CC) $$(KERNEL_ASFLAGS) -c $$< -o $$@

$(1)/gen/font.c.o: $$(BUILD)/gen/font.c Makefile
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC) $$(KERNEL_CFLAGS) $(2) -c $$< -o $$@

$(1)/kernel.pass1.elf: $(call kernel_objs,$(1)) kernel/arch/x86_64/kernel.ld
	@echo "  LD      $$@"
	$$(Q)$$(LD) $$(KERNEL_LDFLAGS) -o $$@ $(call kernel_objs,$(1))

$(1)/gen/ksyms.S: $(1)/kernel.pass1.elf tools/gen-ksyms.sh
	@mkdir -p $$(@D)
	@echo "  KSYMS   $$@"
	$$(Q)nm -n --defined-only $$< | sh tools/gen-ksyms.sh > $$@

$(1)/gen/ksyms.o: $(1)/gen/ksyms.S
	$$(Q)$$(CC) -c $$< -o $$@

$(1)/cairn.elf: $(1)/kernel.pass1.elf $(1)/gen/ksyms.o
	@echo "  LD      $$@"
	$$(Q)$$(LD) $$(KERNEL_LDFLAGS) -o $$@ $(call kernel_objs,$(1)) $(1)/gen/ksyms.o
	@nm -n --defined-only $(1)/kernel.pass1.elf | awk '$$$$3 != "_ksyms_end" && $$$$3 != "_kernel_end" { print $$$$1, $$$$3 }' > $$@.syms1
	@nm -n --defined-only $$@ | awk '$$$$3 != "_ksyms_end" && $$$$3 != "_kernel_end" { print $$$$1, $$$$3 }' > $$@.syms2
	@cmp -s $$@.syms1 $$@.syms2 || { echo "error: symbols moved between the two links" >&2; rm -f $$@; exit 1; }
	$$(Q)objdump -d --no-show-raw-insn $$@ > $(1)/cairn.lst
	$$(Q)sh tools/check-thunks.sh $(1)/cairn.lst || { rm -f $$@; exit 1; }
	$$(Q)nm -n $$@ > $(1)/cairn.map
endef
$(eval $(call kernel_rules,$(BUILD),))
$(eval $(call kernel_rules,$(BUILD)/san,$$(KSAN_CFLAGS)))

.PHONY: kernel
kernel: $(BUILD)/cairn.elf $(BUILD)/san/cairn.elf

# --- ISO -----------------------------------------------------------------------
# tools/mkiso.sh builds a hybrid BIOS+UEFI ISO with one GRUB menu entry.
# The ISO carries init, the test child and the initfs, which holds every
# other program: GRUB passes 16 modules at most (docs/boot.md).
ISO_MODULES = $(filter init=% child=% initfs=%,$(USER_MODULES))
# Its UEFI path is signed for Secure Boot with SB_KEY and SB_CERT.
$(BUILD)/cairn.iso: $(BUILD)/cairn.elf $(USER_PROGRAMS) $(USER_TESTS) $(INITFS) tools/mkiso.sh \
                    tools/xorriso-efi.sh $(SB_KEY) $(SB_CERT) | $(DEPS_STAMP)
	@echo "  ISO     $@ (EFI loader signed by $(SB_CERT))"
	$(Q)sh tools/mkiso.sh --sign $(SB_KEY) $(SB_CERT) $@ $(BUILD)/cairn.elf "$(CMDLINE)" $(ISO_MODULES)

$(DEV_KEY) $(DEV_CERT) &: tools/sbkey.sh | $(DEPS_STAMP)
	$(Q)sh tools/sbkey.sh $(DEV_KEY) $(DEV_CERT)

# OVMF's variable store with SB_CERT enrolled as PK, KEK and db
# (tools/efivars.c), for SECUREBOOT=1 and the Secure Boot tests.
$(BUILD)/secureboot-vars.fd: $(SB_CERT) build/tools/efivars | $(DEPS_STAMP)
	@echo "  VARS    $@ (trusts $(SB_CERT))"
	$(Q)openssl x509 -in $(SB_CERT) -outform der -out $@.der
	$(Q)build/tools/efivars enroll $(OVMF_SB_VARS) $@.der $@

.PHONY: iso
iso: $(BUILD)/cairn.iso

# --- running -------------------------------------------------------------------
.PHONY: run gdb disk
run: $(BUILD)/cairn.iso $(filter $(DEFAULT_DISK),$(DISK)) \
     $(if $(filter 1,$(SECUREBOOT)),$(BUILD)/secureboot-vars.fd)
	sh tools/qemu.sh run --iso $< --mem $(MEM) --smp $(SMP) --uefi $(UEFI) \
	    $(if $(DISK),--disk $(DISK) --disk-bus $(DISK_BUS)) \
	    $(if $(filter 1,$(SECUREBOOT)),--secureboot $(BUILD)/secureboot-vars.fd)

# A fresh FAT32 image, whatever was there before (tools/mkdisk.sh).
disk: | $(DEPS_STAMP)
	sh tools/mkdisk.sh $(DEFAULT_DISK)

$(DEFAULT_DISK): | $(DEPS_STAMP)
	sh tools/mkdisk.sh $@

gdb: $(BUILD)/cairn.iso
	sh tools/qemu.sh gdb --iso $< --mem $(MEM) --smp $(SMP) --uefi $(UEFI) --elf $(BUILD)/cairn.elf

# --- tests -----------------------------------------------------------------------
.PHONY: test
test: $(BUILD)/cairn.elf $(BUILD)/san/cairn.elf $(USER_PROGRAMS) $(USER_TESTS) $(INITFS) \
      $(HOST_TEST_BINS) $(FUZZ_BINS) build/tools/session $(BUILD)/cairn.iso \
      $(BUILD)/secureboot-vars.fd | $(DEPS_STAMP)
	USER_MODULES="$(USER_MODULES)" sh tests/run.sh

# --- fuzzing: FUZZ_CALLS, FUZZ_SEED, FUZZ_SMP, FUZZ_CHUNK, FUZZ_AVOID, FUZZ_JOBS (docs/testing.md) ---
.PHONY: fuzz
fuzz: $(BUILD)/san/cairn.elf $(USER_INIT) $(USER_FUZZ) | $(DEPS_STAMP)
	USER_MODULES="$(USER_MODULES)" FUZZ_CALLS="$(FUZZ_CALLS)" FUZZ_SEED="$(FUZZ_SEED)" \
	    FUZZ_SMP="$(FUZZ_SMP)" FUZZ_CHUNK="$(FUZZ_CHUNK)" FUZZ_AVOID="$(FUZZ_AVOID)" \
	    FUZZ_JOBS="$(FUZZ_JOBS)" sh tools/fuzz.sh

# --- benchmarks: figures, not tests (docs/benchmarks.md) ----------------------------
.PHONY: bench
bench: $(BUILD)/cairn.elf $(USER_INIT) $(USER_BENCH) $(INITFS) build/tools/session | $(DEPS_STAMP)
	$(Q)sh tools/mkiso.sh $(BUILD)/bench.iso $(BUILD)/cairn.elf "bench" init=$(USER_INIT) bench=$(USER_BENCH)
	$(Q)for cpus in 1 2; do \
	    sh tools/qemu.sh test --iso $(BUILD)/bench.iso --smp $$cpus --mem 256M --icount 1 \
	        --log $(BUILD)/bench-smp$$cpus.log --timeout 600; status=$$?; \
	    grep -a ' cycles, n=' $(BUILD)/bench-smp$$cpus.log | tr -d '\r'; \
	    [ $$status = 33 ] || { echo "bench: QEMU exit status $$status (see $(BUILD)/bench-smp$$cpus.log)" >&2; exit 1; }; \
	done
	@# The system's figures: a normal boot, sysbench run from its shell.
	$(Q)sh tools/mkiso.sh $(BUILD)/bench-system.iso $(BUILD)/cairn.elf "" init=$(USER_INIT) \
	    initfs=$(INITFS)
	$(Q)build/tools/session apps/sysbench/sysbench.session $(BUILD)/bench-system.log -- \
	    sh tools/qemu.sh session --iso $(BUILD)/bench-system.iso --smp 2 --mem 256M --icount 1 \
	    >/dev/null 2>&1; status=$$?; \
	grep -a ' cycles, n=' $(BUILD)/bench-system.log | tr -d '\r'; \
	[ $$status = 0 ] || { echo "bench: the system's run failed (see $(BUILD)/bench-system.log)" >&2; exit 1; }
	@# The disk's figures: a fresh FAT32 image on virtio, idle time on the host's clock.
	$(Q)sh tools/mkdisk.sh $(BUILD)/bench-disk.img 256 >/dev/null
	$(Q)build/tools/session apps/sysbench/sysbench-disk.session $(BUILD)/bench-disk.log -- \
	    sh tools/qemu.sh session --iso $(BUILD)/bench-system.iso --smp 2 --mem 256M --icount 2 \
	    --disk $(BUILD)/bench-disk.img >/dev/null 2>&1; status=$$?; \
	grep -a ' cycles, n=' $(BUILD)/bench-disk.log | tr -d '\r'; \
	[ $$status = 0 ] || { echo "bench: the disk's run failed (see $(BUILD)/bench-disk.log)" >&2; exit 1; }

# --- developer conveniences ------------------------------------------------------
FORMAT_FILES = $(shell git ls-files '*.c' '*.h')

.PHONY: format format-check compile_commands.json clean help
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

# For clangd: every kernel C file with the flags it is built with.
compile_commands.json:
	@sh tools/compile-commands.sh "$(CC) $(KERNEL_CFLAGS)" "$(HOST_CC) $(HOST_CFLAGS)" > $@
	@echo "wrote $@"

clean:
	rm -rf $(BUILD) compile_commands.json

help:
	@echo "make run       build the ISO and boot it in QEMU (MEM=, SMP=, UEFI=1, CMDLINE=,"
	@echo "               DISK=image or DISK= for none, DISK_BUS=virtio|ahci, SECUREBOOT=1)"
	@echo "make disk      make a fresh FAT32 image disk.img, the disk make run attaches"
	@echo "make test      build and run every test (host and in QEMU)"
	@echo "make iso       build build/cairn.iso (the default; SB_KEY=, SB_CERT= sign it)"
	@echo "make gdb       boot paused with a gdb stub and attach gdb with the kernel's symbols"
	@echo "make bench     boot under -icount and print the benchmark figures"
	@echo "make fuzz      run the system call fuzzer (FUZZ_CALLS=, FUZZ_SEED=, FUZZ_SMP=)"
	@echo "make fuzz-host build the host fuzzers and run each for FUZZ_HOST_SECONDS (60)"
	@echo "make format    format the tree (format-check only checks)"
	@echo "make compile_commands.json   for clangd"
	@echo "make clean     remove build/"

-include $(shell find $(BUILD)/kernel $(BUILD)/common $(BUILD)/gen $(BUILD)/san -name '*.d' 2>/dev/null)
