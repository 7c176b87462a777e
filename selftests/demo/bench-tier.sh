#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tier-model benchmark, guest side (driven by selftests/bench/bench_tier.py):
# run the variant's setup commands (ht.bench.setup=, base64), then the
# workload (ht.bench.run=, a program in /tests with ',' for spaces).
setup= run=
for a in $(cat /proc/cmdline); do
	case "$a" in
	ht.bench.setup=*) setup=${a#ht.bench.setup=} ;;
	ht.bench.run=*) run=$(echo "${a#ht.bench.run=}" | tr , ' ') ;;
	esac
done
if [ -n "$setup" ]; then
	echo "$setup" | base64 -d > /tmp/bench-setup.sh
	echo "# variant setup:"
	sed 's/^/#   /' /tmp/bench-setup.sh
	sh -e /tmp/bench-setup.sh || echo "BENCH error=setup-failed"
fi
echo "# run: $run"
cd /tests && ./$run
echo "BENCH phase=done rc=$?"
