#!/bin/sh
# virtio-blk and virtio-rng under Linux: Debian's cloud-arm64 kernel with an
# initramfs whose /init is tests/vblk/init-vblk. Expected values come from
# the host (sha256sum, stat, debugfs, e2fsck on the images) or, where
# parity with QEMU is the point, from the same boot on qemu-system-aarch64.
# Two boots on armvirt, one on QEMU:
#   main (legacy virtio-mmio, the default; also run on QEMU): three disks
#     -device virtio-blk-device,drive=hdN,serial=S in this order:
#       vblk-ext4  an ext4 image made by mkfs.ext4 -d holding a random file
#       vblk-raw   8 MiB of random bytes
#       vblk-ro    1 MiB of random bytes, -drive ...,readonly=on
#     and -device virtio-rng-device. Tests:
#     vblk/legacy/ext4   the file's sha256 in the guest is the host's; the
#                        guest copies the raw disk's first 2 MiB into the
#                        fs, unmounts, powers off (exit 0); debugfs finds
#                        the copy byte for byte; e2fsck -fn is clean
#     vblk/disks         the guest sees the disks on the same vdX names, at
#                        the same virtio-mmio nodes (slots), with the same
#                        serials, sizes, ro flags and negotiated features as
#                        under QEMU; sizes are the images' sizes
#     vblk/serial        /sys/block/vdX/serial is each disk's serial=
#     vblk/raw           the raw disk's sha256 read in the guest is the host's
#     vblk/discard       blkdiscard of its last 4 MiB: the image's allocated
#                        blocks drop by about 4 MiB (stat -c %b), the first
#                        4 MiB are unchanged
#     vblk/readonly      the guest reads the host's bytes; a write fails as
#                        under QEMU (the same error); the image is unchanged
#     vblk/rng           rng_current is what QEMU's guest shows (virtio_rng.0);
#                        4 KiB read from /dev/hwrng, nearly all bytes nonzero
#   single (modern: -global virtio-mmio.force-legacy=false; the disk given
#     as -drive file=F,if=virtio): the guest reads the host's file, writes a
#     file of a content the host also generates (from a seed), powers off:
#     vblk/modern+if=virtio/ext4   as vblk/legacy/ext4, and the negotiated
#                        features hold VIRTIO_F_VERSION_1 (bit 32), which
#                        the legacy boot's do not
# Console logs and images stay in $BUILD/vblk/work.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
CACHE=${GUEST_CACHE:-build/guest-cache}
LIMIT=${VBLK_TIMEOUT:-150}
KERNEL=$CACHE/cloud-arm64/vmlinuz
INITRD=$BUILD/vblk/initrd-vblk.gz
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic"
W=$BUILD/vblk/work
PATH=$PATH:/sbin:/usr/sbin

for t in mkfs.ext4 debugfs e2fsck; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP vblk: $t not found (e2fsprogs)"; exit 0; }
done
if [ ! -f "$KERNEL" ] || [ ! -f "$INITRD" ]; then
    echo "FAIL vblk: $KERNEL or $INITRD not built"
    exit 0
fi
command -v "$QEMU" >/dev/null 2>&1 || { echo "FAIL vblk: $QEMU not found"; exit 0; }

rm -rf "$W"
mkdir -p "$W/src/data"
sha() { sha256sum "$@" | cut -d' ' -f1; }
blocks() { stat -c %b "$1"; }

# The host's images and facts. 3000000 bytes: not a whole number of blocks.
head -c 3000000 /dev/urandom >"$W/src/data/random.bin"
file_sha=$(sha "$W/src/data/random.bin")
mkfs.ext4 -q -F -d "$W/src" "$W/ext4.img" 32M >"$W/mkfs.log" 2>&1 ||
    { echo "FAIL vblk: mkfs.ext4 -d failed: $(head -c 300 "$W/mkfs.log")"; exit 0; }
head -c 8388608 /dev/urandom >"$W/raw.img"
head -c 1048576 /dev/urandom >"$W/ro.img"
raw_sha=$(sha "$W/raw.img")
raw_head_sha=$(head -c 4194304 "$W/raw.img" | sha)
head -c 2097152 "$W/raw.img" >"$W/copied.want"
ro_sha=$(sha "$W/ro.img")
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
yes "armvirt-vblk $seed" | head -c 2097152 >"$W/written.want"
for e in qemu armvirt; do
    for i in ext4 raw ro; do cp "$W/$i.img" "$W/$e-$i.img"; done
done
cp "$W/ext4.img" "$W/single.img"
raw_blocks=$(blocks "$W/armvirt-raw.img")

