#!/usr/bin/env python3
"""Malformed virtqueues over qtest: armvirt's virtio devices must fail safely.

A small virtio driver written in qtest commands (vdriver.py) sets up
virtio-blk and virtio-rng over the virtio-mmio registers as a guest driver
would (virtio 1.2, 3.1.1 and 4.2.3), writes descriptor tables and rings
into guest RAM, notifies, and reads the used ring and Status back.

Every case runs on a freshly initialised device: a well-formed request
first (the positive control: the rng buffer is filled, a blk read returns
the bytes of the image this script wrote), then the malformed one; then
armvirt must still answer (MagicValue), the device must have failed the
request with the status the spec gives (blk IOERR/UNSUPP, 5.2.6.1) or put
itself in DEVICE_NEEDS_RESET (status 0x40, spec 2.1.2) with a config-change
interrupt (InterruptStatus bit 1) when the error came after DRIVER_OK, as
armvirt's virtio_error does in both modes; a broken device must ignore
further notifies; and after a reset and re-initialisation the positive
control must pass again. A reply that does not come within a few seconds
is a hang; armvirt exiting is a crash; under the sanitizer build any
AddressSanitizer / UndefinedBehaviorSanitizer line on stderr fails.

The same cases run on QEMU 7.2 (Debian's qemu-system-aarch64 -M virt
-qtest stdio) where QEMU behaves the same; the differences are listed at
QEMU_DIFFERS below and in the case comments, not forced into parity.

Output: one "PASS vring/<impl>/<dev>-<mode>/<case>" or "FAIL ...: why"
(or "SKIP ...") line per case; exit status 0 unless the script itself
could not run.
"""
import argparse
import os
import struct
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from vdriver import *  # noqa: E402,F401,F403 (registers, Qtest, Vdev, desc, link)


# Slots: the first -device takes the highest slot (QEMU 7.2's order).
DEVICES = [
    # name, slot base, RAM area for its rings and buffers
    ("blk", 0x0a003e00, RAM + 0x1000000),
    ("rng", 0x0a003c00, RAM + 0x1100000),
    ("blkro", 0x0a003a00, RAM + 0x1200000),
]

# Where QEMU 7.2 does not do what armvirt does, the case is not run on QEMU
# and the reason is printed as a SKIP line. (QEMU's legacy devices never show
# NEEDS_RESET: its virtio_error sets the bit and raises the config interrupt
# only for VERSION_1 devices, and just stops using a legacy one; that is
# checked as "no completion" rather than skipped.)
QEMU_DIFFERS = {
    # Observed over qtest: QEMU completes a request whose buffer is not in
    # RAM - the flash at 0, nothing at all, partly past RAM's end - with the
    # used length of a good one (it maps non-RAM for DMA through a bounce
    # buffer); armvirt takes DMA from RAM only and marks the device broken.
    "addr-zero": "QEMU completes a request with a buffer in the flash at 0x0",
    "addr-high": "QEMU bounce-buffers the unmapped address and completes the request",
    "addr-span": "QEMU bounce-buffers the part past RAM and completes the request",
    "addr-wrap": "QEMU completes the request whose buffer wraps past 2^64",
    # Observed on QEMU 7.2: no qtest reply for more than 5 s (it works
    # through gigabytes of bounce-buffered "buffer"); armvirt fails at once.
    "rng/len-huge": "QEMU stops answering for more than 5 s",
    "rng/ind-oob": "QEMU stops answering for more than 5 s",
    # Observed: QEMU's virtio-rng neither serves a nested indirect table nor
    # sets NEEDS_RESET (its legacy behaviour, no completion, is the same).
    "rng-modern/ind-nest": "QEMU ignores the request without NEEDS_RESET",
    # Observed: QEMU ignores a QueueNum write of 0 or above QueueNumMax
    # (1024), keeping the default size, and takes a size that is not a
    # power of two; in modern mode it then serves the request. armvirt
    # refuses all three when the queue is enabled (vq_enable: NEEDS_RESET).
    "qsize-npot": "QEMU accepts a queue size that is not a power of two",
    "qsize-big": "QEMU ignores the QueueNum write and keeps the default size",
    "qsize-zero": "QEMU ignores the QueueNum write and keeps the default size",
    # QueueAlign 3: QEMU reports nothing (legacy devices never show
    # NEEDS_RESET there) and where it then puts the used ring is no spec
    # fact, so there is nothing to compare.
    "legacy/align-bad": "QEMU reports no error for QueueAlign 3",
    # Observed: QEMU leaves Status at 0xf (no NEEDS_RESET) when the used
    # ring is outside RAM, and serves nothing; legacy (no completion) agrees.
    "modern/used-oob": "QEMU serves nothing but sets no NEEDS_RESET",
    "random": "QEMU completes requests into unmapped space (addr-high)",
}


