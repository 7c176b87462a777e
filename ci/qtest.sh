#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and run the QEMU qtests of what the QEMU series adds (TCG tier
# model, x86 PEBS emulation), with the system's firmware: the build
# installs no blobs, so QEMU runs through a wrapper that adds -L paths.
#   ci/qtest.sh <qemu build dir> <out dir> <test>...
set -euo pipefail
QOUT=$(cd "$1" && pwd) OUT=$(cd "$2" && pwd)
shift 2
targets=()
for t in "$@"; do targets+=("tests/qtest/$t"); done
ninja -C "$QOUT" "${targets[@]}" > /dev/null
# The name must end in -system-x86_64: libqtest takes the target from it.
WRAP=$OUT/qtest-bin/qemu-system-x86_64
mkdir -p "$OUT/qtest-bin" "$OUT/logs"
cat > "$WRAP" <<EOW
#!/bin/sh
exec $QOUT/qemu-system-x86_64 -L /usr/share/seabios -L /usr/share/qemu -L /usr/lib/ipxe/qemu "\$@"
EOW
chmod +x "$WRAP"
fail=0
for t in "$@"; do
	log=$OUT/logs/qtest-$t.log
	rc=0
	QTEST_QEMU_BINARY=$WRAP timeout 300 "$QOUT/tests/qtest/$t" --tap -k > "$log" 2>&1 || rc=$?
	pass=$(grep -c '^ok ' "$log" || true)
	bad=$(grep -c '^not ok ' "$log" || true)
	echo "qtest: $t: $pass passed, $bad failed (exit $rc, log $log)"
	if [ "$rc" != 0 ] || [ "$bad" != 0 ] || [ "$pass" = 0 ]; then
		fail=1
	fi
done
exit $fail