# boot LOG EMULATOR APPEND ARGS...: the console in LOG, ending with
# "EMULATOR-EXIT <status>".
boot() {
    log=$1 emu=$2 append=$3
    shift 3
    timeout "$LIMIT" $emu $OPTS -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyAMA0 panic=-1 quiet $append" "$@" </dev/null >"$log" 2>&1
    echo "EMULATOR-EXIT $?" >>"$log"
}

# field LOG NAME: the rest of the first "VBLK-NAME ..." line.
field() { grep -a "^VBLK-$2 " "$1" | head -n 1 | sed "s/^VBLK-$2 //" | tr -d '\r'; }
lines() { grep -a "^VBLK-$2 " "$1" | tr -d '\r'; }
status() { sed -n 's/^EMULATOR-EXIT //p' "$1"; }

# finished LOG: empty if /init got to the end and the emulator exited 0,
# else why not, with the last console lines.
finished() {
    if ! grep -aq '^VBLK-DONE' "$1"; then
        echo "init did not finish (exit status $(status "$1"); 124 is the $LIMIT s timeout), last lines: $(grep -av EMULATOR-EXIT "$1" | tail -n 4 | tr -d '\r' | tr '\n' '|')"
    elif [ "$(status "$1")" != 0 ]; then
        echo "exit status $(status "$1") after poweroff"
    fi
}

# ext4_problems LOG IMAGE FILE WANT: why the ext4 round trip failed, if it
# did: the read file's hash, the unmount, FILE in IMAGE (debugfs) against
# WANT, e2fsck -fn.
ext4_problems() {
    [ "$(field "$1" MOUNT)" = ok ] || echo "mount failed"
    [ "$(field "$1" READ)" = "$file_sha" ] || echo "guest sha256 '$(field "$1" READ)', host '$file_sha'"
    [ "$(field "$1" WRITE)" = 0 ] || echo "writing $3 failed in the guest"
    [ "$(field "$1" UMOUNT)" = ok ] || echo "umount failed"
    rm -f "$1.out"
    debugfs -R "dump $3 $1.out" "$2" >/dev/null 2>&1
    if [ ! -f "$1.out" ]; then
        echo "debugfs finds no $3"
    elif ! cmp -s "$1.out" "$4"; then
        echo "$3 differs from what was written ($(cmp "$1.out" "$4" 2>&1 | head -n 1))"
    fi
    e2fsck -fn "$2" >"$1.fsck" 2>&1 || echo "e2fsck -fn: $(grep -v '^Pass\|^e2fsck\|^$' "$1.fsck" | head -n 3 | tr '\n' '|')"
}

# report NAME PROBLEMS [NOTE]
report() {
    if [ -n "$2" ]; then
        echo "FAIL $1: $(echo "$2" | sed '/^$/d' | tr '\n' ';' | sed 's/;$//')"
    else
        echo "PASS $1${3:+ ($3)}"
    fi
}

main_args() {
    echo "-drive if=none,id=hd0,file=$W/$1-ext4.img,format=raw"
    echo "-device virtio-blk-device,drive=hd0,serial=vblk-ext4"
    echo "-drive if=none,id=hd1,file=$W/$1-raw.img,format=raw"
    echo "-device virtio-blk-device,drive=hd1,serial=vblk-raw"
    echo "-drive if=none,id=hd2,file=$W/$1-ro.img,format=raw,readonly=on"
    echo "-device virtio-blk-device,drive=hd2,serial=vblk-ro"
    echo "-device virtio-rng-device"
}

ql=$W/main-qemu.log al=$W/main-armvirt.log sl=$W/single-armvirt.log
# shellcheck disable=SC2046
boot "$ql" "$QEMU" "vblk=main" $(main_args qemu)
q=$(finished "$ql")
if [ -n "$q" ]; then
    echo "FAIL vblk: the main boot fails on qemu itself: $q (log: $ql)"
    exit 0
fi
t0=$(date +%s.%N)
# shellcheck disable=SC2046
boot "$al" "$ARMVIRT" "vblk=main" $(main_args armvirt)
t1=$(date +%s.%N)
boot "$sl" "$ARMVIRT" "vblk=single vblkseed=$seed" \
    -global virtio-mmio.force-legacy=false -drive "file=$W/single.img,if=virtio,format=raw" \
    -device virtio-rng-device
t2=$(date +%s.%N)
took() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f s", b - a }'; }

a=$(finished "$al")
if [ -n "$a" ]; then
    echo "FAIL vblk/legacy: $a (log: $al)"
