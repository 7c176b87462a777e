#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# perf record -e mem-loads / -e mem-stores (perf from the kernel tree,
# static) on memloop, under QEMU's PEBS emulation with the tier model:
# >= 99% of the sample data addresses inside memloop's buffer, and a sample
# count within 10% of its accesses / period.  User space only (":u"), so
# that the kernel's own loads do not count, at the highest precise level
# (":P", PEBS); the sysfs aliases give event 0x01cd with ldlat=3 (every
# load of the emulation qualifies, hits take 4 cycles) and event 0x82d0.
PERF=/tests/perf PERIOD=1000 MIB=16 PASSES=4
echo "TAP version 13"
if ! [ -e /sys/bus/event_source/devices/cpu/events/mem-loads ]; then
	echo "1..0 # SKIP no mem-loads event (needs -cpu ...,pmu=on,x-pebs=on)"
	exit 0
fi
echo "1..4"
t=0
tap() { # ok description
	t=$((t + 1))
	if [ "$1" = 1 ]; then echo "ok $t $2"; else echo "not ok $t $2"; fi
}
check() { # load|store event
	kind=$1 ev=$2
	data=/tmp/perf-$kind.data
	out=$($PERF record -q -e "$ev" -c $PERIOD -d -o $data \
		/tests/memloop $kind $MIB $PASSES 2>&1)
	echo "$out" | sed 's/^/# /'
	set -- $(echo "$out" | grep '^memloop')
	start=$(($4)) end=$(($5)) acc=$7
	n=0 in=0
	for a in $($PERF script -i $data -F addr 2>/dev/null); do
		case "$a" in 0x*) ;; *) a=0x$a ;; esac
		a=$((a))
		n=$((n + 1))
		[ $a -ge $start ] && [ $a -lt $end ] && in=$((in + 1))
	done
	exp=$((acc / PERIOD))
	echo "# $ev: $n samples, $in in the buffer; expected $exp ($acc accesses / $PERIOD)"
	tap "$([ $n -gt 0 ] && [ $((in * 100)) -ge $((n * 99)) ] && echo 1)" \
		"perf record -e $ev: >= 99% of sample addresses in the buffer ($in of $n)"
	tap "$([ $((n * 10)) -ge $((exp * 9)) ] && [ $((n * 10)) -le $((exp * 11)) ] && echo 1)" \
		"perf record -e $ev: $n samples, within 10% of $exp"
}
check load mem-loads:uP
check store mem-stores:uP
