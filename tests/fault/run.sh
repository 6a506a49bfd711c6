#!/bin/sh
# Fault injection (src/fault, README "Fault injection"), end to end:
#   fault/cli          a bad rule, or one naming no device: one line on
#                      stderr, exit status 2
#   fault/qtest-rules  fault_add / fault_list / fault_stat / fault_remove
#                      replies, and FAIL for bad rules
#   fault/qtest-blk    a virtio-blk driver written in qtest commands (legacy
#                      virtio-mmio, virtio 1.2 spec 4.2.4 and 5.2.6): a read
#                      of the faulty range answers VIRTIO_BLK_S_IOERR (1)
#                      from the 3rd matching request on (after=2), reads
#                      elsewhere answer OK (0); after fault_remove the same
#                      read answers OK with the image's bytes
#   fault/qtest-torn   torn-write=3,then=poweroff: armvirt exits 0 in the
#                      middle of an 8-sector write; the image holds exactly
#                      the first 3 new sectors and the old rest
#   fault/qtest-uart   PL011 framing, overrun and break faults seen in
#                      UARTDR, UARTRSR and UARTRIS (bit positions from the
#                      PL011 TRM, DDI 0183, 3.3.1, 3.3.2, 3.3.12)
#   fault/qtest-irq    irq=stuck-low on the UART: with the GIC's inputs
#                      intercepted, the TX interrupt (IMSC.TXIM, then a
#                      UARTDR write) no longer shows as "IRQ raise 1";
#                      fault_remove lets the pending one through at once
#   fault/linux-blk    Debian's cloud-arm64 kernel: dd of sectors
#                      2048-2055 fails, of 1024-1031 succeeds, and
#                      dmesg has "I/O error, dev vda, sector N" only with N
#                      in the rule's range 2048-2063; the same checks pass
#                      on qemu-system-aarch64 with a blkdebug read error
#   fault/linux-uart   a framing error on the 3rd byte of a line typed into
#                      ttyAMA0 and an overrun losing the 5th:
#                      /proc/tty/driver/ttyAMA shows fe:1 and oe:1 (Linux's
#                      pl011 driver counts UARTDR.FE and .OE) and the line
#                      arrives without the lost byte
#   fault/linux-net    a transmit rule dropping the guest's 4th to 6th
#                      frames: its ping of slirp's gateway counts 7 of 10
#                      replies (10 without the rule)
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
CACHE=${GUEST_CACHE:-build/guest-cache}
LIMIT=${LINUX_TIMEOUT:-150}
tmp=$(mktemp -d)
trap 'exec 3>&- 4>&- 2>/dev/null; rm -rf "$tmp"' EXIT

[ -x "$ARMVIRT" ] || { echo "FAIL fault: $ARMVIRT not built"; exit 0; }

# ---- qtest helpers: a session on a FIFO, one request at a time ----

# qstart ARGS...: armvirt under qtest with ARGS, requests through fd 3.
qstart() {
    rm -f "$tmp/qin"
    : >"$tmp/qout"
    mkfifo "$tmp/qin"
    exec 3<>"$tmp/qin"
    "$ARMVIRT" -M virt -qtest stdio "$@" <"$tmp/qin" >"$tmp/qout" 2>"$tmp/qerr" 3>&- 4>&- &
    qpid=$!
    nreq=0
}

# alive: armvirt still runs (a zombie answers kill -0, so look at its state).
alive() {
    [ -r "/proc/$qpid/stat" ] && ! grep -q ') Z' "/proc/$qpid/stat" 2>/dev/null
}

# q REQUEST: sends it and waits for its reply, left in $reply.
q() {
    nreq=$((nreq + 1))
    echo "$*" >&3
    i=0
    while [ "$(grep -cE '^(OK|FAIL|ERR)' "$tmp/qout")" -lt "$nreq" ] && [ $i -lt 500 ]; do
        alive || break
        sleep 0.01
        i=$((i + 1))
    done
    reply=$(grep -E '^(OK|FAIL|ERR)' "$tmp/qout" | sed -n "${nreq}p")
}

