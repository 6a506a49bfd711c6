"""The driver side of virtio-mmio, spoken in qtest commands (tests/vring).

Qtest runs one emulator under -qtest stdio and sends one request at a time,
timing each reply out (Hang) and noticing the emulator's exit (Dead). Vdev
brings one virtio-mmio device up as a guest driver would - virtio 1.2, 3.1.1
and 4.2.3: reset, ACKNOWLEDGE, DRIVER, features (INDIRECT_DESC, and
VERSION_1 + FEATURES_OK for modern), the queue registers (legacy
GuestPageSize + QueueAlign + QueuePFN, modern desc/driver/device +
QueueReady) and DRIVER_OK, each status bit added by a read-modify-write of
Status as Linux does - and puts descriptors and ring entries into guest RAM.
"""
import os
import select
import struct
import subprocess
import time

RAM = 0x40000000
RAM_SIZE = 128 << 20          # -m 128M for both emulators
RAM_END = RAM + RAM_SIZE
MAGIC = 0x74726976

# virtio-mmio registers (spec 4.2.2).
MAGIC_VALUE, VERSION, DEVICE_ID = 0x000, 0x004, 0x008
DEV_FEAT, DEV_FEAT_SEL, DRV_FEAT, DRV_FEAT_SEL = 0x010, 0x014, 0x020, 0x024
GUEST_PAGE_SIZE, QUEUE_SEL, QUEUE_NUM_MAX, QUEUE_NUM = 0x028, 0x030, 0x034, 0x038
QUEUE_ALIGN, QUEUE_PFN, QUEUE_READY, QUEUE_NOTIFY = 0x03c, 0x040, 0x044, 0x050
INT_STATUS, INT_ACK, STATUS = 0x060, 0x064, 0x070
Q_DESC_LO, Q_DESC_HI, Q_DRV_LO, Q_DRV_HI, Q_DEV_LO, Q_DEV_HI = (
    0x080, 0x084, 0x090, 0x094, 0x0a0, 0x0a4)

ACK, DRIVER, DRIVER_OK, FEATURES_OK, NEEDS_RESET, FAILED = 1, 2, 4, 8, 64, 128
ISR_USED, ISR_CONFIG = 1, 2
F_INDIRECT, F_VERSION_1 = 28, 32
D_NEXT, D_WRITE, D_INDIRECT = 1, 2, 4
BLK_IN, BLK_OUT = 0, 1
BLK_S_OK, BLK_S_IOERR, BLK_S_UNSUPP = 0, 1, 2

NUM = 8                        # queue size the driver picks (<= QueueNumMax 1024)
PAGE = 4096
IMAGE_SECTORS = 2048           # 1 MiB images


class Hang(Exception):
    pass


class Dead(Exception):
    pass


class CaseFail(Exception):
    pass


class Qtest:
    """One emulator under -qtest stdio; one request at a time."""

    def __init__(self, argv, errpath):
        self.errpath = errpath
        self.err = open(errpath, "ab") if errpath else subprocess.DEVNULL
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.err)
        self.buf = b""

    def cmd(self, line, timeout=5.0):
        try:
            self.p.stdin.write(line.encode() + b"\n")
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            raise Dead("exited (status %s) before '%s'" % (self.p.poll(), line[:40]))
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while True:
            while b"\n" in self.buf:
                reply, self.buf = self.buf.split(b"\n", 1)
                reply = reply.decode(errors="replace")
                if reply.startswith("IRQ "):
                    continue
                if reply.startswith("OK"):
                    return reply
                raise CaseFail("'%s' answered '%s'" % (line[:60], reply[:80]))
            left = deadline - time.monotonic()
            if left <= 0:
                raise Hang("no reply to '%s' in %.0f s" % (line[:40], timeout))
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.p.wait(timeout=5)
                raise Dead("exited (status %s) at '%s'" % (self.p.returncode, line[:40]))
            self.buf += chunk

    def readl(self, addr):
        return int(self.cmd("readl 0x%x" % addr).split()[1], 16)

    def readw(self, addr):
        return int(self.cmd("readw 0x%x" % addr).split()[1], 16)

    def writel(self, addr, v):
        self.cmd("writel 0x%x 0x%x" % (addr, v))

    def write(self, addr, data):
        self.cmd("write 0x%x %d 0x%s" % (addr, len(data), data.hex()))

    def read(self, addr, n):
        return bytes.fromhex(self.cmd("read 0x%x %d" % (addr, n)).split()[1][2:])

    def memset(self, addr, n, v):
        self.cmd("memset 0x%x %d 0x%x" % (addr, n, v))

    def alive(self):
        return self.readl(0x0a003e00 + MAGIC_VALUE) == MAGIC

    def close(self):
        """Ends the session; returns armvirt's exit status (None if killed)."""
        rc = None
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            rc = self.p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            # QEMU does not exit when the test hangs up.
            self.p.kill()
            self.p.wait()
        if self.err is not subprocess.DEVNULL:
            self.err.close()
        return rc


