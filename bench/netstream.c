/*
 * netstream: the guest's end of the network benchmark (bench/net.sh), a
 * static aarch64 program in tests/net's initramfs.
 *   netstream send HOST PORT   connect, write zeros in 64 KiB writes until
 *                              the host hangs up
 *   netstream recv HOST PORT   connect, read in 64 KiB reads to the end
 * busybox nc moves 1 KiB per system call, which measures the guest's
 * system calls more than the network; this measures the NIC's path.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static char buf[CHUNK];

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "send") && strcmp(argv[1], "recv"))) {
        fprintf(stderr, "usage: netstream send|recv HOST PORT\n");
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
    if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
        fprintf(stderr, "netstream: bad address %s\n", argv[2]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("netstream: connect");
        return 1;
    }
    if (!strcmp(argv[1], "send")) {
        signal(SIGPIPE, SIG_IGN);   /* the host hanging up ends the run */
        while (write(fd, buf, sizeof(buf)) > 0)
            ;
    } else {
        while (read(fd, buf, sizeof(buf)) > 0)
            ;
    }
    close(fd);
    return 0;
}