# qstop: hang up and collect the exit status in $qrc.
qstop() {
    exec 3>&-
    i=0
    while alive && [ $i -lt 500 ]; do
        sleep 0.01
        i=$((i + 1))
    done
    kill "$qpid" 2>/dev/null
    wait "$qpid"
    qrc=$?
}

# num: the number in an "OK <n>" $reply, or -1 (armvirt is gone, say).
num() {
    case ${reply#OK } in
    0x[0-9a-f]* | [0-9]*) echo $((${reply#OK })) ;;
    *) echo -1 ;;
    esac
}

# expect WHAT REPLY: records a mismatch of the last reply in $bad.
expect() {
    [ "$reply" = "$2" ] || bad="$bad $1: '$reply', expected '$2';"
}

# ---- a virtio-blk driver in qtest commands (legacy transport, slot 31) ----
B=0x0a003e00
DESC=0x40010000   # 8 descriptors; avail ring right after; used ring at +0x1000
AVAIL=0x40010080
USED=0x40011000
HDR=0x40020000
DATA=0x40021000
STATUS=0x40022000

vblk_init() {
    q writel $((B + 0x70)) 0
    q writel $((B + 0x70)) 1
    q writel $((B + 0x70)) 3
    q writel $((B + 0x28)) 4096
    q writel $((B + 0x24)) 0
    q writel $((B + 0x20)) 0
    q writel $((B + 0x30)) 0
    q writel $((B + 0x38)) 8
    q writel $((B + 0x3c)) 4096
    q writel $((B + 0x40)) $((DESC >> 12))
    q writel $((B + 0x70)) 7
    q readl $((B + 0x70))
    vreq=0
}

# desc I ADDR LEN FLAGS NEXT
desc() {
    a=$((DESC + 16 * $1))
    q writeq $a $2
    q writel $((a + 8)) $3
    q writew $((a + 12)) $4
    q writew $((a + 14)) $5
}

# vblk TYPE SECTOR NSEC: one request (0 read, 1 write) with DATA as its
# buffer; waits for it and leaves the status byte in $st.
vblk() {
    q writel $HDR $1
    q writel $((HDR + 4)) 0
    q writeq $((HDR + 8)) $2
    q writeb $STATUS 0xee
    dflags=1
    [ "$1" = 0 ] && dflags=3
    desc 0 $HDR 16 1 1
    desc 1 $DATA $(($3 * 512)) $dflags 2
    desc 2 $STATUS 1 2 0
    q writew $((AVAIL + 4 + 2 * (vreq % 8))) 0
    vreq=$((vreq + 1))
    q writew $((AVAIL + 2)) $vreq
    q writel $((B + 0x50)) 0
    i=0
    while :; do
        q readw $((USED + 2))
        [ "$(num)" -eq "$vreq" ] || [ "$(num)" = -1 ] && break
        i=$((i + 1))
        [ $i -gt 300 ] && break
        sleep 0.01
    done
    q readb $STATUS
    st=$(num)
    q writel $((B + 0x64)) 1
}

# ---- fault/cli ----
bad=""
head -c 1048576 /dev/zero >"$tmp/disk.img"
for rule in "drive=hd0,op=reed" "drive=hd1,op=read" "uart=0,framing,break" "drive=hd0,every=0"; do
    "$ARMVIRT" -M virt -qtest stdio -drive if=none,id=hd0,file="$tmp/disk.img",format=raw \
        -device virtio-blk-device,drive=hd0 -fault "$rule" </dev/null >/dev/null 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -q "^armvirt: -fault $rule: " "$tmp/err" ||
        bad="$bad $rule: exit $rc, $lines lines '$(head -c 120 "$tmp/err")';"
done
if [ -z "$bad" ]; then echo "PASS fault/cli"; else echo "FAIL fault/cli:$bad"; fi

# ---- fault/qtest-rules ----
bad=""
qstart -drive if=none,id=hd0,file="$tmp/disk.img",format=raw -device virtio-blk-device,drive=hd0
q fault_list;                                        expect list0 "OK"
q fault_add drive=hd0,sectors=8-15,op=read,after=2;  expect add1 "OK 1"
q fault_add uart=0,framing,every=3;                  expect add2 "OK 2"
q fault_add device=virtio-mmio@0xa003e00,irq=stuck-low; expect add3 "OK 3"
q fault_add drive=hd9;                 expect nodrive "FAIL no virtio-blk disk on a drive with id 'hd9'"
q fault_add drive=hd0,op=reed;         expect badop "FAIL op=reed: expected read, write, flush or any"
q fault_add device=virtio-mmio,irq=stuck-low
case $reply in "FAIL several devices are named 'virtio-mmio'"*) ;; *) bad="$bad ambiguous: '$reply';" ;; esac
q fault_list
expect list3 "OK 1:drive=hd0,op=read,sectors=8-15,error=eio,after=2 2:uart=0,framing,every=3 3:device=virtio-mmio@0xa003e00,irq=stuck-low"
q fault_stat 1;                        expect stat "OK 0 0"
q fault_remove 2;                      expect remove "OK"
q fault_remove 2;                      expect remove2 "FAIL no fault 2"
q fault_stat 2;                        expect stat2 "FAIL no fault 2"
q fault_add drive=hd0,torn-write=2;    expect add4 "OK 4"
q fault_list
expect list4 "OK 1:drive=hd0,op=read,sectors=8-15,error=eio,after=2 3:device=virtio-mmio@0xa003e00,irq=stuck-low 4:drive=hd0,torn-write=2,then=eio,count=1"
qstop
[ "$qrc" = 0 ] || bad="$bad exit status $qrc;"
if [ -z "$bad" ]; then echo "PASS fault/qtest-rules"; else echo "FAIL fault/qtest-rules:$bad"; fi

