#!/usr/bin/env python3
"""The machine's floor for a fan-out delivery: the kernel CPU one small websocket-sized write to one of
10,000 loopback TCP connections costs the writing process, with no server code at all.

A receiver process holds one end of every connection and reads with epoll, as a load client does; the
sender writes FRAME bytes to 100 connections (one room) per batch, RATE batches per second, for SECONDS,
and reports its own user and system CPU (from /proc/self/stat) per write. Python, not Java, so that no JIT
or GC is in the figure: the system time is the kernel's work (TCP on loopback, the receiver's wake-up),
which any server on this machine pays per delivery.

  python3 loadtest/bench/floor.py [--rate 450] [--seconds 20] [--conns 10000] [--frame 120]
"""
import argparse, os, select, socket, sys, time


def cpu_seconds(pid="self"):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / hz, int(fields[12]) / hz


def receiver(listener, conns, ready_w):
    accepted = []
    ep = select.epoll()
    for _ in range(conns):
        c, _ = listener.accept()
        c.setblocking(False)
        ep.register(c.fileno(), select.EPOLLIN | select.EPOLLET)
        accepted.append(c)
    by_fd = {c.fileno(): c for c in accepted}
    os.write(ready_w, b"r")
    while True:
        for fd, _ in ep.poll():
            c = by_fd[fd]
            try:
                while True:
                    if not c.recv(65536):
                        return
            except BlockingIOError:
                pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=int, default=450, help="batches (room messages) per second")
    p.add_argument("--room", type=int, default=100, help="connections written per batch")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--conns", type=int, default=10000)
    p.add_argument("--frame", type=int, default=120, help="bytes per write")
    a = p.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        try:
            receiver(listener, a.conns, ready_w)
        finally:
            os._exit(0)
    os.close(ready_w)
    socks = []
    for i in range(a.conns):
        s = socket.create_connection(listener.getsockname())
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks.append(s)
        if i % 1000 == 999:
            print(f"\rconnected {i + 1:,}/{a.conns:,}", end="", file=sys.stderr, flush=True)
    os.read(ready_r, 1)
    print(file=sys.stderr)
    frame = b"\x81" + bytes([a.frame - 2]) + b"x" * (a.frame - 2)
    rooms = a.conns // a.room
    for s in socks[: a.room * 20]:  # warm the path once
        s.send(frame)
    time.sleep(0.5)
    u0, s0 = cpu_seconds()
    r0u, r0s = cpu_seconds(pid)
    t0 = time.monotonic()
    writes = 0
    batch = 0
    period = 1.0 / a.rate
    while True:
        now = time.monotonic() - t0
        if now >= a.seconds:
            break
        due = batch * period
        if due > now:
            time.sleep(due - now)
        room = batch % rooms
        for s in socks[room * a.room:(room + 1) * a.room]:
            s.send(frame)
        writes += a.room
        batch += 1
        if batch % a.rate == 0:
            print(f"\r{now:5.1f}/{a.seconds:.0f} s", end="", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - t0
    u1, s1 = cpu_seconds()
    r1u, r1s = cpu_seconds(pid)
    print(file=sys.stderr)
    for s in socks:
        s.close()
    os.waitpid(pid, 0)
    print("| writes/s | bytes per write | writer system µs/write | writer user µs/write | reader CPU % |")
    print("|---|---|---|---|---|")
    print(f"| {writes / elapsed:,.0f} | {a.frame} | {(s1 - s0) / writes * 1e6:.2f} | {(u1 - u0) / writes * 1e6:.2f} |"
          f" {((r1u - r0u) + (r1s - r0s)) / elapsed * 100:.0f} |")


if __name__ == "__main__":
    main()
