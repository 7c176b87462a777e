#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Manage the generated working trees linux/ and qemu/.
#
#   ci/tree.sh prepare linux|qemu   create or update the tree: base + series
#   ci/tree.sh export  linux|qemu   write base..HEAD back to patches/<tree>/
#   ci/tree.sh status  linux|qemu   list commits that are not exported
#
# The tree is a git repository whose first commit (tag "base") is the
# unpacked Debian source; every patch of patches/<tree>/series is one commit
# on top of it.  Preparing is idempotent and never throws away a commit that
# is not in patches/: it refuses and says why instead.

set -euo pipefail

die() { echo "tree.sh: error: $*" >&2; exit 1; }
note() { echo "tree.sh: $*" >&2; }

TOP=$(cd "$(dirname "$0")/.." && pwd)
DL=${DL:-$TOP/out/dl}
cmd=${1:-}
tree=${2:-}

LINUX_DEB_VERSION=${LINUX_DEB_VERSION:-6.12.117-1~deb12u1}
LINUX_TARBALL_SHA256=${LINUX_TARBALL_SHA256:-585a4a074597aefa2b1a68ada83a3184ba351c127544dea80618bbcceaa3961f}
QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:7.2+dfsg-7+deb12u18}
QEMU_ORIG_SHA256=${QEMU_ORIG_SHA256:-91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f}

case "$tree" in
linux|qemu) ;;
*) die "usage: tree.sh prepare|export|status linux|qemu" ;;
esac

DIR=$TOP/$tree
PDIR=$TOP/patches/$tree
SERIES=$PDIR/series

gitt() { git -C "$DIR" "$@"; }

series_files() {
	[ -f "$SERIES" ] || return 0
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$SERIES" || true
}

# --- fetching the bases ---------------------------------------------------

fetch_linux() {
	local deb tarball=$DL/linux-source-6.12.tar.xz
	mkdir -p "$DL"
	if [ -f "$tarball" ] &&
	   echo "$LINUX_TARBALL_SHA256  $tarball" | sha256sum -c --status; then
		echo "$tarball"; return
	fi
	( cd "$DL" && rm -f linux-source-6.12_*.deb &&
	  apt-get download "linux-source-6.12=$LINUX_DEB_VERSION" >&2 ) ||
		die "linux-source-6.12=$LINUX_DEB_VERSION is not in the archive any more.
  Pick another 6.12.y with: apt-cache madison linux-source-6.12
  and run: make LINUX_DEB_VERSION=<version> LINUX_TARBALL_SHA256=<sha256 of usr/src/linux-source-6.12.tar.xz> ..."
	deb=$(ls "$DL"/linux-source-6.12_*.deb)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-6.12.tar.xz > "$tarball.tmp"
	if ! echo "$LINUX_TARBALL_SHA256  $tarball.tmp" | sha256sum -c --status; then
		die "sha256 of linux-source-6.12.tar.xz from $LINUX_DEB_VERSION is
  $(sha256sum "$tarball.tmp" | cut -d' ' -f1), expected $LINUX_TARBALL_SHA256.
  If you picked another version on purpose, set LINUX_TARBALL_SHA256 to it."
	fi
	mv "$tarball.tmp" "$tarball"
	echo "$tarball"
}