# ---- fault/qtest-blk ----
bad=""
# The image: byte i is (i / 512) & 0xff, so a sector's bytes name it.
: >"$tmp/pat.img"
s=0
while [ $s -lt 64 ]; do
    head -c 512 /dev/zero | tr '\0' "\\$(printf '%03o' $s)" >>"$tmp/pat.img"
    s=$((s + 1))
done
qstart -drive if=none,id=hd0,file="$tmp/pat.img",format=raw -device virtio-blk-device,drive=hd0 \
    -fault drive=hd0,op=read,sectors=8-15,after=2
vblk_init
expect status "OK 0x0000000000000007"
for step in "0 0 0" "0 16 0" "0 8 0" "0 12 0" "0 15 1" "0 8 1" "0 0 0" "1 9 0"; do
    set -- $step
    vblk $1 $2 1
    [ "$st" = "$3" ] || bad="$bad type $1 sector $2: status $st, expected $3;"
done
q fault_stat 1;    expect stat "OK 4 2"
q fault_remove 1;  expect remove "OK"
q writeb $DATA 0xee
vblk 0 12 1
[ "$st" = 0 ] || bad="$bad after removal: status $st;"
q readq $DATA;     expect data "OK 0x0c0c0c0c0c0c0c0c"
qstop
if [ -z "$bad" ]; then echo "PASS fault/qtest-blk"; else echo "FAIL fault/qtest-blk:$bad"; fi

# ---- fault/qtest-torn ----
bad=""
head -c 65536 /dev/zero | tr '\0' '\134' >"$tmp/torn.img"   # 0x5c everywhere
cp "$tmp/torn.img" "$tmp/orig.img"
qstart -drive if=none,id=hd0,file="$tmp/torn.img",format=raw -device virtio-blk-device,drive=hd0 \
    -fault drive=hd0,sectors=16-23,torn-write=3,then=poweroff
