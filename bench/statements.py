#!/usr/bin/env python3
"""Reads PostgreSQL log lines written with log_min_duration_statement = 0 (stdin) and prints
every statement with its parameters filled in, one per block, marked by the request it belongs
to (bench/explain sends a `SELECT 'mark:<name>'` before each request).

Usage: statements.py DATABASE < log-slice   (only lines of that database are read)
       statements.py --pgbench MARK OUT.sql DATABASE < log-slice

With --pgbench, the feed statement of the request marked MARK (the SELECT from "posts" ordered
by "created_at", as diesel sent it) is written to OUT.sql for pgbench, its `$n` parameters as
`:pn` variables, and the values are printed one `-Dpn=value` argument a line: with
`pgbench -M prepared` they are bound as parameters again, as diesel binds them. So the script
pgbench runs is exactly the statement the server sends now, whatever the feed query becomes.
Exits 1 when no such statement is found."""
import re
import sys

pgbench = None
if sys.argv[1] == "--pgbench":
    pgbench = (sys.argv[2], sys.argv[3])
    del sys.argv[1:4]
db = sys.argv[1]
head = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\S*)@(\S*) (LOG|DETAIL|ERROR|STATEMENT):  (.*)$")
entries = []  # [pid, kind, text]
for line in sys.stdin:
    line = line.rstrip("\n")
    m = head.match(line)
    if m:
        pid, _user, database, kind, text = m.groups()
        entries.append([pid, kind, text, database])
    elif entries and line.startswith("\t"):
        entries[-1][2] += "\n" + line[1:]
    elif entries and entries[-1][1] in ("LOG", "DETAIL"):
        entries[-1][2] += "\n" + line

stmt_re = re.compile(r"duration: [\d.]+ ms  (?:execute [^:]*|statement): (.*)", re.S)
param_re = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
out = []
raw = []  # (sql with $n, {n: quoted value})
for i, (pid, kind, text, database) in enumerate(entries):
    if database != db or kind != "LOG":
        continue
    m = stmt_re.match(text)
    if not m:
        continue
    sql = m.group(1).strip()
    params = {}
    if i + 1 < len(entries) and entries[i + 1][1] == "DETAIL" and entries[i + 1][0] == pid:
        detail = entries[i + 1][2]
        if detail.startswith("parameters:"):
            params = {int(n): v for n, v in param_re.findall(detail)}
    raw.append((sql, params))
    sql = re.sub(r"\$(\d+)\b", lambda p: params.get(int(p.group(1)), p.group(0)), sql)
    out.append(sql)

if pgbench:
    mark, path = pgbench
    block = None
    feed = None
    for sql, params in raw:
        found = re.match(r"SELECT 'mark:(.*)'", sql)
        if found:
            block = found.group(1)
        elif block == mark and re.search(r'FROM \(*"posts"', sql) and re.search(
            r'ORDER BY "posts"."created_at" DESC', sql
        ):
            feed = (sql, params)
    if feed is None:
        sys.exit(f"statements.py: no feed statement logged for the request marked {mark}")
    sql, params = feed
    values = {}
    for n, value in params.items():
        if value == "NULL":
            sys.exit(f"statements.py: parameter ${n} is NULL, which pgbench cannot bind")
        values[n] = value[1:-1].replace("''", "'")
    script = re.sub(r"\$(\d+)\b", lambda p: f":p{p.group(1)}", sql).rstrip(";")
    with open(path, "w") as f:
        f.write(
            f"-- The feed statement the server sent for the request marked {mark}, captured from\n"
            "-- PostgreSQL's statement log by bench/run (bench/statements.py --pgbench); run with\n"
            "-- `pgbench -M prepared` and the -D values beside it, bound as diesel binds them.\n"
            f"{script};\n"
        )
    for n in sorted(values):
        print(f"-Dp{n}={values[n]}")
    sys.exit(0)

for sql in out:
    mark = re.match(r"SELECT 'mark:(.*)'", sql)
    if mark:
        print(f"\n-- ===== {mark.group(1)}")
    elif sql.upper() not in ("BEGIN", "COMMIT", "ROLLBACK") and not sql.startswith("SET "):
        print(sql.rstrip(";") + ";")
    else:
        print(f"-- {sql}")
