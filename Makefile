# SPDX-License-Identifier: GPL-2.0
#
# HyperTier: build, boot, test and measure the Linux 6.12 and QEMU 7.2
# patch series.  'make help' lists the targets.

SHELL := /bin/bash
, := ,
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
TOP := $(CURDIR)

# Pinned bases (Debian's archive).  Override on the command line when a
# version leaves the archive; ci/tree.sh says so when that happens.
LINUX_DEB_VERSION ?= 6.12.117-1~deb12u1
LINUX_TARBALL_SHA256 ?= 585a4a074597aefa2b1a68ada83a3184ba351c127544dea80618bbcceaa3961f
QEMU_DEB_VERSION ?= 1:7.2+dfsg-7+deb12u18
QEMU_ORIG_SHA256 ?= 91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f
export LINUX_DEB_VERSION LINUX_TARBALL_SHA256 QEMU_DEB_VERSION QEMU_ORIG_SHA256

OUT ?= $(TOP)/out
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(OUT)/ccache
export CCACHE_MAXSIZE ?= 5G
export CCACHE_BASEDIR ?= $(TOP)
export CCACHE_NOHASHDIR ?= true
# ccache's masquerade directory puts it in front of gcc for every build.
export PATH := /usr/lib/ccache:$(PATH)

KOUT := $(OUT)/linux-build
QOUT := $(OUT)/qemu-build
BZIMAGE := $(KOUT)/arch/x86/boot/bzImage
QEMU_BIN := $(QOUT)/qemu-system-x86_64
KFRAGS := $(addprefix configs/linux/,base.config guest.config host.config test.config)
KMAKE := $(MAKE) -C $(TOP)/linux O=$(KOUT) -j$(JOBS) KBUILD_BUILD_TIMESTAMP="2026-01-01 00:00:00 UTC" \
	KBUILD_BUILD_USER=hypertier KBUILD_BUILD_HOST=hypertier
TIMES := $(OUT)/times.log
timed = @start=$$(date +%s); if $(1); then rc=0; else rc=$$?; fi; end=$$(date +%s); \
	printf '%-24s %5ss\n' "$(2)" $$((end-start)) | tee -a $(TIMES); exit $$rc

DEPS_STAMP := $(OUT)/.deps-stamp
LINUX_STAMP := $(TOP)/linux/.git/HEAD
QEMU_STAMP := $(TOP)/qemu/.git/HEAD

.PHONY: help deps linux qemu export status check-patches check-bisect check-bisect-cached \
	kernel-debug test-debug \
	kernel qemu-build initramfs test-guest test-host check demo boot boot-host clean distclean \
	bench bench-tier bench-gate test-qtest kprof

help:
	@echo "HyperTier targets:"
	@echo "  make demo           boot the two-tier guest and show topology, tiers, memory"
	@echo "  make check          patch checks, builds, guest-mode and host-mode tests"
	@echo "  make deps           install build and test dependencies (apt)"
	@echo "  make linux|qemu     create/update the patched trees linux/ and qemu/"
	@echo "  make export         write linux/ and qemu/ commits back to patches/"
	@echo "  make status         list commits in linux/ and qemu/ not yet exported"
	@echo "  make check-patches  checkpatch every patch of both series"
	@echo "  make check-bisect   build the kernel after each patch of the series"
	@echo "                      (make check skips steps recorded in ci/bisect-verified)"
	@echo "  make kernel         build $(BZIMAGE)"
	@echo "  make qemu-build     build $(QEMU_BIN)"
	@echo "  make test-guest     run the guest-mode tests (two-tier guest)"
	@echo "  make test-host      run the host-mode tests (kernel as KVM host)"
	@echo "  make test-qtest     QEMU qtests of the tier model and the PEBS emulation"
	@echo "  make boot [CMDLINE=...] [QEMU_OPTS=...] [MODE=guest|host]  interactive boot"
	@echo "  make bench [VARIANT=a,b] [WORKLOAD=a,b] [BENCH_JOBS=n] [BENCH_ICOUNT=shift|]"
	@echo "                      the benchmark suite: every variant x workload, tables"
	@echo "                      and plot in out/bench/ (default: -icount shift=3, 2 jobs)"
	@echo "  make bench-gate     the short suite make check runs (GUPS, three variants)"
	@echo "  make kprof          TCG plugin profiling guest-kernel instructions per symbol"