vblk_init
q memset $DATA 4096 0xab
vblk 1 16 8
qstop
{
    head -c $((16 * 512)) "$tmp/orig.img"
    head -c $((3 * 512)) /dev/zero | tr '\0' '\253'
    tail -c +$((19 * 512 + 1)) "$tmp/orig.img"
} >"$tmp/want.img"
[ "$qrc" = 0 ] || bad="$bad exit status $qrc;"
grep -q "power lost during a write of 8 sectors at sector 16 to drive hd0; the first 3 reached the disk" \
    "$tmp/qerr" || bad="$bad stderr '$(head -c 200 "$tmp/qerr")';"
cmp -s "$tmp/torn.img" "$tmp/want.img" ||
    bad="$bad image differs: $(cmp "$tmp/torn.img" "$tmp/want.img" 2>&1 | head -n 1);"
if [ -z "$bad" ]; then echo "PASS fault/qtest-torn"; else echo "FAIL fault/qtest-torn:$bad"; fi

# ---- fault/qtest-uart ----
bad=""
U=0x09000000
rm -f "$tmp/ser.in" "$tmp/ser.out"
mkfifo "$tmp/ser.in" "$tmp/ser.out"
qstart -serial pipe:"$tmp/ser" -fault uart=0,framing,after=1,count=1 \
    -fault uart=0,overrun,after=4,count=1 -fault uart=0,break,after=6,count=1
q writel $((U + 0x2c)) 0x10            # UARTLCR_H.FEN: the 16-byte FIFO
printf 'abcdefgh' >"$tmp/ser.in"
# Bytes: a ok, b FE, c ok, d ok, e lost (overrun), f OE, g BREAK, h ok.
i=0
while :; do
    # Wait until the break (the 7th byte) is in: BERIS shows it.
    q readl $((U + 0x3c))
    [ $(($(num) & 0x200)) != 0 ] && break
    i=$((i + 1)); [ $i -gt 200 ] && break
    sleep 0.01
done
sleep 0.1
q readl $((U + 0x3c));  expect ris "OK 0x0000000000000690"   # OE|BE|FE error bits + RXRIS
q readl $((U + 0x04));  expect rsr-oe "OK 0x0000000000000008"   # OE at once
q readl $U;             expect dr-a "OK 0x0000000000000061"
q readl $((U + 0x04));  expect rsr-a "OK 0x0000000000000008"
q readl $U;             expect dr-b "OK 0x0000000000000162"
q readl $((U + 0x04));  expect rsr-b "OK 0x0000000000000009"
q writel $((U + 0x04)) 0
q readl $((U + 0x04));  expect rsr-ecr "OK 0x0000000000000000"
q readl $U;             expect dr-c "OK 0x0000000000000063"
q readl $U;             expect dr-d "OK 0x0000000000000064"
q readl $U;             expect dr-f "OK 0x0000000000000866"
q readl $((U + 0x04));  expect rsr-f "OK 0x0000000000000008"
q readl $U;             expect dr-g "OK 0x0000000000000400"
q readl $((U + 0x04));  expect rsr-g "OK 0x000000000000000c"
q readl $U;             expect dr-h "OK 0x0000000000000068"
q readl $((U + 0x18));  expect fr-empty "OK 0x0000000000000090"
q writel $((U + 0x44)) 0x780
q readl $((U + 0x3c));  expect ris-clear "OK 0x0000000000000000"
qstop
if [ -z "$bad" ]; then echo "PASS fault/qtest-uart"; else echo "FAIL fault/qtest-uart:$bad"; fi