fetch_qemu() {
	local up=${QEMU_DEB_VERSION#*:}
	up=${up%-*}
	local orig=$DL/qemu_$up.orig.tar.xz dsc=$DL/qemu_${QEMU_DEB_VERSION#*:}.dsc
	mkdir -p "$DL"
	if ! [ -f "$dsc" ]; then
		if ! apt-cache showsrc qemu >/dev/null 2>&1 ||
		   [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
			die "apt has no deb-src entry, so 'apt-get source qemu' cannot work.
  Run 'make deps' (it adds /etc/apt/sources.list.d/hypertier-src.sources
  and runs apt-get update), or add a deb-src line for bookworm yourself."
		fi
		( cd "$DL" && apt-get source --download-only "qemu=$QEMU_DEB_VERSION" >&2 ) ||
			die "qemu=$QEMU_DEB_VERSION is not in the archive any more.
  Pick another with: apt-cache showsrc qemu | grep ^Version
  and run: make QEMU_DEB_VERSION=<version> QEMU_ORIG_SHA256=<sha256> ..."
	fi
	echo "$QEMU_ORIG_SHA256  $orig" | sha256sum -c --status ||
		die "sha256 of $(basename "$orig") is $(sha256sum "$orig" | cut -d' ' -f1),
  expected $QEMU_ORIG_SHA256 (set QEMU_ORIG_SHA256 to override)."
	echo "$dsc"
}

# --- creating the tree ------------------------------------------------------

create_tree() {
	local src tmp=$DIR.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	case "$tree" in
	linux)
		src=$(fetch_linux)
		note "unpacking $(basename "$src") ($LINUX_DEB_VERSION)"
		tar -xf "$src" -C "$tmp" --strip-components=1
		;;
	qemu)
		src=$(fetch_qemu)
		note "unpacking $(basename "$src") with Debian's patches"
		rmdir "$tmp"
		# dpkg-source applies debian/patches (security fixes
		# included); the packaging itself is not part of the tree.
		( cd "$DL" && dpkg-source -q -x "$src" "$tmp" >&2 ) ||
			die "dpkg-source -x $src failed"
		rm -rf "$tmp/.pc" "$tmp/debian"
		# dpkg-source links the orig tarball beside the target.
		rm -f "$TOP"/qemu_*.orig.tar.*
		;;
	esac
	note "committing the base (this takes a minute for linux)"
	git -C "$tmp" init -q -b master
	git -C "$tmp" config core.autocrlf false
	git -C "$tmp" config gc.auto 0
	# Ignore nothing from the base: every file of the package is tracked.
	git -C "$tmp" add -A -f .
	# A fixed identity and date for the base only; patches keep their own.
	GIT_AUTHOR_NAME="HyperTier base" GIT_AUTHOR_EMAIL="base@hypertier.invalid" \
	GIT_COMMITTER_NAME="HyperTier base" GIT_COMMITTER_EMAIL="base@hypertier.invalid" \
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$tmp" commit -q -m "base: $tree from Debian $( [ $tree = linux ] && echo "linux-source-6.12 $LINUX_DEB_VERSION" || echo "qemu $QEMU_DEB_VERSION")"
	git -C "$tmp" tag base
	mv "$tmp" "$DIR"
}

apply_series() {
	local p
	for p in $(series_files); do
		[ -f "$PDIR/$p" ] || die "patches/$tree/series names $p, which does not exist"
		# The committer of applied patches does not matter (export
		# keeps the author); a fresh machine may have no identity.
		if ! git -C "$DIR" -c user.name="HyperTier build" \
			-c user.email=build@hypertier.invalid \
			am -q --keep-cr "$PDIR/$p" >/dev/null 2>&1; then
			local why
			why=$(gitt am --show-current-patch=diff >/dev/null 2>&1 &&
			      gitt apply --check "$PDIR/$p" 2>&1 | head -5 || true)
			gitt am --abort >/dev/null 2>&1 || true
			die "patch patches/$tree/$p does not apply on $tree/:
$why"
		fi
	done
	# Remember what the tool itself applied: those commits come from a
	# committed series and may be dropped when the series changes.
	gitt update-ref refs/hypertier/applied HEAD
}

# Patch ids of the exported series and of base..HEAD, one per line.
series_ids() {
	local p
	for p in $(series_files); do
		git patch-id --stable < "$PDIR/$p" | cut -d' ' -f1
	done
}

head_ids() {
	local c
	for c in $(gitt rev-list --reverse base..HEAD); do
		gitt show --format= "$c" | git patch-id --stable | cut -d' ' -f1
	done
}

prepare() {
	if ! [ -e "$DIR" ]; then
		create_tree
		apply_series
		note "$tree/ ready: base + $(series_files | wc -l) patches"
		return
	fi
	gitt rev-parse -q --verify base >/dev/null 2>&1 ||
		die "$tree/ exists but is not a tree made by this tool (no tag 'base').
  Move it away and run make $tree again."
	local want have dirty
	dirty=$(gitt status --porcelain --untracked-files=no)
	want=$(series_ids)
	have=$(head_ids)
	if [ "$want" = "$have" ]; then
		note "$tree/ is up to date with patches/$tree/series${dirty:+ (with uncommitted changes)}"
		return
	fi
	# HEAD = the series + local commits: nothing to do but say so.
	if [ -z "$want" ] || [ "$(head -n "$(echo "$want" | wc -l)" <<<"$have")" = "$want" ]; then
		note "$tree/ has the series plus $(( $(echo "$have" | wc -l) - $(echo "$want" | grep -c .) )) unexported commit(s); 'make export' keeps them"
		return
	fi
	[ -z "$dirty" ] ||
		die "$tree/ must be re-applied from patches/$tree/series but has uncommitted changes;
  commit (and make export) or stash them first"
	# Every commit on HEAD must be in the series (or have been applied
	# from an earlier version of it), or we would lose it.
	local id lost="" applied=""
	if gitt rev-parse -q --verify refs/hypertier/applied >/dev/null; then
		for c in $(gitt rev-list base..refs/hypertier/applied); do
			gitt merge-base --is-ancestor "$c" HEAD &&
				applied="$applied
$(gitt show --format= "$c" | git patch-id --stable | cut -d' ' -f1)"
		done
	fi
	for id in $have; do
		grep -qx "$id" <<<"$want$applied" || lost="$lost $id"
	done
	if [ -n "$lost" ]; then
		echo "tree.sh: error: $tree/ differs from patches/$tree/series and has commits that are not in it:" >&2
		for c in $(gitt rev-list --reverse base..HEAD); do
			id=$(gitt show --format= "$c" | git patch-id --stable | cut -d' ' -f1)
			case " $lost " in *" $id "*) gitt log -1 --format='  %h %s' "$c" >&2;; esac
		done
		echo "  Run 'make export' to keep them, or reset $tree/ yourself to drop them." >&2
		exit 1
	fi
	note "$tree/: re-applying patches/$tree/series on base"
	gitt checkout -q -B master base
	apply_series
}

