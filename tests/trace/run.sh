#!/bin/sh
# -d traces against QEMU 7.2's for the same guest (tests/guest/exception.c,
# which takes SVC, BRK, UDF, a trapped MRS and an alignment fault):
#  - in_asm: every disassembly line QEMU prints (for the code it ran) is
#    among armvirt's, which decodes past not-taken branches and so shows more;
#  - int: the exception records, semihosting calls included, are the same,
#    in the same order (the PSTATE after entry is left out: QEMU clears NZCV
#    there, which the Arm ARM leaves open);
#  - cpu: the register dump at the first block entry is the same (but for
#    NZCV, UNKNOWN at reset);
#  - -dfilter: only blocks in the range are shown; -D writes the file.
set -u
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-aarch64}
ELF=$BUILD/tests/guest/exception.elf
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

armvirt() { timeout 30 "$BUILD/armvirt" $OPTS "$@" -kernel "$ELF"; }
if ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "SKIP trace: $QEMU not installed"
    exit 0
fi

timeout 30 "$QEMU" $OPTS -d in_asm,int,cpu -D "$tmp/q.log" -kernel "$ELF" >/dev/null 2>&1
armvirt -d in_asm,int,cpu -D "$tmp/a.log" >/dev/null 2>&1

# in_asm
grep '^0x' "$tmp/q.log" | sort -u >"$tmp/q.asm"
grep '^0x' "$tmp/a.log" | sort -u >"$tmp/a.asm"
missing=$(comm -23 "$tmp/q.asm" "$tmp/a.asm")
if [ ! -s "$tmp/q.asm" ]; then
    echo "FAIL trace/in_asm: QEMU printed no disassembly"
elif [ -n "$missing" ]; then
    echo "FAIL trace/in_asm: $(printf '%s\n' "$missing" | wc -l) of QEMU's lines missing, e.g. $(printf '%s\n' "$missing" | head -2 | tr '\n' '|')"
else
    echo "PASS trace/in_asm ($(wc -l <"$tmp/q.asm") lines)"
fi

# int: records of 3 to 6 lines, semihosting calls included.
int_records() {
    grep -E '^(Taking exception|\.\.\.)' "$1" | sed 's/ PSTATE 0x[0-9a-f]*$//'
}
int_records "$tmp/q.log" >"$tmp/q.int"
int_records "$tmp/a.log" >"$tmp/a.int"
if [ "$(grep -c '^Taking' "$tmp/q.int")" -lt 5 ]; then
    echo "FAIL trace/int: QEMU logged too few exceptions"
elif ! cmp -s "$tmp/q.int" "$tmp/a.int"; then
    echo "FAIL trace/int: $(diff "$tmp/q.int" "$tmp/a.int" | grep '^[<>]' | head -4 | tr '\n' '|')"
else
    echo "PASS trace/int ($(grep -c '^Taking' "$tmp/q.int") exceptions)"
fi

# int for PSCI calls over HVC (tests/guest/psci.c), handled by the firmware
# in both emulators: the same records.
PSCI=$BUILD/tests/guest/psci.elf
timeout 30 $QEMU $OPTS -kernel "$PSCI" -d int -D "$tmp/q.psci" </dev/null >/dev/null 2>&1
timeout 30 "$BUILD/armvirt" $OPTS -kernel "$PSCI" -d int -D "$tmp/a.psci" </dev/null >/dev/null 2>&1
int_records "$tmp/q.psci" >"$tmp/q.pint"
int_records "$tmp/a.psci" >"$tmp/a.pint"
if ! grep -q 'PSCI call' "$tmp/q.pint"; then
    echo "FAIL trace/int-psci: QEMU logged no PSCI call"
elif ! cmp -s "$tmp/q.pint" "$tmp/a.pint"; then
    echo "FAIL trace/int-psci: $(diff "$tmp/q.pint" "$tmp/a.pint" | grep '^[<>]' | head -4 | tr '\n' '|')"
else
    echo "PASS trace/int-psci ($(grep -c 'PSCI call' "$tmp/q.pint") calls)"
fi

# cpu: the first register dump (the machine as the loader left it). NZCV is
# left out of PSTATE: it is UNKNOWN at reset and QEMU happens to set Z.
first_dump() {
    awk '/^ PC=/ { on = 1 } on { print } /^PSTATE=/ && on { exit }' "$1" |
        sed 's/^PSTATE=\(.\)/PSTATE=_/; s/^\(PSTATE=........\) [-NZCV]\{4\}/\1 ____/'
}
first_dump "$tmp/q.log" >"$tmp/q.cpu"
first_dump "$tmp/a.log" >"$tmp/a.cpu"
if [ "$(wc -l <"$tmp/q.cpu")" -ne 12 ]; then
    echo "FAIL trace/cpu: unexpected QEMU dump: $(head -2 "$tmp/q.cpu" | tr '\n' '|')"
elif ! cmp -s "$tmp/q.cpu" "$tmp/a.cpu"; then
    echo "FAIL trace/cpu: $(diff "$tmp/q.cpu" "$tmp/a.cpu" | grep '^[<>]' | head -4 | tr '\n' '|')"
else
    echo "PASS trace/cpu"
fi

# -dfilter: the start code's first 16 bytes only.
armvirt -d in_asm -dfilter 0x40000000+0x10 -D "$tmp/f.log" >/dev/null 2>&1
outside=$(grep '^0x' "$tmp/f.log" | grep -v '^0x4000000[0-9a-f]:\|^0x400000[01][0-9a-f]:')
if ! grep -q '^0x40000000:  580001c0  ldr      x0, #0x40000038$' "$tmp/f.log"; then
    echo "FAIL trace/dfilter: the first block is missing: $(head -3 "$tmp/f.log" | tr '\n' '|')"
elif [ "$(grep -c '^IN:' "$tmp/f.log")" -ne 1 ] || [ -n "$outside" ]; then
    echo "FAIL trace/dfilter: blocks outside the range: $(grep -c '^IN:' "$tmp/f.log") blocks"
else
    echo "PASS trace/dfilter"
fi

# -d unimp: the line for an unmodelled system register, as QEMU words it.
UNIMP=$BUILD/tests/trace/unimp.elf
timeout 30 $QEMU $OPTS -kernel "$UNIMP" -d unimp -D "$tmp/q.unimp" </dev/null >/dev/null 2>&1
timeout 30 "$BUILD/armvirt" $OPTS -kernel "$UNIMP" -d unimp -D "$tmp/a.unimp" </dev/null >/dev/null 2>&1
q=$(grep 'system register' "$tmp/q.unimp")
if [ -z "$q" ]; then
    echo "FAIL trace/unimp: no line from qemu"
elif [ "$q" != "$(grep 'system register' "$tmp/a.unimp")" ]; then
    echo "FAIL trace/unimp: armvirt '$(grep 'system register' "$tmp/a.unimp")', qemu '$q'"
else
    echo "PASS trace/unimp"
fi

# Bad -d / -dfilter: one line, status 2.
for args in "-d nosuchitem" "-dfilter 0x10+" "-dfilter 5..1" "-D /nonexistent/dir/log"; do
    # shellcheck disable=SC2086
    out=$(armvirt $args 2>&1 </dev/null)
    rc=$?
    if [ $rc -ne 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
        echo "FAIL trace/bad '$args': status $rc: $out"
    else
        echo "PASS trace/bad '$args'"
    fi
done
exit 0