# ---- fault/qtest-irq ----
bad=""
qstart
q irq_intercept_in "/machine/unattached/device[1]"; expect intercept "OK"
q writel $((U + 0x38)) 0x20
q writel $U 0x41
q writel $((U + 0x44)) 0x20
q fault_add device=uart,irq=stuck-low;  expect add "OK 1"
q writel $U 0x42
q readl $((U + 0x40));  expect mis "OK 0x0000000000000020"
q fault_remove 1;       expect remove "OK"
q writel $((U + 0x44)) 0x20
q fault_add uart=0,irq=stuck-low,after=1;  expect add2 "OK 2"
q writel $U 0x43
q writel $((U + 0x44)) 0x20
q writel $U 0x44
q fault_stat 2;         expect stat "OK 2 1"
qstop
cat >"$tmp/want" <<'EOF'
OK
OK
IRQ raise 1
OK
IRQ lower 1
OK
OK 1
OK
OK 0x0000000000000020
IRQ raise 1
OK
IRQ lower 1
OK
OK 2
IRQ raise 1
OK
IRQ lower 1
OK
OK
OK 2 1
EOF
cmp -s "$tmp/qout" "$tmp/want" ||
    bad="$bad transcript differs: $(diff "$tmp/want" "$tmp/qout" | grep '^[<>]' | head -n 4 | tr '\n' ';')"
if [ -z "$bad" ]; then echo "PASS fault/qtest-irq"; else echo "FAIL fault/qtest-irq:$bad"; fi

# ---- fault/linux-blk and fault/linux-uart ----
kernel=$CACHE/cloud-arm64/vmlinuz initrd=$BUILD/fault/initrd-fault.gz
if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
    echo "FAIL fault/linux-blk: $kernel or $initrd not built"
    echo "FAIL fault/linux-uart: $kernel or $initrd not built"
    exit 0
fi
mkdir -p "$BUILD/fault"
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -kernel $kernel -initrd $initrd"

field() { grep "^FAULT-$1 " "$2" | tr -d '\r' | sed "s/^FAULT-$1 //"; }

# blk_checks LOG: one "why" per failed disk check.
blk_checks() {
    if ! grep -q '^FAULT-DONE' "$1"; then
        echo "init did not finish: $(tail -n 3 "$1" | tr -d '\r' | tr '\n' '|')"
        return
    fi
    b=$(field BAD "$1")
    [ -n "$b" ] && [ "$b" != 0 ] || echo "dd of 2048-2055 exited '$b'"
    [ "$(field GOOD "$1")" = 0 ] || echo "dd of 1024-1031 exited '$(field GOOD "$1")'"
    sectors=$(field DMESG "$1" | sed -n 's/.*I\/O error, dev vda, sector \([0-9]*\).*/\1/p')
    [ -n "$sectors" ] || echo "no 'I/O error, dev vda, sector N' in dmesg"
    for s in $sectors; do
        [ "$s" -ge 2048 ] && [ "$s" -le 2063 ] || echo "I/O error at sector $s"
    done
    grep -q '^EMULATOR-EXIT 0' "$1" || echo "$(grep EMULATOR-EXIT "$1")"
}

# First QEMU, with its blkdebug driver failing reads of sector 2048, to
# prove the disk checks (QEMU has nothing like the UART rules).
head -c $((4 << 20)) /dev/zero >"$tmp/vda.img"
qlog=$BUILD/fault/linux-qemu.log
qproblem=""
if command -v qemu-system-aarch64 >/dev/null 2>&1; then
    printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "2048"\n' >"$tmp/blkdebug.cfg"
    {
        timeout "$LIMIT" qemu-system-aarch64 $OPTS -append "console=ttyAMA0 panic=-1 quiet" \
            -drive if=none,id=hd0,format=raw,file=blkdebug:"$tmp/blkdebug.cfg":"$tmp/vda.img" \
            -device virtio-blk-device,drive=hd0 </dev/null 2>&1
        echo "EMULATOR-EXIT $?"
    } >"$qlog"
    qproblem=$(blk_checks "$qlog" | tr '\n' ';')
fi