def qemu_differs(kind, mode, name):
    for key in ("%s-%s/%s" % (kind, mode, name), "%s/%s" % (kind, name),
                "%s/%s" % (mode, name), name):
        if key in QEMU_DIFFERS:
            return QEMU_DIFFERS[key]
    return None


# ---- the malformed requests ----
# Each takes the device (freshly initialised, positive control done) and
# returns what must happen: "broken" (NEEDS_RESET, or for QEMU legacy just
# no completion) or ("status", N) for a blk request answered with status N.


def case_loop_self(dev):
    # The head's next is itself: without a budget the walk never ends.
    c = dev.good_chain()
    a, n, f = c[0]
    dev.put_descs(desc(a, n, f | D_NEXT, 0))
    dev.publish(0)
    return "broken"


def case_loop_two(dev):
    # 0 -> 1 -> 0 -> ...
    c = dev.good_chain()
    a, n, f = c[-1]
    dev.put_descs(desc(c[0][0], c[0][1], c[0][2] | D_NEXT, 1) + desc(a, n, f | D_NEXT, 0))
    dev.publish(0)
    return "broken"


def case_chain_long(dev):
    # Every descriptor of the table in one cycle: the chain runs past the
    # queue size without ever repeating a short loop.
    c = dev.good_chain()
    data = b""
    for i in range(NUM):
        a, n, f = c[min(i, len(c) - 1)]
        data += desc(a, n, f | D_NEXT, (i + 1) % NUM)
    dev.put_descs(data)
    dev.publish(0)
    return "broken"


def case_next_oob(dev):
    # next == queue size: outside the descriptor table.
    c = dev.good_chain()
    a, n, f = c[0]
    dev.put_descs(desc(a, n, f | D_NEXT, NUM))
    dev.publish(0)
    return "broken"


def put_indirect(dev, table, length=None, addr=None):
    dev.qt.write(dev.table_pa, table)
    dev.put_descs(desc(dev.table_pa if addr is None else addr,
                       len(table) if length is None else length, D_INDIRECT))
    dev.publish(0)


def case_ind_ok(dev):
    # Not malformed: a well-formed indirect request must work (it proves
    # the indirect cases below reach the table walk).
    dev.positive("indirect request", indirect=True)
    return None


def case_ind_loop(dev):
    c = dev.good_chain()
    t = link(c)
    a, n, f = c[-1]
    t = t[:-16] + desc(a, n, f | D_NEXT, 0)
    put_indirect(dev, t)
    return "broken"


def case_ind_nest(dev):
    # An indirect descriptor inside an indirect table (spec 2.7.5.3.1: the
    # driver MUST NOT set INDIRECT there). The inner table is well formed.
    c = dev.good_chain()
    inner = dev.table_pa + 0x800
    dev.qt.write(inner, link(c))
    put_indirect(dev, desc(inner, 16 * len(c), D_INDIRECT))
    return "broken"


def case_ind_len_odd(dev):
    c = dev.good_chain()
    put_indirect(dev, link(c), length=16 * len(c) + 8)
    return "broken"


def case_ind_len_zero(dev):
    put_indirect(dev, link(dev.good_chain()), length=0)
    return "broken"


def case_ind_oob(dev):
    put_indirect(dev, link(dev.good_chain()), addr=0x1000000000000)
    return "broken"


def case_ind_next_oob(dev):
    c = dev.good_chain()
    a, n, f = c[-1]
    t = link(c)[:-16] + desc(a, n, f | D_NEXT, len(c))
    put_indirect(dev, t)
    return "broken"