# ---------------------------------------------------------------------------
# Dependencies

DEB_PKGS := build-essential bc bison flex libelf-dev libssl-dev dwarves ccache \
	cpio kmod rsync python3 ninja-build meson pkg-config libglib2.0-dev \
	libpixman-1-dev libfdt-dev zlib1g-dev libslirp-dev libnuma-dev seabios \
	ipxe-qemu qemu-system-data busybox-static dpkg-dev xz-utils git \
	libcap-ng-dev libattr1-dev libzstd-dev libsqlite3-dev perl python3-ply python3-git codespell
SRC_LIST := /etc/apt/sources.list.d/hypertier-src.sources
SUDO := $(shell [ $$(id -u) = 0 ] || echo sudo)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@mkdir -p $(OUT)
	@if [ -z "$$(apt-cache showsrc qemu 2>/dev/null | head -1)" ]; then \
		echo "deps: no deb-src entry found; adding $(SRC_LIST) (bookworm, main)"; \
		printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			| $(SUDO) tee $(SRC_LIST) >/dev/null; \
		$(SUDO) apt-get update -q; \
	fi
	@missing=$$(dpkg-query -W -f='$${Package} $${db:Status-Abbrev}\n' $(DEB_PKGS) 2>/dev/null \
		| awk '$$2 != "ii" {print $$1}'; for p in $(DEB_PKGS); do \
		dpkg-query -W $$p >/dev/null 2>&1 || echo $$p; done | sort -u); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		$(SUDO) apt-get update -q >/dev/null; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@touch $@

# ---------------------------------------------------------------------------
# Trees and the patch workflow

linux: $(DEPS_STAMP)
	@ci/tree.sh prepare linux
qemu: $(DEPS_STAMP)
	@ci/tree.sh prepare qemu

$(LINUX_STAMP): | $(DEPS_STAMP)
	@ci/tree.sh prepare linux
$(QEMU_STAMP): | $(DEPS_STAMP)
	@ci/tree.sh prepare qemu

export:
	@for t in linux qemu; do [ ! -d $$t/.git ] || ci/tree.sh export $$t; done

status:
	@for t in linux qemu; do ci/tree.sh status $$t; done

check-patches: linux qemu
	@ci/check-patches.sh

check-bisect: linux
	$(call timed,ci/check-bisect.sh,check-bisect)

# The same, skipping steps already built warning-free (ci/bisect-verified).
check-bisect-cached: linux
	$(call timed,BISECT_CACHE=1 ci/check-bisect.sh,check-bisect (cached))

# ---------------------------------------------------------------------------
# Builds

$(KOUT)/.config: $(KFRAGS) $(LINUX_STAMP) ci/kconfig.sh
	@ci/kconfig.sh $(KOUT) $(KFRAGS)

kernel: linux $(KOUT)/.config
	$(call timed,$(KMAKE) bzImage,kernel build)
	@ls -l $(BZIMAGE)

# The same kernel with KASAN, lockdep and DEBUG_VM (configs/linux/debug.config).
DKOUT := $(OUT)/linux-debug
$(DKOUT)/.config: $(KFRAGS) configs/linux/debug.config $(LINUX_STAMP) ci/kconfig.sh
	@ci/kconfig.sh $(DKOUT) $(KFRAGS) configs/linux/debug.config

kernel-debug: linux $(DKOUT)/.config
	$(call timed,$(subst O=$(KOUT),O=$(DKOUT),$(KMAKE)) bzImage,debug kernel build)
	@ls -l $(DKOUT)/arch/x86/boot/bzImage

$(QOUT)/build.ninja: configs/qemu/configure.opts $(QEMU_STAMP)
	@mkdir -p $(QOUT)
	@cd $(QOUT) && $(TOP)/qemu/configure --cc=gcc --cxx=g++ \
		$$(grep -v '^#' $(TOP)/configs/qemu/configure.opts) > configure.log 2>&1 || \
		{ tail -30 configure.log; echo "qemu configure failed, see $(QOUT)/configure.log"; exit 1; }

qemu-build: qemu $(QOUT)/build.ninja
	$(call timed,ninja -C $(QOUT) -j$(JOBS) qemu-system-x86_64,qemu build)

