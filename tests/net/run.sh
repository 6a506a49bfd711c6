#!/bin/sh
# virtio-net with Linux: Debian's cloud-arm64 kernel and tests/net/init-net
# (built by tests/net/net.mk). Each boot runs on qemu-system-aarch64 first,
# with the same -netdev/-device, to prove the checks; then on armvirt.
#   net/user-legacy, net/user-modern   -netdev user with a hostfwd, on
#       virtio-mmio version 1 and 2:
#     mac       the guest's eth0 has QEMU's default MAC 52:54:00:12:34:56
#     features  the driver's negotiated features as under QEMU
#     lease     udhcpc got 10.0.2.15, router 10.0.2.2, DNS 10.0.2.3 (QEMU's)
#     http      the guest fetched 3 MB of random bytes from an HTTP server
#               on the host's loopback (10.0.2.2 in the guest); its sha256
#               and size as the host's
#     hostfwd   the host fetched the guest's 2 MiB file from its httpd
#               through hostfwd=tcp:127.0.0.1:PORT-:8080; hash as the host's
#     exit      the guest powered off, the emulator exited 0
#   net/tap   -netdev tap on a tap interface made here (192.168.X.1/24 on
#       the host, .2 in the guest): the guest pings the host, fetches the
#       file, and the host fetches the guest's file from 192.168.X.2:8080.
#       SKIP if this container cannot make a tap interface.
#   net/dtb   -machine dumpdtb with two NICs and an rng between them is
#       QEMU's tree (tests/dtb's dtbcmp)
# Ports are picked free at run time. Logs: $BUILD/net/logs/.
set -u
# shellcheck source=tests/lib/suite.sh
. "$(dirname "$0")/../lib/suite.sh"
INITRD=$BUILD/net/initrd-net.gz
LIMIT=${NET_TIMEOUT:-150}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic"
MAC=52:54:00:12:34:56
logs=$BUILD/net/logs
mkdir -p "$logs"
tmp=$(mktemp -d)
srv=""
tap=""
cleanup() {
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    [ -n "$tap" ] && ip link del "$tap" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# The device tree: the NICs' virtio-mmio nodes as QEMU lists them.
if [ -x "$CMP" ]; then
    dtb_case net/dtb -M virt -cpu cortex-a57 -m 512M -netdev user,id=n0 \
        -device virtio-net-device,netdev=n0 -device virtio-rng-device -netdev user,id=n1 \
        -device virtio-net-device,netdev=n1,mac=02:00:00:00:00:01
else
    echo "SKIP net/dtb: $CMP not built"
fi

for f in "$KERNEL" "$INITRD" "$ARMVIRT"; do
    [ -e "$f" ] || { echo "FAIL net: $f missing (make $INITRD)"; exit 0; }
done
command -v python3 >/dev/null 2>&1 || { echo "SKIP net: no python3 for the host side"; exit 0; }

# fetch URL: "SHA256 SIZE" of what the URL serves, or "failed".
fetch() {
    python3 - "$1" <<'EOF' 2>/dev/null || echo failed
import hashlib, sys, urllib.request
d = urllib.request.urlopen(sys.argv[1], timeout=60).read()
print(hashlib.sha256(d).hexdigest(), len(d))
EOF
}

mkdir -p "$tmp/www"
head -c 3000000 /dev/urandom >"$tmp/www/data"
want_http="$(sha256sum <"$tmp/www/data" | cut -d' ' -f1) 3000000"
want_guest="$(yes armvirt-guest | head -c 2097152 | sha256sum | cut -d' ' -f1) 2097152"
http_port=$(free_port)
python3 -m http.server "$http_port" --bind 0.0.0.0 --directory "$tmp/www" >/dev/null 2>&1 &
srv=$!
i=0
while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $http_port), 1)" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && { echo "FAIL net: the host HTTP server did not start"; exit 0; }
    sleep 0.1
done