def bad_buffer(dev, addr, length):
    """The device's chain with its last data buffer moved to addr/len."""
    c = dev.good_chain()
    i = 0 if dev.kind == "rng" else 1
    c[i] = (addr, length, c[i][2])
    dev.put_descs(link(c))
    dev.publish(0)
    return "broken"


def case_addr_zero(dev):
    return bad_buffer(dev, 0x0, 512)


def case_addr_high(dev):
    return bad_buffer(dev, 0x1000000000000, 512)


def case_addr_span(dev):
    # Starts in RAM, ends 496 bytes past its end.
    return bad_buffer(dev, RAM_END - 16, 512)


def case_addr_wrap(dev):
    # addr + len wraps around 2^64.
    return bad_buffer(dev, 0xfffffffffffffe00, 1024)


def case_len_huge(dev):
    return bad_buffer(dev, dev.buf_pa + 0x100, 0xffffffff)


def case_avail_jump(dev):
    # avail idx moves NUM + 1 past what the device has taken.
    dev.put_descs(link(dev.good_chain()))
    dev.publish(0, idx=(dev.avail_idx + NUM + 1) & 0xffff)
    return "broken"


def case_head_oob(dev):
    dev.put_descs(link(dev.good_chain()))
    dev.publish(NUM)
    return "broken"


def case_head_max(dev):
    dev.put_descs(link(dev.good_chain()))
    dev.publish(0xffff)
    return "broken"


# Cases whose bad value goes into the queue set-up: they re-initialise the
# device with it, then check a well-formed request is not served.

def setup_case(**kw):
    def run(dev):
        dev.init(**kw)
        dev.put_descs(link(dev.good_chain()))
        dev.publish(0)
        return "broken-setup"
    return run


def case_used_oob(dev):
    if dev.modern:
        return setup_case(used_pa=0x1000000000000)(dev)
    # Legacy: descriptors and avail ring in RAM's last page, the used ring
    # (next page) past its end.
    return setup_case(pfn=(RAM_END - PAGE) >> 12)(dev)


def case_desc_oob(dev):
    if dev.modern:
        return setup_case(desc_pa=RAM_END - 64)(dev)
    return setup_case(pfn=RAM_END >> 12)(dev)


def case_align_bad(dev):
    # Legacy QueueAlign 3: not a power of two (spec 4.2.4, legacy
    # interface: QueueAlign is). armvirt refuses the queue (NEEDS_RESET);
    # see QEMU_DIFFERS for QEMU.
    if dev.modern:
        return "n/a"
    return setup_case(align=3)(dev)


def case_qsel_oob(dev):
    # Queue 1 does not exist on either device: QueueNumMax reads 0, and
    # writes to its queue registers and a notify of it (and of queue
    # 0xffff) change nothing; queue 0 keeps working without a reset.
    dev.w(QUEUE_SEL, 1)
    qmax = dev.r(QUEUE_NUM_MAX)
    if qmax != 0:
        raise CaseFail("QueueNumMax of queue 1 reads %d" % qmax)
    dev.w(QUEUE_NUM, 4)
    if dev.modern:
        dev.w(Q_DESC_LO, 0x10)
        dev.w(Q_DEV_HI, 0xffffffff)
        dev.w(QUEUE_READY, 1)
    else:
        dev.w(QUEUE_PFN, 0xffffffff)
    dev.w(QUEUE_NOTIFY, 1)
    dev.w(QUEUE_NOTIFY, 0xffff)
    dev.w(QUEUE_SEL, 0)
    if dev.r(STATUS) & NEEDS_RESET:
        raise CaseFail("NEEDS_RESET after writes to a queue that does not exist")
    dev.positive("request after writes to queue 1")
    return None


# virtio-blk requests (spec 5.2.6).

def case_blk_short_hdr(dev):
    # An 8-byte header: not a request at all, so there is no status to
    # answer with: NEEDS_RESET (armvirt's blk_drain_queue; QEMU 7.2 does
    # the same, observed over qtest).
    b = dev.buf_pa
    dev.put_descs(link([(b, 8, 0), (b + 0x600, 1, D_WRITE)]))
    dev.publish(0)
    return "broken"


def case_blk_no_status(dev):
    # Header but no device-writable byte for the status.
    dev.put_descs(link([(dev.buf_pa, 16, 0)]))
    dev.publish(0)
    return "broken"