# ---------------------------------------------------------------------------
# Harness

initramfs: kernel
	$(call timed,selftests/mkinitramfs.sh $(OUT) guest && selftests/mkinitramfs.sh $(OUT) host,initramfs)

HARNESS := python3 selftests/harness.py --out $(OUT) --kernel $(BZIMAGE) --qemu $(QEMU_BIN)

test-guest: kernel qemu-build initramfs
	$(call timed,$(HARNESS) test guest,test-guest)

test-host: kernel qemu-build initramfs
	$(call timed,$(HARNESS) test host,test-host)

# The tests that move data, on the debug kernel (slow; not part of check).
DEBUG_TESTS ?= folio_exchange,hyperplace
test-debug: kernel-debug qemu-build initramfs
	$(call timed,$(HARNESS:$(BZIMAGE)=$(DKOUT)/arch/x86/boot/bzImage) test guest --only $(DEBUG_TESTS),test-debug)

# QEMU's qtests for the series' TCG tier model and x86 PEBS emulation.
QTESTS := tier-model-test x86-pebs-test
test-qtest: qemu-build
	$(call timed,ci/qtest.sh $(QOUT) $(OUT) $(QTESTS),test-qtest)

check: check-patches check-bisect-cached
	@$(MAKE) --no-print-directory kernel qemu-build initramfs
	@$(MAKE) --no-print-directory test-guest test-host test-qtest bench-gate

# A TCG plugin that profiles the guest kernel's instructions per symbol
# (selftests/tools/kprof/: kprof.c, kprof.py).
kprof: $(OUT)/kprof.so
$(OUT)/kprof.so: selftests/tools/kprof/kprof.c | linux qemu
	$(CC) -O2 -Wall -shared -fPIC -o $@ $< -I qemu/include/qemu \
		$$(pkg-config --cflags glib-2.0)

demo: kernel qemu-build initramfs
	@$(HARNESS) demo

# The benchmark suite: placement quality and cost of each tiering variant
# (selftests/bench/variants.list) on each workload (workloads.list), side by
# side under the TCG tier model; tables, JSON and a plot in $(OUT)/bench/.
# By default under deterministic virtual time (-icount shift=3: one guest
# instruction is 8 ns): CPU times are instruction counts, the host's load
# does not change the results, and runs can share the host (BENCH_JOBS);
# BENCH_ICOUNT= (empty) runs against TCG's wall clock instead.
BENCH := python3 selftests/bench/bench_tier.py --out $(OUT) --kernel $(BZIMAGE) --qemu $(QEMU_BIN)
BENCH_ICOUNT ?= 3
BENCH_JOBS ?= $(if $(BENCH_ICOUNT),2,1)
bench: kernel qemu-build initramfs
	$(call timed,$(BENCH) --jobs $(BENCH_JOBS) $(if $(BENCH_ICOUNT),--icount $(BENCH_ICOUNT) --timeout 3600) \
		$(if $(VARIANT),--variant $(VARIANT)) $(if $(WORKLOAD),--workload $(WORKLOAD)),bench)

bench-tier: bench

# make check's gate: one GUPS run each without management, with NUMA-balancing
# tiering and with HyperPlace (defaults); fails when HyperPlace's FMEM share
# is below 0.85 or more than 0.005 below NUMA balancing's (at the oracle's
# level the free-memory watermarks decide that last 0.005, not placement:
# see GATE_MARGIN in selftests/bench/bench_tier.py).
bench-gate: kernel qemu-build initramfs
	$(call timed,$(BENCH) --gate --name gate --variant none$(,)numa-balancing$(,)hyperplace \
		--workload gups,bench-gate)

MODE ?= guest
boot: kernel qemu-build initramfs
	@$(HARNESS) boot $(MODE) --cmdline "$(CMDLINE)" --qemu-opts "$(QEMU_OPTS)"

clean:
	rm -rf $(KOUT) $(QOUT) $(OUT)/initramfs-* $(OUT)/logs

distclean:
	@ci/tree.sh status linux; ci/tree.sh status qemu
	@echo "distclean removes linux/, qemu/ and out/; run 'make export' first."
	rm -rf $(OUT) linux qemu
