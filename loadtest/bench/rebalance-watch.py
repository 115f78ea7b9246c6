#!/usr/bin/env python3
"""Watches the nodes of loadtest/bench/rebalance.sh every 100 ms and prints the drain and rebalance figures.

  rebalance-watch.py BASE_PORT METRICS_BASE_PORT NODES RESTARTED SIGTERM_FILE DEADLINE_S

SIGTERM_FILE gets the epoch seconds of the SIGTERM (written by rebalance.sh when it asks for the restart).
Prints one JSON line: seconds from SIGTERM to /ready 503 and to the last socket closed (the node's
nexus_connections at 0, or its metrics gone), seconds from the restarted node's ready to every node
within 15 % of the mean, the connections moved (nexus_rebalance_moved_total), and the final counts.
"""
import json
import os
import sys
import time
import urllib.request

base, metrics_base, nodes, restarted, sigterm_file, deadline_s = sys.argv[1:7]
base, metrics_base, nodes, restarted, deadline_s = int(base), int(metrics_base), int(nodes), int(restarted), float(deadline_s)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except Exception:
        return None, ""


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def sample():
    counts, moved, ready = [], 0.0, []
    for i in range(nodes):
        status, _ = get(f"http://127.0.0.1:{base + i}/ready")
        ready.append(status)
        _, text = get(f"http://127.0.0.1:{metrics_base + i}/metrics")
        counts.append(metric(text, "nexus_connections"))
        moved += metric(text, "nexus_rebalance_moved_total") or 0
    return ready, counts, moved


result = {}
start = time.time()
sigterm = None
was_down = False
moved_before = None
while time.time() - start < deadline_s:
    ready, counts, moved = sample()
    now = time.time()
    if sigterm is None and os.path.exists(sigterm_file):
        content = open(sigterm_file).read().strip()
        if content:
            sigterm = float(content)
            moved_before = moved
    r = restarted - 1
    if sigterm is not None:
        if "ready_503_s" not in result and ready[r] == 503:
            result["ready_503_s"] = round(now - sigterm, 2)
        if "sockets_closed_s" not in result and (counts[r] is None or counts[r] == 0):
            result["sockets_closed_s"] = round(now - sigterm, 2)
        if ready[r] is None:
            was_down = True
        if was_down and "back_ready_at" not in result and ready[r] == 200:
            result["back_ready_at"] = now
            result["down_s"] = round(now - sigterm, 2)
        if "back_ready_at" in result and all(c is not None for c in counts):
            mean = sum(counts) / len(counts)
            if mean > 0 and all(abs(c - mean) <= 0.15 * mean for c in counts):
                result["balanced_after_ready_s"] = round(now - result["back_ready_at"], 2)
                result["moved"] = int(moved - (moved_before or 0))
                result["counts"] = [int(c) for c in counts]
                break
    time.sleep(0.1)
result.pop("back_ready_at", None)
if "counts" not in result:
    _, counts, moved = sample()
    result["counts_at_deadline"] = counts
    result["moved"] = int(moved - (moved_before or 0))
print(json.dumps(result), flush=True)