# boot NAME EMULATOR FETCH_URL APPEND ARGS...: runs the guest, fetches
# FETCH_URL once it serves, lets it power off. Console in $logs/NAME.log,
# the fetch result in $tmp/NAME.fetch, exit status in $tmp/NAME.rc.
boot() {
    name=$1 emu=$2 url=$3 append=$4
    shift 4
    rm -f "$tmp/www/done"
    log=$logs/$name.log
    : >"$log"
    timeout "$LIMIT" $emu $OPTS -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyAMA0 panic=-1 quiet $append" "$@" </dev/null >"$log" 2>&1 &
    pid=$!
    i=0
    while ! grep -q '^NET-SERVING' "$log" && kill -0 "$pid" 2>/dev/null && [ $i -lt $((LIMIT * 5)) ]; do
        sleep 0.2
        i=$((i + 1))
    done
    if grep -q '^NET-SERVING' "$log"; then
        fetch "$url" >"$tmp/$name.fetch"
    else
        echo failed >"$tmp/$name.fetch"
    fi
    : >"$tmp/www/done"
    wait "$pid"
    echo $? >"$tmp/$name.rc"
}

field() { grep "^NET-$2 " "$logs/$1.log" | head -n 1 | sed "s/^NET-$2 *//" | tr -d '\r'; }

# checks NAME KIND [REFERENCE]: one "name: why" line per failed check.
checks() {
    name=$1 kind=$2 ref=${3:-}
    rc=$(cat "$tmp/$name.rc")
    if ! grep -q '^NET-DONE' "$logs/$name.log"; then
        echo "init did not finish (exit $rc), last lines: $(tail -n 4 "$logs/$name.log" | tr -d '\r' | tr '\n' '|')"
        return
    fi
    [ "$(field "$name" MAC)" = "$MAC" ] || echo "mac: '$(field "$name" MAC)', expected $MAC"
    if [ -n "$ref" ] && [ "$(field "$name" FEATURES)" != "$(field "$ref" FEATURES)" ]; then
        echo "features: '$(field "$name" FEATURES)', qemu '$(field "$ref" FEATURES)'"
    fi
    if [ "$kind" = user ]; then
        l=$(field "$name" LEASE)
        [ "$l" = "10.0.2.15 10.0.2.2 10.0.2.3" ] || echo "lease: '$l'"
    else
        [ "$(field "$name" PING)" = ok ] || echo "ping: the guest could not ping the host"
    fi
    [ "$(field "$name" HTTP)" = "$want_http" ] || echo "http: guest '$(field "$name" HTTP)', host '$want_http'"
    f=$(cat "$tmp/$name.fetch")
    [ "$f" = "$want_guest" ] || echo "hostfwd: host fetched '$f', expected '$want_guest'"
    [ "$rc" = 0 ] || echo "exit: status $rc"
}

for transport in legacy modern; do
    g=""
    [ $transport = modern ] && g="-global virtio-mmio.force-legacy=false"
    for e in qemu armvirt; do
        port=$(free_port)
        # shellcheck disable=SC2086
        boot "user-$transport-$e" "$(emu $e)" "http://127.0.0.1:$port/data" \
            "net.mode=user net.http=10.0.2.2:$http_port" $g \
            -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" \
            -device virtio-net-device,netdev=n0
    done
    report "net/user-$transport" "$(checks "user-$transport-qemu" user)" \
        "$(checks "user-$transport-armvirt" user "user-$transport-qemu")"
done

# tap: a fresh interface, a /24 of its own chosen from our pid.
tap=armvt$$
tap=$(echo "$tap" | cut -c1-15)
net=192.168.$((200 + $$ % 50))
if ! ip tuntap add dev "$tap" mode tap 2>"$tmp/taperr" || ! ip addr add "$net.1/24" dev "$tap" 2>>"$tmp/taperr" ||
   ! ip link set "$tap" up 2>>"$tmp/taperr"; then
    echo "SKIP net/tap: cannot make a tap interface here: $(head -n 1 "$tmp/taperr")"
    exit 0
fi
boot tap-armvirt "$ARMVIRT" "http://$net.2:8080/data" \
    "net.mode=tap net.ip=$net.2 net.http=$net.1:$http_port" \
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" -device virtio-net-device,netdev=n0
report net/tap "" "$(checks tap-armvirt tap)"
exit 0
