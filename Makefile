# Spindle: top-level build.
#
#   make            build/spindle.img (GPT disk, FAT32 ESP with loader, kernel, root archive, cmdline)
#   make run        boot it in QEMU on OVMF, console on this terminal (Ctrl-A X quits)
#   make debug      the same, paused, with gdb attached to the kernel (see README)
#   make screenshot save the screen of `make run` (or of a fresh boot) as BUILD/screenshot.png
#   make test       host unit tests + in-QEMU tests; last line "N passed, N failed"
#   make deps       install (or name) the Debian packages the build and the tests need
#   make clean
#
# Variables: CMDLINE="..." (kernel command line), OVERLAY=dir (extra root files), SMP=n, MEM=size,
# BUILD=dir (build directory; lets several trees build side by side), PC=usb (`make run` on a
# PC without PS/2: USB keyboard on xHCI).
#
# Sources are found by wildcard: a new .c or .S file in a kernel folder is built and linked
# without editing this file.

BUILD   ?= build
CMDLINE ?=
OVERLAY ?=
SMP     ?= 1
MEM     ?= 512M
PC      ?=

CC      := gcc
LD      := ld
OBJCOPY := objcopy
NM      := nm

IMG      := $(BUILD)/spindle.img
KERNEL   := $(BUILD)/kernel.elf
LOADER   := $(BUILD)/BOOTX64.EFI
ROOT_TAR := $(BUILD)/root.tar

.PHONY: all run test deps clean host-test kernel loader image fuzz-host soak FORCE
all: image

# ---------------------------------------------------------------- kernel
KERNEL_DIRS := kernel kernel/arch kernel/console kernel/lib kernel/acpi kernel/time \
               syscall syscall/linux mm sched proc kernel/trace kernel/fs kernel/pci kernel/usb
KERNEL_C    := $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c))
KERNEL_S    := $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.S))
KERNEL_OBJS := $(patsubst %,$(BUILD)/k/%.o,$(basename $(KERNEL_C) $(KERNEL_S))) $(BUILD)/k/font.o \
               $(BUILD)/k/gen/syscall_meta.o $(BUILD)/k/gen/linux_syscall_table.o

# The console font is converted at build time from a PSF font Debian ships (package console-setup-linux),
# so no font data is kept in the tree.
FONT_PSF := /usr/share/consolefonts/Lat15-Terminus16.psf.gz

KERNEL_CFLAGS := -std=c17 -O2 -g -Wall -Wextra -Werror \
    -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
    -fstack-protector-strong -mstack-protector-guard=global -fno-pic -fno-pie -mcmodel=kernel \
    -mno-red-zone -mgeneral-regs-only -fno-omit-frame-pointer \
    -fno-asynchronous-unwind-tables -fcf-protection=none \
    -I. -Iinclude -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
    -T kernel/kernel.ld

# Objects depend on a file holding their compiler flags, rewritten only when the flags change,
# so editing a flag rebuilds exactly what it affects (incremental builds stay correct).
FLAG_FILES := $(BUILD)/kernel.flags $(BUILD)/loader.flags $(BUILD)/apps.flags
$(FLAG_FILES): $(BUILD)/%.flags: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(FLAGS_$*)' > $@.new
	@cmp -s $@.new $@ || mv $@.new $@
	@rm -f $@.new
FLAGS_kernel = $(KERNEL_CFLAGS)
FLAGS_loader = $(EFI_CFLAGS)
FLAGS_apps   = $(APP_CFLAGS)

$(BUILD)/k/%.o: %.c $(BUILD)/kernel.flags
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.S $(BUILD)/kernel.flags
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Two-pass link: the symbol table for backtraces is generated from the first link and placed
# in the last section (.ksyms), so adding it moves no other symbol.
$(BUILD)/ksyms-empty.S: tools/gen-ksyms.sh
	@mkdir -p $(dir $@)
	sh tools/gen-ksyms.sh < /dev/null > $@

$(BUILD)/kernel.stage1.elf: $(KERNEL_OBJS) $(BUILD)/k/ksyms-empty.o kernel/kernel.ld
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/k/ksyms-empty.o

$(BUILD)/ksyms.S: $(BUILD)/kernel.stage1.elf tools/gen-ksyms.sh
	$(NM) -n $< | sh tools/gen-ksyms.sh > $@

$(BUILD)/font.c: tools/gen-font.sh $(FONT_PSF)
	@mkdir -p $(dir $@)
	sh tools/gen-font.sh $(FONT_PSF) > $@.tmp && mv $@.tmp $@
