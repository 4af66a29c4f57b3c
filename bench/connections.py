#!/usr/bin/env python3
"""Opens many keep-alive connections to the server, one request on each, and holds them idle
while the server's memory is read (issue 22: "many connections").

    connections.py PORT SERVER_PID COUNT HOLD_SECONDS

Prints `opened=N answered=N still_open=N rss_kib=N` (rss_kib: the server's VmRSS after HOLD
seconds with the connections open), then closes them all.
"""
import socket
import sys
import time

port, pid, count, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
REQUEST = b"GET /health/live HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: keep-alive\r\n\r\n"


def vmrss():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


sockets, answered = [], 0
for _ in range(count):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(REQUEST)
        sockets.append(s)
    except OSError:
        break
for s in sockets:
    try:
        if s.recv(4096).startswith(b"HTTP/1.1 200"):
            answered += 1
    except OSError:
        pass
time.sleep(hold)
rss = vmrss()
still_open = 0
for s in sockets:
    s.setblocking(False)
    try:
        still_open += s.recv(1) != b""  # data would be unexpected; b"" means closed
    except BlockingIOError:
        still_open += 1
    except OSError:
        pass
    s.close()
print(f"opened={len(sockets)} answered={answered} still_open={still_open} rss_kib={rss}")
