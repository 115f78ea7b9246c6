#!/usr/bin/env python3
"""Answer times of the companion bursts on the wire, from a tcpdump capture of the load tool's users
(companion.sh with CAPTURE=1 makes one): for every request the users sent, the time from its last packet
reaching the loopback to the server's Socket.IO ack on the same connection. These are kernel timestamps,
so neither the load tool's own delays nor its clock are in them: it is the server's answer time.

  python3 loadtest/bench/wire.py CAPTURE.pcap CLIENT_ADDRESS     (companion.sh: target/bench/companion.pcap 127.0.0.9)
Prints one row per burst of companion:message requests (sent within half a second of each other), AI_BUSY and
served separately, and a last row that pools every burst but the first two (warm-up).
"""
import socket, struct, sys


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        link = struct.unpack(endian + "I", head[20:24])[0]
        skip = {1: 14, 113: 16, 276: 20, 0: 4}.get(link)
        if skip is None:
            raise SystemExit(f"link type {link} not handled")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            ip = data[skip:]
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
                continue
            ihl = (ip[0] & 15) * 4
            total = struct.unpack(">H", ip[2:4])[0]
            tcp = ip[ihl:]
            off = (tcp[12] >> 4) * 4
            payload_len = total - ihl - off
            yield (sec + frac / (1e9 if nano else 1e6), socket.inet_ntoa(ip[12:16]), struct.unpack(">H", tcp[0:2])[0],
                   socket.inet_ntoa(ip[16:20]), struct.unpack(">H", tcp[2:4])[0], payload_len, tcp[off:])


def ws_text(payload):
    """The start of an unmasked websocket frame's text (server to client)."""
    if len(payload) < 2:
        return b""
    n = payload[1] & 127
    start = 2 if n < 126 else 4 if n == 126 else 10
    return payload[start:start + 200]


def ws_client_text(payload):
    """The start of a masked websocket frame's text (client to server), unmasked."""
    if len(payload) < 6 or not payload[1] & 128:
        return b""
    n = payload[1] & 127
    start = 2 if n < 126 else 4 if n == 126 else 10
    key, body = payload[start:start + 4], payload[start + 4:start + 4 + 200]
    return bytes(b ^ key[i % 4] for i, b in enumerate(body))


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)]


def cell(values):
    top = max(values) if values else float("nan")
    return f"{len(values)}, {pct(values, 50):.2f} / {pct(values, 99):.2f} / {top:.2f}"


def main():
    path, client = sys.argv[1], sys.argv[2]
    requests = []  # (time, client port)
    answers = {}   # client port -> [(time, text)]
    for ts, src, sport, dst, dport, length, payload in packets(path):
        if length <= 0:
            continue
        if src == client:
            if b"companion:message" in ws_client_text(payload)[:40]:
                requests.append((ts, sport))
        elif dst == client:
            answers.setdefault(dport, []).append((ts, ws_text(payload)))
    requests.sort()
    bursts, current = [], []
    for r in requests:
        if current and r[0] - current[-1][0] > 0.5:
            bursts.append(current)
            current = []
        current.append(r)
    if current:
        bursts.append(current)
    pooled_busy, pooled_served = [], []
    print("| burst | requests | AI_BUSY: n, p50 / p99 / max ms | served: n, p50 / p99 / max ms | requests spread ms |")
    print("|---|---|---|---|---|")
    for i, burst in enumerate(bursts, 1):
        busy, served = [], []
        for ts, port in burst:
            for at, text in answers.get(port, []):
                if at >= ts and text.startswith(b"43"):
                    (busy if b"AI_BUSY" in text else served).append((at - ts) * 1000)
                    break
        if i > 2:
            pooled_busy += busy
            pooled_served += served
        spread = (burst[-1][0] - burst[0][0]) * 1000
        print(f"| {i} | {len(burst)} | {cell(busy)} | {cell(served)} | {spread:.1f} |")
    if len(bursts) > 2:
        print(f"| 3-{len(bursts)} pooled | {len(pooled_busy) + len(pooled_served)} | {cell(pooled_busy)} | {cell(pooled_served)} | |")


if __name__ == "__main__":
    main()
