#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the static test binaries and pack a busybox initramfs for one mode.
#   selftests/mkinitramfs.sh <out dir> guest|host
#
# The image holds busybox, /init, the binaries the mode's test list needs
# (lists/<mode>.list) and that list.  A list entry whose binary is missing
# stops the build with the entry's name: a test never goes missing silently.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mkdir -p "$1" && cd "$1" && pwd) MODE=$2
KSRC=$TOP/linux
KOUT=$OUT/linux-build
SELF=$KSRC/tools/testing/selftests
BIN=$OUT/tests
LIST=$TOP/selftests/lists/$MODE.list
JOBS=${JOBS:-$(nproc)}
CC=${CC:-gcc}

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
[ -f "$LIST" ] || die "no test list $LIST"
[ -x /bin/busybox ] || die "/bin/busybox missing: run 'make deps' (busybox-static)"
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	die "/bin/busybox is not static: install busybox-static"

mkdir -p "$BIN"
# UAPI headers of the patched kernel, for every test below.
make -s -C "$KSRC" O="$KOUT" headers_install INSTALL_HDR_PATH="$KOUT/usr" >/dev/null
HDR=$KOUT/usr/include
CFLAGS="-O2 -g0 -Wall -static -isystem $HDR"

build_c() { # <output> <sources...> -- extra flags
	local out=$1; shift
	local newest=0 f srcs=() flags=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$1"); shift; done
	[ $# -gt 0 ] && shift && flags=("$@")
	if [ -x "$out" ]; then
		for f in "${srcs[@]}" "$TOP"/selftests/lib/*.h; do
			[ "$f" -nt "$out" ] && newest=1
		done
		[ $newest = 0 ] && return 0
	fi
	$CC $CFLAGS -o "$out" "${srcs[@]}" "${flags[@]}"
}

# perf from the kernel tree, static, with a minimal feature set (no libelf,
# libtraceevent, BPF, DWARF, ...): perf record/script of the PEBS memory
# events in the guest.  Rebuilt when one of its sources in tools/ is newer.
PERF_OUT=$OUT/perf-build
PERF_OPTS="LDFLAGS=-static WERROR=0 NO_LIBELF=1 NO_LIBTRACEEVENT=1 NO_JEVENTS=1
	NO_LIBPYTHON=1 NO_LIBPERL=1 NO_SLANG=1 NO_GTK2=1 NO_LIBUNWIND=1
	NO_LIBDW_DWARF_UNWIND=1 NO_LIBBPF=1 NO_BPF_SKEL=1 NO_LIBCRYPTO=1 NO_LIBNUMA=1
	NO_DEMANGLE=1 NO_LIBCAP=1 NO_LIBZSTD=1 NO_LZMA=1 NO_AUXTRACE=1
	NO_LIBBABELTRACE=1 NO_LIBDEBUGINFOD=1 NO_SDT=1 NO_CAPSTONE=1 NO_LIBLLVM=1
	NO_LIBPFM4=1 NO_SHELLCHECK=1"
build_perf() {
	local log=$OUT/logs/perf-build.log
	if [ -x "$PERF_OUT/perf" ] &&
	   [ -z "$(cd "$KSRC/tools" && find perf lib include arch build scripts \
		-newer "$PERF_OUT/perf" -type f -print -quit)" ]; then
		cp "$PERF_OUT/perf" "$BIN/guest/perf"
		return 0
	fi
	mkdir -p "$PERF_OUT" "$OUT/logs"
	# shellcheck disable=SC2086
	make -C "$KSRC/tools/perf" O="$PERF_OUT" $PERF_OPTS -j"$JOBS" perf > "$log" 2>&1 ||
		die "static perf build failed, see $log"
	cp "$PERF_OUT/perf" "$BIN/guest/perf"
}

# --- guest-mode binaries -----------------------------------------------------
build_guest() {
	mkdir -p "$BIN/guest"
	build_perf
	build_c "$BIN/guest/mm_migration" "$SELF/mm/migration.c" "$SELF/mm/vm_util.c" \
		"$SELF/mm/thp_settings.c" -- -I"$SELF" -I"$SELF/mm" -lnuma -lpthread -lrt -lm
	build_c "$BIN/guest/folio_exchange" "$SELF/mm/folio_exchange.c" -- \
		-I"$SELF" -I"$SELF/mm" -lnuma -lpthread
	build_c "$BIN/guest/hyperplace" "$SELF/mm/hyperplace.c" -- -I"$SELF" -I"$SELF/mm" -lpthread
	build_c "$BIN/guest/khugepaged" "$SELF/mm/khugepaged.c" "$SELF/mm/vm_util.c" \
		"$SELF/mm/thp_settings.c" -- -I"$SELF" -I"$SELF/mm" -include kselftest.h -lpthread
	local t
	# A workload needing more libraries names them in a " * ldlibs: " line.
	for t in "$TOP"/selftests/tests/*.c; do
		# shellcheck disable=SC2046 # one word per library
		build_c "$BIN/guest/$(basename "$t" .c)" "$t" -- -I"$SELF" \
			$(sed -n 's/^ \* ldlibs: //p' "$t") -lnuma -lpthread -lm
	done
}

# --- host-mode binaries --------------------------------------------------------
KVM_TESTS="kvm_binary_stats_test x86_64/sync_regs_test x86_64/userspace_io_test
	x86_64/tier_stats_test"
build_host() {
	mkdir -p "$BIN/host/kvm"
	local targets=() t
	for t in $KVM_TESTS; do targets+=("$BIN/host/kvm/$t"); done
	make -s -C "$SELF/kvm" -j"$JOBS" OUTPUT="$BIN/host/kvm" \
		KHDR_INCLUDES="-isystem $HDR" CC="$CC -static" "${targets[@]}" >/dev/null
}

build_$MODE
# ht-host: guest shells (demos) ask the harness for QMP commands with it.
build_c "$BIN/ht-host" "$TOP/selftests/tools/ht-host.c"

# --- the image -----------------------------------------------------------------
ROOT=$OUT/initramfs-$MODE.d
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,etc/ht,proc,sys,dev,tmp,root,run,mnt,tests}
cp /bin/busybox "$ROOT/bin/busybox"
cp "$BIN/ht-host" "$ROOT/bin/ht-host"
cp "$TOP/selftests/init" "$ROOT/init"
chmod 755 "$ROOT/init"
for t in "$TOP"/selftests/tests/*.sh; do
	[ -e "$t" ] && install -m 755 "$t" "$ROOT/tests/"
done
cp -a "$BIN/$MODE/." "$ROOT/tests/"
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' -e '^@' "$LIST" > "$ROOT/etc/ht/tests.list"
# Every entry's program must be in the image.
while read -r name timeout prog args; do
	[ -e "$ROOT/tests/$prog" ] ||
		die "test '$name' of lists/$MODE.list needs tests/$prog, which is not in the initramfs"
done < "$ROOT/etc/ht/tests.list"
[ -d "$TOP/selftests/demo" ] && cp -a "$TOP/selftests/demo" "$ROOT/demo"
# Written aside and renamed, so that a guest booting meanwhile (a benchmark
# run) reads the old image or the new one, never half of one.
(cd "$ROOT" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) \
	> "$OUT/initramfs-$MODE.cpio.gz.tmp"
mv -f "$OUT/initramfs-$MODE.cpio.gz.tmp" "$OUT/initramfs-$MODE.cpio.gz"
echo "mkinitramfs: $OUT/initramfs-$MODE.cpio.gz ($(du -h "$OUT/initramfs-$MODE.cpio.gz" | cut -f1), $(wc -l < "$ROOT/etc/ht/tests.list") tests)"
