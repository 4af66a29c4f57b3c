#!/usr/bin/env python3
"""Reads one oha JSON result and prints a Markdown table row (or the peak rate with --rps).
Usage: summarize.py FILE.json SCENARIO MODE RSS_KIB  |  summarize.py --rps FILE.json"""
import json
import sys

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
