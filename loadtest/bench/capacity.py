#!/usr/bin/env python3
"""The capacity model of BENCHMARKS.md: nodes, Redis shards and PostgreSQL for a number of concurrent users,
from per-unit costs measured on the benchmark machine (each constant below says where it comes from).
    python3 loadtest/bench/capacity.py                      # 10k, 100k, 1M users, the stated workload
    python3 loadtest/bench/capacity.py --per-minute 3 --room 20 --users 50000
Prints a Markdown table per adapter. CPU figures are in cores of the benchmark machine on a quiet day
(calibration 903-924 ms, BENCHMARKS.md); scale them by a production core's speed.
"""
import argparse
import math

# ---- a node (BENCHMARKS.md unless said) ----
DELIVERY_US = 16.2        # one message:new written to one websocket: the bare fan-out's CPU per delivery, kernel included
MESSAGE_US = 360.0        # the rest of a message on its sender's node: validation, storing, ack, encoding once
                          # (chat 18.6-21.1 against fan-out 15.9-16.5 µs per delivery, at 99 deliveries a message)
RECEIPT_US = 19.0         # a broadcast from another node that has members here: Redis read, JSON decode, frames
                          # (adapter benchmark, sharded: 26-42 µs per receipt at 1,000 broadcasts/s on the quiet
                          # machine, where each one wakes an event loop; 19 at 3,700/s on one 2-3.7x slower)
SKIP_US = 2.5             # a broadcast the classic adapter receives for a room with nobody here (read, name check;
                          # adapter benchmark: classic minus sharded, 7-8 µs per extra receiver at 1,000/s on the
                          # quiet machine, 1.6 at 2,500/s on the slower one)
CONNECTION_KB = 5.6       # RSS per idle websocket connection (4.3-5.6 KB; the live heap is 3.5 KB)
NODE_CORES = 8
NODE_BUSY = 0.6           # the share of a node's cores the model plans to use (room for bursts and reconnect storms)
NODE_CONNECTIONS = 50_000  # connections per node: a failed node's clients reconnect to the others at once

# ---- Redis ----
REDIS_PUBLISH_US = 10.0   # one PUBLISH/SPUBLISH (adapter benchmark: 20 µs a broadcast at 3,700/s on a machine 2.2x
                          # slower; 46-70 at 1,000/s on the quiet one, where each command wakes Redis's event loop)
REDIS_PUSH_US = 1.5       # each subscriber a message is pushed to (adapter benchmark: 7 µs per extra receiver at
                          # 1,000/s on the quiet machine, 0.4 at 2,500-3,700/s on the slower one)
REDIS_OTHER_PER_MESSAGE = 1.0   # EVALSHA per chat message: the rate limit (1.018 in the three-node run's commandstats)
REDIS_OTHER_US = 10.0     # one rate-limit script (INCR and PTTL inside), taken as dear as a PUBLISH
REDIS_SHARD_BUSY = 0.5    # of the one core a Redis shard's commands run on

# ---- PostgreSQL ----
PG_MESSAGE_US = 206.0     # PostgreSQL's CPU per stored message (170-242 µs, chat.sh postgres)
PG_BYTES_PER_MESSAGE = 640  # the message: table 240 + indexes 243 for 100 characters (200,000 rows, after
                            # VACUUM); its client-id key (the partitioned schema's dedupe table): 156, measured
                            # after the three-node run. WAL and replicas come on top
PG_ROWS_PER_MESSAGE = 2   # the message and its client-id key (1.96 rows inserted a message in the three-node run)
PG_CORES = 16
PG_BUSY = 0.5


def nodes_with_members(room, nodes, affine):
    """Nodes a room's members are on: 2 when users are routed by room, else spread at random."""
    if affine:
        return min(2, nodes)
    return nodes * (1 - (1 - 1 / nodes) ** room)


def node_count(users, msgs, room, sharded, affine):
    deliveries = msgs * (room - 1)
    n = max(2, math.ceil(users / NODE_CONNECTIONS))
    while True:
        holders = nodes_with_members(room, n, affine)
        receipts = msgs * max(0.0, holders - 1)
        skips = 0 if sharded else msgs * (n - holders)
        cpu = (deliveries * DELIVERY_US + msgs * MESSAGE_US + receipts * RECEIPT_US + skips * SKIP_US) / 1e6
        wanted = max(math.ceil(cpu / (NODE_CORES * NODE_BUSY)), math.ceil(users / NODE_CONNECTIONS), 2)
        if wanted <= n:
            return n + 1, cpu, holders  # + 1: carries the load with one node down
        n = wanted


def redis(msgs, nodes, holders, sharded):
    pushes = msgs * (holders if sharded else nodes)
    cpu = (msgs * (REDIS_PUBLISH_US + REDIS_OTHER_PER_MESSAGE * REDIS_OTHER_US) + pushes * REDIS_PUSH_US) / 1e6
    if sharded:
        return pushes, cpu, max(1, math.ceil(cpu / REDIS_SHARD_BUSY))
    # classic PUBLISH reaches every shard of a Redis Cluster: more shards add no pub/sub capacity
    return pushes, cpu, 1 if cpu <= REDIS_SHARD_BUSY else None


def row(users, per_minute, room, sharded, affine):
    msgs = users * per_minute / 60
    nodes, cpu, holders = node_count(users, msgs, room, sharded, affine)
    pushes, redis_cpu, shards = redis(msgs, nodes, holders, sharded)
    pg_cores = msgs * PG_MESSAGE_US / 1e6
    per_day_gb = msgs * 86_400 * PG_BYTES_PER_MESSAGE / 1e9
    shard_text = f"{shards}" if shards else f"over one shard's budget ({redis_cpu / REDIS_SHARD_BUSY:.1f}x)"
    return (f"| {users:,} | {msgs:,.0f} | {msgs * (room - 1):,.0f} | {nodes} ({cpu:.1f} cores, "
            f"{users / (nodes - 1) * CONNECTION_KB / 1024:,.0f} MB of connections each) | {pushes:,.0f} | "
            f"{redis_cpu:.2f} | {shard_text} | {msgs * PG_ROWS_PER_MESSAGE:,.0f} | {pg_cores:.1f} | {per_day_gb:,.0f} GB | "
            f"{per_day_gb * 30 / 1000:,.1f} TB |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--per-minute", type=float, default=1.0, help="messages per user per minute")
    parser.add_argument("--room", type=int, default=50, help="members per room, all online")
    args = parser.parse_args()
    for title, sharded, affine in (("classic adapter", False, False),
                                   ("sharded adapter, rooms spread over the nodes at random", True, False),
                                   ("sharded adapter, users routed to nodes by room (2 nodes a room)", True, True)):
        print(f"**{title}**, {args.per_minute:g} message per user per minute, rooms of {args.room}:")
        print()
        print("| users | messages/s | deliveries/s | nodes (CPU) | Redis pushes/s | Redis cores | Redis shards "
              "| PostgreSQL rows inserted/s | PostgreSQL cores | storage per day | 30 days, each copy |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for users in args.users:
            print(row(users, args.per_minute, args.room, sharded, affine))
        print()


if __name__ == "__main__":
    main()
