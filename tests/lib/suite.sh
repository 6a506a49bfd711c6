# Sourced by the shell suites that run each case on qemu-system-aarch64 and
# on armvirt with the same options (tests/console/run.sh, tests/net/run.sh):
# where the emulators, the guest kernel and dtbcmp are, and the helpers they
# share. The caller makes $tmp, a scratch folder removed when it exits.
# shellcheck shell=sh disable=SC2034,SC2154

BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
CACHE=${GUEST_CACHE:-build/guest-cache}
KERNEL=$CACHE/cloud-arm64/vmlinuz
CMP=$BUILD/tests/dtb/dtbcmp

# emu NAME: the command for qemu or armvirt.
emu() { [ "$1" = qemu ] && echo "$QEMU" || echo "$ARMVIRT"; }

# A TCP port nobody listens on, from the kernel's ephemeral range.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# report TEST QFAIL AFAIL: the verdict of a case run on both emulators, given
# what failed on each (empty: nothing). A failure on qemu means the test
# itself is wrong, so it is named first.
report() {
    test=$1 qfail=$2 afail=$3
    if [ -n "$qfail" ]; then
        echo "FAIL $test: the test fails on qemu too: $(echo "$qfail" | head -n 1)"
    elif [ -n "$afail" ]; then
        echo "FAIL $test: $(echo "$afail" | tr '\n' ';')"
    else
        echo "PASS $test"
    fi
}

# dtb_case TEST ARGS...: -machine dumpdtb with ARGS on both emulators,
# armvirt's tree against QEMU's node by node (tests/dtb's dtbcmp, less what
# tests/dtb/not-yet-modelled.txt lists). The caller checks that $CMP is built.
dtb_case() {
    test=$1
    shift
    if ! "$QEMU" -display none "$@" -machine "dumpdtb=$tmp/q.dtb" >"$tmp/q.log" 2>&1; then
        echo "FAIL $test: qemu failed: $(head -c 200 "$tmp/q.log")"
    elif ! "$ARMVIRT" "$@" -machine "dumpdtb=$tmp/a.dtb" >"$tmp/a.log" 2>&1; then
        echo "FAIL $test: armvirt failed: $(head -c 200 "$tmp/a.log")"
    elif "$CMP" "$tmp/a.dtb" "$tmp/q.dtb" "$(dirname "$0")/../dtb/not-yet-modelled.txt" >"$tmp/diff" 2>&1; then
        echo "PASS $test"
    else
        echo "FAIL $test: $(head -n 5 "$tmp/diff" | tr '\n' ';')"
    fi
}