log=$BUILD/fault/linux.log
rm -f "$tmp/tty"
mkfifo "$tmp/tty"
exec 4<>"$tmp/tty"
{
    timeout "$LIMIT" "$ARMVIRT" $OPTS -append "console=ttyAMA0 panic=-1 quiet fault-tty" \
        -drive if=none,id=hd0,file="$tmp/vda.img",format=raw -device virtio-blk-device,drive=hd0 \
        -fault drive=hd0,op=read,sectors=2048-2063,error=eio \
        -fault uart=0,framing,after=2,count=1 -fault uart=0,overrun,after=4,count=1 \
        <"$tmp/tty" 2>&1 4>&-
    echo "EMULATOR-EXIT $?"
} >"$log" &
lpid=$!
i=0
while ! grep -q 'FAULT-SEND-INPUT\|FAULT-DONE\|EMULATOR-EXIT' "$log" && [ $i -lt $((LIMIT * 10)) ]; do
    sleep 0.1
    i=$((i + 1))
done
# Let the guest's read start before the line comes.
sleep 1
printf 'hello\n' >&4
wait "$lpid"
exec 4>&-
bad=$(blk_checks "$log" | tr '\n' ';')
if [ -n "$qproblem" ]; then
    echo "FAIL fault/linux-blk: the checks fail on qemu itself: $qproblem (log: $qlog)"
elif [ -n "$bad" ]; then
    echo "FAIL fault/linux-blk: $bad (log: $log)"
else
    echo "PASS fault/linux-blk ($(field DMESG "$log" | head -n 1 | sed 's/ op .*//; s/^\[[^]]*\] //'))"
fi
# "hello\n": byte 3 ('l') has a framing error, byte 5 ('o') is lost to an
# overrun and '\n' carries UARTDR.OE. Linux's pl011 driver counts FE and OE
# (icount.frame, icount.overrun), passes 'l' on as a normal byte (INPCK is
# off) and queues an overrun mark after '\n', which n_tty drops: the line
# reads "hell".
bad=""
tty=$(field TTY "$log")
for count in fe:1 oe:1; do
    case " $tty " in *" $count "*) ;; *) bad="$bad no $count in the ttyAMA line '$tty';" ;; esac
done
[ "$(field LINE "$log")" = hell ] || bad="$bad the line arrived as '$(field LINE "$log")';"
if [ -z "$bad" ]; then echo "PASS fault/linux-uart ($tty)"; else echo "FAIL fault/linux-uart:$bad (log: $log)"; fi

# ---- fault/linux-net ----
# The guest's frames are one ARP request, then ten pings to slirp's
# gateway; the rule drops its 4th to 6th frames, pings 3 to 5: ping counts
# 7 replies. (QEMU cannot drop frames on request, so the expected count
# comes from the rule, and the control is the same boot without it: 10.)
nlog=$BUILD/fault/linux-net
for rule in none tx; do
    set --
    [ $rule = tx ] && set -- -fault netdev=n0,dir=tx,drop,after=3,count=3
    {
        timeout "$LIMIT" "$ARMVIRT" $OPTS -append "console=ttyAMA0 panic=-1 quiet fault-net"             -netdev user,id=n0,ipv6=off -device virtio-net-device,netdev=n0 "$@" </dev/null 2>&1
        echo "EMULATOR-EXIT $?"
    } >"$nlog-$rule.log"
done
want_none="10 packets transmitted, 10 packets received, 0% packet loss"
want_tx="10 packets transmitted, 7 packets received, 30% packet loss"
bad=""
[ "$(field PING "$nlog-none.log")" = "$want_none" ] ||
    bad="$bad without a rule ping says '$(field PING "$nlog-none.log")';"
[ "$(field PING "$nlog-tx.log")" = "$want_tx" ] ||
    bad="$bad with the rule ping says '$(field PING "$nlog-tx.log")', not '$want_tx';"
for rule in none tx; do
    grep -q '^EMULATOR-EXIT 0' "$nlog-$rule.log" || bad="$bad $rule: $(grep EMULATOR-EXIT "$nlog-$rule.log");"
done
if [ -z "$bad" ]; then echo "PASS fault/linux-net ($want_tx)"; else echo "FAIL fault/linux-net:$bad (logs: $nlog-*.log)"; fi
exit 0
