#!/bin/sh
# The gdbstub against a real client: gdb-multiarch in batch mode runs each
# tests/gdb/*.gdb script against qemu-system-aarch64 -s -S and against
# armvirt -S -gdb. A script passes when both give the same CHECK
# lines (stops, registers, memory) and the emulators exit with the same
# status. Then armvirt-only checks: monitor commands and bad -gdb input.
set -u
BUILD=${BUILD:-build}
here=$(dirname "$0")
GDB=${GDB:-gdb-multiarch}
QEMU=${QEMU:-qemu-system-aarch64}
ELF=$BUILD/tests/gdb/target.elf
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"

if ! command -v "$GDB" >/dev/null 2>&1; then
    echo "SKIP gdb: $GDB not installed (apt-get install gdb-multiarch)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

armvirt_start() { timeout 60 "$BUILD/armvirt" $OPTS -S -gdb "tcp:127.0.0.1:$1" -kernel "$ELF"; }
qemu_start() { timeout 60 "$QEMU" $OPTS -S -gdb "tcp:127.0.0.1:$1" -kernel "$ELF"; }

# Is something listening on the port? (Asks the kernel, so no connection is
# made to a stub, which would count as a debugger attaching.)
listening() {
    hex=$(printf '%04X' "$1")
    grep -q ":$hex 00000000:0000 0A" /proc/net/tcp 2>/dev/null
}

# session LABEL START SCRIPT INTERRUPT: starts an emulator with a stub on a
# free port, runs gdb with SCRIPT (when INTERRUPT is 1, sending gdb SIGINT
# half a second after the script printed "MARK spinning"), leaves gdb's output in $tmp/LABEL.gdb and the emulator's
# exit status in $tmp/LABEL.rc. Prints a reason on failure.
session() {
    label=$1 start=$2 script=$3 intr=$4
    port=
    for try in 1 2 3 4 5 6 7 8; do
        p=$(shuf -i 20000-60000 -n 1)
        listening "$p" || { port=$p; break; }
    done
    [ -n "$port" ] || { echo "no free port"; return; }
    ( $start "$port" >"$tmp/$label.emu" 2>&1; echo $? >"$tmp/$label.rc" ) &
    emu=$!
    i=0
    while ! listening "$port" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    timeout --foreground 60 "$GDB" -q -batch -nx -ex "target remote 127.0.0.1:$port" -x "$script" "$ELF" \
        >"$tmp/$label.gdb" 2>&1 &
    g=$!
    if [ "$intr" = 1 ]; then
        i=0
        while ! grep -q '^MARK spinning' "$tmp/$label.gdb" 2>/dev/null && [ $i -lt 100 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        sleep 0.5
        # One SIGINT to gdb alone (timeout --foreground passes it on once; a
        # second one would make gdb give up on the target).
        kill -INT $g 2>/dev/null
    fi
    wait $g
    # The emulator ends by itself (exit, kill, or after a detach).
    wait $emu
    [ -s "$tmp/$label.rc" ] || echo "emulator status missing"
}

for script in "$here"/session.gdb "$here"/hw.gdb "$here"/interrupt.gdb "$here"/kill.gdb; do
    name=gdb/$(basename "$script" .gdb)
    intr=0
    [ "$name" = gdb/interrupt ] && intr=1
    if ! command -v "$QEMU" >/dev/null 2>&1; then
        echo "SKIP $name: $QEMU not installed"
        continue
    fi
    why=$(session qemu qemu_start "$script" $intr)
    [ -z "$why" ] && why=$(session armvirt armvirt_start "$script" $intr)
    if [ -n "$why" ]; then
        echo "FAIL $name: $why"
        continue
    fi
    grep '^CHECK' "$tmp/qemu.gdb" >"$tmp/qemu.check"
    grep '^CHECK' "$tmp/armvirt.gdb" >"$tmp/armvirt.check"
    qrc=$(cat "$tmp/qemu.rc") arc=$(cat "$tmp/armvirt.rc")
    if [ ! -s "$tmp/qemu.check" ]; then
        echo "FAIL $name: no CHECK lines from QEMU's session: $(head -c 300 "$tmp/qemu.gdb" | tr '\n' '|')"
    elif ! cmp -s "$tmp/qemu.check" "$tmp/armvirt.check"; then
        d=$(diff "$tmp/qemu.check" "$tmp/armvirt.check" | grep '^[<>]' | head -4 | tr '\n' '|')
        echo "FAIL $name: CHECK lines differ (< qemu, > armvirt): $d"
    elif [ "$qrc" != "$arc" ]; then
        echo "FAIL $name: exit status $arc, QEMU $qrc"
    else
        echo "PASS $name ($(wc -l <"$tmp/qemu.check") checks, exit $qrc)"
    fi
done

# armvirt only: monitor commands, whose output is armvirt's own.
cat >"$tmp/monitor.gdb" <<'GDB'
set pagination off
monitor help
monitor xlate 0x40000000
monitor tlb
monitor sysregs
kill
GDB
why=$(session mon armvirt_start "$tmp/monitor.gdb" 0)
if [ -n "$why" ]; then
    echo "FAIL gdb/monitor: $why"
elif ! grep -q 'xlate VA' "$tmp/mon.gdb"; then
    echo "FAIL gdb/monitor: help does not list xlate"
elif ! grep -q 'EL1 read  -> PA 0x0000000040000000 (rwx, 4 KiB page)' "$tmp/mon.gdb"; then
    echo "FAIL gdb/monitor: xlate of 0x40000000 with the MMU off: $(grep -A3 '^VA' "$tmp/mon.gdb" | tr '\n' '|')"
elif ! grep -q 'entries' "$tmp/mon.gdb" || ! grep -q 'VBAR_EL1' "$tmp/mon.gdb"; then
    echo "FAIL gdb/monitor: tlb or sysregs output missing"
else
    echo "PASS gdb/monitor"
fi

# Bad input: a malformed spec and a busy port are one line and status 2.
bad() { "$BUILD/armvirt" $OPTS -gdb "$1" -kernel "$ELF"; }
for spec in 'tcp:1234' 'udp::1234' 'tcp::99999' 'tcp::12x'; do
    out=$(bad "$spec" 2>&1 </dev/null)
    rc=$?
    if [ $rc -ne 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
        echo "FAIL gdb/bad-spec '$spec': status $rc, output: $out"
    else
        echo "PASS gdb/bad-spec '$spec'"
    fi
done
# Hold a port with a stub that waits for a debugger, then ask for it again.
busy=$(( 20000 + $$ % 20000 ))
while listening "$busy"; do busy=$((busy + 1)); done
"$BUILD/armvirt" $OPTS -S -gdb "tcp:127.0.0.1:$busy" -kernel "$ELF" </dev/null >/dev/null 2>&1 &
holder=$!
i=0
while ! listening "$busy" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
out=$(bad "tcp:127.0.0.1:$busy" 2>&1 </dev/null)
rc=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
case $out in
*"cannot listen"*) ok=1 ;;
*) ok=0 ;;
esac
if [ -n "$busy" ] && [ $rc -eq 2 ] && [ $ok = 1 ]; then
    echo "PASS gdb/busy-port"
else
    echo "FAIL gdb/busy-port: status $rc, output: $out"
fi
exit 0