$(BUILD)/k/font.o: $(BUILD)/font.c
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/k/ksyms-empty.o: $(BUILD)/ksyms-empty.S
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(BUILD)/k/ksyms.o: $(BUILD)/ksyms.S
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL): $(KERNEL_OBJS) $(BUILD)/k/ksyms.o kernel/kernel.ld
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/k/ksyms.o
	@$(NM) -n $(BUILD)/kernel.stage1.elf | grep -v -e ksyms -e ' __data_end$$' -e ' __kernel_end$$' > $(BUILD)/syms1.txt
	@$(NM) -n $@ | grep -v -e ksyms -e ' __data_end$$' -e ' __kernel_end$$' > $(BUILD)/syms2.txt
	@cmp -s $(BUILD)/syms1.txt $(BUILD)/syms2.txt || \
	    { echo "error: symbols moved between link passes"; rm -f $@; exit 1; }

kernel: $(KERNEL)

# ---------------------------------------------------------------- loader (gnu-efi)
EFI_INC  := /usr/include/efi
EFI_LIB  := /usr/lib
LOADER_C := $(wildcard efi/*.c) kernel/lib/elf_check.c
LOADER_OBJS := $(patsubst %.c,$(BUILD)/efi/%.o,$(LOADER_C))
EFI_CFLAGS := -std=c17 -O2 -Wall -Wextra -Werror \
    -fpic -ffreestanding -fshort-wchar -mno-red-zone -mgeneral-regs-only -maccumulate-outgoing-args \
    -fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
    -fno-asynchronous-unwind-tables -fcf-protection=none \
    -I$(EFI_INC) -I$(EFI_INC)/x86_64 -I. -Iinclude -DSPINDLE_LOADER -MMD -MP

$(BUILD)/efi/%.o: %.c $(BUILD)/loader.flags
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/loader.so: $(LOADER_OBJS)
	$(LD) -shared -Bsymbolic -nostdlib -znocombreloc --no-undefined -T $(EFI_LIB)/elf_x86_64_efi.lds \
	    $(EFI_LIB)/crt0-efi-x86_64.o $(LOADER_OBJS) -L$(EFI_LIB) -lgnuefi -lefi -o $@

$(LOADER): $(BUILD)/loader.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel \
	    -j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 \
	    --strip-all $< $@

loader: $(LOADER)

# ---------------------------------------------------------------- syscall ABI and user programs
# (userland) One spec, include/spindle/syscalls.spec, generates into $(GEN): the kernel's numbers
# (include/spindle/syscall_nums.h), the user stubs (syscall_stubs.S + include/spindle/
# syscall_stubs.h), the tracer's table (syscall_meta.c, linked into the kernel) and the table
# of docs/abi.md (abi-table.md; `make abi-doc` splices it in, test/check-abi-doc.sh checks).
#
# User programs: apps/lib is a small C library (with the kernel's kernel/lib/string.c and
# format.c compiled in, not copied); each apps/bin/NAME.c becomes $(BUILD)/apps/NAME, linked
# statically with apps/lib/app.ld, and /bin/NAME in the root archive. NAME-pie.c programs are
# built position-independent (static PIE, self-relocating in crt0) against a PIE build of the
# library; the others at the fixed base 0x400000.
GEN           := $(BUILD)/gen
SYSCALL_SPEC  := include/spindle/syscalls.spec
SYSCALL_STAMP := $(GEN)/syscalls.stamp
SYSCALL_GEN   := $(GEN)/include/spindle/syscall_nums.h $(GEN)/include/spindle/syscall_stubs.h \
                 $(GEN)/syscall_stubs.S $(GEN)/syscall_meta.c $(GEN)/abi-table.md \
                 $(GEN)/include/spindle/linux_syscalls.h $(GEN)/linux_syscall_table.c \
                 $(GEN)/linux-abi-table.md

# The Linux ABI (docs/linux-abi.md) has its own spec, include/spindle/linux_syscalls.spec: the
# same generator makes its dispatch table, handler prototypes, tracer names and doc table.
LINUX_SPEC    := include/spindle/linux_syscalls.spec

$(SYSCALL_STAMP): $(SYSCALL_SPEC) $(LINUX_SPEC) tools/gen-syscalls.sh
	@mkdir -p $(GEN)
	sh tools/gen-syscalls.sh $(SYSCALL_SPEC) $(GEN)
	sh tools/gen-syscalls.sh --linux $(LINUX_SPEC) $(GEN)
	@touch $@
# The generated files are made by the stamp's recipe. Objects built from them name the stamp
# as a prerequisite too: under -j a recipe-less rule alone once let a stale stub object into
# libspindle-*.a after a spec change (an app failed to link a new call).
$(SYSCALL_GEN): $(SYSCALL_STAMP)

KERNEL_CFLAGS += -I$(GEN)/include
$(KERNEL_OBJS) $(BUILD)/k/ksyms-empty.o $(BUILD)/k/ksyms.o: | $(SYSCALL_STAMP)
$(BUILD)/k/gen/syscall_meta.o: $(GEN)/syscall_meta.c $(SYSCALL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(BUILD)/k/gen/linux_syscall_table.o: $(GEN)/linux_syscall_table.c $(SYSCALL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# Only the compiler's own freestanding headers (stddef.h, stdint.h, ...) besides ours, so a
# program cannot silently pick up a glibc header.
APP_CFLAGS := -std=c17 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
    -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-asynchronous-unwind-tables \
    -fcf-protection=none -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
    -Iapps/lib/include -Iinclude -I$(GEN)/include -MMD -MP
APP_CFLAGS_fixed := -fno-pic -fno-pie
APP_CFLAGS_pie   := -fpie
APP_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --gc-sections \
    -T apps/lib/app.ld
APP_LDFLAGS_fixed := -no-pie
# --defsym must come before -T: the script tests DEFINED(__app_base) as it is read.
APP_LDFLAGS_pie   := -pie --no-dynamic-linker -z text --defsym=__app_base=0

APP_LIB_SRCS := $(filter-out apps/lib/crt0.S,$(wildcard apps/lib/*.c apps/lib/*.S)) \
    kernel/lib/string.c kernel/lib/format.c
APP_LIB_OBJS = $(patsubst %,$(BUILD)/apps/$(1)/%.o,$(basename $(APP_LIB_SRCS))) \
    $(BUILD)/apps/$(1)/gen/syscall_stubs.o $(BUILD)/apps/$(1)/gen/syscall_meta.o
APPS       := $(patsubst apps/bin/%.c,$(BUILD)/apps/%,$(wildcard apps/bin/*.c))
APPS_pie   := $(filter %-pie,$(APPS))
APPS_fixed := $(filter-out %-pie,$(APPS))

# The library files also see the repo root, for kernel/lib/*.h; programs do not.
define APP_VARIANT
$(BUILD)/apps/$(1)/apps/lib/%.o $(BUILD)/apps/$(1)/kernel/lib/%.o: APP_EXTRA := -I.
$(BUILD)/apps/$(1)/%.o: %.c $(BUILD)/apps.flags | $(SYSCALL_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(APP_CFLAGS) $(APP_CFLAGS_$(1)) $$(APP_EXTRA) -c $$< -o $$@
$(BUILD)/apps/$(1)/%.o: %.S $(BUILD)/apps.flags | $(SYSCALL_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(APP_CFLAGS) $(APP_CFLAGS_$(1)) -c $$< -o $$@
$(BUILD)/apps/$(1)/gen/syscall_stubs.o: $(GEN)/syscall_stubs.S $(SYSCALL_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(APP_CFLAGS) $(APP_CFLAGS_$(1)) -c $$< -o $$@
$(BUILD)/apps/$(1)/gen/syscall_meta.o: $(GEN)/syscall_meta.c $(SYSCALL_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(APP_CFLAGS) $(APP_CFLAGS_$(1)) -c $$< -o $$@
$(BUILD)/apps/libspindle-$(1).a: $(call APP_LIB_OBJS,$(1))
	@rm -f $$@
	ar rcs $$@ $$^
$(APPS_$(1)): $(BUILD)/apps/%: $(BUILD)/apps/$(1)/apps/bin/%.o \
        $(BUILD)/apps/$(1)/apps/lib/crt0.o $(BUILD)/apps/libspindle-$(1).a apps/lib/app.ld
	$(LD) $(APP_LDFLAGS_$(1)) $(APP_LDFLAGS) -o $$@ $(BUILD)/apps/$(1)/apps/lib/crt0.o $$< \
	    $(BUILD)/apps/libspindle-$(1).a
endef
$(eval $(call APP_VARIANT,fixed))
$(eval $(call APP_VARIANT,pie))

.PHONY: apps abi-doc
apps: $(APPS)

abi-doc: $(SYSCALL_STAMP)
	sh tools/gen-syscalls.sh --splice docs/abi.md $(GEN)/abi-table.md > $(GEN)/abi.md.new
	mv $(GEN)/abi.md.new docs/abi.md
	sh tools/gen-syscalls.sh --splice docs/linux-abi.md $(GEN)/linux-abi-table.md > $(GEN)/linux-abi.md.new
	mv $(GEN)/linux-abi.md.new docs/linux-abi.md

host-test: $(SYSCALL_STAMP)

# (fbcheck) test/tools/fb_text reads QEMU screendumps of the framebuffer console back as text
# (used by test/lib/screen.sh). It and its host test include the generated $(BUILD)/font.c.
FB_TEXT := $(BUILD)/tools/fb_text
$(FB_TEXT): test/tools/fb_text.c $(BUILD)/font.c kernel/console/font.h
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -I. -I$(BUILD) $< -o $@
.PHONY: fb-text
fb-text: $(FB_TEXT)
host-test: $(BUILD)/font.c

# ---------------------------------------------------------------- benchmark (docs/performance.md)
# (bench) apps/bench/NAME.c is built twice from one source: for Spindle (/bin/NAME in the root
# archive, linked like apps/bin) and as a static Linux program with the host's gcc and glibc
# (-DBENCH_LINUX), which tools/bench.sh boots as an initramfs /init under the same QEMU.
# $(BUILD)/bench/spindle.img boots straight into /bin/bench. CI builds `bench-build` only.
BENCH_NAMES := bench bench_nop
BENCH_APPS  := $(addprefix $(BUILD)/apps/,$(BENCH_NAMES))
BENCH_LINUX := $(addprefix $(BUILD)/bench/linux/,$(BENCH_NAMES))
BENCH_IMG   := $(BUILD)/bench/spindle.img
APPS        += $(BENCH_APPS)

$(BENCH_APPS): $(BUILD)/apps/%: $(BUILD)/apps/fixed/apps/bench/%.o \
        $(BUILD)/apps/fixed/apps/lib/crt0.o $(BUILD)/apps/libspindle-fixed.a apps/lib/app.ld
	$(LD) $(APP_LDFLAGS_fixed) $(APP_LDFLAGS) -o $@ $(BUILD)/apps/fixed/apps/lib/crt0.o $< \
	    $(BUILD)/apps/libspindle-fixed.a

$(BUILD)/bench/linux/%: apps/bench/%.c $(wildcard apps/bench/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -static -pthread -DBENCH_LINUX $< -o $@

$(BUILD)/bench/cmdline.txt:
	@mkdir -p $(dir $@)
	@printf '%s\n' 'qemu_exit -- /bin/bench' > $@

$(BENCH_IMG): $(LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/bench/cmdline.txt tools/mkimage.sh
	sh tools/mkimage.sh $@ $(LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/bench/cmdline.txt

# The same static glibc binary Linux boots as /init, run on Spindle through the Linux ABI (the
# third column of the table): the root archive plus /init and /bench_nop, the paths that
# build expects; init (/bin/init) starts it as its program.
BENCH_ON_SPINDLE_DIR := $(BUILD)/bench/linux-on-spindle
BENCH_ON_SPINDLE_IMG := $(BENCH_ON_SPINDLE_DIR)/spindle.img
$(BENCH_ON_SPINDLE_DIR)/root.tar: $(ROOT_TAR) $(BENCH_LINUX)
	@rm -rf $(BENCH_ON_SPINDLE_DIR)/root && mkdir -p $(BENCH_ON_SPINDLE_DIR)/root
	@cp $(BUILD)/bench/linux/bench $(BENCH_ON_SPINDLE_DIR)/root/init
	@cp $(BUILD)/bench/linux/bench_nop $(BENCH_ON_SPINDLE_DIR)/root/bench_nop
	@cp $(ROOT_TAR) $@.new
	@tar --format=ustar --owner=0 --group=0 --mtime=@0 -rf $@.new -C $(BENCH_ON_SPINDLE_DIR)/root \
	    init bench_nop
	@mv $@.new $@
$(BENCH_ON_SPINDLE_DIR)/cmdline.txt:
	@mkdir -p $(dir $@)
	@printf '%s\n' 'qemu_exit -- /init' > $@
$(BENCH_ON_SPINDLE_IMG): $(LOADER) $(KERNEL) $(BENCH_ON_SPINDLE_DIR)/root.tar \
        $(BENCH_ON_SPINDLE_DIR)/cmdline.txt tools/mkimage.sh
	sh tools/mkimage.sh $@ $(LOADER) $(KERNEL) $(BENCH_ON_SPINDLE_DIR)/root.tar \
	    $(BENCH_ON_SPINDLE_DIR)/cmdline.txt

# Trace-hook variant (issue 8, "tracing off costs nothing measurable"): every kernel source
# compiled again with -DSPINDLE_NO_TRACE_HOOK, which removes syscall_dispatch's trace_enabled
# branch, into its own object dir so the normal kernel is neither rebuilt nor changed. Only
# this variant may define it. $(HOOK_IMG) and $(NOHOOK_IMG) differ only in the kernel and
# boot into `/bin/bench getpid_gauge`; tools/bench.sh boots them in pairs and prints the
# hook's cost (docs/performance.md, "Trace hook cost").
NOHOOK_DIR    := $(BUILD)/k-nohook
NOHOOK_KERNEL := $(BUILD)/bench/kernel-nohook.elf
HOOK_IMG      := $(BUILD)/bench/getpid-hook.img
NOHOOK_IMG    := $(BUILD)/bench/getpid-nohook.img
NOHOOK_CFLAGS  = $(KERNEL_CFLAGS) -DSPINDLE_NO_TRACE_HOOK
NOHOOK_OBJS   := $(patsubst %,$(NOHOOK_DIR)/%.o,$(basename $(KERNEL_C) $(KERNEL_S))) \
                 $(BUILD)/k/font.o $(BUILD)/k/gen/syscall_meta.o \
                 $(BUILD)/k/gen/linux_syscall_table.o

$(NOHOOK_DIR)/%.o: %.c $(BUILD)/kernel.flags | $(SYSCALL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(NOHOOK_CFLAGS) -c $< -o $@
$(NOHOOK_DIR)/%.o: %.S $(BUILD)/kernel.flags | $(SYSCALL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(NOHOOK_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# The same two-pass link as $(KERNEL), with its own symbol table.
$(NOHOOK_DIR)/stage1.elf: $(NOHOOK_OBJS) $(BUILD)/k/ksyms-empty.o kernel/kernel.ld
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(NOHOOK_OBJS) $(BUILD)/k/ksyms-empty.o
$(NOHOOK_DIR)/ksyms.S: $(NOHOOK_DIR)/stage1.elf tools/gen-ksyms.sh
	$(NM) -n $< | sh tools/gen-ksyms.sh > $@
$(NOHOOK_DIR)/ksyms.o: $(NOHOOK_DIR)/ksyms.S
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(NOHOOK_KERNEL): $(NOHOOK_OBJS) $(NOHOOK_DIR)/ksyms.o kernel/kernel.ld
	@mkdir -p $(dir $@)
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(NOHOOK_OBJS) $(NOHOOK_DIR)/ksyms.o
	@$(NM) -n $(NOHOOK_DIR)/stage1.elf | grep -v -e ksyms -e ' __data_end$$' -e ' __kernel_end$$' > $(NOHOOK_DIR)/syms1.txt
	@$(NM) -n $@ | grep -v -e ksyms -e ' __data_end$$' -e ' __kernel_end$$' > $(NOHOOK_DIR)/syms2.txt
	@cmp -s $(NOHOOK_DIR)/syms1.txt $(NOHOOK_DIR)/syms2.txt || \
	    { echo "error: symbols moved between link passes"; rm -f $@; exit 1; }
	@! $(NM) $(NOHOOK_DIR)/syscall/syscall.o | grep -q ' U trace_enabled$$' || \
	    { echo "error: $@ still has the trace hook"; rm -f $@; exit 1; }

$(BUILD)/bench/cmdline-getpid.txt: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' 'qemu_exit -- /bin/bench getpid_gauge' > $@.new
	@cmp -s $@.new $@ || mv $@.new $@
	@rm -f $@.new

$(HOOK_IMG): $(LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/bench/cmdline-getpid.txt tools/mkimage.sh
	sh tools/mkimage.sh $@ $(LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/bench/cmdline-getpid.txt
$(NOHOOK_IMG): $(LOADER) $(NOHOOK_KERNEL) $(ROOT_TAR) $(BUILD)/bench/cmdline-getpid.txt \
        tools/mkimage.sh
	sh tools/mkimage.sh $@ $(LOADER) $(NOHOOK_KERNEL) $(ROOT_TAR) $(BUILD)/bench/cmdline-getpid.txt

.PHONY: bench bench-build
bench-build: $(BENCH_IMG) $(HOOK_IMG) $(NOHOOK_IMG) $(BENCH_LINUX) $(BENCH_ON_SPINDLE_IMG)
bench: deps bench-build
	sh tools/bench.sh --build $(BUILD) --smp $(SMP) --mem $(MEM)

# ---------------------------------------------------------------- (shell) multi-file /bin/sh
# apps/sh/*.c is one program, /bin/sh: the parser, line editor and path code are files of
# their own so the host tests (test/host/test_sh_*.c) can include them one at a time.
SH_APP  := $(BUILD)/apps/sh
SH_OBJS := $(patsubst %.c,$(BUILD)/apps/fixed/%.o,$(wildcard apps/sh/*.c))
APPS    += $(SH_APP)
apps: $(SH_APP)
$(SH_APP): $(SH_OBJS) $(BUILD)/apps/fixed/apps/lib/crt0.o $(BUILD)/apps/libspindle-fixed.a \
        apps/lib/app.ld
	$(LD) $(APP_LDFLAGS_fixed) $(APP_LDFLAGS) -o $@ $(BUILD)/apps/fixed/apps/lib/crt0.o \
	    $(SH_OBJS) $(BUILD)/apps/libspindle-fixed.a

# ---------------------------------------------------------------- root archive and image
# The root tree is apps/files plus the built programs plus OVERLAY; rebuilt every time
# because its inputs are whole directories.
$(ROOT_TAR): $(APPS) FORCE
	@rm -rf $(BUILD)/root && mkdir -p $(BUILD)/root
	@cp -R apps/files/. $(BUILD)/root/
	@mkdir -p $(BUILD)/root/bin && cp $(APPS) $(BUILD)/root/bin/
	@# debug info stays in BUILD/apps (for gdb); the root file system gets programs a
	@# fifth the size, which exec reads in one piece
	@strip --strip-debug $(BUILD)/root/bin/*
	@if [ -n "$(OVERLAY)" ]; then cp -R "$(OVERLAY)"/. $(BUILD)/root/; fi
	@cd $(BUILD)/root && tar --format=ustar --owner=0 --group=0 --sort=name \
	    --mtime=@0 -cf ../root.tar.new . && cd - >/dev/null
	@cmp -s $(BUILD)/root.tar.new $@ || mv $(BUILD)/root.tar.new $@
	@rm -f $(BUILD)/root.tar.new

# Rewritten only when CMDLINE changes, so the image is not rebuilt for nothing.
$(BUILD)/cmdline.txt: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(CMDLINE)' > $@.new
	@cmp -s $@.new $@ || mv $@.new $@
	@rm -f $@.new

$(IMG): $(LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/cmdline.txt tools/mkimage.sh
	sh tools/mkimage.sh $@ $(LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/cmdline.txt

image: $(IMG)

# ---------------------------------------------------------------- (bootmedia) USB stick, Secure Boot, boot matrix
#   make usb [SIGN=1 [KEY=db.key CERT=db.pem]]  $(BUILD)/spindle-usb.img: 320 MiB GPT stick image
#                     (FAT32 ESP > 256 MiB, 4 KiB clusters); SIGN=1 signs BOOTX64.EFI with sbsign,
#                     with Debian's OVMF snakeoil key when KEY/CERT are not given
#   make flash DEV=/dev/sdX  writes the stick image after safety checks and a typed confirmation
#   make matrix [QUICK=1]    boots the image across machines, CPUs, SMP, RAM, USB, Secure Boot
#                     and U-Boot; prints a pass/fail table (logs in $(BUILD)/matrix)
# The loader always embeds the SHA-256 of the kernel and root archive it was built with
# (efi/verify.c checks them when Secure Boot is on), so a signed loader vouches for exactly
# those files. The generated file is replaced only when a digest changed, so an unchanged
# kernel does not relink the loader.
DIGESTS_C     := $(BUILD)/gen/loader_digests.c
DIGESTS_OBJ   := $(BUILD)/efi/gen/loader_digests.o
LOADER_OBJS   += $(DIGESTS_OBJ)
$(BUILD)/loader.so: $(DIGESTS_OBJ)

$(DIGESTS_C): $(KERNEL) $(ROOT_TAR) tools/gen-digests.sh
	@mkdir -p $(dir $@)
	@sh tools/gen-digests.sh $(KERNEL) $(ROOT_TAR) > $@.new
	@cmp -s $@.new $@ || mv $@.new $@
	@rm -f $@.new
$(DIGESTS_OBJ): $(DIGESTS_C)
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

SIGN ?= 0
KEY  ?=
CERT ?=
USB_IMG       := $(BUILD)/spindle-usb.img
SIGNED_LOADER := $(BUILD)/BOOTX64.signed.efi
USB_LOADER    := $(if $(filter 1,$(SIGN)),$(SIGNED_LOADER),$(LOADER))

# Rewritten only when SIGN/KEY/CERT change, so switching them rebuilds the stick image.
$(BUILD)/usb-sign.cfg: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' 'SIGN=$(SIGN) KEY=$(KEY) CERT=$(CERT)' > $@.new
	@cmp -s $@.new $@ || mv $@.new $@
	@rm -f $@.new

$(SIGNED_LOADER): $(LOADER) tools/sign.sh $(BUILD)/usb-sign.cfg $(KEY) $(CERT)
	sh tools/sign.sh $(LOADER) $@ $(KEY) $(CERT)

$(USB_IMG): $(USB_LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/cmdline.txt $(BUILD)/usb-sign.cfg \
        tools/mkusb.sh tools/mkimage.sh
	sh tools/mkusb.sh $@ $(USB_LOADER) $(KERNEL) $(ROOT_TAR) $(BUILD)/cmdline.txt

.PHONY: usb flash matrix
usb: $(USB_IMG)

flash: $(USB_IMG)
	sh tools/flash.sh $(USB_IMG) $(DEV)

matrix: deps $(IMG)
	-@$(MAKE) --no-print-directory BUILD=$(BUILD) fb-text >/dev/null 2>&1
	bash tools/matrix.sh --build $(BUILD) $(if $(filter 1,$(QUICK)),--quick)

# ---------------------------------------------------------------- (linux) Linux programs for test/linux.sh
# Each test/linux/NAME.c is built four ways with Debian's toolchains: NAME-musl (musl-gcc
# -static), NAME-musl-pie (static PIE: musl's rcrt1.o linked with ld -static -pie, because
# Debian's musl-gcc -static-pie makes a dynamically linked file), NAME-glibc (gcc -static)
# and NAME-glibc-pie (gcc -static-pie).
# test/linux.sh runs them on this host and, from one boot of $(LINUX_IMG), on Spindle, and
# compares the outputs. test/linux-hostile/hostile.c (Spindle only: junk to every call) is
# /linux/hostile. The image is the normal one with /linux (the programs and run-all.sh, the
# list the boot runs) appended to its root archive.
LINUX_DIR   := $(BUILD)/linux
LINUX_IMG   := $(LINUX_DIR)/spindle.img
LINUX_TESTS := $(sort $(basename $(notdir $(wildcard test/linux/*.c))))
LINUX_BINS  := $(foreach t,$(LINUX_TESTS),$(LINUX_DIR)/bin/$(t)-musl $(LINUX_DIR)/bin/$(t)-musl-pie \
                 $(LINUX_DIR)/bin/$(t)-glibc $(LINUX_DIR)/bin/$(t)-glibc-pie)
LINUX_CFLAGS := -std=gnu17 -O2 -Wall -Wextra -Werror
MUSL_LIB    := /usr/lib/x86_64-linux-musl
LIBGCC       = $(shell $(CC) -print-libgcc-file-name)
GCC_CRT      = $(dir $(LIBGCC))

$(LINUX_DIR)/bin/%-musl: test/linux/%.c
	@mkdir -p $(dir $@)
	musl-gcc $(LINUX_CFLAGS) -static $< -o $@ -lm -lpthread
$(LINUX_DIR)/obj/%-pie.o: test/linux/%.c
	@mkdir -p $(dir $@)
	musl-gcc $(LINUX_CFLAGS) -fPIE -c $< -o $@
$(LINUX_DIR)/bin/%-musl-pie: $(LINUX_DIR)/obj/%-pie.o
	$(LD) -static -pie --no-dynamic-linker -z text -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o \
	    $(GCC_CRT)crtbeginS.o $< -L$(MUSL_LIB) -lm -lpthread -lc $(LIBGCC) $(GCC_CRT)crtendS.o \
	    $(MUSL_LIB)/crtn.o
$(LINUX_DIR)/bin/%-glibc: test/linux/%.c
	@mkdir -p $(dir $@)
	$(CC) $(LINUX_CFLAGS) -static $< -o $@ -lm -lpthread
$(LINUX_DIR)/bin/%-glibc-pie: test/linux/%.c
	@mkdir -p $(dir $@)
	$(CC) $(LINUX_CFLAGS) -static-pie $< -o $@ -lm -lpthread

$(LINUX_DIR)/hostile: test/linux-hostile/hostile.c
	@mkdir -p $(dir $@)
	musl-gcc $(LINUX_CFLAGS) -static $< -o $@

# Debian's busybox-static (/bin/busybox, glibc static) runs the commands of
# test/linux/busybox.cmds (@IN@: test/linux/busybox-input.txt) as busybox-N, and the
# Spindle-only checks of test/linux/spindle-only.sh.
BUSYBOX := /bin/busybox
$(LINUX_DIR)/root.tar: $(ROOT_TAR) $(LINUX_BINS) $(LINUX_DIR)/hostile test/linux/busybox.cmds \
        test/linux/busybox-input.txt test/linux/spindle-only.sh
	@rm -rf $(LINUX_DIR)/root && mkdir -p $(LINUX_DIR)/root/linux
	@cp $(LINUX_BINS) $(LINUX_DIR)/hostile $(LINUX_DIR)/root/linux/
	@strip --strip-debug $(LINUX_DIR)/root/linux/*
	@cp $(BUSYBOX) test/linux/busybox-input.txt test/linux/spindle-only.sh $(LINUX_DIR)/root/linux/
	@for b in $(notdir $(LINUX_BINS)); do \
	    printf 'echo "=== %s"\n/linux/%s /tmp/lx-%s > /tmp/out-%s 2> /dev/null\necho "=== status $$?"\ncat /tmp/out-%s\n' \
	        $$b $$b $$b $$b $$b; done > $(LINUX_DIR)/root/linux/run-all.sh
	@n=0; sed 's|@IN@|/linux/busybox-input.txt|g' test/linux/busybox.cmds | while IFS= read -r c; do \
	    n=$$((n + 1)); printf 'echo "=== busybox-%s"\n/linux/busybox %s > /tmp/out-bb 2> /dev/null\necho "=== status $$?"\ncat /tmp/out-bb\n' \
	        $$n "$$c"; done >> $(LINUX_DIR)/root/linux/run-all.sh
	@cp $(ROOT_TAR) $@.new
	@tar --format=ustar --owner=0 --group=0 --mtime=@0 -rf $@.new -C $(LINUX_DIR)/root linux
	@mv $@.new $@

$(LINUX_IMG): $(LOADER) $(KERNEL) $(LINUX_DIR)/root.tar $(BUILD)/cmdline.txt tools/mkimage.sh
	sh tools/mkimage.sh $@ $(LOADER) $(KERNEL) $(LINUX_DIR)/root.tar $(BUILD)/cmdline.txt

.PRECIOUS: $(LINUX_DIR)/obj/%-pie.o
.PHONY: linux-test
linux-test: $(LINUX_IMG)

# ---------------------------------------------------------------- run, test, deps
deps:
	@sh tools/deps.sh

run: deps image
	sh tools/qemu.sh --image $(IMG) --smp $(SMP) --mem $(MEM) --interactive $(if $(PC),--pc $(PC)) \
	    -- -qmp unix:$(QMP_SOCK),server=on,wait=off

# ---------------------------------------------------------------- (shell) debug, screenshot
#   make debug [GDB_PORT=1234]  QEMU paused at its first instruction with a gdb stub; gdb
#                     attached to $(KERNEL) (symbols, sources), hardware breakpoint on
#                     kernel_main: type `c`. Serial console in $(BUILD)/debug-serial.log.
#   make screenshot [SHOT_WAIT=20]  $(BUILD)/screenshot.png of the running `make run` (through
#                     its QMP socket $(QMP_SOCK)); without one, boots the image headless
#                     and takes it after SHOT_WAIT seconds.
GDB_PORT  ?= 1234
SHOT_WAIT ?= 20
QMP_SOCK  := $(BUILD)/qmp.sock
SHOT      := $(BUILD)/screenshot.png
.PHONY: debug screenshot
debug: deps image
	sh tools/debug.sh --image $(IMG) --kernel $(KERNEL) --port $(GDB_PORT) --smp $(SMP) \
	    --mem $(MEM) --log $(BUILD)/debug-serial.log

screenshot:
	@sh tools/screenshot.sh --socket $(QMP_SOCK) --out $(SHOT) 2>/dev/null || \
	    { $(MAKE) --no-print-directory BUILD=$(BUILD) image && \
	      sh tools/screenshot.sh --image $(IMG) --out $(SHOT) --wait $(SHOT_WAIT) \
	          --smp $(SMP) --mem $(MEM); }

host-test:
	@$(MAKE) --no-print-directory -f test/host/host.mk BUILD=$(BUILD)

test: deps image linux-test
	@bash test/run.sh --build $(BUILD) --smp $(SMP) --mem $(MEM)

# The long fuzzer run: 10 million random calls with the leak check (-L). SEED=n to repeat one.
SEED ?= 1
soak: deps image
	@mkdir -p $(BUILD)/soak
	@cp --sparse=always $(IMG) $(BUILD)/soak/soak.img
	@printf '%s\n' 'qemu_exit -- /bin/fuzz -L -s $(SEED) -n 10000000 -p 4 -t 4' > $(BUILD)/soak/cmdline.txt
	@mcopy -o -i $(BUILD)/soak/soak.img@@1M $(BUILD)/soak/cmdline.txt ::/spindle/cmdline.txt
	@sh tools/qemu.sh --image $(BUILD)/soak/soak.img --smp $(SMP) --mem $(MEM) \
	    --log $(BUILD)/soak/serial.log --timeout 3000; status=$$?; \
	grep -a '^ok \|^FAIL \|^fuzz:' $(BUILD)/soak/serial.log; \
	if [ $$status = 33 ]; then echo "soak: passed"; else echo "soak: failed (QEMU $$status)"; exit 1; fi

# Host fuzzing of the parsers that face untrusted files (ELF, USTAR) with libFuzzer.
FUZZ_SECONDS ?= 60
fuzz-host:
	@sh tools/deps.sh fuzz
	@sh tools/fuzz-host.sh $(BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
