# qtest parity with QEMU (tests/qtest/run.sh, *.qtest scripts).
TEST_SUITES += tests/qtest/run.sh
