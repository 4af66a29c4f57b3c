#!/usr/bin/env python3
"""Finds the ids the benchmark needs through the API itself, and prints them as shell
assignments: bench/run evals the output.  Usage: discover.py BASE_URL DEEP_PAGES"""
import json
import sys
import urllib.request
from datetime import datetime, timezone

BASE = sys.argv[1]
DEEP = int(sys.argv[2]) if len(sys.argv) > 2 else 50
PASSWORD = "buurt-demo-2026"


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def login(email):
    return call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})


def say(name, value):
    print(f"{name}='{value}'")


resident = login("bewoner@example.nl")
token, me = resident["access_token"], resident["user"]["id"]
mine = call("GET", "/v1/me/memberships", token)["items"]
nb = mine[0]["neighbourhood"]["id"]
say("NB_ID", nb)
say("NB_NAME", mine[0]["neighbourhood"]["name"])
say("RESIDENT_ID", me)

# The feed: the first page, then follow next_cursor up to DEEP pages.
page = call("GET", f"/v1/neighbourhoods/{nb}/posts", token)
say("POST_ID", page["items"][0]["id"])
cursor, depth, total = None, 1, len(page["items"])
while page.get("next_cursor") and depth < DEEP:
    cursor = page["next_cursor"]
    page = call("GET", f"/v1/neighbourhoods/{nb}/posts?cursor={cursor}", token)
    depth += 1
    total += len(page["items"])
say("DEEP_CURSOR", cursor or "")
say("DEEP_PAGE", depth)
say("FEED_POSTS_SEEN", total)

# A request of the resident's own (suggestions are for its author), open if there is one.
best = None
cursor = None
while True:
    q = f"/v1/neighbourhoods/{nb}/posts?kind=request&limit=100"
    if cursor:
        q += f"&cursor={cursor}"
    page = call("GET", q, token)
    for post in page["items"]:
        if post["author"]["id"] == me:
            if best is None or (post["status"] == "open" and best["status"] != "open"):
                best = post
    cursor = page.get("next_cursor")
    if not cursor or (best and best["status"] == "open"):
        break
say("REQUEST_ID", best["id"] if best else "")
say("REQUEST_STATUS", best["status"] if best else "")

# An upcoming activity in the neighbourhood (RSVP).
now = datetime.now(timezone.utc)
activity = None
cursor = None
while activity is None:
    q = f"/v1/neighbourhoods/{nb}/posts?kind=activity&limit=100"
    if cursor:
        q += f"&cursor={cursor}"
    page = call("GET", q, token)
    for post in page["items"]:
        starts = datetime.fromisoformat(post["activity"]["starts_at"].replace("Z", "+00:00"))
        if starts > now:
            activity = post
    cursor = page.get("next_cursor")
    if not cursor:
        break
say("ACTIVITY_ID", activity["id"] if activity else "")
