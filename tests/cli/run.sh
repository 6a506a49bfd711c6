#!/bin/sh
# Bad input on the command line (issue: "one clear line on stderr naming the
# problem, exit status 2, no crash and no core dump"). Each case runs armvirt
# with no stdin and checks: exit status 2, nothing on stdout, exactly one
# line on stderr that starts with "armvirt: " and contains a word naming the
# problem. A few good invocations check the opposite (status 0).
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
GOOD=$BUILD/tests/guest/hello.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$ARMVIRT" ] || { echo "FAIL cli: $ARMVIRT not built"; exit 0; }
[ -f "$GOOD" ] || { echo "FAIL cli: $GOOD not built"; exit 0; }

# Fixtures: an empty file, ELF files cut short, a raw image bigger than
# RAM, and a file that is not a device tree.
: >"$tmp/empty"
head -c 40 "$GOOD" >"$tmp/elf-header-cut"
head -c 200 "$GOOD" >"$tmp/elf-segments-cut"
head -c $((3 * 1024 * 1024)) /dev/zero >"$tmp/big.bin"
printf 'this is not a dtb\n' >"$tmp/bad.dtb"
mkdir "$tmp/dir"

# bad NAME WORD ARGS...: armvirt must refuse with one line mentioning WORD.
bad() {
    name=$1 word=$2
    shift 2
    timeout 10 "$ARMVIRT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -ne 2 ]; then
        echo "FAIL cli/$name: exit status $rc, expected 2 (stderr: $(head -c 200 "$tmp/err"))"
    elif [ -s "$tmp/out" ]; then
        echo "FAIL cli/$name: wrote to stdout: $(head -c 200 "$tmp/out")"
    elif [ "$lines" -ne 1 ]; then
        echo "FAIL cli/$name: $lines lines on stderr, expected 1: $(head -c 300 "$tmp/err" | tr '\n' '|')"
    elif ! grep -q '^armvirt: ' "$tmp/err"; then
        echo "FAIL cli/$name: message does not start with 'armvirt: ': $(cat "$tmp/err")"
    elif ! grep -qi -- "$word" "$tmp/err"; then
        echo "FAIL cli/$name: message does not mention '$word': $(cat "$tmp/err")"
    else
        echo "PASS cli/$name"
    fi
}

# good NAME ARGS...: armvirt must exit 0.
good() {
    name=$1
    shift
    timeout 10 "$ARMVIRT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "PASS cli/$name"
    else
        echo "FAIL cli/$name: exit status $rc: $(head -c 200 "$tmp/err")"
    fi
}

V="-M virt -nographic -semihosting"
bad unknown-option "'-frobnicate'" -M virt -frobnicate -kernel "$GOOD"
bad missing-argument "-kernel" -M virt -kernel
bad stray-argument "stray" -M virt stray
bad no-machine "-M virt" -kernel "$GOOD"
bad wrong-machine "pc" -M pc -kernel "$GOOD"
bad machine-property "foo" -M virt,foo=1 -kernel "$GOOD"
bad gic-version-3 "gic-version" -M virt,gic-version=3 -kernel "$GOOD"
bad wrong-cpu "max" -M virt -cpu max -kernel "$GOOD"
bad accel-property "frob" -M virt -accel tcg,frob=1 -kernel "$GOOD"
bad accel-jit-value "jit" -M virt -accel tcg,jit=maybe -kernel "$GOOD"
bad smp "-smp" -M virt -smp 4 -kernel "$GOOD"
bad no-kernel "-kernel" -M virt -nographic
bad ram-not-a-number "-m abc" $V -m abc -kernel "$GOOD"
bad ram-bad-suffix "suffix" $V -m 12X -kernel "$GOOD"
bad ram-trailing-text "-m 1Gb" $V -m 1Gb -kernel "$GOOD"
bad ram-zero "-m 0" $V -m 0 -kernel "$GOOD"
bad ram-too-big "255G" $V -m 300G -kernel "$GOOD"
bad kernel-missing "$tmp/nonexistent" $V -kernel "$tmp/nonexistent"
bad kernel-directory "regular file" $V -kernel "$tmp/dir"
bad kernel-empty "empty" $V -kernel "$tmp/empty"
bad elf-header-truncated "truncated" $V -kernel "$tmp/elf-header-cut"
bad elf-segments-truncated "truncated" $V -kernel "$tmp/elf-segments-cut"
bad elf-outside-ram "does not fit" $V -m 8K -kernel "$GOOD"
bad image-too-big "does not fit" $V -m 2M -kernel "$tmp/big.bin"
bad initrd-missing "initrd" $V -kernel "$tmp/big.bin" -initrd "$tmp/nonexistent"
bad initrd-too-big "does not fit" $V -m 4M -kernel "$tmp/big.bin" -initrd "$tmp/big.bin"
bad dtb-garbage "not a valid DTB" $V -kernel "$GOOD" -dtb "$tmp/bad.dtb"
bad dtb-missing "device tree" $V -kernel "$GOOD" -dtb "$tmp/nonexistent"
bad serial-bad-spec "character device" $V -serial tcp::1234 -kernel "$GOOD"
bad serial-bad-file "$tmp/dir/no/such" $V -serial "file:$tmp/dir/no/such" -kernel "$GOOD"
bad dumpdtb-unwritable "$tmp/dir/no/x.dtb" -M "virt,dumpdtb=$tmp/dir/no/x.dtb"
bad semihosting-config "-semihosting-config" -M virt -semihosting-config bogus=1 -kernel "$GOOD"

bad drive-no-file "file=" $V -kernel "$GOOD" -drive if=none,id=d0
bad drive-format "qcow2" $V -kernel "$GOOD" -drive if=none,id=d0,file="$tmp/big.bin",format=qcow2
bad drive-missing-image "$tmp/nonexistent" $V -kernel "$GOOD" \
    -drive if=none,id=d0,file="$tmp/nonexistent",format=raw -device virtio-blk-device,drive=d0
bad device-unknown "e1000" $V -kernel "$GOOD" -device e1000
bad device-no-drive "id=d9" $V -kernel "$GOOD" -device virtio-blk-device,drive=d9
bad device-drive-twice "already in use" $V -kernel "$GOOD" -drive if=none,id=d0,file="$tmp/big.bin" \
    -device virtio-blk-device,drive=d0 -device virtio-blk-device,drive=d0
bad global-unknown "-global" $V -kernel "$GOOD" -global foo.bar=1

good help -h
good hello-suffixes $V -m 0.5G -kernel "$GOOD"
good accel-jit-off $V -accel tcg,jit=off -kernel "$GOOD"
good dumpdtb -M "virt,dumpdtb=$tmp/ok.dtb"
exit 0
