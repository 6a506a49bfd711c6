/* The qtest protocol on RAM and a manual clock. Expected replies come from
 * QEMU 7.2's (`-M virt -S -qtest stdio`; transcript in VIRT-FACTS.md 2.3):
 * `write 0x40000000 4 0x0102` then `readl 0x40000000` gives
 * `OK 0x0000000000000201`; `endianness` gives `OK little`; `foo` gives
 * `FAIL Unknown command 'foo'`; base64 is RFC 4648's alphabet with padding,
 * as glib writes it. */
#include "test.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "machine/vclock.h"
#include "mem/physmem.h"
#include "qtest/qtest.h"

static struct physmem pm;
static struct vclock *clk;
static struct qtest *q;
static int fds[2];

static void setup(void)
{
    physmem_init(&pm);
    physmem_add_ram(&pm, "ram", 0x40000000, 1 << 20);
    clk = vclock_new(true);
    socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    q = qtest_new(-1, fds[0], &pm, clk, NULL, NULL);
}

static void teardown(void)
{
    qtest_close(q);
    vclock_free(clk);
    physmem_destroy(&pm);
    close(fds[0]);
    close(fds[1]);
}

/* Sends one request and returns the reply line (static buffer). */
static const char *ask(const char *req)
{
    static char reply[512];
    char line[256];
    snprintf(line, sizeof(line), "%s", req);
    qtest_handle_line(q, line);
    size_t n = 0;
    while (n < sizeof(reply) - 1 && read(fds[1], &reply[n], 1) == 1 && reply[n] != '\n')
        n++;
    reply[n] = '\0';
    return reply;
}

#define ASSERT_REPLY(req, want) ASSERT_EQ(strcmp(ask(req), want), 0)

TEST(qtest, sized_access)
{
    setup();
    ASSERT_REPLY("write 0x40000000 4 0x0102", "OK");
    ASSERT_REPLY("readl 0x40000000", "OK 0x0000000000000201");
    ASSERT_REPLY("writeq 0x40000010 0x1122334455667788", "OK");
    ASSERT_REPLY("readq 0x40000010", "OK 0x1122334455667788");
    ASSERT_REPLY("readb 0x40000010", "OK 0x0000000000000088");
    ASSERT_REPLY("readw 0x40000016", "OK 0x0000000000001122");
    ASSERT_REPLY("writeb 0x40000010 0x1ff", "OK");   /* truncated to the access size */
    ASSERT_REPLY("readl 0x40000010", "OK 0x00000000556677ff");
    ASSERT_REPLY("readl 0x20000000", "OK 0x0000000000000000");   /* unmapped */
    teardown();
}

TEST(qtest, bulk_access)
{
    setup();
    ASSERT_REPLY("write 0x40000000 4 0x0102", "OK");
    ASSERT_REPLY("read 0x40000000 4", "OK 0x01020000");
    ASSERT_REPLY("b64read 0x40000000 4", "OK AQIAAA==");
    ASSERT_REPLY("b64write 0x40000100 3 Zm9v", "OK");
    ASSERT_REPLY("read 0x40000100 4", "OK 0x666f6f00");
    ASSERT_REPLY("memset 0x40000200 3 0xab", "OK");
    ASSERT_REPLY("read 0x400001ff 5", "OK 0x00ababab00");
    ASSERT_REPLY("memset 0x40000200 0 0x1", "OK");
    ASSERT_REPLY("write 0x40000300 2 0x", "ERR invalid argument size");
    teardown();
}

TEST(qtest, misc)
{
    setup();
    ASSERT_REPLY("endianness", "OK little");
    ASSERT_REPLY("foo", "FAIL Unknown command 'foo'");
    ASSERT_REPLY("readl banana", "FAIL invalid address");
    ASSERT_REPLY("clock_step 1000", "OK 1000");
    ASSERT_REPLY("clock_set 5000", "OK 5000");
    ASSERT_REPLY("clock_step", "OK 5000");   /* no timer pending */
    ASSERT_REPLY("irq_intercept_in /machine/unattached/device[1]", "FAIL Unknown device");
    teardown();
}
