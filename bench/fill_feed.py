#!/usr/bin/env python3
"""Grows one neighbourhood of a seeded SQLite file to N posts (issue 22's SQLite shape: one
neighbourhood with 3,000 posts), before the server starts.

    fill_feed.py DB_PATH NEIGHBOURHOOD_ID N

Copies the neighbourhood's own posts round-robin (same authors, kinds, texts, visibility and
hidden flags, so the feed's mix stays the seed's), each copy with a new id and its dates moved
back by whole days (copy k of a post: k × 3 days earlier), so the newest page is still the
seed's and the copies fill the pages behind it. The full-text index follows through the
posts' triggers. Prints how many posts the neighbourhood had and has.
"""
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta

path, nb, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(path)
columns = [row[1] for row in db.execute("PRAGMA table_info(posts)")]
have = db.execute("SELECT count(*) FROM posts WHERE neighbourhood_id = ?", (nb,)).fetchone()[0]
if have == 0:
    sys.exit(f"fill_feed.py: neighbourhood {nb} has no posts to copy")
originals = db.execute(
    f"SELECT {', '.join(columns)} FROM posts WHERE neighbourhood_id = ? ORDER BY created_at DESC, id DESC",
    (nb,),
).fetchall()
DATES = {"created_at", "updated_at", "expires_at", "expiry_warned_at", "starts_at", "ends_at"}


def shift(value, days):
    if value is None or not isinstance(value, str):
        return value
    moved = datetime.fromisoformat(value) - timedelta(days=days)
    text = moved.isoformat(sep=value[10] if len(value) > 10 else " ")
    # Keep the stored precision (diesel writes microseconds when there are any).
    if "." not in value and "." in text:
        text = text.split(".")[0]
    elif "." in value and "." not in text:
        text += ".000000"
    return text


rows = []
for n in range(max(0, target - have)):
    original = originals[n % len(originals)]
    copy = n // len(originals) + 1
    row = []
    for name, value in zip(columns, original):
        if name == "id":
            value = str(uuid.uuid4())
        elif name == "seq":
            value = None  # a new rowid, which the full-text triggers index
        elif name in DATES:
            value = shift(value, 3 * copy)
        row.append(value)
    rows.append(row)
with db:
    db.executemany(
        f"INSERT INTO posts ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows
    )
    db.execute("ANALYZE posts")
now = db.execute("SELECT count(*) FROM posts WHERE neighbourhood_id = ?", (nb,)).fetchone()[0]
print(f"{have} {now}")
