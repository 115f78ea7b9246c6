#!/usr/bin/env python3
"""Classic against sharded Redis adapter, from adapters.sh's CSV: prints the sharded/classic ratio of
each figure per number of nodes (each classic run paired with the sharded run after it, so that both
saw the same machine) as Markdown, and draws them as an SVG of four panels (no plotting library needed).
    python3 loadtest/bench/adapters-plot.py target/bench/adapters.csv target/bench/adapters.svg
"""
import csv
import sys
from collections import defaultdict

PANELS = [
    ("receivers_per_broadcast", "messages Redis pushes per broadcast"),
    ("redis_us_per_broadcast", "Redis CPU µs per broadcast"),
    ("nodes_us_per_broadcast", "subscriber nodes' CPU µs per broadcast"),
    ("p99_ms", "broadcast-to-node p99, ms"),
]
RATIOS = ["receivers_per_broadcast", "redis_out_bytes_per_broadcast", "redis_us_per_broadcast",
          "nodes_us_per_broadcast", "process_us_per_broadcast", "p99_ms", "max_ms"]
COLOURS = {"classic": "#c0504d", "sharded": "#4f81bd"}


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    pairs = defaultdict(list)  # nodes -> [(classic, sharded)]
    for previous, row in zip(rows, rows[1:]):
        if previous["adapter"] == "classic" and row["adapter"] == "sharded" and previous["nodes"] == row["nodes"]:
            pairs[int(row["nodes"])].append((previous, row))
    return rows, pairs


def ratio_table(pairs):
    print("| nodes | " + " | ".join(RATIOS) + " |")
    print("|---" * (len(RATIOS) + 1) + "|")
    for nodes in sorted(pairs):
        cells = []
        for field in RATIOS:
            ratios = [float(s[field]) / float(c[field]) for c, s in pairs[nodes] if float(c[field]) > 0]
            cells.append("–".join(f"{r:.2f}" for r in sorted(ratios)) if ratios else "-")
        print(f"| {nodes} | " + " | ".join(cells) + " |")


def panel(x0, y0, width, height, field, title, rows):
    nodes = sorted({int(r["nodes"]) for r in rows})
    values = defaultdict(list)
    for r in rows:
        values[(int(r["nodes"]), r["adapter"])].append(float(r[field]))
    top = max((max(v) for v in values.values()), default=1) * 1.15 or 1
    out = [f'<text x="{x0 + width / 2}" y="{y0 - 8}" text-anchor="middle" font-size="13">{title}</text>',
           f'<line x1="{x0}" y1="{y0 + height}" x2="{x0 + width}" y2="{y0 + height}" stroke="black"/>',
           f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + height}" stroke="black"/>']
    for tick in range(5):
        value = top * tick / 4
        y = y0 + height - height * tick / 4
        out.append(f'<text x="{x0 - 4}" y="{y + 4}" text-anchor="end" font-size="10">{value:.3g}</text>')
    group = width / len(nodes)
    bar = group / 3.2
    for i, n in enumerate(nodes):
        cx = x0 + group * (i + 0.5)
        out.append(f'<text x="{cx}" y="{y0 + height + 14}" text-anchor="middle" font-size="11">N = {n}</text>')
        for j, adapter in enumerate(["classic", "sharded"]):
            samples = values.get((n, adapter), [])
            if not samples:
                continue
            x = cx - bar + j * bar
            mean = sum(samples) / len(samples)
            h = height * mean / top
            out.append(f'<rect x="{x + 2}" y="{y0 + height - h}" width="{bar - 4}" height="{h}" '
                       f'fill="{COLOURS[adapter]}"/>')
            for s in samples:  # each run, so that the noise shows
                y = y0 + height - height * s / top
                out.append(f'<line x1="{x + 4}" y1="{y}" x2="{x + bar - 4}" y2="{y}" stroke="black"/>')
    return out


def svg(rows, path):
    width, height = 900, 620
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">',
             '<rect width="100%" height="100%" fill="white"/>']
    for k, (field, title) in enumerate(PANELS):
        x0 = 70 + (k % 2) * 440
        y0 = 50 + (k // 2) * 290
        parts += panel(x0, y0, 360, 210, field, title, rows)
    parts.append(f'<rect x="{width - 250}" y="{height - 22}" width="12" height="12" fill="{COLOURS["classic"]}"/>'
                 f'<text x="{width - 233}" y="{height - 12}" font-size="12">classic</text>'
                 f'<rect x="{width - 160}" y="{height - 22}" width="12" height="12" fill="{COLOURS["sharded"]}"/>'
                 f'<text x="{width - 143}" y="{height - 12}" font-size="12">sharded (bars: mean; lines: each run)</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    rows, pairs = load(sys.argv[1])
    ratio_table(pairs)
    if len(sys.argv) > 2:
        svg(rows, sys.argv[2])
