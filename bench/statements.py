#!/usr/bin/env python3
"""Reads PostgreSQL log lines written with log_min_duration_statement = 0 (stdin) and prints
every statement with its parameters filled in, one per block, marked by the request it belongs
to (bench/explain sends a `SELECT 'mark:<name>'` before each request).

Usage: statements.py DATABASE < log-slice   (only lines of that database are read)"""
import re
import sys

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
    sql = re.sub(r"\$(\d+)\b", lambda p: params.get(int(p.group(1)), p.group(0)), sql)
    out.append(sql)

for sql in out:
    mark = re.match(r"SELECT 'mark:(.*)'", sql)
    if mark:
        print(f"\n-- ===== {mark.group(1)}")
    elif sql.upper() not in ("BEGIN", "COMMIT", "ROLLBACK") and not sql.startswith("SET "):
        print(sql.rstrip(";") + ";")
    else:
        print(f"-- {sql}")
