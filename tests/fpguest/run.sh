#!/bin/sh
# FP and SIMD code compiled by aarch64-linux-gnu-gcc (tests/fpguest/*.c):
# each program prints checksums of its results; armvirt's output and exit
# status must be exactly qemu-system-aarch64's for the same ELF and options.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for src in "$here"/*.c; do
    name=$(basename "$src" .c)
    elf=$BUILD/tests/fpguest/$name.elf
    [ -f "$elf" ] || { echo "FAIL fpguest/$name: $elf not built"; continue; }
    timeout 60 $QEMU $OPTS -kernel "$elf" </dev/null >"$tmp/q" 2>&1
    q=$?
    timeout 60 $ARMVIRT $OPTS -kernel "$elf" </dev/null >"$tmp/a" 2>&1
    a=$?
    if [ "$q" -ne 0 ] || ! grep -q "^$name" "$tmp/q"; then
        echo "FAIL fpguest/$name: qemu exited $q: $(head -c 200 "$tmp/q")"
    elif [ "$a" -ne 0 ] || ! cmp -s "$tmp/q" "$tmp/a"; then
        line=$(cmp "$tmp/q" "$tmp/a" 2>&1 | sed -n 's/.*line //p')
        echo "FAIL fpguest/$name: armvirt (status $a) differs at line ${line:-?}:" \
             "'$(sed -n "${line:-1}p" "$tmp/a")' vs qemu '$(sed -n "${line:-1}p" "$tmp/q")'"
    else
        echo "PASS fpguest/$name"
    fi
done
exit 0
