# Malformed-ring tests over qtest (tests/vring/run.sh drives
# tests/vring/vring.py): virtio-blk and virtio-rng, legacy and modern
# virtio-mmio, against armvirt and, where it behaves the same, QEMU 7.2.
# Needs python3 and armvirt itself; qemu-system-aarch64 when present.
TEST_DEPS   += $(ARMVIRT)
TEST_SUITES += tests/vring/run.sh
