#!/bin/sh
# virtio-net TCP throughput, armvirt against qemu-system-aarch64 in the same
# run with the same options: Debian's cloud-arm64 kernel and
# tests/net/init-net on -netdev user (slirp), the host's end on its
# loopback (10.0.2.2 in the guest).
#   tx  guest->host: the guest's bench/netstream sends zeros in 64 KiB
#       writes (net.bench=PORT) to a host listener, which counts
#       NET_BENCH_BYTES and hangs up.
#   rx  host->guest: the host sends NET_BENCH_BYTES and hangs up; the
#       guest's netstream reads to the end (net.bench-rx=PORT).
# The host times the transfer itself, so boot and DHCP do not count.
# NET_BENCH_BYTES defaults to 256 MiB, as the issue's disk figure. Each
# figure is the best of
# NET_BENCH_RUNS runs (default 2). Prints MB/s for each emulator and the
# ratio armvirt / QEMU (target: at least 0.7).
# Needs $BUILD/net/initrd-net.gz (make build/net/initrd-net.gz).
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
CACHE=${GUEST_CACHE:-build/guest-cache}
KERNEL=$CACHE/cloud-arm64/vmlinuz
INITRD=$BUILD/net/initrd-net.gz
BYTES=${NET_BENCH_BYTES:-268435456}
RUNS=${NET_BENCH_RUNS:-2}
LIMIT=${NET_BENCH_TIMEOUT:-300}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$KERNEL" "$INITRD" "$ARMVIRT"; do
    [ -e "$f" ] || { echo "bench/net: $f missing (make $INITRD)" >&2; exit 1; }
done

# run EMULATOR tx|rx: one transfer; prints its seconds, or nothing if it
# failed. tx: the guest sends, the host counts BYTES and hangs up; rx: the
# host sends BYTES and hangs up, the guest's nc ends at the end of stream.
run() {
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 - "$port" "$BYTES" "$2" >"$tmp/host" 2>&1 <<'EOF' &
import socket, sys, time
port, want, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(1)
ls.settimeout(240)
c, _ = ls.accept()
c.settimeout(240)
done, t0 = 0, None
if mode == "tx":
    while done < want:
        b = c.recv(1 << 20)
        if not b:
            break
        if t0 is None:
            t0 = time.monotonic()
        done += len(b)
    c.close()
else:
    buf = bytes(1 << 20)
    t0 = time.monotonic()
    while done < want:
        done += c.send(buf[:min(len(buf), want - done)])
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
t1 = time.monotonic()
print(min(done, want), t1 - t0 if t0 else 0)
EOF
    hpid=$!
    sleep 0.3
    opt=net.bench
    [ "$2" = rx ] && opt=net.bench-rx
    timeout "$LIMIT" $1 $OPTS -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyAMA0 panic=-1 quiet net.mode=user $opt=$port" \
        -netdev user,id=n0 -device virtio-net-device,netdev=n0 </dev/null >"$tmp/console" 2>&1
    rc=$?
    wait "$hpid"
    set -- $(cat "$tmp/host")
    if [ "$rc" -ne 0 ] || [ "${1:-0}" != "$BYTES" ]; then
        echo "bench/net: exit status $rc, ${1:-nothing} of $BYTES bytes moved: $(tail -n 3 "$tmp/console" | tr -d '\r' | tr '\n' '|')" >&2
        return
    fi
    echo "$2"
}

# best EMULATOR MODE: the shortest of RUNS transfers.
best() {
    b=""
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        t=$(run "$1" "$2")
        [ -z "$t" ] && return
        b=$(awk -v a="$t" -v b="${b:-1e9}" 'BEGIN { print (a < b) ? a : b }')
        i=$((i + 1))
    done
    echo "$b"
}

status=0
for mode in tx rx; do
    q=$(best "$QEMU" $mode)
    a=$(best "$ARMVIRT" $mode)
    if [ -z "$q" ] || [ -z "$a" ]; then
        echo "bench/net: a $mode run failed" >&2
        status=1
        continue
    fi
    awk -v q="$q" -v a="$a" -v n="$BYTES" -v m="$mode" 'BEGIN {
        d = (m == "tx") ? "guest->host" : "host->guest"
        printf "net %s: %s TCP via slirp, %d MiB: qemu %.1f MB/s, armvirt %.1f MB/s\n",
            m, d, n / 1048576, n / q / 1e6, n / a / 1e6
        printf "ratio armvirt/qemu (throughput, net %s): %.2f (target: at least 0.7)\n", m, q / a
    }'
done
exit $status
