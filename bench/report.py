#!/usr/bin/env python3
"""Writes report.md of one bench/run: the header lines, then issue 22's targets (each ratio
taken within this run, with the target and whether it is met), memory against its targets,
then the table of every scenario.

    report.py OUT_DIR

Reads OUT_DIR/header.md, OUT_DIR/metrics.txt (key=value lines bench/run appends),
OUT_DIR/scenarios.md and the oha JSON files named there. Every figure is read from this run's
files: nothing is carried over from another run.
"""
import json
import os
import statistics
import sys

out = sys.argv[1]
metrics = {}
with open(os.path.join(out, "metrics.txt")) as f:
    for line in f:
        if "=" in line:
            key, value = line.rstrip("\n").split("=", 1)
            metrics[key] = value


def oha(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def rps(d):
    return d["summary"]["requestsPerSec"] if d else None


def pct(d, key):
    if not d:
        return None
    value = d.get("latencyPercentiles", {}).get(key)
    return value * 1000 if value is not None else None


def num(key):
    try:
        return float(metrics[key])
    except (KeyError, ValueError):
        return None


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def verdict(ok, *runs):
    # A target read from runs that were partly refused (429, 5xx) measures the refusal.
    refused = sum(non2xx(d) for d in runs if d)
    if refused:
        return f"**no figure: {refused} non-2xx answers**"
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def non2xx(d):
    return sum(v for k, v in d.get("statusCodeDistribution", {}).items() if not str(k).startswith("2"))


backend = metrics.get("backend", "?")
rows = []  # target, measured, goal, met

# SQLite: the feed against the same server's /health/live, same concurrency, same run.
c = metrics.get("ratio_concurrency", "32")
feed_c, live_c = oha(f"feed-first.c{c}"), oha(f"health-live.c{c}")
if feed_c and live_c:
    ratio = rps(feed_c) / rps(live_c)
    rows.append((
        f"feed first page ÷ `/health/live`, closed loop, {c} connections",
        f"{rps(feed_c):,.0f} ÷ {rps(live_c):,.0f} req/s = **{ratio:.3f}×**",
        "≥ 0.15× (SQLite)",
        verdict(ratio >= 0.15, feed_c, live_c) if backend == "sqlite" else "– (target is SQLite's)",
    ))

ceiling = num("ceiling_qps")
feed16 = oha("feed-first.closed")
if ceiling:
    measured = f"{ceiling:,.0f} queries/s ({metrics.get('ceiling_threads', '?')} threads, `list_feed` in a loop)"
    if feed16:
        measured += f"; feed {rps(feed16):,.0f} req/s (c={metrics.get('concurrency')}) = **{rps(feed16) / ceiling:.3f}×** of it"
    if feed_c:
        measured += f"; at c={c}: {rps(feed_c) / ceiling:.3f}×"
    rows.append(("the feed's SQL alone, the database's ceiling", measured, "reported (no target)", "–"))

tps = num("pgbench_tps")
if tps:
    ratio = rps(feed16) / tps if feed16 else None
    rows.append((
        f"feed first page ÷ pgbench on the feed's SQL ({metrics.get('pgbench_script', '?')}), "
        f"{metrics.get('concurrency')} connections",
        f"{fmt(rps(feed16), 0)} req/s ÷ {tps:,.0f} tps = **{fmt(ratio, 3)}×**",
        "≥ 0.4× (PostgreSQL)",
        verdict(ratio >= 0.4 if ratio is not None else None, feed16),
    ))

if feed16:
    rows.append((
        "feed first page p50, closed loop (compare nl with demo: `summarize.py --compare`)",
        f"{fmt(pct(feed16, 'p50'))} ms at {rps(feed16):,.0f} req/s",
        "nl ≤ 1.3× demo",
        "– (needs two runs)",
    ))

opens = [oha(f"feed-first.open{i}") for i in range(1, 10)]
opens = [d for d in opens if d]
if opens:
    p99s = [pct(d, "p99") for d in opens]
    med = statistics.median(p99s)
    rows.append((
        f"feed p99 at 80% of peak ({metrics.get('feed_open_rate', '?')} req/s, open loop), median of {len(opens)}",
        f"**{med:.1f} ms** (runs: {', '.join(f'{v:.1f}' for v in p99s)})",
        "< 20 ms",
        verdict(med < 20, *opens),
    ))

for name, label, goal, which in (
    ("suggestions", "suggestions p99 under load (open loop, 80% of peak)", 50, "open"),
    ("create-post", "create post p99 under load (open loop, 80% of peak)", 30, "open"),
    ("stats", "municipality stats, a year by week, p99", 100, "closed"),
):
    d = oha(f"{name}.{which}")
    if not d:
        continue
    p99 = pct(d, "p99")
    extra = ""
    if name == "stats":
        extra = (f" with {metrics.get('concurrency')} in parallel (closed loop), "
                 f"{metrics.get('stats_municipality', '?')}: {metrics.get('stats_neighbourhoods', '?')} neighbourhoods")
        if int(metrics.get("stats_neighbourhoods", "0") or 0) < 90:
            extra += " (**not the target's ~100**: this data has no bigger municipality)"
    rows.append((label + extra, f"{fmt(p99)} ms at {rps(d):,.0f} req/s", f"< {goal} ms", verdict(p99 is not None and p99 < goal, d)))

lines = [open(os.path.join(out, "header.md")).read().rstrip("\n"), ""]
lines += ["## Targets of issue 22 (ratios within this run)", ""]
lines += ["| target | measured | goal | |", "| --- | --- | --- | --- |"]
lines += [f"| {a} | {b} | {g} | {m} |" for a, b, g, m in rows]

# Memory: VmRSS (and the peak VmHWM) of the server at each phase.
MIB = 1024
mem = []
idle = num("mem_idle")


def mem_row(label, key, limit, note=""):
    value = num(key)
    if value is None:
        return
    ok = value / MIB <= limit
    mem.append((label, f"{value / MIB:.1f}", f"≤ {limit} MiB" + note, verdict(ok)))


if idle is not None:
    mem.append(("idle (after start and discovery)", f"{idle / MIB:.1f}", "reference", "–"))
mem_row("during the feed's closed-loop runs (highest VmRSS sampled)", "mem_feed", 64)
mem_row(f"during {metrics.get('mem_logins_n', '1,000')} logins, {metrics.get('mem_logins_c', '64')} at once (highest sampled)", "mem_logins", 256, f"; answers {metrics.get('mem_logins_codes', '?')}")
mem_row("right after the logins", "mem_logins_after", 256)
mem_row(f"during {metrics.get('mem_stats_n', '64')} parallel stats requests ({metrics.get('stats_municipality', '?')}, a year by week; highest sampled)", "mem_stats", 256, f"; answers {metrics.get('mem_stats_codes', '?')}")
mem_row(f"with {metrics.get('mem_conns_n', '2000')} idle keep-alive connections open", "mem_conns", 256, f"; {metrics.get('mem_conns_note', '')}")
later = num("mem_later")
if later is not None and idle:
    mem.append((
        f"idle, {metrics.get('mem_later_wait', '60')} s after the last phase",
        f"{later / MIB:.1f}",
        f"within 10% of idle (≤ {idle * 1.1 / MIB:.1f} MiB)",
        verdict(later <= idle * 1.1),
    ))
hwm = num("mem_hwm")
if hwm is not None:
    mem.append(("peak over the whole run (VmHWM)", f"{hwm / MIB:.1f}", "≤ 256 MiB", verdict(hwm / MIB <= 256)))
if mem:
    lines += ["", "## Memory (server RSS)", "", "| phase | MiB | target | |", "| --- | ---: | --- | --- |"]
    lines += [f"| {a} | {b} | {g} | {m} |" for a, b, g, m in mem]

lines += ["", "## Every run", ""]
lines.append(open(os.path.join(out, "scenarios.md")).read().rstrip("\n"))
with open(os.path.join(out, "report.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