def blk_request(dev, rtype, sector, nbytes, data=None):
    dev.put_descs(link(dev.blk_chain(rtype, sector, nbytes, data)))
    dev.publish(0)


def case_blk_past_end(dev):
    blk_request(dev, BLK_IN, IMAGE_SECTORS, 512)
    return ("status", BLK_S_IOERR)


def case_blk_straddle(dev):
    blk_request(dev, BLK_IN, IMAGE_SECTORS - 1, 1024)
    return ("status", BLK_S_IOERR)


def case_blk_sector_wrap(dev):
    # sector * 512 and sector + count overflow 64 bits.
    blk_request(dev, BLK_IN, 0xffffffffffffffff, 1024)
    return ("status", BLK_S_IOERR)


def case_blk_partial_sector(dev):
    blk_request(dev, BLK_IN, 0, 100)
    return ("status", BLK_S_IOERR)


def case_blk_unsupp(dev):
    # An unknown request type: UNSUPP (spec 5.2.6.1).
    blk_request(dev, 0x99, 0, 512)
    return ("status", BLK_S_UNSUPP)


def case_blk_ro_write(dev):
    # A write to a read-only disk: IOERR, the image untouched (checked on
    # the host file afterwards).
    blk_request(dev, BLK_OUT, 0, 512, b"\xee" * 512)
    return ("status", BLK_S_IOERR, "image-unchanged")


def case_blk_reset_busy(dev):
    # Not malformed, but the moment a device is most easily hurt: NUM reads
    # of 64 KiB in flight (one indirect table each) when the driver turns
    # the queue off and on (modern) and resets the device without waiting.
    # The reset must wait for them (virtio.h: ops->reset) and the device
    # must come back; under ASan a late write to freed state would show.
    qt, a = dev.qt, dev.area
    hdr, st = a + 0x10000, a + 0x11000
    qt.write(hdr, struct.pack("<IIQ", BLK_IN, 0, 0))
    heads = b""
    for i in range(NUM):
        t = dev.table_pa + 64 * i
        qt.write(t, link([(hdr, 16, 0), (a + 0x80000 + 0x10000 * i, 0x10000, D_WRITE),
                          (st + i, 1, D_WRITE)]))
        heads += desc(t, 48, D_INDIRECT)
    dev.put_descs(heads)
    for i in range(NUM):
        qt.write(dev.avail_pa + 4 + 2 * ((dev.avail_idx + i) % NUM), struct.pack("<H", i))
    dev.avail_idx = (dev.avail_idx + NUM) & 0xffff
    qt.write(dev.avail_pa + 2, struct.pack("<H", dev.avail_idx))
    dev.w(QUEUE_NOTIFY, 0)
    if dev.modern:
        dev.w(QUEUE_READY, 0)
        dev.w(QUEUE_READY, 1)
    dev.w(STATUS, 0)
    return None


