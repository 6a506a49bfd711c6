#!/usr/bin/env python3
"""Host end of tests/console/run.sh: connects to an emulator's socket
chardev (a unix path, or HOST:PORT for TCP), retrying until it listens.

  client.py uart ADDR INPUT [INPUT...]
      One connection per INPUT for the echo guest (tests/uart/echo.c): send
      it, read until its last byte comes back echoed ("[c]") or, after a
      '.', until "done"; then hang up. Prints what each connection read.
  client.py uart-server PATH INPUT
      The same with the emulator as the client: listen on the unix PATH,
      take one connection, send INPUT, read until "done".
  client.py linux ADDR TOKEN SIZE FILE
      The Linux guest (init-console): answer its "GUEST-HELLO TOKEN" line
      once with "HOST-REPLY TOKEN"; on "GUEST-BULK SIZE" send SIZE bytes;
      after "GUEST-SENT" wait for port 1's FILE to hold "PORT1-DATA TOKEN"
      and SIZE more bytes; print the SHA-256 of both transfers; answer
      HOST-ACK."""
import hashlib, random, socket, sys, time

def connect(addr, limit=60):
    end = time.time() + limit
    while True:
        try:
            if ":" in addr:
                host, port = addr.rsplit(":", 1)
                s = socket.create_connection((host, int(port)))
            else:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(addr)
            return s
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)

def read_until(s, buf, want, limit=60):
    end = time.time() + limit
    while want not in buf:
        s.settimeout(max(0.1, end - time.time()))
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    return buf

def uart(addr, inputs):
    for n, text in enumerate(inputs):
        s = connect(addr)
        s.sendall(text.encode())
        want = b"done\n" if "." in text else ("[%s]" % text[-1]).encode()
        got = read_until(s, b"", want)
        s.close()
        # What came before our echoes (the guest's "ready") depends on when
        # we connected; the echoes and what follows do not.
        i = got.find(b"[")
        sys.stdout.write("session %d: %r\n" % (n, got[i:] if i >= 0 else got))
        time.sleep(0.2)

def uart_server(path, text):
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(1)
    ls.settimeout(30)
    print("listening", flush=True)
    s, _ = ls.accept()
    s.sendall(text.encode())
    got = read_until(s, b"", b"done\n")
    i = got.find(b"[")
    sys.stdout.write("session 0: %r\n" % (got[i:] if i >= 0 else got))
    s.close()
    ls.close()

def linux(addr, token, size, path):
    s = connect(addr, 120)
    hello = ("GUEST-HELLO %s\n" % token).encode()
    buf = read_until(s, b"", hello, 120)
    if hello not in buf:
        print("HOST-NO-HELLO %r" % buf[-200:])
        return
    print("HOST-GOT-HELLO")
    s.sendall(("HOST-REPLY %s\n" % token).encode())
    mark = ("GUEST-BULK %d\n" % size).encode()
    buf = read_until(s, buf, mark, 120)
    if mark not in buf:
        print("HOST-NO-BULK %r" % buf[-200:])
        return
    data = random.Random(size).randbytes(size)
    s.sendall(data)
    print("HOST-BULK-SENT %s" % hashlib.sha256(data).hexdigest())
    buf = read_until(s, buf, b"GUEST-SENT\n", 120)
    # Port 1's file: the marker line, then the guest's bulk.
    head = ("PORT1-DATA %s\n" % token).encode()
    end = time.time() + 60
    got = b""
    while time.time() < end:
        try:
            with open(path, "rb") as f:
                got = f.read()
        except OSError:
            pass
        if len(got) >= len(head) + size:
            break
        time.sleep(0.1)
    if got.startswith(head):
        print("HOST-BULK-RECV %d %s" % (len(got) - len(head), hashlib.sha256(got[len(head):]).hexdigest()))
    else:
        print("HOST-BULK-RECV none %r" % got[:60])
    s.sendall(b"HOST-ACK\n")
    time.sleep(1)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "uart":
        uart(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "uart-server":
        uart_server(sys.argv[2], sys.argv[3])
    else:
        linux(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
