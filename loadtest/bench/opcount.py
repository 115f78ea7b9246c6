#!/usr/bin/env python3
"""Redis and PostgreSQL operations per chat message in a cluster run (cluster.sh starts it).

    opcount.py sample OUT REDIS_PORT PGDATABASE METRICS_URL[,...] NAME:PID[,PID...][;NAME:PID...]   # until killed
    opcount.py report OUT

`sample` writes one JSON line every 2 s: Redis's INFO commandstats and CPU, the database's
pg_stat_database row and its tables' pg_stat_user_tables sums, its size, and every node's
nexus_messages_total, nexus_deliveries_total and nexus_connections (summed, and each node's deliveries),
and the CPU seconds of each named group of processes (/proc/PID/stat). `report` takes the steady part of
the run (connections no longer changing, messages flowing at no less than 80 % of the median rate) and
prints each counter's delta per stored message and per delivery, and each group's CPU, as Markdown.
"""
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

PG_DATABASE = ("xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted",
               "tup_fetched", "tup_returned", "blks_read", "blks_hit")
PG_TABLES = ("seq_scan", "idx_scan", "n_tup_ins", "n_tup_upd", "n_tup_del")


def redis_info(port):
    text = subprocess.run(["redis-cli", "-p", str(port), "INFO", "all"], capture_output=True,
                          text=True, check=True).stdout
    values = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.startswith("cmdstat_"):
            fields = dict(f.split("=", 1) for f in value.split(","))
            values["redis " + name[8:]] = float(fields["calls"])
        elif name in ("used_cpu_sys", "used_cpu_user", "total_net_output_bytes",
                      "total_net_input_bytes", "used_memory"):
            values["redis " + name] = float(value)
    return values


def psql(database, query):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-AtF,", "-c", query],
                          capture_output=True, text=True, check=True).stdout.strip()


def pg_stats(database):
    values = {}
    row = psql(database, f"SELECT {', '.join(PG_DATABASE)}, pg_database_size(datname) FROM pg_stat_database "
                         f"WHERE datname = current_database()").split(",")
    for name, value in zip(PG_DATABASE + ("size_bytes",), row):
        values["pg " + name] = float(value)
    sums = ", ".join(f"coalesce(sum({c}), 0)" for c in PG_TABLES)
    row = psql(database, f"SELECT {sums} FROM pg_stat_user_tables").split(",")
    for name, value in zip(PG_TABLES, row):
        values["pg tables " + name] = float(value)
    return values


def metrics(urls):
    values = {"messages": 0.0, "deliveries": 0.0, "connections": 0.0}
    for i, url in enumerate(urls, 1):
        with urllib.request.urlopen(url, timeout=5) as response:
            for line in response.read().decode().splitlines():
                for name, key in (("nexus_messages_total", "messages"), ("nexus_deliveries_total", "deliveries"),
                                  ("nexus_connections", "connections")):
                    if line.startswith(name + " ") or line.startswith(name + "{"):
                        value = float(line.rsplit(" ", 1)[1])
                        values[key] += value
                        if key == "deliveries":
                            values[f"node{i} deliveries"] = value
    return values


def cpu(groups):
    """User + system CPU seconds of each named group of processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    values = {}
    for group in groups.split(";"):
        name, _, pids = group.partition(":")
        total = 0
        for pid in pids.split(","):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (FileNotFoundError, IndexError):
                pass
        values[f"cpu {name}"] = total / ticks
    return values


def sample(out, port, database, urls, groups):
    with open(out, "a") as f:
        while True:
            row = {"t": time.time()}
            try:
                row.update(metrics(urls))
                row.update(redis_info(port))
                row.update(pg_stats(database))
                row.update(cpu(groups))
            except Exception as e:  # a node still starting: the row is skipped
                print(f"opcount: {e}", file=sys.stderr)
                time.sleep(2)
                continue
            f.write(json.dumps(row) + "\n")
            f.flush()
            time.sleep(2)


def steady(rows):
    rates = [(b["messages"] - a["messages"]) / (b["t"] - a["t"]) for a, b in zip(rows, rows[1:])]
    flowing = [r for r in rates if r > 0]
    if not flowing:
        sys.exit("no messages in the samples")
    median = statistics.median(flowing)
    good = [i for i, (a, b, r) in enumerate(zip(rows, rows[1:], rates))
            if r >= 0.8 * median and a["connections"] == b["connections"]]
    if not good:
        sys.exit("no steady part in the samples")
    return rows[good[0]], rows[good[-1] + 1]


def report(out):
    rows = [json.loads(line) for line in open(out)]
    a, b = steady(rows)
    seconds = b["t"] - a["t"]
    messages = b["messages"] - a["messages"]
    deliveries = b["deliveries"] - a["deliveries"]
    print(f"steady part: {seconds:.0f} s, {messages:.0f} messages ({messages / seconds:.0f}/s), "
          f"{deliveries:.0f} deliveries ({deliveries / messages:.1f} per message), {b['connections']:.0f} connections")
    print()
    print("| counter | per message | per delivery | per second |")
    print("|---|---|---|---|")
    for name in sorted(b):
        if name in ("t", "messages", "deliveries", "connections") or name not in a or name.startswith(("cpu ", "node")):
            continue
        delta = b[name] - a[name]
        if delta <= 0 or name == "redis info":
            continue
        unit = 1e6 if name in ("redis used_cpu_sys", "redis used_cpu_user") else 1
        label = name + (" (µs)" if unit != 1 else "")
        print(f"| {label} | {delta * unit / messages:.3f} | {delta * unit / deliveries:.4f} | {delta / seconds:,.1f} |")
    print()
    print("| process | CPU | µs per message | µs per delivery (a node: its own deliveries) |")
    print("|---|---|---|---|")
    for name in sorted(k for k in b if k.startswith("cpu ")):
        used = b[name] - a.get(name, 0)
        own = name.replace("cpu ", "") + " deliveries"
        per = deliveries if own not in b else b[own] - a.get(own, 0)
        print(f"| {name[4:]} | {100 * used / seconds:.0f} % | {1e6 * used / messages:.1f} | "
              f"{1e6 * used / max(per, 1):.2f} |")


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(","), sys.argv[6])
    else:
        report(sys.argv[2])