def case_random(dev):
    # Seeded random mutations of well-formed requests, armvirt only (QEMU
    # completes requests into unmapped space, see QEMU_DIFFERS): the good
    # chain's descriptors land at random table slots (or in an indirect
    # table), and each address, length, flag word and next index, the blk
    # header and the avail ring may be replaced by a bad value. After each
    # request armvirt must answer, and the device must use the chain or set
    # NEEDS_RESET (then it is re-initialised). blk runs on the read-only
    # disk so the image stays the positive control's.
    import random
    rnd = random.Random(0x5eed + 2 * (dev.kind == "rng") + dev.modern)
    qt = dev.qt
    p = 0.08

    def bad_addr():
        return rnd.choice([RAM_END - rnd.randrange(1, 600), 0, rnd.getrandbits(64),
                           dev.table_pa, dev.buf_pa + rnd.randrange(0, 0x70000)])

    def bad_len():
        return rnd.choice([0, 0xffffffff, rnd.getrandbits(32), rnd.randrange(0, 2048)])

    for it in range(150):
        if dev.kind == "rng":
            chain = [(dev.buf_pa, rnd.randrange(1, 4096), D_WRITE)]
        else:
            rtype = rnd.choice([BLK_IN, BLK_IN, BLK_OUT, 4, 8, 11, 13, 0x99])
            sector = rnd.choice([0, 3, 2040, 2047, 2048, rnd.getrandbits(64)])
            chain = dev.blk_chain(BLK_IN, sector, 512 * rnd.randrange(1, 9))
            qt.write(dev.buf_pa, struct.pack("<IIQ", rtype, 0, sector))
            if rtype != BLK_IN:
                chain[1] = (chain[1][0], chain[1][1], 0)
        n = len(chain)
        indirect = rnd.random() < 0.3
        size = 16 if indirect else NUM
        slots = rnd.sample(range(size), n)
        table = bytearray(16 * size)
        for i, (a, ln, f) in enumerate(chain):
            a = bad_addr() if rnd.random() < p else a
            ln = bad_len() if rnd.random() < p else ln
            f = f | (D_NEXT if i < n - 1 else 0)
            f = rnd.randrange(0, 8) if rnd.random() < p else f
            nxt = slots[i + 1] if i < n - 1 else 0
            nxt = rnd.randrange(0, size + 3) if rnd.random() < p else nxt
            table[16 * slots[i]:16 * slots[i] + 16] = desc(a, ln, f, nxt)
        if indirect:
            qt.write(dev.table_pa, bytes(table))
            tlen = 16 * size if rnd.random() > p else bad_len()
            head = rnd.randrange(0, NUM)
            qt.write(dev.desc_pa + 16 * head, desc(dev.table_pa, tlen, D_INDIRECT))
            if slots[0] != 0:   # the walk of a table starts at its entry 0
                table[0:16] = table[16 * slots[0]:16 * slots[0] + 16]
                qt.write(dev.table_pa, bytes(table))
        else:
            qt.write(dev.desc_pa, bytes(table))
            head = slots[0]
        if rnd.random() < p:
            head = rnd.getrandbits(16)
        jump = rnd.random() < 0.03
        dev.publish(head, idx=(dev.avail_idx + NUM + 1) & 0xffff if jump else None)
        res = dev.poll(3.0)
        if res is None:
            raise CaseFail("iteration %d: neither used nor NEEDS_RESET within 3 s" % it)
        if res[0] == "reset":
            dev.init()
        if not qt.alive():
            raise CaseFail("iteration %d: MagicValue changed" % it)
    return None


COMMON = [
    ("loop-self", case_loop_self), ("loop-two", case_loop_two),
    ("chain-long", case_chain_long), ("next-oob", case_next_oob),
    ("ind-ok", case_ind_ok), ("ind-loop", case_ind_loop), ("ind-nest", case_ind_nest),
    ("ind-len-odd", case_ind_len_odd), ("ind-len-zero", case_ind_len_zero),
    ("ind-oob", case_ind_oob), ("ind-next-oob", case_ind_next_oob),
    ("addr-zero", case_addr_zero), ("addr-high", case_addr_high),
    ("addr-span", case_addr_span), ("addr-wrap", case_addr_wrap),
    ("len-huge", case_len_huge), ("avail-jump", case_avail_jump),
    ("head-oob", case_head_oob), ("head-max", case_head_max),
    ("qsize-npot", setup_case(qnum=3)), ("qsize-big", setup_case(qnum=2048)),
    ("qsize-zero", setup_case(qnum=0)),
    ("used-oob", case_used_oob), ("desc-oob", case_desc_oob),
    ("align-bad", case_align_bad), ("qsel-oob", case_qsel_oob),
]
BLK = [
    ("short-hdr", case_blk_short_hdr), ("no-status", case_blk_no_status),
    ("past-end", case_blk_past_end), ("straddle-end", case_blk_straddle),
    ("sector-wrap", case_blk_sector_wrap), ("partial-sector", case_blk_partial_sector),
    ("unsupp", case_blk_unsupp), ("reset-busy", case_blk_reset_busy),
]
RNG = [("random", case_random)]
BLKRO = [("ro-write", case_blk_ro_write), ("random", case_random)]


