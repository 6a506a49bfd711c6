#!/bin/sh
# Linux boot test: Debian 12's cloud-arm64 kernel, then its generic arm64
# kernel, each with an initramfs of its own modules whose /init
# (tests/linux/init-check) prints marked lines, then powers off. Each boot
# runs on qemu-system-aarch64 first, to prove the checks; then on armvirt,
# where every check must pass and armvirt must exit 0. Tests, per flavour F:
#   linux/F/boot    cpuinfo   the Features line names fp, asimd and crc32
#                   modules   the virtio modules loaded (or built in)
#                   date      the guest's clock within 5 s of the host's
#                   sleep     `sleep 2` took 2 +- 0.5 s of host time
#                   sha256    16 MiB written in tmpfs hashes as the host's
#                   forks     300 fork+exec of busybox commands and a pipeline
#                   poweroff  the emulator exited 0 after /init's poweroff
#   linux/F/glibc   /bin/glibc-test (tests/linux/glibc-test.c) printed
#                   exactly what it printed under qemu, and reported 0 bad;
#                   on the first flavour with the runs of glibc's memcpy,
#                   memmove and memset versions for other CPUs as well
# Console logs are kept in $BUILD/linux/logs/F-{qemu,armvirt}.log.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
CACHE=${GUEST_CACHE:-build/guest-cache}
FLAVOURS=${LINUX_FLAVOURS:-cloud-arm64 arm64}
LIMIT=${LINUX_TIMEOUT:-150}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic"
logs=$BUILD/linux/logs
mkdir -p "$logs"
want_sha=$(yes armvirt | head -c 16777216 | sha256sum | cut -d' ' -f1)

# boot LOG EMULATOR KERNEL INITRD APPEND: console lines prefixed with host
# time in LOG, ending with "EMULATOR-EXIT <status>"; prints the seconds it
# took.
boot() {
    s=$(date +%s.%N)
    {
        timeout "$LIMIT" $2 $OPTS -kernel "$3" -initrd "$4" \
            -append "console=ttyAMA0 panic=-1 quiet $5" </dev/null 2>&1
        echo "EMULATOR-EXIT $?"
    } | while IFS= read -r line; do
        printf '%s %s\n' "$(date +%s.%N)" "$line"
    done >"$1"
    awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}

# checks LOG: prints one "name: why" line per failed boot check; for a
# boot that hangs or panics, only that and its last console lines.
checks() {
    log=$1
    status=$(sed -n 's/^[0-9.]* EMULATOR-EXIT //p' "$log")
    if ! grep -q ' LINUX-DONE' "$log"; then
        echo "init did not finish (exit status $status; 124 is the ${LIMIT} s timeout), last lines: $(grep -v EMULATOR-EXIT "$log" | tail -n 4 | cut -d' ' -f2- | tr -d '\r' | tr '\n' '|')"
        return
    fi
    field() { grep " LINUX-$1 " "$log" | head -n 1 | sed "s/^[0-9.]* LINUX-$1 *//" | tr -d '\r'; }
    stamp() { grep " LINUX-$1" "$log" | head -n 1 | cut -d' ' -f1; }
    f=$(field CPUINFO)
    for feat in fp asimd crc32; do
        echo "$f" | grep -qw "$feat" || echo "cpuinfo: no '$feat' in '$f'"
    done
    m=" $(field MODULES) $(field BUILTIN) "
    for mod in virtio virtio_ring virtio_mmio virtio_blk; do
        echo "$m" | grep -q " $mod " || echo "modules: $mod neither loaded nor built in ('$m')"
    done
    d=$(field DATE) t=$(stamp DATE)
    [ -n "$d" ] && awk -v d="$d" -v t="$t" 'BEGIN { x = d - t; exit !(x < 5 && x > -5) }' ||
        echo "date: guest $d, host ${t%.*}"
    s=$(stamp SLEEP-START) e=$(stamp SLEEP-END)
    [ -n "$s" ] && [ -n "$e" ] && awk -v s="$s" -v e="$e" 'BEGIN { x = e - s; exit !(x >= 1.5 && x <= 2.5) }' ||
        echo "sleep: 'sleep 2' took $(awk -v s="${s:-0}" -v e="${e:-0}" 'BEGIN { print e - s }') s"
    [ "$(field SHA256)" = "$want_sha" ] || echo "sha256: guest '$(field SHA256)', host '$want_sha'"
    [ "$(field FORKS)" = "300 6" ] || echo "forks: '$(field FORKS)', expected '300 6'"
    [ "$status" = 0 ] || echo "poweroff: exit status $status"
}

