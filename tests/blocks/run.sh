#!/bin/sh
# Block-cache invariants (tests/blocks/*.S): each program reports a result
# as its semihosting exit status. It must be the status named in the
# program's header comment and the same on armvirt and qemu-system-aarch64.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"

for name in patch:190 remap:10; do
    test=${name%%:*} want=${name#*:}
    elf=$BUILD/tests/blocks/$test.elf
    [ -f "$elf" ] || { echo "FAIL blocks/$test: $elf not built"; continue; }
    timeout 30 $QEMU $OPTS -kernel "$elf" </dev/null >/dev/null 2>&1
    q=$?
    timeout 30 $ARMVIRT $OPTS -kernel "$elf" </dev/null >/dev/null 2>&1
    a=$?
    if [ "$q" != "$want" ]; then
        echo "FAIL blocks/$test: qemu exited $q, the test expects $want"
    elif [ "$a" != "$want" ]; then
        echo "FAIL blocks/$test: armvirt exited $a, qemu and the test say $want"
    else
        echo "PASS blocks/$test"
    fi
done
exit 0