else
    report vblk/legacy/ext4 "$(ext4_problems "$al" "$W/armvirt-ext4.img" /out/copied "$W/copied.want")" \
        "armvirt boot $(took "$t0" "$t1")"

    # Disks: QEMU's view line for line, and the host's sizes and serials.
    p=""
    if [ "$(lines "$ql" DISK)" != "$(lines "$al" DISK)" ]; then
        p="armvirt: $(lines "$al" DISK | tr '\n' '|') qemu: $(lines "$ql" DISK | tr '\n' '|')"
    fi
    for i in ext4 raw ro; do
        want=$(( $(stat -c %s "$W/$i.img") / 512 ))
        lines "$al" DISK | grep -q " serial=vblk-$i size=$want ro=" ||
            p="$p
vblk-$i: no disk of $want sectors"
    done
    report vblk/disks "$p" "$(lines "$al" DISK | cut -d' ' -f2-4 | tr '\n' ' ' | sed 's/ $//')"

    p=""
    for i in ext4 raw ro; do
        n=$(lines "$al" DISK | grep " serial=vblk-$i " | cut -d' ' -f1)
        [ -n "$n" ] || p="$p no disk shows serial vblk-$i;"
    done
    report vblk/serial "$p"

    [ "$(field "$al" RAW-SHA)" = "$raw_sha" ] && report vblk/raw "" ||
        report vblk/raw "guest sha256 '$(field "$al" RAW-SHA)', host '$raw_sha'"

    # Can the host's file system punch holes at all? (armvirt's discard does.)
    head -c 65536 /dev/urandom >"$W/probe"
    punch=yes
    fallocate -p -o 0 -l 65536 "$W/probe" 2>/dev/null && [ "$(blocks "$W/probe")" -lt 128 ] || punch=""
    p=""
    after=$(blocks "$W/armvirt-raw.img")
    [ "$(field "$al" DISCARD)" = 0 ] || p="blkdiscard failed in the guest"
    # 4 MiB is 8192 blocks of 512 bytes; allow a little for the host fs.
    [ $((raw_blocks - after)) -ge 7680 ] ||
        p="$p
allocated blocks $raw_blocks before, $after after (expected a drop of 8192)"
    [ "$(head -c 4194304 "$W/armvirt-raw.img" | sha)" = "$raw_head_sha" ] ||
        p="$p
the first 4 MiB changed"
    if [ -z "$punch" ] && [ "$raw_blocks" = "$after" ] && [ "$(field "$al" DISCARD)" = 0 ]; then
        echo "SKIP vblk/discard: the file system of $W cannot punch holes (fallocate -p)"
    else
        report vblk/discard "$p" "blocks $raw_blocks -> $after"
    fi

    p=""
    [ "$(field "$al" RO-SHA)" = "$ro_sha" ] || p="guest sha256 '$(field "$al" RO-SHA)', host '$ro_sha'"
    aw=$(field "$al" RO-WRITE) qw=$(field "$ql" RO-WRITE)
    case $qw in
    0\ *|'') p="$p
the write did not fail on qemu either ('$qw')" ;;
    esac
    [ "$aw" = "$qw" ] || p="$p
write: armvirt '$aw', qemu '$qw'"
    [ "$(sha "$W/armvirt-ro.img")" = "$ro_sha" ] || p="$p
the image changed"
    report vblk/readonly "$p" "$aw"

    p=""
    ar=$(field "$al" RNG-CURRENT) qr=$(field "$ql" RNG-CURRENT)
    [ "$ar" = "$qr" ] || p="rng_current: armvirt '$ar', qemu '$qr'"
    # shellcheck disable=SC2046
    set -- $(field "$al" RNG-READ)
    [ "${1:-0}" = 4096 ] && [ "${2:-0}" -ge 3900 ] ||
        p="$p
/dev/hwrng: read ${1:-0} bytes, ${2:-0} nonzero"
    report vblk/rng "$p" "$ar"
fi

s=$(finished "$sl")
if [ -n "$s" ]; then
    echo "FAIL vblk/modern+if=virtio/ext4: $s (log: $sl)"
else
    p=$(ext4_problems "$sl" "$W/single.img" /out/written "$W/written.want")
    mf=$(lines "$sl" DISK | sed -n 's/.* features=//p' | head -n 1)
    lf=$(lines "$al" DISK | sed -n 's/.* features=//p' | head -n 1)
    [ "$(echo "$mf" | cut -c33)" = 1 ] || p="$p
VERSION_1 not negotiated (features $mf)"
    [ -z "$lf" ] || [ "$(echo "$lf" | cut -c33)" = 0 ] || p="$p
the legacy boot negotiated VERSION_1 ($lf)"
    [ "$(field "$sl" RNG-CURRENT)" = "$(field "$ql" RNG-CURRENT)" ] || p="$p
rng_current '$(field "$sl" RNG-CURRENT)'"
    report vblk/modern+if=virtio/ext4 "$p" "armvirt boot $(took "$t1" "$t2")"
fi
exit 0