# glibc LOG: glibc-test's output lines.
glibc() {
    grep ' LINUX-GLIBC ' "$1" | sed 's/^[0-9.]* LINUX-GLIBC //' | tr -d '\r'
}

# glibc_problem FILE: why glibc-test's output in FILE is not a clean run.
glibc_problem() {
    if ! tail -n 1 "$1" | grep -q '^exit '; then
        echo "it did not finish (last line '$(tail -n 1 "$1")')"
    elif grep -q '^exit [^0]' "$1"; then
        echo "it exited with status $(grep '^exit [^0]' "$1" | head -n 1)"
    elif grep -q 'bad=[1-9]' "$1"; then
        echo "$(grep 'bad=[1-9]\|^BAD' "$1" | head -n 4 | tr '\n' ';')"
    fi
}

first=${FLAVOURS%% *}
for fl in $FLAVOURS; do
    extra=""
    [ "$fl" = "$first" ] && extra=glibc-test=variants
    kernel=$CACHE/$fl/vmlinuz initrd=$BUILD/linux/$fl/initrd-check.gz
    ql=$logs/$fl-qemu.log al=$logs/$fl-armvirt.log
    if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
        echo "FAIL linux/$fl/boot: $kernel or $initrd not built"
        continue
    fi
    qt=$(boot "$ql" "$QEMU" "$kernel" "$initrd" "$extra")
    q=$(checks "$ql")
    glibc "$ql" >"$ql.glibc"
    qg=$(glibc_problem "$ql.glibc")
    if [ -n "$q" ] || [ -n "$qg" ]; then
        echo "FAIL linux/$fl/boot: the checks fail on qemu itself: $(echo "$q" | tr '\n' ';') ${qg:+glibc-test: $qg}"
        continue
    fi
    at=$(boot "$al" "$ARMVIRT" "$kernel" "$initrd" "$extra")
    a=$(checks "$al")
    if [ -n "$a" ]; then
        echo "FAIL linux/$fl/boot: $(echo "$a" | tr '\n' ';') (log: $al)"
    else
        echo "PASS linux/$fl/boot (armvirt $at s, qemu $qt s)"
    fi
    glibc "$al" >"$al.glibc"
    if cmp -s "$ql.glibc" "$al.glibc"; then
        echo "PASS linux/$fl/glibc ($(wc -l <"$al.glibc") lines as on qemu)"
    elif [ ! -s "$al.glibc" ]; then
        echo "FAIL linux/$fl/glibc: no output from glibc-test"
    elif cmp "$al.glibc" "$ql.glibc" 2>&1 | grep -q "EOF on $al.glibc"; then
        echo "FAIL linux/$fl/glibc: its output stops after $(wc -l <"$al.glibc") of $(wc -l <"$ql.glibc") lines, last '$(tail -n 1 "$al.glibc")'"
    else
        n=$(diff "$ql.glibc" "$al.glibc" | grep -c '^>')
        d=$(diff "$ql.glibc" "$al.glibc" | grep '^[<>]' | head -n 6 | sed 's/^</qemu:/; s/^>/armvirt:/' | tr '\n' ';')
        echo "FAIL linux/$fl/glibc: $n lines differ from qemu's: $d (diff $ql.glibc $al.glibc)"
    fi
done
exit 0
