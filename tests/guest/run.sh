#!/bin/sh
# Runs every bare-metal guest test (tests/guest/<name>.c, built as
# $BUILD/tests/guest/<name>.elf) on armvirt and on qemu-system-aarch64 with
# the same options, and prints "PASS guest/<name>" only when both give the
# expected console output and exit status; otherwise "FAIL guest/<name>: ..."
# naming the emulator that disagreed. Console output is stdout and stderr
# together (QEMU 7.2 writes semihosting output to stderr, the UART to stdout).
#
# Expected results: status 3 for exit-status and exit-extended, else 0.
# Output: tests/guest/expect/<name>.out exactly when that file exists;
# otherwise the single line "<name>: <N> checks passed", with the same N on
# both emulators. `timeout` only catches hangs; it is not a speed check.
set -u
BUILD=${BUILD:-build}
here=$(dirname "$0")
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
LIMIT=${GUEST_TIMEOUT:-30}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expected_status() {
    case $1 in
    exit-status|exit-extended) echo 3 ;;
    *) echo 0 ;;
    esac
}

# Shortens a console transcript to one line for a FAIL message.
summary() {
    head -c 2000 "$1" | head -n 4 | tr '\n' '|' | sed 's/|$//; s/|/ | /g'
}

# run_on LABEL EMULATOR ELF NAME: runs one guest, leaves its console output in
# $tmp/LABEL.out, and prints nothing when it met expectations, else a reason.
run_on() {
    label=$1 emu=$2 elf=$3 name=$4
    out=$tmp/$label.out
    : >"$out"
    timeout "$LIMIT" $emu $OPTS -kernel "$elf" </dev/null >"$out" 2>&1
    rc=$?
    want=$(expected_status "$name")
    if [ "$rc" -eq 124 ]; then
        echo "$label: no exit within ${LIMIT}s (hang?); output: $(summary "$out")"
        return
    fi
    if [ -f "$here/expect/$name.out" ]; then
        if ! cmp -s "$out" "$here/expect/$name.out"; then
            echo "$label: output differs from expect/$name.out: got \"$(summary "$out")\"" \
                 "(status $rc)"
            return
        fi
    elif ! grep -qx "$name: [0-9]* checks passed" "$out" ||
         [ "$(wc -l <"$out")" -ne 1 ]; then
        echo "$label: status $rc, output: $(summary "$out")"
        return
    fi
    if [ "$rc" -ne "$want" ]; then
        echo "$label: exit status $rc, expected $want; output: $(summary "$out")"
    fi
}

have_qemu=1
command -v "$QEMU" >/dev/null 2>&1 || have_qemu=0
have_armvirt=1
[ -x "$ARMVIRT" ] || have_armvirt=0

for src in "$here"/*.c; do
    name=$(basename "$src" .c)
    case $name in lib|demo) continue ;; esac
    elf=$BUILD/tests/guest/$name.elf
    if [ ! -f "$elf" ]; then
        echo "FAIL guest/$name: $elf not built"
        continue
    fi
    why=""
    if [ "$have_qemu" -eq 1 ]; then
        r=$(run_on qemu "$QEMU" "$elf" "$name")
        [ -n "$r" ] && why="$r"
    else
        why="qemu: $QEMU not found (scripts/install-deps.sh installs qemu-system-arm)"
    fi
    if [ "$have_armvirt" -eq 1 ]; then
        r=$(run_on armvirt "$ARMVIRT" "$elf" "$name")
        [ -n "$r" ] && why="${why:+$why; }$r"
        if [ -z "$why" ] && ! cmp -s "$tmp/qemu.out" "$tmp/armvirt.out"; then
            why="armvirt: output \"$(summary "$tmp/armvirt.out")\" differs from qemu's" \
"\"$(summary "$tmp/qemu.out")\""
        fi
    else
        why="${why:+$why; }armvirt: $ARMVIRT not built"
    fi
    if [ -z "$why" ]; then
        echo "PASS guest/$name"
    else
        echo "FAIL guest/$name: $why"
    fi
done
exit 0
