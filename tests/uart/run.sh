#!/bin/sh
# The PL011 on each way of attaching it: -nographic (mon:stdio), -serial
# stdio and -serial file:PATH. The echo guest (tests/uart/echo.c) reads
# piped input through the UART and writes it back; a file has no input side,
# so that case runs the output-only guest tests/guest/uart.c. armvirt's
# output must be byte for byte QEMU's for the same input and options.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
ECHO=$BUILD/tests/uart/echo.elf
WRITER=$BUILD/tests/guest/uart.elf
OPTS="-M virt -cpu cortex-a57 -m 512M -semihosting"
INPUT='hello, world
a longer line that fills more than one sixteen-byte FIFO.'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$ECHO" "$WRITER"; do
    [ -f "$f" ] || { echo "FAIL uart: $f not built"; exit 0; }
done

# run LABEL EMULATOR ARGS...: the UART's output ends up in $tmp/LABEL.
run() {
    label=$1 emu=$2
    shift 2
    printf '%s' "$INPUT" | timeout 30 $emu $OPTS "$@" >"$tmp/$label.stdout" 2>"$tmp/$label.stderr"
    echo $? >"$tmp/$label.rc"
}

# check NAME WHERE DONE ARGS...: compare the two emulators' output (in
# stdout or the file); DONE is the line that shows the guest finished.
check() {
    name=$1 where=$2 done=$3
    shift 3
    for e in qemu armvirt; do
        [ $e = qemu ] && emu=$QEMU || emu=$ARMVIRT
        run "$e" "$emu" $(echo "$@" | sed "s#@OUT@#$tmp/$e.file#g")
    done
    q=$tmp/qemu.$where a=$tmp/armvirt.$where
    if [ "$(cat "$tmp/qemu.rc")" != 0 ] || ! grep -q "$done" "$q"; then
        echo "FAIL uart/$name: qemu did not finish: $(head -c 200 "$q" "$tmp/qemu.stderr" | tr '\n' '|')"
    elif [ "$(cat "$tmp/armvirt.rc")" != 0 ]; then
        echo "FAIL uart/$name: armvirt exited $(cat "$tmp/armvirt.rc"): $(head -c 200 "$tmp/armvirt.stderr")"
    elif ! cmp -s "$q" "$a"; then
        echo "FAIL uart/$name: output differs: qemu \"$(head -c 100 "$q" | tr '\n' '|')\" armvirt \"$(head -c 100 "$a" | tr '\n' '|')\""
    else
        echo "PASS uart/$name"
    fi
}

check nographic stdout '^done$' -nographic -kernel "$ECHO"
check serial-stdio stdout '^done$' -display none -serial stdio -kernel "$ECHO"
check serial-file file 'uart' -display none -serial file:@OUT@ -kernel "$WRITER"
exit 0
