#!/bin/sh
# -chardev and virtio-console, each case run on qemu-system-aarch64 (7.2)
# and on armvirt with the same options; the results must agree.
#   console/uart-unix-wait    -serial chardev:c0 on a unix socket server with
#                             wait=on: the echo guest (tests/uart/echo.c)
#                             through two clients one after the other (the
#                             server takes the next when one hangs up)
#   console/uart-unix-nowait  the same with wait=off
#   console/uart-tcp          the same on a TCP server, wait=off
#   console/uart-client       server=off: the emulator connects at start-up
#   console/uart-stdio-file   -chardev stdio (echo guest) and -chardev file
#                             (output of the testdev guest, which then exits
#                             42 through semihosting when nothing stops it)
#   console/testdev           a guest writing " 3 q" to -serial chardev:t on
#                             -chardev testdev: exit status 7, as on QEMU
#   console/vcon-testdev-legacy, -modern   the same through a virtconsole:
#                             a bare-metal virtio driver (vcon-testdev.c)
#                             sends "3q" on port 0's transmitq
#   console/bad-specs         bad -chardev/-serial/-device uses: armvirt exits
#                             2 with one line on stderr (and QEMU refuses
#                             them too); an unused -chardev is accepted
#   console/dtb               dumpdtb with a virtio-serial-device, node by
#                             node against QEMU's (tests/dtb/dtbcmp)
#   console/linux-legacy, console/linux-modern   Debian's cloud-arm64 kernel
#                             with /init = init-console: virtio_console
#                             loads, hvc0 appears, a line goes out on hvc0
#                             to a unix socket chardev and the host's answer
#                             comes back, then 256 KiB in on hvc0; 256 KiB
#                             out on a named virtserialport (port 1) on a
#                             file chardev (sha256 each)
set -u
here=$(dirname "$0")
# shellcheck source=tests/lib/suite.sh
. "$here/../lib/suite.sh"
ECHO=$BUILD/tests/uart/echo.elf
TESTDEV=$BUILD/tests/console/testdev.elf
VCON=$BUILD/tests/console/vcon-testdev.elf
INITRD=$BUILD/console/initrd-console.gz
OPTS="-M virt -cpu cortex-a57 -m 512M -semihosting -display none"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v "$QEMU" >/dev/null 2>&1 || { echo "FAIL console: $QEMU not found"; exit 0; }
[ -x "$ARMVIRT" ] || { echo "FAIL console: $ARMVIRT not built"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP console: no python3 for the host end"; exit 0; }
for f in "$ECHO" "$TESTDEV" "$VCON"; do
    [ -f "$f" ] || { echo "FAIL console: $f not built"; exit 0; }
done
client="python3 $here/client.py"

# uart_case NAME ADDR SPEC: the echo guest's UART on chardev SPEC (with
# @ADDR@ for the socket's address); the client talks to ADDR.
uart_case() {
    name=$1 addr=$2 spec=$3
    for e in qemu armvirt; do
        rm -f "$tmp/u.sock"
        a=$(echo "$addr" | sed "s#@PORT@#$port#")
        s=$(echo "$spec" | sed "s#@PORT@#$port#")
        timeout 60 $(emu $e) $OPTS -serial chardev:c0 -chardev "$s" -kernel "$ECHO" \
            >"$tmp/$e.out" 2>"$tmp/$e.err" &
        pid=$!
        $client uart "$a" abc "hello." >"$tmp/$e.cli" 2>&1
        wait $pid
        echo $? >"$tmp/$e.rc"
        port=$((port + 1))
    done
    if [ "$(cat "$tmp/qemu.rc")" != 0 ] || ! grep -q 'done' "$tmp/qemu.cli"; then
        echo "FAIL console/$name: qemu did not finish: $(cat "$tmp/qemu.rc") $(head -c 200 "$tmp/qemu.cli" "$tmp/qemu.err" | tr '\n' '|')"
    elif [ "$(cat "$tmp/armvirt.rc")" != 0 ]; then
        echo "FAIL console/$name: armvirt exited $(cat "$tmp/armvirt.rc"): $(head -c 200 "$tmp/armvirt.err" "$tmp/armvirt.cli" | tr '\n' '|')"
    elif ! cmp -s "$tmp/qemu.cli" "$tmp/armvirt.cli"; then
        echo "FAIL console/$name: the client read \"$(tr '\n' '|' <"$tmp/armvirt.cli")\", on qemu \"$(tr '\n' '|' <"$tmp/qemu.cli")\""
    else
        echo "PASS console/$name"
    fi
}

port=$(free_port)
uart_case uart-unix-wait "$tmp/u.sock" "socket,id=c0,path=$tmp/u.sock,server=on,wait=on"
uart_case uart-unix-nowait "$tmp/u.sock" "socket,id=c0,path=$tmp/u.sock,server=on,wait=off"
uart_case uart-tcp "127.0.0.1:@PORT@" "socket,id=c0,host=127.0.0.1,port=@PORT@,server=on,wait=off"

# Client mode: the test listens, the emulator connects when it starts.
for e in qemu armvirt; do
    rm -f "$tmp/l.sock"
    $client uart-server "$tmp/l.sock" "hi." >"$tmp/$e.cli" 2>&1 &
    cpid=$!
    i=0
    while [ ! -S "$tmp/l.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    timeout 60 $(emu $e) $OPTS -serial chardev:c0 -chardev "socket,id=c0,path=$tmp/l.sock" \
        -kernel "$ECHO" >"$tmp/$e.out" 2>"$tmp/$e.err"
    echo $? >"$tmp/$e.rc"
    wait $cpid
done
if [ "$(cat "$tmp/qemu.rc")" != 0 ] || ! grep -q done "$tmp/qemu.cli"; then
    echo "FAIL console/uart-client: qemu did not finish: $(head -c 200 "$tmp/qemu.cli" "$tmp/qemu.err" | tr '\n' '|')"
elif [ "$(cat "$tmp/armvirt.rc")" != 0 ] || ! cmp -s "$tmp/qemu.cli" "$tmp/armvirt.cli"; then
    echo "FAIL console/uart-client: armvirt exited $(cat "$tmp/armvirt.rc"), the server read \"$(tr '\n' '|' <"$tmp/armvirt.cli")\", on qemu \"$(tr '\n' '|' <"$tmp/qemu.cli")\""
else
    echo "PASS console/uart-client"
fi

# -chardev stdio and file behind -serial chardev:ID: the same bytes out.
for e in qemu armvirt; do
    printf 'xy.' | timeout 30 $(emu $e) $OPTS -serial chardev:s -chardev stdio,id=s \
        -kernel "$ECHO" >"$tmp/$e.stdio" 2>/dev/null
    echo $? >"$tmp/$e.rc"
    timeout 30 $(emu $e) $OPTS -serial chardev:f -chardev "file,id=f,path=$tmp/$e.file" \
        -kernel "$TESTDEV" </dev/null >/dev/null 2>&1
    echo $? >>"$tmp/$e.rc"
done
if ! grep -q done "$tmp/qemu.stdio" || [ ! -s "$tmp/qemu.file" ]; then
    echo "FAIL console/uart-stdio-file: qemu did not finish: $(tr '\n' ' ' <"$tmp/qemu.rc")"
elif ! cmp -s "$tmp/qemu.stdio" "$tmp/armvirt.stdio" || ! cmp -s "$tmp/qemu.file" "$tmp/armvirt.file" ||
     ! cmp -s "$tmp/qemu.rc" "$tmp/armvirt.rc"; then
    echo "FAIL console/uart-stdio-file: stdio \"$(head -c 80 "$tmp/armvirt.stdio" | tr '\n' '|')\" file \"$(head -c 80 "$tmp/armvirt.file" | tr '\n' '|')\" exit $(tr '\n' ' ' <"$tmp/armvirt.rc"); qemu: \"$(head -c 80 "$tmp/qemu.stdio" | tr '\n' '|')\" \"$(head -c 80 "$tmp/qemu.file" | tr '\n' '|')\" $(tr '\n' ' ' <"$tmp/qemu.rc")"
else
    echo "PASS console/uart-stdio-file"
fi

# testdev_case NAME ARGS...: a guest that writes " 3 q" to a testdev
# chardev, which exits with (3 << 1) | 1 = 7.
testdev_case() {
    name=$1
    shift
    for e in qemu armvirt; do
        timeout 30 $(emu $e) $OPTS "$@" >"$tmp/$e.out" 2>"$tmp/$e.err"
        echo $? >"$tmp/$e.rc"
    done
    qrc=$(cat "$tmp/qemu.rc") arc=$(cat "$tmp/armvirt.rc")
    report "console/$name" "$([ "$qrc" = 7 ] || echo "qemu exited $qrc, expected 7")" \
        "$([ "$arc" = 7 ] || echo "armvirt exited $arc, expected 7 as qemu: $(head -c 200 "$tmp/armvirt.err")")"
}
testdev_case testdev -serial chardev:t -chardev testdev,id=t -kernel "$TESTDEV"

# testdev behind a virtconsole (kvm-unit-tests' way), both transports.
for g in legacy modern; do
    extra=""
    [ $g = modern ] && extra="-global virtio-mmio.force-legacy=false"
    # shellcheck disable=SC2086
    testdev_case vcon-testdev-$g $extra -device virtio-serial-device -device virtconsole,chardev=t \
        -chardev testdev,id=t -kernel "$VCON"
done

# Bad specs: QEMU=1 when qemu must refuse them too.
bad=""
bad_case() {
    qemu_too=$1
    shift
    timeout 10 "$ARMVIRT" -M virt -display none -kernel "$TESTDEV" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    rc=$?
    if [ $rc != 2 ] || [ "$(wc -l <"$tmp/bad.err")" != 1 ]; then
        bad="$bad; '$*': exit $rc, $(wc -l <"$tmp/bad.err") lines: $(head -c 120 "$tmp/bad.err" | tr '\n' '|')"
    elif [ "$qemu_too" = 1 ]; then
        timeout 10 "$QEMU" -M virt -display none -S -kernel "$TESTDEV" "$@" >/dev/null 2>&1
        rc=$?
        [ $rc = 0 ] || [ $rc = 124 ] && bad="$bad; '$*': qemu accepts it (exit $rc)"
    fi
}
bad_case 1 -chardev nonesuch,id=x -serial chardev:x
bad_case 1 -chardev null -serial chardev:x
bad_case 1 -chardev null,id=x -chardev null,id=x -serial chardev:x
bad_case 1 -chardev null,id=x,colour=red -serial chardev:x
bad_case 1 -chardev socket,id=x,path=$tmp/no/such/dir/s,server=on,wait=off -serial chardev:x
bad_case 1 -chardev socket,id=x,path=$tmp/nobody-listens -serial chardev:x
bad_case 1 -chardev socket,id=x -serial chardev:x
bad_case 1 -chardev file,id=x -serial chardev:x
bad_case 1 -serial chardev:nothere
bad_case 1 -device virtio-serial-device -device virtconsole,chardev=nothere
bad_case 1 -chardev null,id=x -device virtconsole,chardev=x
bad_case 1 -chardev null,id=x -chardev null,id=y -device virtio-serial-device \
    -device virtconsole,chardev=x,nr=1 -device virtconsole,chardev=y,nr=1
bad_case 1 -chardev null,id=x -device virtio-serial-device -device virtserialport,chardev=x,nr=0
bad_case 1 -chardev null,id=x -device virtio-serial-device -device virtconsole,chardev=x,nr=31
bad_case 1 -chardev null,id=x -device virtio-serial-device -device virtconsole,chardev=x,speed=9
# A -chardev nothing uses is accepted, as QEMU accepts it.
"$ARMVIRT" -M virt,dumpdtb="$tmp/unused.dtb" -chardev null,id=x >/dev/null 2>"$tmp/bad.err" ||
    bad="$bad; an unused -chardev is refused: $(head -c 120 "$tmp/bad.err")"
[ -z "$bad" ] && echo "PASS console/bad-specs" || echo "FAIL console/bad-specs${bad}"

# Device tree with a virtio-serial-device (its transport node).
if [ -x "$CMP" ]; then
    dtb_case console/dtb -M virt -cpu cortex-a57 -m 512 -chardev null,id=c0 \
        -device virtio-serial-device -device virtconsole,chardev=c0
else
    echo "FAIL console/dtb: $CMP not built"
fi

# Linux: hvc0 round trip and bulk both ways, qemu first to prove the test.
linux_case() {
    name=$1
    shift
    if [ ! -f "$KERNEL" ] || [ ! -f "$INITRD" ]; then
        echo "FAIL console/$name: $KERNEL or $INITRD not built"
        return
    fi
    size=262144
    for e in qemu armvirt; do
        rm -f "$tmp/h.sock" "$tmp/p1"
        token=tok$$$e
        timeout 150 $(emu $e) -M virt -cpu cortex-a57 -m 512M -nographic -kernel "$KERNEL" \
            -initrd "$INITRD" -append "console=ttyAMA0 panic=-1 quiet console-token=$token console-bulk=$size" \
            "$@" -device virtio-serial-device -device virtconsole,chardev=c0 \
            -chardev "socket,id=c0,path=$tmp/h.sock,server=on,wait=off" \
            -device virtserialport,chardev=c1,name=org.armvirt.port -chardev "file,id=c1,path=$tmp/p1" \
            </dev/null >"$tmp/$e.log" 2>&1 &
        pid=$!
        $client linux "$tmp/h.sock" "$token" "$size" "$tmp/p1" >"$tmp/$e.cli" 2>&1
        wait $pid
        rc=$?
        mkdir -p "$BUILD/console"
        cp "$tmp/$e.log" "$BUILD/console/$name-$e.log"
        field() { grep "^$1 " "$tmp/$e.log" | head -n 1 | tr -d '\r' | cut -d' ' -f2-; }
        hfield() { grep "^$1 " "$tmp/$e.cli" | head -n 1 | cut -d' ' -f2-; }
        why=""
        [ "$rc" = 0 ] || why="$why; exit status $rc"
        [ "$(field CONSOLE-MODULES)" = virtio_console ] || why="$why; virtio_console not loaded"
        [ "$(field CONSOLE-HVC0)" = present ] || why="$why; no /dev/hvc0"
        [ "$(field CONSOLE-PORTNAME)" = org.armvirt.port ] || why="$why; port name '$(field CONSOLE-PORTNAME)'"
        [ "$(field CONSOLE-REPLY)" = "HOST-REPLY $token" ] || why="$why; guest read '$(field CONSOLE-REPLY)' ($(tr '\n' '|' <"$tmp/$e.cli"))"
        [ -n "$(hfield HOST-BULK-SENT)" ] && [ "$(field CONSOLE-BULK)" = "$(hfield HOST-BULK-SENT)" ] ||
            why="$why; host-to-guest bulk: guest hash '$(field CONSOLE-BULK)', host '$(hfield HOST-BULK-SENT)'"
        [ -n "$(field CONSOLE-SENT)" ] && [ "$(hfield HOST-BULK-RECV)" = "$size $(field CONSOLE-SENT)" ] ||
            why="$why; guest-to-host bulk on port 1: host got '$(hfield HOST-BULK-RECV)', guest sent '$(field CONSOLE-SENT)'"
        [ "$(field CONSOLE-ACK)" = HOST-ACK ] || why="$why; the guest did not get the host's ack"
        echo "$why" >"$tmp/$e.why"
    done
    if [ -s "$tmp/qemu.why" ] && [ "$(cat "$tmp/qemu.why")" != "" ]; then
        echo "FAIL console/$name: the checks fail on qemu itself$(cat "$tmp/qemu.why")"
    elif [ "$(cat "$tmp/armvirt.why")" != "" ]; then
        echo "FAIL console/$name$(cat "$tmp/armvirt.why") (log: $BUILD/console/$name-armvirt.log)"
    else
        echo "PASS console/$name"
    fi
}
linux_case linux-legacy
linux_case linux-modern -global virtio-mmio.force-legacy=false
exit 0