class Session:
    """An emulator with blk, rng and a read-only blk, restarted after a
    crash or hang so later cases still run."""

    def __init__(self, impl, argv_fn, modern, kind, tmp):
        self.impl, self.argv_fn, self.modern, self.kind = impl, argv_fn, modern, kind
        self.errpath = os.path.join(tmp, "%s-%s-%s.err" % (impl, kind,
                                                         "modern" if modern else "legacy"))
        self.err_off = 0
        self.qt = None

    def start(self):
        if self.qt is None:
            self.qt = Qtest(self.argv_fn(self.modern, self.kind), self.errpath if self.impl == "armvirt"
                            else None)

    def stop(self):
        if self.qt is not None:
            self.qt.close()
            self.qt = None

    def sanitizer_news(self):
        """New sanitizer lines on armvirt's stderr since the last call."""
        if self.impl != "armvirt" or not os.path.exists(self.errpath):
            return ""
        with open(self.errpath, "rb") as f:
            f.seek(self.err_off)
            text = f.read().decode(errors="replace")
            self.err_off = f.tell()
        hits = [l for l in text.splitlines()
                if "Sanitizer" in l or "runtime error:" in l or "SUMMARY:" in l]
        return " | ".join(hits[:3])


def expect(dev, impl, outcome):
    """Checks the device's answer to a malformed request."""
    qemu_legacy = impl == "qemu" and not dev.modern
    if outcome is None:
        return
    if outcome[0] == "status":
        res = dev.poll(5.0)
        if res is None:
            raise CaseFail("request never completed")
        if res[0] == "reset":
            raise CaseFail("NEEDS_RESET (status 0x%x) instead of status %d" % (res[1], outcome[1]))
        st = dev.qt.read(dev.buf_pa + 0x600, 1)[0]
        if st != outcome[1]:
            raise CaseFail("status byte %d, want %d (used len %d)" % (st, outcome[1], res[2]))
        return
    if qemu_legacy:
        # QEMU 7.2 marks a legacy device broken without NEEDS_RESET: all
        # that shows is that nothing completes.
        res = dev.poll(0.05)
        if res is not None:
            raise CaseFail("QEMU legacy answered %s" % (res,))
        return
    res = dev.poll(3.0 if outcome == "broken" else 0.05)
    if res is None:
        if outcome == "broken-setup":
            st = dev.r(STATUS)
            raise CaseFail("bad queue accepted: request not served and no NEEDS_RESET "
                           "(status 0x%x)" % st)
        raise CaseFail("no completion and no NEEDS_RESET within 3 s")
    if res[0] == "used":
        raise CaseFail("device used the malformed chain (id %d len %d)" % (res[1], res[2]))
    isr = dev.r(INT_STATUS)
    if outcome == "broken" and not isr & ISR_CONFIG:
        raise CaseFail("NEEDS_RESET without a config-change interrupt (ISR 0x%x)" % isr)
    if outcome == "broken-setup" and isr & ISR_USED:
        raise CaseFail("ISR 0x%x: used-buffer interrupt from a refused queue" % isr)
    # A broken device takes nothing more until it is reset.
    dev.put_descs(link(dev.good_chain()))
    dev.publish(0)
    res = dev.poll(0.02, stop_on_reset=False)
    if res is not None:
        raise CaseFail("broken device served a later request")