export_tree() {
	[ -d "$DIR/.git" ] || die "$tree/ does not exist; run make $tree first"
	[ -z "$(gitt status --porcelain --untracked-files=no)" ] ||
		note "warning: $tree/ has uncommitted changes; they are not exported"
	local tmp
	tmp=$(mktemp -d)
	gitt format-patch -q --zero-commit --no-signature -N --no-stat -O"$TOP/ci/diff-order" \
		--subject-prefix=PATCH -o "$tmp" base..HEAD >/dev/null
	mkdir -p "$PDIR"
	# Drop the old files, keep unchanged ones byte for byte.
	local f
	for f in "$PDIR"/*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/$(basename "$f")" ] || rm -f "$f"
	done
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$PDIR/$(basename "$f")" || cp "$f" "$PDIR/"
	done
	{
		echo "# HyperTier $tree series, in order. Generated by 'make export'."
		(cd "$tmp" && ls -1 | grep '\.patch$' || true)
	} > "$SERIES.tmp"
	mv "$SERIES.tmp" "$SERIES"
	rm -rf "$tmp"
	note "exported $(series_files | wc -l) patches to patches/$tree/"
}

status_tree() {
	[ -d "$DIR/.git" ] || { echo "$tree/: not created"; return; }
	local want
	want=$(series_ids)
	for c in $(gitt rev-list --reverse base..HEAD); do
		id=$(gitt show --format= "$c" | git patch-id --stable | cut -d' ' -f1)
		grep -qx "$id" <<<"$want" || gitt log -1 --format="  not exported: %h %s" "$c"
	done
}

case "$cmd" in
prepare) prepare ;;
export) export_tree ;;
status) status_tree ;;
*) die "usage: tree.sh prepare|export|status linux|qemu" ;;
esac
