#!/usr/bin/env python3
"""Reads one oha JSON result and prints a Markdown table row (or the peak rate with --rps).
Usage: summarize.py FILE.json SCENARIO MODE RSS_KIB  |  summarize.py --rps FILE.json
       summarize.py --compare NL_DIR DEMO_DIR   (issue 22: feed p50 on nl within 1.3× of demo)"""
import json
import os
import statistics
import sys

if sys.argv[1] == "--compare":
    # The feed's first page in two bench/run result directories: p50 closed loop, and the
    # median of the open-loop runs' p50 (each at 80% of its own peak).
    a, b = sys.argv[2], sys.argv[3]

    def p50s(directory):
        def load(name):
            path = os.path.join(directory, name + ".json")
            return json.load(open(path)) if os.path.exists(path) else None

        closed = load("feed-first.closed")
        opens = [d for d in (load(f"feed-first.open{i}") for i in range(1, 10)) if d]
        opens = opens or [d for d in [load("feed-first.open")] if d]
        ms = lambda d: d["latencyPercentiles"]["p50"] * 1000
        return (ms(closed) if closed else None,
                statistics.median(ms(d) for d in opens) if opens else None)

    first, second = p50s(a), p50s(b)
    print(f"| feed first page p50 | {a} | {b} | ratio | target ≤ 1.3× |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, x, y in (("closed loop", first[0], second[0]),
                        ("open loop at 80% (median of runs)", first[1], second[1])):
        if x is None or y is None:
            print(f"| {label} | {x} | {y} | – | – |")
            continue
        ratio = x / y
        print(f"| {label} | {x:.1f} ms | {y:.1f} ms | {ratio:.2f}× | "
              f"{'**met**' if ratio <= 1.3 else '**not met**'} |")
    sys.exit(0)

if sys.argv[1] == "--rps":
    d = json.load(open(sys.argv[2]))
    print(f"{d['summary']['requestsPerSec']:.1f}")
    sys.exit(0)

path, scenario, mode, rss = sys.argv[1:5]
d = json.load(open(path))
s = d["summary"]
p = d.get("latencyPercentiles", {})
codes = {str(k): v for k, v in d.get("statusCodeDistribution", {}).items()}
ok = sum(v for k, v in codes.items() if k.startswith("2"))
non2xx = sum(v for k, v in codes.items() if not k.startswith("2"))
# oha cuts the requests in flight when -z runs out: those are not errors of the server.
errors = sum(v for k, v in d.get("errorDistribution", {}).items() if k != "aborted due to deadline")
ms = lambda key: f"{p[key] * 1000:.1f}" if p.get(key) is not None else "–"
other = ",".join(f"{k}:{v}" for k, v in sorted(codes.items()) if not k.startswith("2"))
print(
    f"| {scenario} | {mode} | {s['requestsPerSec']:.0f} | {ok} | {ms('p50')} | {ms('p99')} | "
    f"{ms('p99.9')} | {non2xx}{' (' + other + ')' if other else ''} | {errors} | "
    f"{int(rss) / 1024:.1f} |"
)