def run_case(sess, kind, base, area, image, imgpath, name, fn):
    impl = sess.impl
    mode = "modern" if sess.modern else "legacy"
    label = "vring/%s/%s-%s/%s" % (impl, kind, mode, name)
    why = qemu_differs(kind, mode, name) if impl == "qemu" else None
    if why:
        print("SKIP %s: %s" % (label, why))
        return
    try:
        sess.start()
        dev = Vdev(sess.qt, kind, base, area, sess.modern, image)
        before = open(imgpath, "rb").read() if imgpath else None
        dev.init()
        dev.positive()
        outcome = fn(dev)
        if outcome == "n/a":
            return
        if not sess.qt.alive():
            raise CaseFail("MagicValue no longer reads 0x74726976")
        expect(dev, impl, outcome)
        if outcome and len(outcome) > 2 and outcome[2] == "image-unchanged":
            if open(imgpath, "rb").read() != before:
                raise CaseFail("the read-only image changed")
        dev.init()
        if dev.r(INT_STATUS):
            raise CaseFail("InterruptStatus 0x%x after reset" % dev.r(INT_STATUS))
        dev.positive("positive control after reset")
        news = sess.sanitizer_news()
        if news:
            raise CaseFail("sanitizer: " + news)
        print("PASS %s" % label)
    except CaseFail as e:
        news = sess.sanitizer_news()
        print("FAIL %s: %s%s" % (label, e, " [sanitizer: %s]" % news if news else ""))
    except (Hang, Dead) as e:
        kind_s = "hang" if isinstance(e, Hang) else "crash"
        sess.stop()
        news = sess.sanitizer_news()
        print("FAIL %s: %s: %s%s" % (label, kind_s, e, " [sanitizer: %s]" % news if news else ""))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--armvirt", required=True)
    ap.add_argument("--qemu", default="")
    ap.add_argument("--only", default="", help="run cases whose label contains this")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="vring.")
    rnd = os.urandom(IMAGE_SECTORS * 512)
    disk = os.path.join(tmp, "disk.img")
    rodisk = os.path.join(tmp, "ro.img")
    with open(disk, "wb") as f:
        f.write(rnd)
    with open(rodisk, "wb") as f:
        f.write(rnd)
    devopts = ["-m", "128M",
               "-drive", "if=none,id=hd0,file=%s,format=raw" % disk,
               "-device", "virtio-blk-device,drive=hd0",
               "-device", "virtio-rng-device",
               "-drive", "if=none,id=hd1,file=%s,format=raw,readonly=on" % rodisk,
               "-device", "virtio-blk-device,drive=hd1"]

    def modern_opt(modern):
        return ["-global", "virtio-mmio.force-legacy=false"] if modern else []

    # QEMU's virtio-rng serves nothing while the VM is stopped (-S), and
    # Debian's QEMU has no qtest accelerator: for the rng its CPU runs a
    # loaded "kernel" that turns itself off at once (PSCI CPU_OFF through
    # HVC, QEMU virt's conduit without EL2/EL3), far below the rings. The
    # blk sessions keep -S, as tests/qtest does.
    cpu_off = os.path.join(tmp, "cpu-off.bin")
    with open(cpu_off, "wb") as f:
        # movz x0, #2; movk x0, #0x8400, lsl #16; hvc #0; b .
        f.write(struct.pack("<IIII", 0xd2800040, 0xf2b08000, 0xd4000002, 0x14000000))

    def armvirt_argv(modern, group):
        return ([args.armvirt, "-M", "virt", "-machine", "accel=qtest"] + modern_opt(modern) +
                devopts + ["-qtest", "stdio"])

    def qemu_argv(modern, group):
        run = ["-kernel", cpu_off] if group == "rng" else ["-S"]
        return ([args.qemu, "-M", "virt", "-display", "none"] + run + modern_opt(modern) +
                devopts + ["-qtest", "stdio"])

    impls = [("armvirt", armvirt_argv, [("all", ("blk", "rng", "blkro"))])]
    if args.qemu:
        impls.append(("qemu", qemu_argv, [("blk", ("blk", "blkro")), ("rng", ("rng",))]))

    for impl, argv_fn, groups in impls:
        for modern in (False, True):
            mode = "modern" if modern else "legacy"
            for group, kinds in groups:
                sess = Session(impl, argv_fn, modern, group, tmp)
                for kind, base, area in DEVICES:
                    if kind not in kinds:
                        continue
                    cases = {"blk": COMMON + BLK, "rng": COMMON + RNG, "blkro": BLKRO}[kind]
                    img = rnd if kind != "rng" else None
                    path = rodisk if kind == "blkro" else None
                    for name, fn in cases:
                        label = "%s/%s-%s/%s" % (impl, kind, mode, name)
                        if args.only and args.only not in label:
                            continue
                        run_case(sess, kind, base, area, img, path, name, fn)
                if sess.qt is None or impl != "armvirt":
                    if sess.qt is not None:
                        sess.stop()
                    continue
                qt, sess.qt = sess.qt, None
                rc = qt.close()
                news = sess.sanitizer_news()
                label = "vring/%s/%s/exit" % (impl, mode)
                if rc != 0:
                    print("FAIL %s: armvirt exited %s at the end of input%s" %
                          (label, rc, " [sanitizer: %s]" % news if news else ""))
                elif news:
                    print("FAIL %s: sanitizer: %s" % (label, news))
                else:
                    print("PASS %s" % label)
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
