#!/bin/sh
# Linux boot test: Debian 12's cloud-arm64 kernel with an initramfs whose
# /init (tests/linux/init-check) prints marked lines, then powers off. The
# same boot runs on qemu-system-aarch64 first, to prove the checks; then on
# armvirt, where every check must pass and armvirt must exit 0. Checks:
#   cpuinfo    the Features line names fp, asimd and crc32
#   modules    the virtio modules from the kernel package loaded
#   date       the guest's clock within 5 s of the host's
#   sleep      `sleep 2` took 2 +- 0.5 s of host time (line timestamps)
#   sha256     16 MiB written in tmpfs hashes as the host computes it
#   forks      300 fork+exec of busybox commands and a pipeline completed
#   poweroff   the emulator exited 0 after /init's poweroff
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${LINUX_KERNEL:-build/guest-cache/cloud-arm64/vmlinuz}
INITRD=${LINUX_INITRD:-$BUILD/linux/initrd-check.gz}
LIMIT=${LINUX_TIMEOUT:-120}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$KERNEL" "$INITRD"; do
    [ -f "$f" ] || { echo "FAIL linux: $f not built"; exit 0; }
done
want_sha=$(yes armvirt | head -c 16777216 | sha256sum | cut -d' ' -f1)

# boot LABEL EMULATOR: console lines prefixed with host time in $tmp/LABEL,
# ending with "EMULATOR-EXIT <status>".
boot() {
    {
        timeout "$LIMIT" $2 $OPTS -kernel "$KERNEL" -initrd "$INITRD" \
            -append "console=ttyAMA0 panic=-1 quiet" </dev/null 2>&1
        echo "EMULATOR-EXIT $?"
    } | while IFS= read -r line; do
        printf '%s %s\n' "$(date +%s.%N)" "$line"
    done >"$tmp/$1"
}

# checks LABEL: prints one "name: why" line per failed check.
checks() {
    log=$tmp/$1
    status=$(sed -n 's/^[0-9.]* EMULATOR-EXIT //p' "$log")
    field() { grep " LINUX-$1" "$log" | head -n 1 | sed "s/^[0-9.]* LINUX-$1 *//" | tr -d '\r'; }
    stamp() { grep " LINUX-$1" "$log" | head -n 1 | cut -d' ' -f1; }
    f=$(field CPUINFO)
    for feat in fp asimd crc32; do
        echo "$f" | grep -qw "$feat" || echo "cpuinfo: no '$feat' in '$f'"
    done
    m=$(field MODULES)
    for mod in virtio virtio_ring virtio_mmio virtio_blk; do
        echo " $m " | grep -q " $mod " || echo "modules: $mod not loaded ('$m')"
    done
    d=$(field DATE) t=$(stamp DATE)
    [ -n "$d" ] && awk -v d="$d" -v t="$t" 'BEGIN { x = d - t; exit !(x < 5 && x > -5) }' ||
        echo "date: guest $d, host ${t%.*}"
    s=$(stamp SLEEP-START) e=$(stamp SLEEP-END)
    [ -n "$s" ] && [ -n "$e" ] && awk -v s="$s" -v e="$e" 'BEGIN { x = e - s; exit !(x >= 1.5 && x <= 2.5) }' ||
        echo "sleep: 'sleep 2' took $(awk -v s="${s:-0}" -v e="${e:-0}" 'BEGIN { print e - s }') s"
    [ "$(field SHA256)" = "$want_sha" ] || echo "sha256: guest '$(field SHA256)', host '$want_sha'"
    [ "$(field FORKS)" = "300 6" ] || echo "forks: '$(field FORKS)', expected '300 6'"
    grep -q ' LINUX-DONE' "$log" || echo "init did not finish: $(tail -n 3 "$log" | cut -d' ' -f2- | tr '\n' '|')"
    [ "$status" = 0 ] || echo "poweroff: exit status $status"
}

boot qemu "$QEMU"
q=$(checks qemu)
if [ -n "$q" ]; then
    echo "FAIL linux/boot: the checks fail on qemu itself: $(echo "$q" | tr '\n' ';')"
    exit 0
fi
start=$(date +%s.%N)
boot armvirt "$ARMVIRT"
a=$(checks armvirt)
if [ -n "$a" ]; then
    echo "FAIL linux/boot: $(echo "$a" | tr '\n' ';')"
else
    echo "PASS linux/boot ($(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s)"
fi
exit 0