def desc(addr, length, flags=0, nxt=0):
    return struct.pack("<QIHH", addr, length, flags, nxt)


def link(chain):
    """Descriptors for a list of (addr, len, flags) linked 0->1->...->k-1."""
    out = b""
    for i, (a, n, f) in enumerate(chain):
        last = i == len(chain) - 1
        out += desc(a, n, f | (0 if last else D_NEXT), 0 if last else i + 1)
    return out


class Vdev:
    """The driver side of one virtio-mmio device."""

    def __init__(self, qt, kind, base, area, modern, image):
        self.qt, self.kind, self.base, self.area = qt, kind, base, area
        self.modern, self.image = modern, image
        self.num = NUM
        self.desc_pa = area
        self.avail_pa = area + 16 * NUM
        self.used_pa = area + PAGE     # legacy: align_up(16*8 + 6 + 2*8, 4096)
        self.table_pa = area + 0x4000  # indirect tables
        self.buf_pa = area + 0x8000    # request buffers
        self.avail_idx = 0
        self.used_idx = 0

    def r(self, off):
        return self.qt.readl(self.base + off)

    def w(self, off, v):
        self.qt.writel(self.base + off, v)

    def add_status(self, bit):
        self.w(STATUS, self.r(STATUS) | bit)

    def reset(self):
        self.w(STATUS, 0)
        st = self.r(STATUS)
        if st != 0:
            raise CaseFail("Status reads 0x%x after reset" % st)

    def init(self, qnum=None, pfn=None, desc_pa=None, used_pa=None, align=PAGE):
        """Reset and bring the device up; the keywords plant a bad queue."""
        qt = self.qt
        self.reset()
        qt.memset(self.area, 2 * PAGE, 0)
        self.avail_idx = self.used_idx = 0
        self.add_status(ACK)
        self.add_status(DRIVER)
        if self.modern:
            self.w(DEV_FEAT_SEL, 0)
            f0 = self.r(DEV_FEAT)
            self.w(DEV_FEAT_SEL, 1)
            f1 = self.r(DEV_FEAT)
            if not (f1 & 1) or not (f0 >> F_INDIRECT) & 1:
                raise CaseFail("features 0x%x_%08x lack VERSION_1 or INDIRECT_DESC" % (f1, f0))
            self.w(DRV_FEAT_SEL, 0)
            self.w(DRV_FEAT, 1 << F_INDIRECT)
            self.w(DRV_FEAT_SEL, 1)
            self.w(DRV_FEAT, 1)
            self.add_status(FEATURES_OK)
            if not self.r(STATUS) & FEATURES_OK:
                raise CaseFail("FEATURES_OK refused")
        else:
            self.w(DEV_FEAT_SEL, 0)
            f0 = self.r(DEV_FEAT)
            if not (f0 >> F_INDIRECT) & 1:
                raise CaseFail("features 0x%08x lack INDIRECT_DESC" % f0)
            self.w(DRV_FEAT_SEL, 0)
            self.w(DRV_FEAT, 1 << F_INDIRECT)
            self.w(GUEST_PAGE_SIZE, PAGE)
        self.w(QUEUE_SEL, 0)
        qmax = self.r(QUEUE_NUM_MAX)
        if qmax < NUM:
            raise CaseFail("QueueNumMax %d" % qmax)
        if self.modern and self.r(QUEUE_READY):
            raise CaseFail("QueueReady reads 1 after reset")
        self.w(QUEUE_NUM, NUM if qnum is None else qnum)
        if self.modern:
            d = self.desc_pa if desc_pa is None else desc_pa
            u = self.used_pa if used_pa is None else used_pa
            self.w(Q_DESC_LO, d & 0xffffffff)
            self.w(Q_DESC_HI, d >> 32)
            self.w(Q_DRV_LO, self.avail_pa & 0xffffffff)
            self.w(Q_DRV_HI, self.avail_pa >> 32)
            self.w(Q_DEV_LO, u & 0xffffffff)
            self.w(Q_DEV_HI, u >> 32)
            self.w(QUEUE_READY, 1)
        else:
            self.w(QUEUE_ALIGN, align)
            self.w(QUEUE_PFN, (self.area >> 12) if pfn is None else pfn)
        self.add_status(DRIVER_OK)

    # ---- rings ----

    def put_descs(self, data, at=None):
        self.qt.write(self.desc_pa if at is None else at, data)

    def publish(self, head, idx=None):
        """Puts head in the next avail slot, publishes idx, notifies."""
        qt = self.qt
        qt.write(self.avail_pa + 4 + 2 * (self.avail_idx % NUM), struct.pack("<H", head))
        self.avail_idx = (self.avail_idx + 1) & 0xffff
        qt.write(self.avail_pa + 2, struct.pack("<H", self.avail_idx if idx is None else idx))
        self.w(QUEUE_NOTIFY, 0)

    def poll(self, timeout, stop_on_reset=True):
        """Waits for a used entry or (if stop_on_reset) NEEDS_RESET:
        ('used', id, len), ('reset', status) or None after `timeout` s."""
        end = time.monotonic() + timeout
        n = 0
        while True:
            idx = self.qt.readw(self.used_pa + 2)
            if idx != self.used_idx:
                slot = self.used_pa + 4 + 8 * (self.used_idx % NUM)
                uid, ulen = struct.unpack("<II", self.qt.read(slot, 8))
                self.used_idx = (self.used_idx + 1) & 0xffff
                if idx != self.used_idx:
                    raise CaseFail("used idx jumped from %d to %d" % (self.used_idx - 1, idx))
                return ("used", uid, ulen)
            st = self.r(STATUS) if stop_on_reset else 0
            if st & NEEDS_RESET:
                return ("reset", st)
            if time.monotonic() > end:
                return None
            n += 1
            if n > 20:
                time.sleep(0.001)

    # ---- requests ----

    def blk_chain(self, rtype, sector, nbytes, data=None):
        """A blk request's buffers: header, data, status byte."""
        qt, b = self.qt, self.buf_pa
        qt.write(b, struct.pack("<IIQ", rtype, 0, sector))
        qt.write(b + 0x600, b"\xff")
        if rtype == BLK_OUT:
            qt.write(b + 0x100, data)
            return [(b, 16, 0), (b + 0x100, nbytes, 0), (b + 0x600, 1, D_WRITE)]
        qt.memset(b + 0x100, nbytes, 0x5a)
        return [(b, 16, 0), (b + 0x100, nbytes, D_WRITE), (b + 0x600, 1, D_WRITE)]

    def good_chain(self):
        """The positive control's buffers for this device."""
        if self.kind == "rng":
            self.qt.memset(self.buf_pa, 64, 0xa5)
            return [(self.buf_pa, 64, D_WRITE)]
        return self.blk_chain(BLK_IN, 3, 1024)

    def check_good(self, res, what="positive control"):
        if res is None:
            raise CaseFail("%s: no completion" % what)
        if res[0] != "used":
            raise CaseFail("%s: device set NEEDS_RESET (status 0x%x)" % (what, res[1]))
        _, uid, ulen = res
        if self.kind == "rng":
            got = self.qt.read(self.buf_pa, 64)
            if ulen != 64 or got == b"\xa5" * 64:
                raise CaseFail("%s: rng used len %d, buffer %s" % (what, ulen, got[:8].hex()))
            return
        status = self.qt.read(self.buf_pa + 0x600, 1)[0]
        data = self.qt.read(self.buf_pa + 0x100, 1024)
        if ulen != 1025 or status != BLK_S_OK:
            raise CaseFail("%s: blk used len %d status %d" % (what, ulen, status))
        if data != self.image[3 * 512:5 * 512]:
            raise CaseFail("%s: blk read returned other bytes than the image's" % what)

    def positive(self, what="positive control", indirect=False):
        chain = self.good_chain()
        if indirect:
            self.qt.write(self.table_pa, link(chain))
            self.put_descs(desc(self.table_pa, 16 * len(chain), D_INDIRECT))
        else:
            self.put_descs(link(chain))
        self.publish(0)
        self.check_good(self.poll(5.0), what)
        isr = self.r(INT_STATUS)
        if not isr & ISR_USED:
            raise CaseFail("%s: InterruptStatus 0x%x without the used-buffer bit" % (what, isr))
        self.w(INT_ACK, isr)
